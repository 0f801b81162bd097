#!/usr/bin/env node
// Runs the built CLI when `npm run build` has produced dist/, else the TypeScript sources through tsx.
import { existsSync } from 'node:fs';

const dist = new URL('../dist/cli/main.js', import.meta.url);
const mod = existsSync(dist)
  ? await import(dist.href)
  : await (async () => {
      const { register } = await import('tsx/esm/api');
      register();
      return import(new URL('../src/cli/main.ts', import.meta.url).href);
    })();
process.exitCode = await mod.run(process.argv.slice(2));
