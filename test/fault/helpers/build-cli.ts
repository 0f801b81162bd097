/**
 * Builds the CLI to JavaScript once for the crash suite, into a private directory under
 * `node_modules/.cache/` (so the SDK resolves from the repo's node_modules, and no `dist/` is left in
 * the checkout). A child started from plain JS costs about a second less than one started through tsx,
 * which matters when a sweep starts one per mutating call of a pass.
 *
 * @module
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** A built CLI and how to get rid of it. */
export interface BuiltCli {
  /** `<outDir>/cli/main.js`: runs the CLI when started as a script. */
  readonly mainJs: string;
  remove(): void;
}

/**
 * Compiles `src/` with tsconfig.build.json into a fresh directory. Type errors elsewhere in the tree do
 * not stop the emit (the typecheck is its own gate); a missing entry point does.
 */
export function buildCli(): BuiltCli {
  const outDir = join(REPO_ROOT, 'node_modules', '.cache', `stackctl-kill9-${process.pid}-${Date.now()}`);
  mkdirSync(outDir, { recursive: true });
  const tsc = join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const res = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--outDir', outDir], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
  });
  const mainJs = join(outDir, 'cli', 'main.js');
  if (!existsSync(mainJs)) {
    rmSync(outDir, { recursive: true, force: true });
    throw new Error(`building the CLI failed (exit ${res.status}): ${res.stdout}${res.stderr}`);
  }
  return { mainJs, remove: () => rmSync(outDir, { recursive: true, force: true }) };
}
