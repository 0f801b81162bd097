/**
 * The CLI's version, read from package.json so `stackctl --version` can never disagree with the
 * published package.
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package's name in its package.json: the file to find when walking up from this module. */
const PACKAGE_NAME = 'stackctl';

/** Folders walked up at most: src/cli, dist/cli and a build cache below node_modules all fit. */
const MAX_LEVELS = 6;

let cached: string | undefined;

/**
 * The `version` field of stackctl's package.json, found by walking up from this module (it runs from
 * src/cli/, dist/cli/ or a build cache such as node_modules/.cache/…): `unknown` when none is found,
 * never an error, so a missing file cannot stop a command.
 */
export function stackctlVersion(): string {
  if (cached !== undefined) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let level = 0; level < MAX_LEVELS; level++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
        name?: unknown;
        version?: unknown;
      };
      if (pkg.name === PACKAGE_NAME && typeof pkg.version === 'string') {
        cached = pkg.version;
        return cached;
      }
    } catch {
      // no package.json here (or not readable): keep walking up
    }
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  cached = 'unknown';
  return cached;
}
