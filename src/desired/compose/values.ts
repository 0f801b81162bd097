/**
 * Small typed readers over {@link RawNode}s: each returns the value in the wanted shape, or records an
 * `invalid value` error at the node's line and returns `undefined`, so normalizers stay short.
 *
 * Numbers and booleans are also accepted as strings, because interpolated values are always strings
 * (`published: ${PORT}`), as compose does.
 *
 * @module
 */
import type { Diagnostics } from './diagnostics.js';
import { COMPOSE_PROBLEM, COMPOSE_WARNING } from './errors.js';
import { type RawMap, type RawNode, scalarText } from './raw-node.js';

/** A string (numbers and booleans as written); `undefined` for null or a wrong shape (recorded). */
export function readString(node: RawNode, path: string, diag: Diagnostics): string | undefined {
  if (node.kind === 'scalar') return scalarText(node);
  diag.error(COMPOSE_PROBLEM.invalidValue, `must be a string, not a ${shapeOf(node)}`, node.loc, path);
  return undefined;
}

/** A finite number (or numeric string). */
export function readNumber(node: RawNode, path: string, diag: Diagnostics): number | undefined {
  if (node.kind === 'scalar') {
    if (node.value === null) return undefined;
    const n = typeof node.value === 'number' ? node.value : Number(String(node.value).trim());
    if (typeof node.value !== 'boolean' && String(node.value).trim() !== '' && Number.isFinite(n)) return n;
  }
  diag.error(COMPOSE_PROBLEM.invalidValue, `must be a number, not ${describe(node)}`, node.loc, path);
  return undefined;
}

/** An integer within `[min, max]`. */
export function readInteger(
  node: RawNode,
  path: string,
  diag: Diagnostics,
  range: { readonly min: number; readonly max: number },
): number | undefined {
  const n = readNumber(node, path, diag);
  if (n === undefined) return undefined;
  if (!Number.isInteger(n) || n < range.min || n > range.max) {
    diag.error(
      COMPOSE_PROBLEM.invalidValue,
      `must be a whole number from ${range.min} to ${range.max}, not ${n}`,
      node.loc,
      path,
    );
    return undefined;
  }
  return n;
}

/** A boolean (or `"true"`/`"false"`). */
export function readBoolean(node: RawNode, path: string, diag: Diagnostics): boolean | undefined {
  if (node.kind === 'scalar') {
    if (node.value === null) return undefined;
    if (typeof node.value === 'boolean') return node.value;
    const s = String(node.value).trim().toLowerCase();
    if (s === 'true') return true;
    if (s === 'false') return false;
  }
  diag.error(COMPOSE_PROBLEM.invalidValue, `must be true or false, not ${describe(node)}`, node.loc, path);
  return undefined;
}

/** A list of strings; a single string is a one-item list when `allowSingle` is set. */
export function readStringList(
  node: RawNode,
  path: string,
  diag: Diagnostics,
  allowSingle = false,
): readonly string[] | undefined {
  if (node.kind === 'scalar' && node.value === null) return undefined;
  if (allowSingle && node.kind === 'scalar') {
    const s = scalarText(node);
    return s === undefined ? undefined : [s];
  }
  if (node.kind !== 'seq') {
    diag.error(COMPOSE_PROBLEM.invalidValue, `must be a list, not ${describe(node)}`, node.loc, path);
    return undefined;
  }
  const out: string[] = [];
  node.items.forEach((item, i) => {
    const s = readString(item, `${path}[${i}]`, diag);
    if (s !== undefined) out.push(s);
  });
  return out;
}

/** A mapping; `undefined` for null (no error) or another shape (error). */
export function readMap(node: RawNode, path: string, diag: Diagnostics): RawMap | undefined {
  if (node.kind === 'map') return node;
  if (node.kind === 'scalar' && node.value === null) return undefined;
  diag.error(COMPOSE_PROBLEM.invalidValue, `must be a mapping, not ${describe(node)}`, node.loc, path);
  return undefined;
}

/**
 * Records an `unknown field` error for each key of `map` not in `known`. `x-` extensions are allowed;
 * they get an "ignored" warning unless the caller handles them itself (`extensions: 'handled'`).
 * Returns false when there was any unknown key.
 */
export function checkKnownKeys(
  map: RawMap,
  known: ReadonlySet<string>,
  path: string,
  diag: Diagnostics,
  extensions: 'warn' | 'handled' = 'warn',
): boolean {
  let ok = true;
  for (const e of map.entries) {
    if (known.has(e.key)) continue;
    if (e.key.startsWith('x-')) {
      if (extensions === 'warn') {
        const field = path === '' ? e.key : `${path}.${e.key}`;
        diag.warn(COMPOSE_WARNING.ignoredField, `extension ${e.key} is ignored`, e.keyLoc, field);
      }
      continue;
    }
    ok = false;
    diag.error(
      COMPOSE_PROBLEM.unknownField,
      `unknown field "${e.key}" (not part of the Compose Specification here)`,
      e.keyLoc,
      path === '' ? e.key : `${path}.${e.key}`,
    );
  }
  return ok;
}

/** `a list`, `a mapping`, or the scalar in quotes, for messages. */
export function describe(node: RawNode): string {
  if (node.kind !== 'scalar') return `a ${shapeOf(node)}`;
  return node.value === null ? 'null' : `"${scalarText(node)}"`;
}

function shapeOf(node: RawNode): string {
  return node.kind === 'seq' ? 'list' : node.kind === 'map' ? 'mapping' : 'value';
}
