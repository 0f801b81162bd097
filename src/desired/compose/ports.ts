/**
 * `ports:` (short and long syntax, ranges, host IPs) and `expose:` folded into {@link ComposePort}s.
 *
 * As on a laptop, a port is public only when it has a host side: `"8080:80"` (or long syntax with
 * `published`) becomes a load balancer listener on 8080 forwarding to container port 80 (the renderer
 * decides whether it is HTTP, see render/port-exposure.ts). A container-only port (`"6379"`) publishes
 * nothing: it stays private, reachable from the stack's services only, with a warning saying so. The
 * load balancer only speaks HTTP(S), so a published UDP port is an error that says how to keep it
 * private. A port bound to a loopback host IP was meant to be private, so it becomes `mode: host`
 * (reachable inside the stack only) with a warning rather than being exposed publicly.
 *
 @module
 */
import type { ComposePort } from '../compose-types.js';
import type { Diagnostics } from './diagnostics.js';
import { COMPOSE_PROBLEM, COMPOSE_WARNING } from './errors.js';
import { MAX_PORT, MAX_PORT_RANGE, parseShortPort, portRange } from './port-syntax.js';
import { indexPath, type RawMap, type RawNode, scalarText, valueAt } from './raw-node.js';
import { checkKnownKeys, readInteger, readString } from './values.js';

const LONG_SYNTAX_KEYS = new Set([
  'target',
  'published',
  'host_ip',
  'protocol',
  'mode',
  'app_protocol',
  'name',
]);
const WILDCARD_IPS = new Set(['', '0.0.0.0', '::']);

/** Why a published UDP port is refused, and the two ways to keep the port. */
function udpPublishedMessage(target: number, published: number): string {
  return (
    `UDP port ${published}:${target} cannot be published: the load balancer serves HTTP(S) only. ` +
    `To reach it from the stack's services, drop the host side ("${target}/udp") or use mode: host`
  );
}

/** Normalizes a service's `ports:` list. */
export function normalizePorts(node: RawNode, path: string, diag: Diagnostics): ComposePort[] {
  if (node.kind === 'scalar' && node.value === null) return [];
  if (node.kind !== 'seq') {
    diag.error(COMPOSE_PROBLEM.invalidValue, 'must be a list of ports', node.loc, path);
    return [];
  }
  const out: ComposePort[] = [];
  node.items.forEach((item, i) => {
    const p = indexPath(path, i);
    if (item.kind === 'map') {
      const port = longPort(item, p, diag);
      if (port) out.push(port);
      return;
    }
    const spec = item.kind === 'scalar' ? scalarText(item) : undefined;
    if (spec === undefined) {
      diag.error(COMPOSE_PROBLEM.invalidValue, 'a port must be "PUBLISHED:TARGET" or a mapping', item.loc, p);
      return;
    }
    const parsed = parseShortPort(spec);
    if (typeof parsed === 'string') {
      diag.error(COMPOSE_PROBLEM.invalidValue, parsed, item.loc, p);
      return;
    }
    for (const sp of parsed) {
      const port = finish(
        sp.target,
        sp.published,
        sp.protocol,
        'ingress',
        sp.hostIp,
        undefined,
        item,
        p,
        diag,
      );
      if (port) out.push(port);
    }
  });
  return out;
}

function longPort(map: RawMap, path: string, diag: Diagnostics): ComposePort | undefined {
  checkKnownKeys(map, LONG_SYNTAX_KEYS, path, diag);
  for (const e of map.entries) {
    if (e.key === 'name') {
      diag.warn(
        COMPOSE_WARNING.ignoredField,
        `${e.key} is not used by stackctl; ignored`,
        e.keyLoc,
        `${path}.${e.key}`,
      );
    }
  }
  const targetNode = valueAt(map, 'target');
  if (targetNode === undefined) {
    diag.error(COMPOSE_PROBLEM.invalidValue, 'a long-syntax port needs a target', map.loc, path);
    return undefined;
  }
  const target = readInteger(targetNode, `${path}.target`, diag, { min: 1, max: MAX_PORT });
  const publishedNode = valueAt(map, 'published');
  const published =
    publishedNode === undefined || (publishedNode.kind === 'scalar' && publishedNode.value === null)
      ? undefined
      : readInteger(publishedNode, `${path}.published`, diag, { min: 1, max: MAX_PORT });
  const protocol = optionalString(map, 'protocol', path, diag)?.toLowerCase() ?? 'tcp';
  const mode = optionalString(map, 'mode', path, diag) ?? 'ingress';
  if (mode !== 'ingress' && mode !== 'host') {
    diag.error(
      COMPOSE_PROBLEM.invalidValue,
      `mode must be ingress or host, not "${mode}"`,
      map.loc,
      `${path}.mode`,
    );
    return undefined;
  }
  const hostIp = optionalString(map, 'host_ip', path, diag);
  const appProtocol = optionalString(map, 'app_protocol', path, diag);
  if (target === undefined) return undefined;
  return finish(
    target,
    published,
    protocol,
    mode,
    hostIp,
    appProtocol,
    valueAt(map, 'protocol') ?? map,
    path,
    diag,
  );
}

function optionalString(map: RawMap, key: string, path: string, diag: Diagnostics): string | undefined {
  const node = valueAt(map, key);
  return node === undefined ? undefined : readString(node, `${path}.${key}`, diag);
}

/** Applies stackctl's rules (protocols, UDP ingress, host IPs) to one parsed port. */
function finish(
  target: number,
  published: number | undefined,
  protocol: string,
  requestedMode: 'ingress' | 'host',
  hostIp: string | undefined,
  appProtocol: string | undefined,
  at: RawNode,
  path: string,
  diag: Diagnostics,
): ComposePort | undefined {
  if (protocol !== 'tcp' && protocol !== 'udp') {
    diag.error(COMPOSE_PROBLEM.unsupported, `protocol must be tcp or udp, not "${protocol}"`, at.loc, path);
    return undefined;
  }
  let mode = requestedMode;
  if (hostIp !== undefined && !WILDCARD_IPS.has(hostIp)) {
    if (isLoopback(hostIp)) {
      mode = 'host';
      diag.warn(
        COMPOSE_WARNING.adjusted,
        `port ${target} is bound to ${hostIp}, so it is kept private: reachable inside the stack only (mode: host)`,
        at.loc,
        path,
      );
    } else {
      diag.warn(
        COMPOSE_WARNING.ignoredField,
        `host IP ${hostIp} is ignored (Fargate tasks have their own IP)`,
        at.loc,
        path,
      );
    }
  }
  if (protocol === 'udp' && mode === 'ingress' && published !== undefined) {
    diag.error(COMPOSE_PROBLEM.unsupported, udpPublishedMessage(target, published), at.loc, path);
    return undefined;
  }
  if (mode === 'ingress' && published === undefined) {
    diag.warn(
      COMPOSE_WARNING.adjusted,
      `port ${target} has no published (host) port, so it is private: reachable from the stack's ` +
        `services only. Write "${target}:${target}" to serve it on the load balancer, or expose: ["${target}"] to say it is internal`,
      at.loc,
      path,
    );
  }
  return {
    target,
    protocol,
    mode,
    ...(published === undefined ? {} : { published }),
    ...(appProtocol === undefined ? {} : { appProtocol }),
    source: path,
  };
}

function isLoopback(ip: string): boolean {
  return ip === 'localhost' || ip === '::1' || ip.startsWith('127.');
}

/** Normalizes `expose:` (`3000`, `"3000/tcp"`, `"3000-3005"`) into container ports. */
export function normalizeExpose(node: RawNode, path: string, diag: Diagnostics): number[] {
  if (node.kind === 'scalar' && node.value === null) return [];
  if (node.kind !== 'seq') {
    diag.error(COMPOSE_PROBLEM.invalidValue, 'must be a list of ports', node.loc, path);
    return [];
  }
  const out: number[] = [];
  node.items.forEach((item, i) => {
    const text = item.kind === 'scalar' ? scalarText(item) : undefined;
    const range = text === undefined ? undefined : portRange(text.replace(/\/(tcp|udp)$/i, ''));
    if (range === undefined || range.length > MAX_PORT_RANGE) {
      diag.error(
        COMPOSE_PROBLEM.invalidValue,
        `must be a port or a range of at most ${MAX_PORT_RANGE} ports`,
        item.loc,
        indexPath(path, i),
      );
      return;
    }
    for (const p of range) if (!out.includes(p)) out.push(p);
  });
  return out;
}
