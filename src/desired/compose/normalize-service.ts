/**
 * One service's merged YAML (after interpolation and `extends`) → {@link ComposeService}.
 *
 * Every key is accounted for through the tables in `service-fields.ts`: mapped here, an error when
 * Fargate cannot do it, or a warning naming it. Nothing is dropped silently.
 *
 * @module
 */
import type { SourceLocation } from '../../errors.js';
import type { ComposeService } from '../compose-types.js';
import { normalizeBuild } from './build.js';
import { normalizeDependsOn, type ServiceStates } from './depends-on.js';
import { normalizeDeploy } from './deploy.js';
import type { Diagnostics } from './diagnostics.js';
import { normalizeEnvironment, normalizeLabels } from './environment.js';
import { COMPOSE_PROBLEM, COMPOSE_WARNING } from './errors.js';
import { normalizeExtensions } from './extensions.js';
import { normalizeHealthcheck, readDuration } from './healthcheck.js';
import type { VariableLookup } from './interpolate.js';
import { type Declared, normalizeNetworks, normalizeSecrets, normalizeVolumes } from './mounts.js';
import { normalizeExpose, normalizePorts } from './ports.js';
import {
  type BaseDirOf,
  fieldPath,
  isNull,
  type RawMap,
  type RawNode,
  scalarText,
  valueAt,
} from './raw-node.js';
import {
  FARGATE_IMPOSSIBLE_FIELDS,
  IGNORED_SERVICE_FIELDS,
  MAPPED_SERVICE_FIELDS,
} from './service-fields.js';
import { splitShellWords } from './shell-split.js';
import { checkKnownKeys, readBoolean, readString, readStringList } from './values.js';

/** What normalizing a service needs from the rest of the project. @internal */
export interface ServiceContext {
  readonly diag: Diagnostics;
  readonly lookup: VariableLookup;
  readonly declared: Declared;
  readonly services: ServiceStates;
  /** Directory of the entry file; build contexts are made relative to it. */
  readonly projectDir: string;
  readonly locations: Record<string, SourceLocation>;
  /** Where relative paths written in a file start. @default the file's own directory */
  readonly baseDirOf?: BaseDirOf;
}

const KNOWN_SERVICE_FIELDS: ReadonlySet<string> = new Set([
  ...MAPPED_SERVICE_FIELDS,
  ...Object.keys(FARGATE_IMPOSSIBLE_FIELDS),
  ...Object.keys(IGNORED_SERVICE_FIELDS),
]);
const RESTART_POLICIES = ['no', 'always', 'on-failure', 'unless-stopped'] as const;
type Draft = { -readonly [K in keyof ComposeService]?: ComposeService[K] };

/** Records an error for every key of a service that is not in the Compose Specification. */
export function checkServiceKeys(service: RawMap, path: string, diag: Diagnostics): void {
  // Service-level extensions are read (or warned about) by normalizeExtensions.
  checkKnownKeys(service, KNOWN_SERVICE_FIELDS, path, diag, 'handled');
}

/** Normalizes the enabled service `name` (at `services.<name>`). */
export function normalizeService(name: string, service: RawMap, ctx: ServiceContext): ComposeService {
  const path = `services.${name}`;
  const { diag } = ctx;
  const at = (key: string): RawNode | undefined => {
    const node = valueAt(service, key);
    return node === undefined || isNull(node) ? undefined : node;
  };
  const str = (key: string): string | undefined => {
    const node = at(key);
    return node === undefined ? undefined : readString(node, fieldPath(path, key), diag);
  };
  const bool = (key: string): boolean | undefined => {
    const node = at(key);
    return node === undefined ? undefined : readBoolean(node, fieldPath(path, key), diag);
  };
  const draft: Draft = {};
  const image = str('image');
  if (image !== undefined) draft.image = image;
  const build = at('build');
  if (build) {
    const b = normalizeBuild(
      build,
      fieldPath(path, 'build'),
      ctx.projectDir,
      ctx.lookup,
      diag,
      ctx.baseDirOf,
    );
    if (b) draft.build = b;
  }
  for (const key of ['command', 'entrypoint'] as const) {
    const node = at(key);
    const words = node === undefined ? undefined : commandWords(node, fieldPath(path, key), diag);
    if (words !== undefined) draft[key] = words;
  }
  const healthcheck = at('healthcheck');
  if (healthcheck) {
    const h = normalizeHealthcheck(healthcheck, fieldPath(path, 'healthcheck'), diag);
    if (h) draft.healthcheck = h;
  }
  Object.assign(draft, normalizeDeploy(service, path, diag));
  const restart = at('restart');
  if (restart) {
    const r = restartPolicy(restart, fieldPath(path, 'restart'), diag);
    if (r) draft.restart = r;
  }
  const domainname = str('domainname');
  if (domainname !== undefined) draft.domainname = domainname;
  const hostname = str('hostname');
  if (hostname !== undefined) draft.hostname = hostname;
  const containerName = str('container_name');
  if (containerName !== undefined) draft.containerName = containerName;
  const user = str('user');
  if (user !== undefined) draft.user = user;
  const workingDir = str('working_dir');
  if (workingDir !== undefined) draft.workingDir = workingDir;
  const grace = at('stop_grace_period');
  const graceSeconds =
    grace === undefined ? undefined : readDuration(grace, fieldPath(path, 'stop_grace_period'), diag);
  if (graceSeconds !== undefined) draft.stopGracePeriodSeconds = graceSeconds;
  const readOnly = bool('read_only');
  if (readOnly !== undefined) draft.readOnly = readOnly;
  const init = bool('init');
  if (init !== undefined) draft.init = init;
  checkUnsupported(service, path, diag);
  const list = <T>(key: string, fn: (n: RawNode, p: string) => T, empty: T): T => {
    const node = at(key);
    return node === undefined ? empty : fn(node, fieldPath(path, key));
  };
  return {
    name,
    ...draft,
    environment: normalizeEnvironment(service, path, ctx),
    ports: list('ports', (n, p) => normalizePorts(n, p, diag), []),
    expose: list('expose', (n, p) => normalizeExpose(n, p, diag), []),
    dependsOn: list('depends_on', (n, p) => normalizeDependsOn(n, p, name, ctx.services, diag), {}),
    profiles: list('profiles', (n, p) => readStringList(n, p, diag) ?? [], []),
    secrets: list('secrets', (n, p) => normalizeSecrets(n, p, ctx.declared, diag), []),
    ...networkFields(at('networks'), fieldPath(path, 'networks'), ctx.declared, diag),
    volumes: list('volumes', (n, p) => normalizeVolumes(n, p, ctx.declared, diag), []),
    labels: list('labels', (n, p) => normalizeLabels(n, p, diag), {}),
    ...normalizeExtensions(service, path, image, diag),
  };
}

/** `networks` and, when some network gives `aliases`, `networkAliases`. */
function networkFields(
  node: RawNode | undefined,
  path: string,
  declared: Declared,
  diag: Diagnostics,
): Pick<ComposeService, 'networks' | 'networkAliases'> {
  if (node === undefined) return { networks: ['default'] };
  const { names, aliases } = normalizeNetworks(node, path, declared, diag);
  return Object.keys(aliases).length === 0
    ? { networks: names }
    : { networks: names, networkAliases: aliases };
}

/** `command`/`entrypoint`: a string is split like a shell would, a list is taken as is. */
function commandWords(node: RawNode, path: string, diag: Diagnostics): readonly string[] | undefined {
  if (node.kind === 'seq') return readStringList(node, path, diag);
  const text = readString(node, path, diag);
  if (text === undefined) return undefined;
  const words = splitShellWords(text);
  if (words === undefined) diag.error(COMPOSE_PROBLEM.invalidValue, 'has an unclosed quote', node.loc, path);
  return words;
}

function restartPolicy(node: RawNode, path: string, diag: Diagnostics): ComposeService['restart'] {
  // YAML 1.1 habits: `restart: no` may arrive as boolean false.
  const text = node.kind === 'scalar' && node.value === false ? 'no' : readString(node, path, diag);
  if (text === undefined) return undefined;
  const [policy, retries] = text.split(':');
  const known = RESTART_POLICIES.find((p) => p === policy);
  if (known === undefined || (retries !== undefined && known !== 'on-failure')) {
    diag.error(
      COMPOSE_PROBLEM.invalidValue,
      `must be one of ${RESTART_POLICIES.join(', ')} (or on-failure:N)`,
      node.loc,
      path,
    );
    return undefined;
  }
  if (retries !== undefined) {
    diag.warn(
      COMPOSE_WARNING.ignoredField,
      `the retry limit ${retries} is ignored: ECS replaces failed tasks`,
      node.loc,
      path,
    );
  }
  return known;
}

/** Errors for what Fargate cannot do, warnings for what stackctl does not carry over. */
function checkUnsupported(service: RawMap, path: string, diag: Diagnostics): void {
  for (const e of service.entries) {
    const p = fieldPath(path, e.key);
    const impossible = FARGATE_IMPOSSIBLE_FIELDS[e.key];
    if (impossible !== undefined) {
      if (isSet(e.value)) diag.error(COMPOSE_PROBLEM.unsupported, impossible, e.keyLoc, p);
      continue;
    }
    const reason = IGNORED_SERVICE_FIELDS[e.key];
    if (reason !== undefined)
      diag.warn(COMPOSE_WARNING.ignoredField, `${e.key} is ignored: ${reason}`, e.keyLoc, p);
    if (e.key === 'network_mode') networkMode(e.value, p, diag);
  }
}

function networkMode(node: RawNode, path: string, diag: Diagnostics): void {
  const mode = node.kind === 'scalar' ? scalarText(node) : undefined;
  if (mode === undefined) return;
  if (mode === 'host' || mode.startsWith('service:') || mode.startsWith('container:')) {
    diag.error(
      COMPOSE_PROBLEM.unsupported,
      `network_mode ${mode} is not possible on Fargate (tasks use awsvpc networking)`,
      node.loc,
      path,
    );
  } else {
    diag.warn(
      COMPOSE_WARNING.ignoredField,
      `network_mode ${mode} is ignored: tasks use awsvpc networking`,
      node.loc,
      path,
    );
  }
}

/** True unless the value is null, false, or an empty list/mapping (`privileged: false` is harmless). */
function isSet(node: RawNode): boolean {
  if (node.kind === 'scalar') return node.value !== null && node.value !== false && node.value !== 'false';
  return node.kind === 'seq' ? node.items.length > 0 : node.entries.length > 0;
}
