#!/usr/bin/env node
// The `stackctl` command. An installed package (npm pack / npm install -g, the Docker image) ships the
// compiled dist/ and production dependencies only, so it runs dist/cli/main.js. A source checkout (src/
// present) runs the TypeScript sources through tsx, a dev dependency, so a dist/ left behind by an earlier
// build or `npm pack` never shadows the code being edited.
import { existsSync } from 'node:fs';

// stackctl requires Node 22 (package.json engines; npm already warns at install on an older Node). The
// SDK's own notice about Node versions would repeat that on every command, so it is silenced.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const sources = new URL('../src/cli/main.ts', import.meta.url);
const dist = new URL('../dist/cli/main.js', import.meta.url);

async function loadSources() {
  const { register } = await import('tsx/esm/api').catch((cause) => {
    throw new Error('stackctl: running from a source checkout needs the dev dependencies: run `npm ci`.', {
      cause,
    });
  });
  register();
  return import(sources.href);
}

const mod = existsSync(sources) ? await loadSources() : await import(dist.href);
process.exitCode = await mod.run(process.argv.slice(2));
