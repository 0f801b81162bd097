/**
 * Finding the stacks of a project: one `.stackctl/<stack>.y(a)ml` per stack.
 *
 * @module
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { StackctlError } from '../../errors.js';
import { STACK_ERROR_CODES } from './errors.js';
import { STACK_FILE_EXTENSIONS, stackNameOf } from './load-stack-file.js';

/** A stack file found on disk. */
export interface StackFileEntry {
  readonly stack: string;
  /** Path of the file (`dir` joined with its name). */
  readonly file: string;
}

/**
 * The stack files in `dir` (the `.stackctl` directory), sorted by stack name. A missing directory
 * means no stacks yet. Names are not validated here: `loadStackFile` reports a bad name with its rule.
 *
 * @throws {StackctlError} `STACK_FILE_DUPLICATE` when one stack has both a `.yaml` and a `.yml` file,
 * since silently picking one would deploy a file the user may not be editing.
 */
export function listStackFiles(dir: string): readonly StackFileEntry[] {
  let names: string[];
  try {
    names = readdirSync(dir, { withFileTypes: true })
      .filter(
        (d) =>
          d.isFile() &&
          !d.name.startsWith('.') &&
          (STACK_FILE_EXTENSIONS as readonly string[]).some((ext) => d.name.endsWith(ext)),
      )
      .map((d) => d.name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const byStack = new Map<string, string>();
  for (const name of names.sort()) {
    const stack = stackNameOf(name);
    const earlier = byStack.get(stack);
    if (earlier !== undefined) {
      throw new StackctlError(
        STACK_ERROR_CODES.duplicateStack,
        `stack "${stack}" has two files, ${earlier} and ${name}, in ${dir}; keep one`,
        { location: { file: join(dir, name) } },
      );
    }
    byStack.set(stack, name);
  }
  return [...byStack.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([stack, name]) => ({ stack, file: join(dir, name) }));
}
