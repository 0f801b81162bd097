/**
 * The CLI's version, read from package.json so `stackctl --version` can never disagree with the
 * published package.
 *
 * @module
 */
import { readFileSync } from 'node:fs';

/** package.json, two levels up from src/cli/ and from dist/cli/ alike. */
const PACKAGE_JSON = new URL('../../package.json', import.meta.url);

/** The `version` field of stackctl's package.json. */
export function stackctlVersion(): string {
  const pkg = JSON.parse(readFileSync(PACKAGE_JSON, 'utf8')) as { version?: unknown };
  return typeof pkg.version === 'string' ? pkg.version : 'unknown';
}
