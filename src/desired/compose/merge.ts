/**
 * Compose's merge rules (compose-spec `13-merge.md`, compose-go `override/merge.go` and `uncity.go`), used
 * for a service over the one it `extends` and for each `-f` file over the files before it:
 *
 * - mappings merge key by key; a scalar is replaced; a null value leaves what was there;
 * - `command`, `entrypoint`, `healthcheck.test` and each `ulimits` entry are replaced whole;
 * - list-or-mapping fields (`environment`, `labels`, `build.args`, `sysctls`, `depends_on`, `networks`, …)
 *   merge by key, the later value winning;
 * - sequences with an identity (`ports`, `expose`, `volumes` and `devices` by target, `secrets` and
 *   `configs` by mount path, `dns`, `cap_add`, `profiles`, `env_file`, …) are concatenated and an entry
 *   with the identity of an earlier one replaces it in place; other sequences are concatenated without
 *   exact duplicates;
 * - `build: ./dir` counts as `build: { context: ./dir }`; `logging` merges only when the driver is the
 *   same (or one side names none), else the later one replaces it;
 * - `!reset` removes the value and what came before; `!override` replaces instead of merging.
 *
 * Nodes keep their own locations, so a value that came from an earlier file still points at that file.
 *
 * @module
 */
import { keyedEntries } from './keyed-list.js';
import { isNull, type RawEntry, type RawMap, type RawNode, type RawSeq, scalarText } from './raw-node.js';

/** A field path as segments, so keys holding dots (`com.example.label`) stay one segment. */
type Path = readonly string[];

const REPLACED = [
  'services.*.command',
  'services.*.entrypoint',
  'services.*.healthcheck.test',
  'services.*.ulimits.*',
];

/** List-or-mapping fields: list items split at `=` (`separator`) or taken whole as keys. */
interface KeyedRule {
  readonly separator: '=' | undefined;
  /** True when a bare key (null value) keeps the earlier value (`networks: [front]`). */
  readonly nullKeeps: boolean;
}
const BY_KEY: Readonly<Record<string, KeyedRule>> = {
  'services.*.environment': { separator: '=', nullKeeps: false },
  'services.*.labels': { separator: '=', nullKeeps: false },
  'services.*.annotations': { separator: '=', nullKeeps: false },
  'services.*.sysctls': { separator: '=', nullKeeps: false },
  'services.*.build.args': { separator: '=', nullKeeps: false },
  'services.*.build.labels': { separator: '=', nullKeeps: false },
  'services.*.build.additional_contexts': { separator: '=', nullKeeps: false },
  'services.*.deploy.labels': { separator: '=', nullKeeps: false },
  'services.*.depends_on': { separator: undefined, nullKeeps: false },
  'services.*.networks': { separator: undefined, nullKeeps: true },
  'services.*.models': { separator: undefined, nullKeeps: true },
  'networks.*.labels': { separator: '=', nullKeeps: false },
  'volumes.*.labels': { separator: '=', nullKeeps: false },
};

/** The identity of a sequence entry: a later entry with the same identity replaces the earlier one. */
type Identity = (item: RawNode) => string | undefined;

const text = (item: RawNode): string | undefined => (item.kind === 'scalar' ? scalarText(item) : undefined);
const field = (item: RawNode, key: string): string | undefined => {
  const value = item.kind === 'map' ? item.entries.find((e) => e.key === key)?.value : undefined;
  return value?.kind === 'scalar' ? scalarText(value) : undefined;
};
const keyBeforeEquals: Identity = (item) => text(item)?.split('=')[0];
const mountTarget: Identity = (item) => {
  if (item.kind === 'map') return field(item, 'target');
  const parts = (text(item) ?? '').split(':');
  return parts.length > 1 ? parts[1] : parts[0];
};
const mountPath =
  (defaultDir: string): Identity =>
  (item) =>
    item.kind === 'map'
      ? (field(item, 'target') ?? `${defaultDir}/${field(item, 'source') ?? ''}`)
      : `${defaultDir}/${text(item) ?? ''}`;
const port: Identity = (item) =>
  item.kind === 'map'
    ? `${field(item, 'host_ip') ?? '0.0.0.0'}:${field(item, 'published') ?? ''}:${field(item, 'target') ?? ''}/${field(item, 'protocol') ?? 'tcp'}`
    : text(item);

const UNIQUE: Readonly<Record<string, Identity>> = {
  'services.*.ports': port,
  'services.*.expose': text,
  'services.*.volumes': mountTarget,
  'services.*.devices': mountTarget,
  'services.*.secrets': mountPath('/run/secrets'),
  'services.*.configs': mountPath(''),
  'services.*.env_file': (item) => (item.kind === 'map' ? field(item, 'path') : text(item)),
  'services.*.dns': keyBeforeEquals,
  'services.*.dns_opt': keyBeforeEquals,
  'services.*.dns_search': keyBeforeEquals,
  'services.*.cap_add': keyBeforeEquals,
  'services.*.cap_drop': keyBeforeEquals,
  'services.*.profiles': keyBeforeEquals,
  'services.*.tmpfs': keyBeforeEquals,
  'services.*.links': keyBeforeEquals,
  'services.*.build.tags': keyBeforeEquals,
  'services.*.build.platforms': keyBeforeEquals,
  'services.*.networks.*.aliases': keyBeforeEquals,
  'services.*.networks.*.link_local_ips': keyBeforeEquals,
};

function matches(path: Path, pattern: string): boolean {
  const parts = pattern.split('.');
  return parts.length === path.length && parts.every((p, i) => p === '*' || p === path[i]);
}

function ruleFor<T>(table: Readonly<Record<string, T>>, path: Path): T | undefined {
  for (const [pattern, rule] of Object.entries(table)) if (matches(path, pattern)) return rule;
  return undefined;
}

/** `over` merged onto `base`; both are service mappings, `extends` keys are dropped. */
export function mergeService(base: RawMap, over: RawMap): RawMap {
  return mergeMaps(withoutExtends(base), withoutExtends(over), ['services', '*']);
}

/** One compose file's (interpolated) root merged over the merge of the files before it. */
export function mergeComposeFiles(base: RawMap, over: RawMap): RawMap {
  return mergeMaps(base, over, []);
}

function withoutExtends(map: RawMap): RawMap {
  return { ...map, entries: map.entries.filter((e) => e.key !== 'extends') };
}

/**
 * `node` without the values `!reset` removes: what a file means on its own (the first file, or a value no
 * earlier file had). Returns `node` itself when it holds no `!reset`.
 */
export function withoutResets(node: RawNode): RawNode {
  if (node.kind === 'map') {
    const entries = node.entries.flatMap((e) =>
      e.value.tag === 'reset' ? [] : [{ ...e, value: withoutResets(e.value) }],
    );
    const same =
      entries.length === node.entries.length && entries.every((e, i) => e.value === node.entries[i]?.value);
    return same ? node : { ...node, entries };
  }
  if (node.kind === 'seq') {
    const items = node.items.flatMap((i) => (i.tag === 'reset' ? [] : [withoutResets(i)]));
    const same = items.length === node.items.length && items.every((item, i) => item === node.items[i]);
    return same ? node : { ...node, items };
  }
  return node;
}

function mergeMaps(base: RawMap, over: RawMap, path: Path): RawMap {
  const entries: RawEntry[] = [...base.entries];
  for (const e of over.entries) {
    const i = entries.findIndex((b) => b.key === e.key);
    const existing = entries[i];
    if (e.value.tag === 'reset') {
      if (existing !== undefined) entries.splice(i, 1);
      continue;
    }
    if (existing === undefined) {
      entries.push({ ...e, value: withoutResets(e.value) });
      continue;
    }
    entries[i] = { ...e, value: mergeValue(existing.value, e.value, [...path, e.key]) };
  }
  return { ...over, entries };
}

function mergeValue(base: RawNode, over: RawNode, path: Path): RawNode {
  if (over.tag === 'override' || REPLACED.some((p) => matches(path, p))) return withoutResets(over);
  const keyed = ruleFor(BY_KEY, path);
  if (keyed !== undefined) {
    const merged = mergeKeyed(base, over, keyed);
    if (merged) return merged;
  }
  if (matches(path, 'services.*.build')) {
    const b = asBuildMap(base);
    const o = asBuildMap(over);
    return b.kind === 'map' && o.kind === 'map' ? mergeMaps(b, o, path) : withoutResets(over);
  }
  if (matches(path, 'services.*.logging') && base.kind === 'map' && over.kind === 'map') {
    const [b, o] = [field(base, 'driver'), field(over, 'driver')];
    return b === undefined || o === undefined || b === o ? mergeMaps(base, over, path) : withoutResets(over);
  }
  if (isNull(over)) return base;
  if (base.kind === 'map' && over.kind === 'map') return mergeMaps(base, over, path);
  if (base.kind === 'seq' && over.kind === 'seq') {
    const identity = ruleFor(UNIQUE, path);
    return identity === undefined ? appendUnique(base, over) : appendByIdentity(base, over, identity);
  }
  return withoutResets(over);
}

/** List-or-mapping fields: both sides become mappings, the later keys win. */
function mergeKeyed(base: RawNode, over: RawNode, rule: KeyedRule): RawMap | undefined {
  const b = keyedEntries(base, '', rule.separator);
  const o = keyedEntries(over, '', rule.separator);
  if (b === undefined || o === undefined) return undefined;
  const entries: RawEntry[] = b.map((e) => ({ key: e.key, keyLoc: e.loc, value: e.node }));
  for (const e of o) {
    const i = entries.findIndex((x) => x.key === e.key);
    const existing = entries[i];
    if (e.node.tag === 'reset') {
      if (existing !== undefined) entries.splice(i, 1);
      continue;
    }
    const value = existing !== undefined && rule.nullKeeps && isNull(e.node) ? existing.value : e.node;
    const entry = { key: e.key, keyLoc: e.loc, value: withoutResets(value) };
    if (existing === undefined) entries.push(entry);
    else entries[i] = entry;
  }
  return { kind: 'map', loc: over.loc, entries };
}

function asBuildMap(node: RawNode): RawNode {
  if (node.kind !== 'scalar' || isNull(node)) return node;
  return { kind: 'map', loc: node.loc, entries: [{ key: 'context', keyLoc: node.loc, value: node }] };
}

function appendUnique(base: RawSeq, over: RawSeq): RawSeq {
  const items = [...base.items];
  for (const item of over.items) {
    if (item.tag !== 'reset' && !items.some((i) => sameValue(i, item))) items.push(withoutResets(item));
  }
  return { ...over, items };
}

/** Concatenated; an entry whose identity an earlier entry has takes that entry's place. */
function appendByIdentity(base: RawSeq, over: RawSeq, identity: Identity): RawSeq {
  const items: RawNode[] = [];
  const at = new Map<string, number>();
  for (const item of [...base.items, ...over.items]) {
    if (item.tag === 'reset') continue;
    const key = identity(item);
    const known = key === undefined ? undefined : at.get(key);
    if (known !== undefined) {
      items[known] = withoutResets(item);
      continue;
    }
    if (key !== undefined) at.set(key, items.length);
    items.push(withoutResets(item));
  }
  return { ...over, items };
}

/** Structural equality, ignoring locations. */
export function sameValue(a: RawNode, b: RawNode): boolean {
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
