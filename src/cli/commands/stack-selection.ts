/**
 * `--stack S | --all` for the read-only day-2 commands (drift, status): which stacks, rendered, plus the
 * project's committed `.stackctl/driftignore`.
 *
 * With `--all` a stack whose file does not load becomes an error entry of the report instead of stopping
 * the others; with `--stack` the error is the command's.
 *
 * @module
 */
import { existsSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import {
  INPUT_LIMIT_CODE,
  MAX_DRIFTIGNORE_FILE_BYTES,
  readBoundedTextFile,
  tooLargeMessage,
} from '../../desired/input-limits.js';
import { findComposeFile, stackDirOf } from '../../desired/load-project.js';
import { listStackFiles } from '../../desired/stack/index.js';
import { type IgnoreRule, parseDriftIgnore } from '../../diff/drift/index.js';
import { wiringEdges } from '../../diff/wiring/index.js';
import { StackctlError } from '../../errors.js';
import type { DriftStackInput } from '../../reconcilers/drift-pass.js';
import { type Flags, UsageError } from '../args.js';
import { describeError, type Io, printWarnings } from '../output.js';
import { projectLocationFromFlags } from './common.js';
import { loadWithDeployedImages } from './deployed-images.js';

/** The ignore file's name inside `.stackctl/`. */
export const DRIFTIGNORE_FILE = 'driftignore';

/** What the selection resolved to. */
export interface SelectedStacks {
  readonly project: string;
  readonly stacks: readonly DriftStackInput[];
  readonly rules: readonly IgnoreRule[];
}

/** Reads and parses `.stackctl/driftignore` next to `composeFile`; no file, no rules. */
export function loadDriftIgnore(composeFile: string): readonly IgnoreRule[] {
  const file = join(stackDirOf(composeFile), DRIFTIGNORE_FILE);
  if (!existsSync(file)) return [];
  const shown = relative(process.cwd(), file) || file;
  const read = readBoundedTextFile(file, MAX_DRIFTIGNORE_FILE_BYTES);
  if (read.kind === 'too-large') {
    throw new StackctlError(INPUT_LIMIT_CODE, tooLargeMessage('drift ignore file', file, read));
  }
  return parseDriftIgnore(read.text, shown.startsWith('..') ? file : shown);
}

/**
 * Resolves `--stack S` or `--all` into rendered stacks, printing render warnings to stderr.
 *
 * @throws UsageError when neither or both are given, or `--all` finds no stack file.
 */
export async function selectStacks(flags: Flags, io: Io): Promise<SelectedStacks> {
  if (flags.all === (flags.stack !== undefined)) {
    throw new UsageError('give either --stack NAME or --all (every .stackctl/*.yaml of the project)');
  }
  const composeFile = findComposeFile(projectLocationFromFlags(flags));
  const rules = loadDriftIgnore(composeFile);
  const names = flags.stack ? [flags.stack] : listStackFiles(stackDirOf(composeFile)).map((s) => s.stack);
  if (names.length === 0) {
    throw new UsageError(
      `no stack files in ${stackDirOf(composeFile)}: create one with \`stackctl init --stack dev\``,
    );
  }
  const stacks: DriftStackInput[] = [];
  let project: string | undefined;
  for (const stack of names) {
    try {
      const loaded = await loadWithDeployedImages(flags, stack);
      printWarnings(io, loaded.resolved.warnings);
      project ??= loaded.desired.project;
      stacks.push({
        stack,
        region: loaded.desired.region,
        desired: loaded.desired,
        edges: wiringEdges(loaded.resolved),
        resolved: loaded.resolved,
      });
    } catch (err) {
      if (!flags.all) throw err;
      stacks.push({ stack, region: flags.region ?? '-', error: describeError(err) });
    }
  }
  return { project: project ?? flags.project ?? basename(dirname(composeFile)), stacks, rules };
}
