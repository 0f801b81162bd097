/**
 * `deploy:` (replicas, resources) plus the legacy service-level `cpus`, `mem_limit`, `mem_reservation`
 * and `scale`, which compose still accepts. GPU/device reservations are an error (Fargate has none);
 * swarm-only settings are warnings naming the field.
 *
 * @module
 */
import type { ComposeResources } from '../compose-types.js';
import type { Diagnostics } from './diagnostics.js';
import { COMPOSE_PROBLEM, COMPOSE_WARNING } from './errors.js';
import { fieldPath, type RawMap, type RawNode, scalarText, valueAt } from './raw-node.js';
import { parseCpus, parseMemoryMiB } from './units.js';
import { checkKnownKeys, readInteger, readMap, readString } from './values.js';

/** What `deploy:` and the legacy fields contribute to a service. */
export interface DeploySettings {
  readonly replicas?: number;
  readonly limits?: ComposeResources;
  readonly reservations?: ComposeResources;
}

const DEPLOY_KEYS = new Set([
  'mode',
  'replicas',
  'resources',
  'restart_policy',
  'placement',
  'labels',
  'update_config',
  'rollback_config',
  'endpoint_mode',
]);
const IGNORED_DEPLOY_KEYS = [
  'restart_policy',
  'placement',
  'labels',
  'update_config',
  'rollback_config',
  'endpoint_mode',
];
const RESOURCES_KEYS = new Set(['limits', 'reservations']);
const LIMIT_KEYS = new Set(['cpus', 'memory', 'pids']);
const RESERVATION_KEYS = new Set(['cpus', 'memory', 'devices', 'generic_resources']);
const MAX_REPLICAS = 10_000;
const NOT_ON_FARGATE = 'not possible on Fargate (no GPUs or host devices)';

/** Reads `deploy` and the legacy resource fields of the service at `path`. */
export function normalizeDeploy(service: RawMap, path: string, diag: Diagnostics): DeploySettings {
  let replicas: number | undefined;
  let limits: Resources = {};
  let reservations: Resources = {};
  const deployNode = valueAt(service, 'deploy');
  const deployPath = fieldPath(path, 'deploy');
  const deploy = deployNode === undefined ? undefined : readMap(deployNode, deployPath, diag);
  if (deploy) {
    checkKnownKeys(deploy, DEPLOY_KEYS, deployPath, diag);
    warnIgnored(deploy, deployPath, diag);
    const mode = valueAt(deploy, 'mode');
    if (mode !== undefined) checkMode(mode, fieldPath(deployPath, 'mode'), diag);
    const replicasNode = valueAt(deploy, 'replicas');
    if (replicasNode !== undefined && !isNullNode(replicasNode)) {
      replicas = readInteger(replicasNode, fieldPath(deployPath, 'replicas'), diag, {
        min: 0,
        max: MAX_REPLICAS,
      });
    }
    const resourcesNode = valueAt(deploy, 'resources');
    const resourcesPath = fieldPath(deployPath, 'resources');
    const resources = resourcesNode === undefined ? undefined : readMap(resourcesNode, resourcesPath, diag);
    if (resources) {
      checkKnownKeys(resources, RESOURCES_KEYS, resourcesPath, diag);
      limits = readResources(resources, 'limits', LIMIT_KEYS, resourcesPath, diag);
      reservations = readResources(resources, 'reservations', RESERVATION_KEYS, resourcesPath, diag);
    }
  }
  // Legacy fields fill only what deploy did not set.
  const cpus = legacyValue(service, 'cpus', path, diag);
  if (cpus !== undefined && limits.cpus === undefined) limits = { ...limits, cpus };
  const memLimit = legacyValue(service, 'mem_limit', path, diag);
  if (memLimit !== undefined && limits.memoryMiB === undefined) limits = { ...limits, memoryMiB: memLimit };
  const memReservation = legacyValue(service, 'mem_reservation', path, diag);
  if (memReservation !== undefined && reservations.memoryMiB === undefined) {
    reservations = { ...reservations, memoryMiB: memReservation };
  }
  replicas ??= legacyValue(service, 'scale', path, diag);
  return {
    ...(replicas === undefined ? {} : { replicas }),
    ...(isEmpty(limits) ? {} : { limits }),
    ...(isEmpty(reservations) ? {} : { reservations }),
  };
}

type Resources = { cpus?: number; memoryMiB?: number };

function readResources(
  resources: RawMap,
  key: 'limits' | 'reservations',
  known: ReadonlySet<string>,
  parent: string,
  diag: Diagnostics,
): Resources {
  const node = valueAt(resources, key);
  const path = fieldPath(parent, key);
  const map = node === undefined ? undefined : readMap(node, path, diag);
  if (!map) return {};
  checkKnownKeys(map, known, path, diag);
  const out: Resources = {};
  const cpus = valueAt(map, 'cpus');
  if (cpus !== undefined && !isNullNode(cpus)) {
    const v = readUnit(cpus, fieldPath(path, 'cpus'), parseCpus, 'cpus', diag);
    if (v !== undefined) out.cpus = v;
  }
  const memory = valueAt(map, 'memory');
  if (memory !== undefined && !isNullNode(memory)) {
    const v = readUnit(memory, fieldPath(path, 'memory'), parseMemoryMiB, 'memory', diag);
    if (v !== undefined) out.memoryMiB = v;
  }
  for (const e of map.entries) {
    const p = fieldPath(path, e.key);
    if (e.key === 'devices')
      diag.error(
        COMPOSE_PROBLEM.unsupported,
        `device reservations (GPUs) are ${NOT_ON_FARGATE}`,
        e.keyLoc,
        p,
      );
    else if (e.key === 'pids' || e.key === 'generic_resources') {
      diag.warn(COMPOSE_WARNING.ignoredField, `${e.key} is not supported by Fargate; ignored`, e.keyLoc, p);
    }
  }
  return out;
}

/** The legacy service-level `cpus` / `mem_limit` / `mem_reservation` / `scale`, parsed. */
function legacyValue(
  service: RawMap,
  key: 'cpus' | 'mem_limit' | 'mem_reservation' | 'scale',
  parent: string,
  diag: Diagnostics,
): number | undefined {
  const node = valueAt(service, key);
  if (node === undefined || isNullNode(node)) return undefined;
  const path = fieldPath(parent, key);
  if (key === 'scale') return readInteger(node, path, diag, { min: 0, max: MAX_REPLICAS });
  return key === 'cpus'
    ? readUnit(node, path, parseCpus, 'cpus', diag)
    : readUnit(node, path, parseMemoryMiB, 'memory', diag);
}

function readUnit(
  node: RawNode,
  path: string,
  parse: (v: string | number) => number | undefined,
  kind: 'cpus' | 'memory',
  diag: Diagnostics,
): number | undefined {
  const raw = node.kind === 'scalar' && typeof node.value === 'number' ? node.value : undefined;
  const text = raw === undefined ? readString(node, path, diag) : undefined;
  if (raw === undefined && text === undefined) return undefined;
  const value = parse(raw ?? text ?? '');
  if (value === undefined) {
    const hint = kind === 'cpus' ? 'a number of CPUs such as 0.5' : 'a size such as 512M or 2GiB';
    diag.error(COMPOSE_PROBLEM.invalidValue, `must be ${hint}`, node.loc, path);
  }
  return value;
}

function checkMode(node: RawNode, path: string, diag: Diagnostics): void {
  const mode = node.kind === 'scalar' ? scalarText(node) : undefined;
  if (mode === undefined || mode === 'replicated') return;
  if (mode === 'global' || mode === 'replicated-job' || mode === 'global-job') {
    diag.warn(
      COMPOSE_WARNING.ignoredField,
      `mode ${mode} is not supported; the service runs deploy.replicas tasks (default 1)`,
      node.loc,
      path,
    );
    return;
  }
  diag.error(
    COMPOSE_PROBLEM.invalidValue,
    `mode must be replicated or global, not "${mode}"`,
    node.loc,
    path,
  );
}

function warnIgnored(deploy: RawMap, path: string, diag: Diagnostics): void {
  for (const e of deploy.entries) {
    if (IGNORED_DEPLOY_KEYS.includes(e.key)) {
      diag.warn(
        COMPOSE_WARNING.ignoredField,
        `${e.key} is not supported by stackctl; ignored`,
        e.keyLoc,
        fieldPath(path, e.key),
      );
    }
  }
}

function isNullNode(node: RawNode): boolean {
  return node.kind === 'scalar' && node.value === null;
}

function isEmpty(r: Resources): boolean {
  return r.cpus === undefined && r.memoryMiB === undefined;
}
