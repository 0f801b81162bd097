#!/usr/bin/env node
// Runs the built CLI when `npm run build` has produced dist/, else the TypeScript sources through tsx.
import { existsSync } from 'node:fs';

// stackctl supports Node 20 (package.json engines) and pins its SDK versions in the lockfile; the SDK's
// notice about future releases needing Node 22 is not actionable for a user of this CLI.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const dist = new URL('../dist/cli/main.js', import.meta.url);
const mod = existsSync(dist)
  ? await import(dist.href)
  : await (async () => {
      const { register } = await import('tsx/esm/api');
      register();
      return import(new URL('../src/cli/main.ts', import.meta.url).href);
    })();
process.exitCode = await mod.run(process.argv.slice(2));
