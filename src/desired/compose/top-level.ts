/**
 * The top level of the entry file: `name`, `services`, and the `volumes` / `networks` / `secrets`
 * declarations services refer to. `version` is ignored silently (compose does the same); `x-` keys are
 * only there for anchors; `configs` and `models` are warned about. `include` was loaded before (include.ts).
 *
 * @module
 */
import type { Diagnostics } from './diagnostics.js';
import { COMPOSE_PROBLEM, COMPOSE_WARNING } from './errors.js';
import type { Declared } from './mounts.js';
import { fieldPath, isNull, type RawMap, type RawNode, scalarText, valueAt } from './raw-node.js';
import { TOP_LEVEL_FIELDS } from './service-fields.js';
import { checkKnownKeys, readMap, readString } from './values.js';

/** What the top level declares. @internal */
export interface TopLevel {
  readonly name?: string;
  /** `services:` as written (before `extends`); `undefined` when missing or malformed (reported). */
  readonly services?: RawMap;
  readonly declared: Declared;
}

const PROJECT_NAME = /^[a-z0-9][a-z0-9_-]*$/;
const SERVICE_NAME = /^[a-zA-Z0-9][a-zA-Z0-9._-]*$/;
const DEFINITION_KEYS = {
  volumes: new Set(['driver', 'driver_opts', 'external', 'labels', 'name']),
  networks: new Set([
    'driver',
    'driver_opts',
    'attachable',
    'enable_ipv4',
    'enable_ipv6',
    'external',
    'internal',
    'ipam',
    'labels',
    'name',
  ]),
  secrets: new Set([
    'file',
    'environment',
    'external',
    'name',
    'content',
    'driver',
    'driver_opts',
    'template_driver',
    'labels',
  ]),
} as const;
const HARMLESS_DRIVER = { volumes: 'local', networks: 'bridge' } as const;
const IGNORED_BECAUSE = {
  volumes: 'volumes are not persisted yet (EFS support is planned)',
  networks: 'stackctl gives each stack one VPC and uses networks only to tell public from private',
} as const;

/** Reads the top level of the entry file. */
export function readTopLevel(root: RawNode, diag: Diagnostics): TopLevel {
  const empty: Declared = { volumes: new Set(), networks: new Set(), secrets: new Set() };
  if (root.kind !== 'map') {
    diag.error(
      COMPOSE_PROBLEM.invalidValue,
      'a compose file must be a mapping with a services: key',
      root.loc,
    );
    return { declared: empty };
  }
  // Top-level x- keys hold anchors for reuse: ignored silently, as compose does.
  checkKnownKeys(root, TOP_LEVEL_FIELDS, '', diag, 'handled');
  for (const e of root.entries) {
    if (e.key === 'configs' || e.key === 'models') {
      diag.warn(
        COMPOSE_WARNING.ignoredField,
        `${e.key} is ignored: stackctl does not mount ${e.key}`,
        e.keyLoc,
        e.key,
      );
    }
  }
  const nameNode = valueAt(root, 'name');
  const name = nameNode === undefined ? undefined : readString(nameNode, 'name', diag);
  if (nameNode !== undefined && name !== undefined && !PROJECT_NAME.test(name)) {
    diag.error(
      COMPOSE_PROBLEM.invalidValue,
      `project name "${name}" must be lowercase letters, digits, "-" and "_", starting with a letter or digit`,
      nameNode.loc,
      'name',
    );
  }
  const declared: Declared = {
    volumes: declarations(root, 'volumes', diag),
    networks: declarations(root, 'networks', diag),
    secrets: declarations(root, 'secrets', diag),
  };
  const services = readServices(root, diag);
  return {
    ...(name === undefined || !PROJECT_NAME.test(name) ? {} : { name }),
    ...(services === undefined ? {} : { services }),
    declared,
  };
}

function readServices(root: RawMap, diag: Diagnostics): RawMap | undefined {
  const node = valueAt(root, 'services');
  if (node === undefined || isNull(node) || (node.kind === 'map' && node.entries.length === 0)) {
    diag.error(
      COMPOSE_PROBLEM.invalidValue,
      'the compose file defines no services',
      node?.loc ?? root.loc,
      'services',
    );
    return undefined;
  }
  const services = readMap(node, 'services', diag);
  if (services === undefined) return undefined;
  for (const e of services.entries) {
    const path = fieldPath('services', e.key);
    if (!SERVICE_NAME.test(e.key)) {
      diag.error(
        COMPOSE_PROBLEM.invalidValue,
        `service name "${e.key}" may only use letters, digits, ".", "_" and "-"`,
        e.keyLoc,
        path,
      );
    }
    if (e.value.kind !== 'map')
      diag.error(COMPOSE_PROBLEM.invalidValue, 'a service must be a mapping', e.value.loc, path);
  }
  return services;
}

function declarations(
  root: RawMap,
  kind: 'volumes' | 'networks' | 'secrets',
  diag: Diagnostics,
): ReadonlySet<string> {
  const node = valueAt(root, kind);
  const map = node === undefined ? undefined : readMap(node, kind, diag);
  const names = new Set<string>();
  for (const e of map?.entries ?? []) {
    names.add(e.key);
    const path = fieldPath(kind, e.key);
    const definition = readMap(e.value, path, diag);
    if (definition === undefined) continue;
    checkKnownKeys(definition, DEFINITION_KEYS[kind], path, diag);
    if (kind === 'secrets') continue;
    for (const d of definition.entries) {
      if (!DEFINITION_KEYS[kind].has(d.key)) continue;
      const value = d.value.kind === 'scalar' ? scalarText(d.value) : 'set';
      const harmless =
        value === undefined || value === 'false' || (d.key === 'driver' && value === HARMLESS_DRIVER[kind]);
      if (!harmless) {
        diag.warn(
          COMPOSE_WARNING.ignoredField,
          `${d.key} is ignored: ${IGNORED_BECAUSE[kind]}`,
          d.keyLoc,
          fieldPath(path, d.key),
        );
      }
    }
  }
  return names;
}
