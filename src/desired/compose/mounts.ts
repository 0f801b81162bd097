/**
 * A service's `volumes:`, `secrets:` and `networks:`: checked against the top-level declarations,
 * reduced to the names the model keeps, with a warning for everything Fargate will not mount.
 *
 * @module
 */
import type { Diagnostics } from './diagnostics.js';
import { COMPOSE_PROBLEM, COMPOSE_WARNING } from './errors.js';
import { keyedEntries } from './keyed-list.js';
import { indexPath, type RawNode, scalarText, valueAt } from './raw-node.js';
import { checkKnownKeys, readMap, readString, readStringList } from './values.js';

/** Names declared at the top level of the entry file. @internal */
export interface Declared {
  readonly volumes: ReadonlySet<string>;
  readonly networks: ReadonlySet<string>;
  readonly secrets: ReadonlySet<string>;
}

const VOLUME_KEYS = new Set([
  'type',
  'source',
  'target',
  'read_only',
  'consistency',
  'bind',
  'volume',
  'tmpfs',
  'image',
]);
const SECRET_KEYS = new Set(['source', 'target', 'uid', 'gid', 'mode']);
const NETWORK_ATTACH_KEYS = new Set([
  'aliases',
  'ipv4_address',
  'ipv6_address',
  'link_local_ips',
  'mac_address',
  'priority',
  'gw_priority',
  'driver_opts',
  'interface_name',
]);
const VOLUME_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** One mount, classified. */
type Mount =
  | { readonly type: 'volume'; readonly source: string; readonly target: string }
  | { readonly type: 'bind'; readonly source: string; readonly target: string }
  | { readonly type: 'anonymous' | 'tmpfs' | 'other'; readonly target: string };

/** Named volumes the service mounts; bind, anonymous and tmpfs mounts produce warnings. */
export function normalizeVolumes(
  node: RawNode,
  path: string,
  declared: Declared,
  diag: Diagnostics,
): string[] {
  if (node.kind === 'scalar' && node.value === null) return [];
  if (node.kind !== 'seq') {
    diag.error(COMPOSE_PROBLEM.invalidValue, 'must be a list of mounts', node.loc, path);
    return [];
  }
  const names: string[] = [];
  node.items.forEach((item, i) => {
    const p = indexPath(path, i);
    const mount = readMount(item, p, diag);
    if (mount === undefined) return;
    switch (mount.type) {
      case 'volume':
        if (!declared.volumes.has(mount.source)) {
          diag.error(
            COMPOSE_PROBLEM.reference,
            `volume "${mount.source}" is not declared under the top-level volumes:`,
            item.loc,
            p,
          );
          return;
        }
        diag.warn(
          COMPOSE_WARNING.volumeNotPersisted,
          `named volume ${mount.source} (${mount.target}) is not persisted: its data is lost when a task stops (EFS support is planned)`,
          item.loc,
          p,
        );
        if (!names.includes(mount.source)) names.push(mount.source);
        return;
      case 'bind':
        diag.warn(
          COMPOSE_WARNING.mountDropped,
          `bind mount ${mount.source} → ${mount.target} is not mounted: Fargate tasks cannot see local files (copy them into the image)`,
          item.loc,
          p,
        );
        return;
      default:
        diag.warn(
          COMPOSE_WARNING.mountDropped,
          `${mount.type === 'other' ? 'this' : mount.type} mount at ${mount.target} is not mounted; the container's own (ephemeral) filesystem is used`,
          item.loc,
          p,
        );
    }
  });
  return names;
}

function readMount(node: RawNode, path: string, diag: Diagnostics): Mount | undefined {
  if (node.kind === 'map') {
    checkKnownKeys(node, VOLUME_KEYS, path, diag);
    const target = str(node, 'target', path, diag);
    if (target === undefined) {
      diag.error(COMPOSE_PROBLEM.invalidValue, 'a long-syntax mount needs a target', node.loc, path);
      return undefined;
    }
    const source = str(node, 'source', path, diag);
    const type = str(node, 'type', path, diag) ?? (source === undefined ? 'volume' : classify(source));
    if (type === 'volume') return source ? { type, source, target } : { type: 'anonymous', target };
    if (type === 'bind') return { type, source: source ?? '', target };
    return { type: type === 'tmpfs' ? 'tmpfs' : 'other', target };
  }
  const spec = node.kind === 'scalar' ? scalarText(node) : undefined;
  if (spec === undefined || spec === '') {
    diag.error(
      COMPOSE_PROBLEM.invalidValue,
      'a mount must be "SOURCE:TARGET[:MODE]" or a mapping',
      node.loc,
      path,
    );
    return undefined;
  }
  const parts = spec.split(':');
  if (parts.length === 1) return { type: 'anonymous', target: spec };
  const [source = '', target = ''] = parts;
  return classify(source) === 'bind' ? { type: 'bind', source, target } : { type: 'volume', source, target };
}

/** Compose's rule: a source that looks like a path is a bind mount, otherwise a volume name. */
function classify(source: string): 'bind' | 'volume' {
  return VOLUME_NAME.test(source) ? 'volume' : 'bind';
}

function str(map: RawNode, key: string, path: string, diag: Diagnostics): string | undefined {
  const node = map.kind === 'map' ? valueAt(map, key) : undefined;
  return node === undefined ? undefined : readString(node, `${path}.${key}`, diag);
}

/** Names of the compose secrets the service uses; each one is an environment variable, not a file. */
export function normalizeSecrets(
  node: RawNode,
  path: string,
  declared: Declared,
  diag: Diagnostics,
): string[] {
  if (node.kind === 'scalar' && node.value === null) return [];
  if (node.kind !== 'seq') {
    diag.error(COMPOSE_PROBLEM.invalidValue, 'must be a list of secrets', node.loc, path);
    return [];
  }
  const names: string[] = [];
  node.items.forEach((item, i) => {
    const p = indexPath(path, i);
    let source: string | undefined;
    let target: string | undefined;
    if (item.kind === 'map') {
      checkKnownKeys(item, SECRET_KEYS, p, diag);
      source = str(item, 'source', p, diag);
      target = str(item, 'target', p, diag);
      if (source === undefined)
        diag.error(COMPOSE_PROBLEM.invalidValue, 'a long-syntax secret needs a source', item.loc, p);
    } else {
      source = readString(item, p, diag);
    }
    if (source === undefined) return;
    if (!declared.secrets.has(source)) {
      diag.error(
        COMPOSE_PROBLEM.reference,
        `secret "${source}" is not declared under the top-level secrets:`,
        item.loc,
        p,
      );
      return;
    }
    const file = target === undefined ? `/run/secrets/${source}` : target;
    diag.warn(
      COMPOSE_WARNING.secretNotMounted,
      `secret ${source} is passed as environment variable ${source} (from SSM); no file is mounted at ${file}`,
      item.loc,
      p,
    );
    if (!names.includes(source)) names.push(source);
  });
  return names;
}

/** The networks a service joins, and the extra names (`aliases`) it answers to on each. */
export interface NetworkAttachments {
  /** Network names, in file order (`['default']` when it names none). */
  readonly names: string[];
  /** `aliases` per network, for the networks that give some; each list distinct, in file order. */
  readonly aliases: Record<string, string[]>;
}

/** Networks the service joins (`['default']` when it names none) and their `aliases`. */
export function normalizeNetworks(
  node: RawNode,
  path: string,
  declared: Declared,
  diag: Diagnostics,
): NetworkAttachments {
  const entries = keyedEntries(node, path, undefined);
  if (entries === undefined) {
    diag.error(COMPOSE_PROBLEM.invalidValue, 'must be a list of network names or a mapping', node.loc, path);
    return { names: ['default'], aliases: {} };
  }
  const names: string[] = [];
  const aliases: Record<string, string[]> = {};
  for (const e of entries) {
    if (e.key !== 'default' && !declared.networks.has(e.key)) {
      diag.error(
        COMPOSE_PROBLEM.reference,
        `network "${e.key}" is not declared under the top-level networks:`,
        e.loc,
        e.path,
      );
      continue;
    }
    const settings = readMap(e.node, e.path, diag);
    if (settings) {
      checkKnownKeys(settings, NETWORK_ATTACH_KEYS, e.path, diag);
      for (const s of settings.entries) {
        if (!NETWORK_ATTACH_KEYS.has(s.key)) continue;
        if (s.key === 'aliases') {
          const list = readStringList(s.value, `${e.path}.aliases`, diag) ?? [];
          if (list.length > 0) aliases[e.key] = [...new Set([...(aliases[e.key] ?? []), ...list])];
          continue;
        }
        diag.warn(
          COMPOSE_WARNING.ignoredField,
          `${s.key} is not supported on ECS; ignored`,
          s.keyLoc,
          `${e.path}.${s.key}`,
        );
      }
    }
    if (!names.includes(e.key)) names.push(e.key);
  }
  return { names: names.length === 0 ? ['default'] : names, aliases };
}
