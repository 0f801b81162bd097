/**
 * Compose's "list or mapping" fields (`environment`, `labels`, `build.args`, `depends_on`, `networks`):
 * `- KEY=VALUE` / `- KEY` lists and `KEY: VALUE` mappings read as one ordered list of keyed entries.
 *
 * @module
 */
import { indexPath, type NodeLocation, type RawNode, scalarAt, scalarText } from './raw-node.js';

/** One keyed entry: `node` is the value (a null scalar for a bare `KEY`), with the entry's location. */
export interface KeyedEntry {
  readonly key: string;
  readonly node: RawNode;
  readonly loc: NodeLocation;
  /** Field path of the entry as written (`environment[2]` for list form, `environment.KEY` for maps). */
  readonly path: string;
}

/**
 * Reads a list-or-mapping field. In list form each item is split at the first `separator` (`=`), or
 * taken whole as a key when `separator` is undefined (`depends_on: [db]`). `undefined` for other shapes.
 */
export function keyedEntries(
  node: RawNode,
  path: string,
  separator: string | undefined,
): KeyedEntry[] | undefined {
  if (node.kind === 'map') {
    return node.entries.map((e) => ({ key: e.key, node: e.value, loc: e.keyLoc, path: `${path}.${e.key}` }));
  }
  if (node.kind === 'scalar' && node.value === null) return [];
  if (node.kind !== 'seq') return undefined;
  const out: KeyedEntry[] = [];
  for (const [i, item] of node.items.entries()) {
    if (item.kind !== 'scalar' || item.value === null) return undefined;
    const text = scalarText(item) ?? '';
    const at = separator === undefined ? -1 : text.indexOf(separator);
    const key = at < 0 ? text : text.slice(0, at);
    const value = at < 0 ? null : text.slice(at + (separator?.length ?? 0));
    out.push({ key, node: scalarAt(value, item.loc), loc: item.loc, path: indexPath(path, i) });
  }
  return out;
}
