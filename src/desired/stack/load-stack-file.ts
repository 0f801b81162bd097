/**
 * Reading `.stackctl/<stack>.yaml`: YAML with positions, schema validation, secret refusal.
 *
 * The stack file is the committed, reviewable description of one stack, so it is strict: every problem
 * (syntax, unknown key, wrong type, bad unit, secret) is reported with file, line, column and field path,
 * all at once, before anything else runs.
 *
 * @module
 */
import { basename, extname } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { ContentCache, contentKey } from '../content-cache.js';
import {
  type BoundedRead,
  INPUT_LIMIT_CODE,
  MAX_STACK_FILE_BYTES,
  readBoundedTextFile,
  tooLargeMessage,
  yamlAliasProblem,
} from '../input-limits.js';
import type { StackFile } from '../stack-types.js';
import {
  SecretInStackFileError,
  STACK_ERROR_CODES,
  StackFileError,
  StackFileReadError,
  type StackProblem,
} from './errors.js';
import { stackNameProblem } from './patterns.js';
import { readStackFileContent } from './schema.js';
import { locateOffset, type ReadContext } from './yaml-reader.js';

/** Stack files whose parse is kept (a fleet of this many stacks parses each file once per process). */
export const MAX_CACHED_STACK_FILES = 4096;

/** Extensions a stack file may have. */
export const STACK_FILE_EXTENSIONS = ['.yaml', '.yml'] as const;

/** The stack name a file stands for: its base name without `.yaml` / `.yml`. */
export function stackNameOf(file: string): string {
  const ext = extname(file);
  const base = basename(file);
  return (STACK_FILE_EXTENSIONS as readonly string[]).includes(ext) ? base.slice(0, -ext.length) : base;
}

const byPosition = (a: StackProblem, b: StackProblem): number =>
  (a.location.line ?? 0) - (b.location.line ?? 0) || (a.location.column ?? 0) - (b.location.column ?? 0);

function fail(file: string, unsorted: readonly StackProblem[]): never {
  const problems = [...unsorted].sort(byPosition);
  if (problems.some((p) => p.code === STACK_ERROR_CODES.secretInStackFile)) {
    throw new SecretInStackFileError(file, problems);
  }
  throw new StackFileError(file, problems);
}

function failTooLarge(file: string, size: { bytes: number; maxBytes: number }): never {
  fail(file, [
    {
      code: INPUT_LIMIT_CODE,
      message: tooLargeMessage('stack file', file, size),
      location: { file },
      field: '',
    },
  ]);
}

/**
 * Parses and validates YAML text as the stack file `file` (which only names it: nothing is read).
 * Split from {@link loadStackFile} so tests and `stackctl init` can check text without touching disk.
 *
 * @throws {StackFileError} `STACK_FILE_INVALID` with every problem.
 * @throws {SecretInStackFileError} `SECRET_IN_STACK_FILE` when any problem is a secret-looking literal.
 */
export function parseStackFile(file: string, text: string): StackFile {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_STACK_FILE_BYTES) failTooLarge(file, { bytes, maxBytes: MAX_STACK_FILE_BYTES });
  const lineCounter = new LineCounter();
  // prettyErrors off: the pretty form quotes the offending source line, which could hold a secret.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const ctx: ReadContext = { file, doc, lineCounter, problems: [], locations: {} };
  const stack = stackNameOf(file);
  const nameProblem = stackNameProblem(stack);
  if (nameProblem !== undefined) {
    ctx.problems.push({
      code: STACK_ERROR_CODES.fileInvalid,
      message: `the file name must be <stack>.yaml with a valid stack name: ${nameProblem}`,
      location: { file, line: 1, column: 1 },
      field: 'stack',
    });
  }
  for (const error of doc.errors) {
    ctx.problems.push({
      code: STACK_ERROR_CODES.fileInvalid,
      message: `YAML: ${error.message} (${error.code})`,
      location: locateOffset(ctx, error.pos[0]),
      field: '',
    });
  }
  if (doc.errors.length > 0) fail(file, ctx.problems);
  // Before the schema reader follows any alias: a billion-laughs document is refused, not expanded.
  const aliasProblem = yamlAliasProblem(doc);
  if (aliasProblem !== undefined) {
    ctx.problems.push({
      code: STACK_ERROR_CODES.fileInvalid,
      message: aliasProblem,
      location: { file },
      field: '',
    });
    fail(file, ctx.problems);
  }
  if (doc.contents === null) {
    ctx.problems.push({
      code: STACK_ERROR_CODES.fileInvalid,
      message: 'the stack file is empty; it needs at least `region:`',
      location: { file, line: 1, column: 1 },
      field: '',
    });
    fail(file, ctx.problems);
  }
  const content = readStackFileContent(ctx, doc.contents);
  if (ctx.problems.length > 0 || content === undefined) fail(file, ctx.problems);
  return { stack, file, ...content, locations: ctx.locations };
}

/**
 * Loads `.stackctl/<stack>.yaml`. The stack name comes from the file name.
 *
 * @example
 * const sf = loadStackFile('.stackctl/prod.yaml');
 * sf.services.web?.replicas; // 4
 * sf.locations['services.web.replicas']; // { file: '.stackctl/prod.yaml', line: 7, column: 14 }
 * @throws {StackFileReadError} `STACK_FILE_UNREADABLE` when the file cannot be read.
 * @throws {StackFileError} `STACK_FILE_INVALID` / {@link SecretInStackFileError} `SECRET_IN_STACK_FILE`.
 */
export function loadStackFile(file: string): StackFile {
  return loadStackFileKeyed(file).stackFile;
}

/** A stack file and the content key of what it was parsed from (its path and text). */
export interface KeyedStackFile {
  readonly stackFile: StackFile;
  readonly key: string;
}

/**
 * Parsed stack files by path and text. Sized for a fleet: the operator reads every stack's file each
 * resync, and a parse depends on nothing else ({@link parseStackFile} is pure).
 */
const parsedStackFiles = new ContentCache<StackFile>(MAX_CACHED_STACK_FILES);

/**
 * {@link loadStackFile}, also returning the content key of the file (path and text). The file is read
 * every time; only the parse of text seen before is reused. A file with problems is never cached.
 */
export function loadStackFileKeyed(file: string): KeyedStackFile {
  let read: BoundedRead;
  try {
    read = readBoundedTextFile(file, MAX_STACK_FILE_BYTES);
  } catch (cause) {
    throw new StackFileReadError(file, cause);
  }
  if (read.kind === 'too-large') failTooLarge(file, read);
  const key = contentKey([file, read.text]);
  const cached = parsedStackFiles.get(key);
  if (cached !== undefined) return { stackFile: cached, key };
  const stackFile = parseStackFile(file, read.text);
  parsedStackFiles.set(key, stackFile);
  return { stackFile, key };
}

/** Drops every cached stack file parse. */
export function clearParsedStackFileCache(): void {
  parsedStackFiles.clear();
}
