/**
 * The located YAML tree every compose stage works on.
 *
 * The `yaml` package's own nodes carry offsets, aliases and merge keys; this tree has them resolved
 * (aliases expanded, `<<` merged) and carries `file:line:column` on every node instead, including the
 * file it came from, so a value merged in by `extends` from another file still points at that file.
 *
 * @module
 */
import type { SourceLocation } from '../../errors.js';

/** Where a node is: always with line and column, since every node comes from a parsed file. */
export interface NodeLocation extends SourceLocation {
  readonly line: number;
  readonly column: number;
}

/**
 * Compose's merge tags: `!reset` removes the value (and whatever an earlier file or `extends` base set
 * there), `!override` replaces it instead of merging. Only merging reads them.
 */
export type MergeTag = 'reset' | 'override';

/** A YAML scalar. `text` is the plain (unquoted) source text, used to keep `1.10` from becoming `1.1`. */
export interface RawScalar {
  readonly kind: 'scalar';
  readonly tag?: MergeTag;
  readonly value: string | number | boolean | null;
  readonly text?: string;
  readonly loc: NodeLocation;
}

/** A YAML sequence. */
export interface RawSeq {
  readonly kind: 'seq';
  readonly tag?: MergeTag;
  readonly items: readonly RawNode[];
  readonly loc: NodeLocation;
}

/** One key of a mapping, with where the key itself is written. */
export interface RawEntry {
  readonly key: string;
  readonly keyLoc: NodeLocation;
  readonly value: RawNode;
}

/** A YAML mapping, keys in file order (merge-key entries after explicit ones). */
export interface RawMap {
  readonly kind: 'map';
  readonly tag?: MergeTag;
  readonly entries: readonly RawEntry[];
  readonly loc: NodeLocation;
}

/** Any node of the located tree. */
export type RawNode = RawScalar | RawSeq | RawMap;

/** The entry for `key`, if the map has it. */
export function entryAt(map: RawMap, key: string): RawEntry | undefined {
  return map.entries.find((e) => e.key === key);
}

/** The value at `key`, if the map has it. */
export function valueAt(map: RawMap, key: string): RawNode | undefined {
  return entryAt(map, key)?.value;
}

/** True for a scalar whose value is YAML null (`key:` or `key: null`). */
export function isNull(node: RawNode | undefined): boolean {
  return node === undefined || (node.kind === 'scalar' && node.value === null);
}

/** A scalar's value as a string: the source text for numbers and booleans, `undefined` for null. */
export function scalarText(node: RawScalar): string | undefined {
  if (node.value === null) return undefined;
  if (typeof node.value === 'string') return node.value;
  return node.text ?? String(node.value);
}

/**
 * The directory relative paths written in a file resolve against. Compose resolves every `-f` file's
 * paths against the project directory (the first file's), an included project's against its own
 * directory, and an `extends` file's against that file's directory.
 */
export type BaseDirOf = (file: string) => string;

/** `parent.key`, or `key` at the root. */
export function fieldPath(parent: string, key: string): string {
  return parent === '' ? key : `${parent}.${key}`;
}

/** `parent[index]`. */
export function indexPath(parent: string, index: number): string {
  return `${parent}[${index}]`;
}

/** A scalar node at `loc`, for values the loader makes up (e.g. list-form `depends_on` turned into a map). */
export function scalarAt(value: string | null, loc: NodeLocation): RawScalar {
  return { kind: 'scalar', value, loc };
}
