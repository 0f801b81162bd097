/**
 * Service-level `x-` extensions: stackctl's managed-service requests (`x-stackctl-postgres`, `-redis`,
 * `-autoscaling`, each also spelled `x-defang-…` so Defang projects work unchanged) and a warning for
 * every other extension, which stackctl does not act on.
 *
 * @module
 */
import type { ComposeAutoscaling, ComposePostgres, ComposeRedis } from '../compose-types.js';
import type { Diagnostics } from './diagnostics.js';
import { COMPOSE_PROBLEM, COMPOSE_WARNING } from './errors.js';
import { fieldPath, type RawEntry, type RawMap, type RawNode } from './raw-node.js';
import { describe, readBoolean, readInteger } from './values.js';

/** The managed services a compose service asks for. */
export interface ServiceExtensions {
  readonly postgres?: ComposePostgres;
  readonly redis?: ComposeRedis;
  readonly autoscaling?: ComposeAutoscaling;
}

const KINDS = ['postgres', 'redis', 'autoscaling'] as const;
type Kind = (typeof KINDS)[number];
const PREFIXES = ['x-stackctl-', 'x-defang-'] as const;
const MAX_TASKS = 10_000;
const MAX_PERCENT = 100;

/** Reads the `x-` keys of the service at `path`; `image` gives the engine versions. */
export function normalizeExtensions(
  service: RawMap,
  path: string,
  image: string | undefined,
  diag: Diagnostics,
): ServiceExtensions {
  const chosen = new Map<Kind, RawEntry>();
  for (const e of service.entries) {
    if (!e.key.startsWith('x-')) continue;
    const p = fieldPath(path, e.key);
    const kind = KINDS.find((k) => PREFIXES.some((prefix) => e.key === prefix + k));
    if (kind !== undefined) {
      const previous = chosen.get(kind);
      if (previous === undefined || e.key.startsWith('x-stackctl-')) chosen.set(kind, e);
      if (previous !== undefined) {
        diag.warn(
          COMPOSE_WARNING.ignoredField,
          `both x-stackctl-${kind} and x-defang-${kind} are set; x-stackctl-${kind} wins`,
          e.keyLoc,
          p,
        );
      }
    } else if (e.key.startsWith('x-stackctl-')) {
      diag.error(
        COMPOSE_PROBLEM.unknownField,
        `unknown stackctl extension "${e.key}" (known: ${KINDS.map((k) => `x-stackctl-${k}`).join(', ')})`,
        e.keyLoc,
        p,
      );
    } else if (e.key.startsWith('x-defang-')) {
      diag.warn(COMPOSE_WARNING.ignoredField, `stackctl ignores ${e.key}`, e.keyLoc, p);
    } else {
      diag.warn(COMPOSE_WARNING.ignoredField, `extension ${e.key} is ignored`, e.keyLoc, p);
    }
  }
  const out: { postgres?: ComposePostgres; redis?: ComposeRedis; autoscaling?: ComposeAutoscaling } = {};
  for (const [kind, entry] of chosen) {
    const p = fieldPath(path, entry.key);
    const settings = readSettings(entry.value, p, diag);
    if (settings === undefined) continue;
    if (kind === 'postgres') out.postgres = postgres(settings, p, image, diag);
    else if (kind === 'redis') out.redis = redis(settings, p, image, diag);
    else out.autoscaling = autoscaling(settings, p, diag);
  }
  return out;
}

/** `true` / `{...}` enable; `false` / null disable (`undefined`); anything else is an error. */
function readSettings(node: RawNode, path: string, diag: Diagnostics): RawMap | 'enabled' | undefined {
  if (node.kind === 'map') return node;
  if (node.kind === 'scalar' && node.value === null) return undefined;
  if (node.kind === 'seq') {
    diag.error(
      COMPOSE_PROBLEM.invalidValue,
      `must be true or a mapping, not ${describe(node)}`,
      node.loc,
      path,
    );
    return undefined;
  }
  return readBoolean(node, path, diag) ? 'enabled' : undefined;
}

function postgres(
  settings: RawMap | 'enabled',
  path: string,
  image: string | undefined,
  diag: Diagnostics,
): ComposePostgres {
  const engineVersion = postgresVersion(image);
  let allowDowngrade: boolean | undefined;
  if (settings !== 'enabled') {
    for (const e of settings.entries) {
      if (e.key === 'allow-downgrade' || e.key === 'allowDowngrade')
        allowDowngrade = readBoolean(e.value, `${path}.${e.key}`, diag);
      else
        diag.warn(
          COMPOSE_WARNING.ignoredField,
          `${e.key} is not supported by stackctl; ignored`,
          e.keyLoc,
          `${path}.${e.key}`,
        );
    }
  }
  return {
    ...(engineVersion === undefined ? {} : { engineVersion }),
    ...(allowDowngrade === undefined ? {} : { allowDowngrade }),
  };
}

function redis(
  settings: RawMap | 'enabled',
  path: string,
  image: string | undefined,
  diag: Diagnostics,
): ComposeRedis {
  if (settings !== 'enabled') {
    for (const e of settings.entries) {
      diag.warn(
        COMPOSE_WARNING.ignoredField,
        `${e.key} is not supported by stackctl; ignored`,
        e.keyLoc,
        `${path}.${e.key}`,
      );
    }
  }
  const engineVersion = redisVersion(image);
  return engineVersion === undefined ? {} : { engineVersion };
}

const AUTOSCALING_KEYS: Readonly<Record<string, 'min' | 'max' | 'targetCpu'>> = {
  min: 'min',
  max: 'max',
  targetCpu: 'targetCpu',
  'target-cpu': 'targetCpu',
  cpu: 'targetCpu',
};

function autoscaling(settings: RawMap | 'enabled', path: string, diag: Diagnostics): ComposeAutoscaling {
  const out: { min?: number; max?: number; targetCpu?: number } = {};
  if (settings === 'enabled') return out;
  for (const e of settings.entries) {
    const field = AUTOSCALING_KEYS[e.key];
    const p = `${path}.${e.key}`;
    if (field === undefined) {
      diag.warn(COMPOSE_WARNING.ignoredField, `${e.key} is not supported by stackctl; ignored`, e.keyLoc, p);
      continue;
    }
    const range = field === 'targetCpu' ? { min: 1, max: MAX_PERCENT } : { min: 0, max: MAX_TASKS };
    const value = readInteger(e.value, p, diag, range);
    if (value !== undefined) out[field] = value;
  }
  if (out.min !== undefined && out.max !== undefined && out.min > out.max) {
    diag.error(
      COMPOSE_PROBLEM.invalidValue,
      `min (${out.min}) must not exceed max (${out.max})`,
      settings.loc,
      path,
    );
  }
  return out;
}

/** The tag of an image reference (`docker.io/library/postgres:16-alpine` → `16-alpine`). */
export function imageTag(image: string): string | undefined {
  const withoutDigest = image.split('@')[0] ?? '';
  const lastSlash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.indexOf(':', lastSlash + 1);
  return colon < 0 ? undefined : withoutDigest.slice(colon + 1);
}

/**
 * Postgres major version from the image tag: `16-alpine` → `16`, `14.5` → `14`, `pg16` → `16`,
 * and before 10 the two-part major (`9.6`). `undefined` for `latest` or no tag.
 */
export function postgresVersion(image: string | undefined): string | undefined {
  const m = /(\d+)(?:\.(\d+))?/.exec(image === undefined ? '' : (imageTag(image) ?? ''));
  if (!m?.[1]) return undefined;
  return Number(m[1]) < 10 && m[2] !== undefined ? `${m[1]}.${m[2]}` : m[1];
}

/** Redis version from the image tag: `7.2-alpine` → `7.2`, `6` → `6`; `undefined` for `alpine`/`latest`. */
export function redisVersion(image: string | undefined): string | undefined {
  return /^(\d+(?:\.\d+)?)/.exec(image === undefined ? '' : (imageTag(image) ?? ''))?.[1];
}
