/**
 * Limits on the files stackctl reads from a project (compose files, `extends` targets, the stack files,
 * env files, `.stackctl/driftignore`), so hostile or broken input fails fast with a message naming the
 * file instead of exhausting memory.
 *
 * Two guards, both applied before any of our own code walks the input:
 * - a byte-size cap per file, checked on the file's size before it is read (and again on what was read,
 *   in case it grew), so a huge file is never loaded whole;
 * - an alias cap on YAML, enforced by the `yaml` library itself (`maxAliasCount`, see
 *   {@link yamlAliasProblem}): a "billion laughs" document of a few hundred bytes whose aliases expand to
 *   gigabytes is refused before anything expands it.
 *
 * @module
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { Document } from 'yaml';

const KIB = 1024;
const MIB = 1024 * KIB;

/**
 * Largest compose file (the entry file and every `extends` file): 1 MiB. Real compose files are a few
 * KiB, the largest public ones a few hundred; a rendered task definition must fit AWS's 64 KiB anyway,
 * so a file above 1 MiB is a mistake or an attack, never an app.
 */
export const MAX_COMPOSE_FILE_BYTES = 1 * MIB;

/**
 * Largest stack file (`.stackctl/<stack>.yaml`): 256 KiB. A stack file holds sizes, domains and a few
 * overrides per service (the `init` template is ~3 KiB); 256 KiB leaves room for a hundred services.
 */
export const MAX_STACK_FILE_BYTES = 256 * KIB;

/**
 * Largest env file (the project `.env` and every `env_file:`): 256 KiB. Every variable of an `env_file`
 * ends up in a task definition AWS caps at 64 KiB; the project `.env` may hold other tools' settings,
 * hence the margin.
 */
export const MAX_ENV_FILE_BYTES = 256 * KIB;

/** Largest `.stackctl/driftignore`: 64 KiB, a few hundred rules. */
export const MAX_DRIFTIGNORE_FILE_BYTES = 64 * KIB;

/**
 * The `yaml` library's `maxAliasCount` for every YAML file stackctl reads: 100, the library's own
 * default. It bounds how many times one anchor's content may be repeated through aliases (counting
 * aliases nested inside it), so the expanded document stays within about a hundred times its source
 * size. Hand-written compose files use an anchor (`x-defaults: &defaults`, `<<: *defaults`) a handful
 * of times, once per service.
 */
export const MAX_YAML_ALIAS_COUNT = 100;

/** Stable code of a file refused by one of these limits. */
export const INPUT_LIMIT_CODE = 'INPUT_LIMIT_EXCEEDED';

/** What {@link readBoundedTextFile} found. */
export type BoundedRead =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'too-large'; readonly bytes: number; readonly maxBytes: number };

/**
 * Reads `file` as UTF-8 unless it is larger than `maxBytes`, without ever holding more than
 * `maxBytes + 1` bytes of it. File-system errors (ENOENT, EACCES, EISDIR) are thrown as they are, so
 * callers keep their own "does not exist" messages.
 */
export function readBoundedTextFile(file: string, maxBytes: number): BoundedRead {
  const fd = openSync(file, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size > maxBytes) return { kind: 'too-large', bytes: size, maxBytes };
    // Sized to the file plus one byte, never to the cap: a fleet reads a stack file per stack per pass.
    // The buffer grows (up to one byte more than allowed) only for a file that grew after fstat.
    let buffer = Buffer.allocUnsafe(size + 1);
    let read = 0;
    for (;;) {
      if (read === buffer.length) {
        const grown = Buffer.allocUnsafe(Math.min(buffer.length * 2, maxBytes + 1));
        buffer.copy(grown, 0, 0, read);
        buffer = grown;
      }
      const n = readSync(fd, buffer, read, buffer.length - read, null);
      if (n === 0) break;
      read += n;
      if (read > maxBytes) return { kind: 'too-large', bytes: read, maxBytes };
    }
    return { kind: 'text', text: buffer.toString('utf8', 0, read) };
  } finally {
    closeSync(fd);
  }
}

/** Human form of a byte count: `1 MiB`, `256 KiB`, `5.2 MiB`, `300 bytes`. */
export function formatBytes(bytes: number): string {
  if (bytes >= MIB) return `${Number((bytes / MIB).toFixed(1))} MiB`;
  if (bytes >= KIB) return `${Number((bytes / KIB).toFixed(1))} KiB`;
  return `${bytes} bytes`;
}

/** The message for a file over its cap: names the file, its size and the limit. */
export function tooLargeMessage(
  what: string,
  file: string,
  read: { bytes: number; maxBytes: number },
): string {
  return `${what} ${file} is ${formatBytes(read.bytes)}, larger than the ${formatBytes(read.maxBytes)} stackctl reads; is it the right file?`;
}

/**
 * Why a parsed YAML document must be refused for its aliases, or `undefined` when it is fine. Runs the
 * `yaml` library's own alias accounting (`toJS` with `maxAliasCount`), which throws as soon as the count
 * is exceeded, before expanding anything large. Call it on a document without syntax errors, before
 * walking the document in any way that follows aliases.
 */
export function yamlAliasProblem(
  doc: Document.Parsed,
  maxAliasCount = MAX_YAML_ALIAS_COUNT,
): string | undefined {
  try {
    doc.toJS({ maxAliasCount });
    return undefined;
  } catch (err) {
    // Anything else `toJS` refuses (a `<<` merge of a scalar, an alias before its anchor) makes the file
    // invalid too; reporting it here keeps the walk that follows from ever seeing it.
    const message = err instanceof Error ? err.message : String(err);
    if (/excessive alias count/i.test(message)) {
      return `YAML aliases expand too far (an anchor is repeated more than ${maxAliasCount} times, counting aliases inside aliases); refusing the file as a possible "billion laughs" document`;
    }
    return `YAML: ${message}`;
  }
}
