/**
 * A small bounded cache keyed by a hash of everything a result depends on.
 *
 * A fleet's resync loads the same compose file for every stack every few minutes; parsing it again each
 * time was most of the CPU of an in-sync pass. Results are cached only under a key built from the bytes
 * and values they were computed from (never from a file's name or modification time alone), so an edit,
 * a changed variable or a different stack file gives a new key and a fresh computation: the cache can
 * be slower to help, never wrong.
 *
 * @module
 */
import { createHash } from 'node:crypto';

/** Default number of entries a {@link ContentCache} keeps before dropping the least recently used one. */
export const DEFAULT_CONTENT_CACHE_ENTRIES = 64;

/** Separates key parts; parts are length-prefixed as well, so no two part lists share a key. */
const PART_SEPARATOR = '\u0000';

/**
 * The key of a list of parts: a SHA-256 of each part's length and text, in order. `undefined` and `''`
 * differ, so "no .env file" and "an empty .env file" are different inputs.
 *
 * @example contentKey(['compose.yaml', text, undefined]) // 'b5bb9d80…'
 */
export function contentKey(parts: readonly (string | undefined)[]): string {
  const hash = createHash('sha256');
  for (const part of parts) {
    hash.update(part === undefined ? '-' : `${part.length}:`);
    hash.update(part ?? '');
    hash.update(PART_SEPARATOR);
  }
  return hash.digest('hex');
}

/**
 * The key part standing for a map of variables: every name and value, sorted by name, so the same
 * variables in another order give the same key and any added, removed or changed one gives another. A
 * name present with the value `undefined` differs from an absent one (interpolation treats them apart).
 */
export function variablesKeyPart(vars: Readonly<Record<string, string | undefined>>): string {
  const names = Object.keys(vars).sort();
  const out: string[] = [];
  for (const name of names) {
    const value = vars[name];
    out.push(`${name.length}:${name}=${value === undefined ? '-' : `${value.length}:${value}`}`);
  }
  return out.join(PART_SEPARATOR);
}

/**
 * The key part standing for a plain value (options objects): JSON in which every string, number and
 * `undefined` is tagged with its type, so values JSON would merge (`NaN`, `Infinity` and `null`; `1` and
 * `'1'`; a member set to `undefined` and a missing one) stay distinct. Key order counts: the same
 * options written in another order only miss the cache.
 */
export function valueKeyPart(value: unknown): string {
  return (
    JSON.stringify(value, (_key, v: unknown) => {
      if (typeof v === 'string') return `s:${v}`;
      if (typeof v === 'number') return `n:${String(v)}`;
      if (v === undefined) return 'u:';
      return v;
    }) ?? 'u:'
  );
}

/**
 * A least-recently-used map from content key to result. Values must be treated as immutable by every
 * caller: one cached value is handed to every caller whose inputs hash to its key.
 */
export class ContentCache<V> {
  readonly #entries = new Map<string, V>();

  constructor(readonly maxEntries: number = DEFAULT_CONTENT_CACHE_ENTRIES) {}

  /** The value stored under `key`, now the most recently used; `undefined` when absent. */
  get(key: string): V | undefined {
    const value = this.#entries.get(key);
    if (value === undefined) return undefined;
    this.#entries.delete(key);
    this.#entries.set(key, value);
    return value;
  }

  /** Stores `value`, dropping the least recently used entry when full. */
  set(key: string, value: V): void {
    this.#entries.delete(key);
    this.#entries.set(key, value);
    while (this.#entries.size > this.maxEntries) {
      const oldest = this.#entries.keys().next().value as string;
      this.#entries.delete(oldest);
    }
  }

  /** Number of entries held. */
  get size(): number {
    return this.#entries.size;
  }

  /** Drops every entry. */
  clear(): void {
    this.#entries.clear();
  }
}
