/**
 * Compose's rules for merging a service over the one it `extends`:
 * mappings merge key by key; `command`, `entrypoint` and `healthcheck.test` are replaced; list-or-mapping
 * fields (`environment`, `labels`, `build.args`, `depends_on`, `networks`, …) merge by key; `volumes`
 * and `secrets` merge by target; other lists are concatenated without duplicates; scalars are replaced.
 *
 * Nodes keep their own locations, so a value that came from the base still points at the base's file.
 *
 * @module
 */
import { keyedEntries } from './keyed-list.js';
import type { RawEntry, RawMap, RawNode, RawSeq } from './raw-node.js';
import { scalarText } from './raw-node.js';

const REPLACED = new Set(['command', 'entrypoint', 'healthcheck.test']);
const KEYED: Readonly<Record<string, string | undefined>> = {
  environment: '=',
  labels: '=',
  annotations: '=',
  'build.args': '=',
  depends_on: undefined,
  networks: undefined,
};
const BY_TARGET = new Set(['volumes', 'secrets', 'configs']);

/** `over` merged onto `base`; both are service mappings, `extends` keys are dropped. */
export function mergeService(base: RawMap, over: RawMap): RawMap {
  return mergeMaps(withoutExtends(base), withoutExtends(over), '');
}

function withoutExtends(map: RawMap): RawMap {
  return { ...map, entries: map.entries.filter((e) => e.key !== 'extends') };
}

function mergeMaps(base: RawMap, over: RawMap, path: string): RawMap {
  const entries: RawEntry[] = [...base.entries];
  for (const e of over.entries) {
    const i = entries.findIndex((b) => b.key === e.key);
    const existing = entries[i];
    if (existing === undefined) {
      entries.push(e);
      continue;
    }
    const childPath = path === '' ? e.key : `${path}.${e.key}`;
    entries[i] = { ...e, value: mergeValue(existing.value, e.value, childPath) };
  }
  return { ...over, entries };
}

function mergeValue(base: RawNode, over: RawNode, path: string): RawNode {
  if (REPLACED.has(path)) return over;
  if (path in KEYED) {
    const merged = mergeKeyed(base, over, KEYED[path], path);
    if (merged) return merged;
  }
  if (path === 'build') {
    const b = asBuildMap(base);
    const o = asBuildMap(over);
    return b.kind === 'map' && o.kind === 'map' ? mergeMaps(b, o, path) : over;
  }
  if (base.kind === 'map' && over.kind === 'map') return mergeMaps(base, over, path);
  if (base.kind === 'seq' && over.kind === 'seq') {
    return BY_TARGET.has(path) ? mergeByTarget(base, over) : appendUnique(base, over);
  }
  return over;
}

/** List-or-mapping fields: both sides become mappings, the override's keys win. */
function mergeKeyed(
  base: RawNode,
  over: RawNode,
  separator: string | undefined,
  path: string,
): RawMap | undefined {
  const b = keyedEntries(base, '', separator);
  const o = keyedEntries(over, '', separator);
  if (b === undefined || o === undefined) return undefined;
  const toMap = (node: RawNode, entries: NonNullable<typeof b>): RawMap => ({
    kind: 'map',
    loc: node.loc,
    entries: entries.map((e) => ({ key: e.key, keyLoc: e.loc, value: e.node })),
  });
  // `path[]` keeps entry names (a dependency called `command`, say) from matching the special paths above.
  return mergeMaps(toMap(base, b), toMap(over, o), `${path}[]`);
}

function asBuildMap(node: RawNode): RawNode {
  if (node.kind !== 'scalar') return node;
  return { kind: 'map', loc: node.loc, entries: [{ key: 'context', keyLoc: node.loc, value: node }] };
}

function appendUnique(base: RawSeq, over: RawSeq): RawSeq {
  const items = [...base.items];
  for (const item of over.items) {
    if (!items.some((i) => sameValue(i, item))) items.push(item);
  }
  return { ...over, items };
}

/** Mounts and secrets: an override for the same target replaces the base's entry. */
function mergeByTarget(base: RawSeq, over: RawSeq): RawSeq {
  const overTargets = new Set(over.items.map(targetOf).filter((t) => t !== undefined));
  return {
    ...over,
    items: [...base.items.filter((i) => !overTargets.has(targetOf(i) ?? '\0')), ...over.items],
  };
}

function targetOf(node: RawNode): string | undefined {
  if (node.kind === 'scalar') {
    const parts = (scalarText(node) ?? '').split(':');
    return parts.length > 1 ? parts[1] : parts[0];
  }
  if (node.kind !== 'map') return undefined;
  const target = node.entries.find((e) => e.key === 'target') ?? node.entries.find((e) => e.key === 'source');
  return target?.value.kind === 'scalar' ? scalarText(target.value) : undefined;
}

/** Structural equality, ignoring locations. */
function sameValue(a: RawNode, b: RawNode): boolean {
  if (a.kind === 'scalar' && b.kind === 'scalar') return a.value === b.value;
  if (a.kind === 'seq' && b.kind === 'seq') {
    return (
      a.items.length === b.items.length &&
      a.items.every((x, i) => b.items[i] !== undefined && sameValue(x, b.items[i]))
    );
  }
  if (a.kind === 'map' && b.kind === 'map') {
    return (
      a.entries.length === b.entries.length &&
      a.entries.every((e) => {
        const other = b.entries.find((o) => o.key === e.key);
        return other !== undefined && sameValue(e.value, other.value);
      })
    );
  }
  return false;
}
