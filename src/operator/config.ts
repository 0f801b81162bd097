/**
 * The operator's settings, read once from the environment at start-up (12-factor: an ECS task
 * definition sets env vars, not flags). Defaults are ARCHITECTURE "Operator loop" and
 * reconciler-anchors §b; tests pass overrides with short timings.
 *
 * @module
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { profileRegion } from '../aws/clients.js';
import { DEFAULT_RATE_SHARE } from '../aws/rate-limits.js';
import { DEFAULT_HEARTBEAT_MS, DEFAULT_LEASE_MS, DEFAULT_TABLE_NAME } from '../state/index.js';
import { OperatorConfigError } from './errors.js';
import { LOG_LEVELS, type LogLevel } from './logger.js';

/** Stacks reconciled at once per replica (reconciler-anchors §b "Concurrency (p-limit)"). */
export const DEFAULT_CONCURRENCY = 4;
/** How often the spec index is polled for new generations. */
export const DEFAULT_POLL_MS = 10_000;
/** Drift re-observe period per stack: 5 min (crossplane's 1 min costs too many Describe calls). */
export const DEFAULT_RESYNC_MS = 5 * 60_000;
/** ± share of the resync period, so a fleet's stacks do not all resync in the same second. */
export const DEFAULT_RESYNC_JITTER = 0.1;
/** Requeue while a stack is Progressing (changes applied, health not yet confirmed). */
export const DEFAULT_PROGRESS_REQUEUE_MS = 15_000;
/** First retry after a failed pass. */
export const DEFAULT_BACKOFF_BASE_MS = 1_000;
/** Longest wait between retries of a failing stack. */
export const DEFAULT_BACKOFF_MAX_MS = 5 * 60_000;
/** Drain budget on SIGTERM: under ECS's default 30 s stopTimeout, leaving time to release leases. */
export const DEFAULT_STOP_TIMEOUT_MS = 25_000;
/** The one HTTP port (/healthz, /readyz, /metrics, status page). */
export const DEFAULT_PORT = 8080;
/** Listen on every interface: the port is reached through the task's ENI. */
export const DEFAULT_HOST = '0.0.0.0';

/** Every setting of a running operator. */
export interface OperatorConfig {
  readonly table: string;
  /** Region of the state table (stacks carry their own regions). */
  readonly region: string;
  /**
   * `--endpoint-url` only: set on every client, it beats everything else. `AWS_ENDPOINT_URL` (and
   * `AWS_ENDPOINT_URL_<SERVICE>`, the config file's `endpoint_url`) the SDK reads itself.
   */
  readonly endpoint?: string;
  /**
   * `--aws-profile` only: set on every client (the state table's and each region's), so the flag beats
   * `AWS_PROFILE`, which the SDK reads itself when this is unset.
   */
  readonly profile?: string;
  readonly concurrency: number;
  readonly pollMs: number;
  readonly resyncMs: number;
  readonly resyncJitter: number;
  /**
   * Share (0–1] of each AWS API bucket this replica's client-side rate limits use (rate-limits.ts).
   * Replicas split one account's buckets: with two replicas, 0.4 each keeps the account at 80 %.
   */
  readonly rateShare: number;
  readonly leaseMs: number;
  readonly heartbeatMs: number;
  readonly progressRequeueMs: number;
  readonly backoffBaseMs: number;
  readonly backoffMaxMs: number;
  readonly stopTimeoutMs: number;
  /** 0 picks a free port (tests). */
  readonly port: number;
  readonly host: string;
  /** Unique id of this replica: lease owner and log field. */
  readonly owner: string;
  readonly logLevel: LogLevel;
}

/** The environment variables {@link readOperatorConfig} reads; durations are in (fractional) seconds. */
export const OPERATOR_ENV = {
  table: 'STACKCTL_TABLE',
  region: 'STACKCTL_TABLE_REGION',
  concurrency: 'STACKCTL_CONCURRENCY',
  pollMs: 'STACKCTL_POLL_SECONDS',
  resyncMs: 'STACKCTL_RESYNC_SECONDS',
  resyncJitter: 'STACKCTL_RESYNC_JITTER',
  rateShare: 'STACKCTL_RATE_SHARE',
  leaseMs: 'STACKCTL_LEASE_SECONDS',
  heartbeatMs: 'STACKCTL_HEARTBEAT_SECONDS',
  progressRequeueMs: 'STACKCTL_PROGRESS_REQUEUE_SECONDS',
  backoffBaseMs: 'STACKCTL_BACKOFF_BASE_SECONDS',
  backoffMaxMs: 'STACKCTL_BACKOFF_MAX_SECONDS',
  stopTimeoutMs: 'STACKCTL_STOP_TIMEOUT_SECONDS',
  port: 'STACKCTL_PORT',
  host: 'STACKCTL_HOST',
  owner: 'STACKCTL_OWNER',
  logLevel: 'STACKCTL_LOG_LEVEL',
} as const;

type Env = Readonly<Record<string, string | undefined>>;

function number(env: Env, name: string, fallback: number, min: number, scale = 1): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min) {
    throw new OperatorConfigError(`${name} must be a number ≥ ${min}, got ${JSON.stringify(raw)}`);
  }
  return Math.round(n * scale);
}

/** Checks the relations between settings that single values cannot express. */
function validate(config: OperatorConfig): OperatorConfig {
  if (!config.region) {
    throw new OperatorConfigError(
      `no region for the state table: pass --region, set ${OPERATOR_ENV.region} (or AWS_REGION / AWS_DEFAULT_REGION), or give the AWS profile a region`,
    );
  }
  if (!Number.isInteger(config.concurrency) || config.concurrency < 1)
    throw new OperatorConfigError(`concurrency must be a whole number ≥ 1, got ${config.concurrency}`);
  // awslabs lock client: a heartbeat at most half the lease, so one lost beat does not lose the lease.
  if (config.heartbeatMs * 2 > config.leaseMs) {
    throw new OperatorConfigError(
      `the heartbeat (${config.heartbeatMs} ms) must be at most half the lease (${config.leaseMs} ms)`,
    );
  }
  if (!(config.resyncJitter >= 0 && config.resyncJitter < 1))
    throw new OperatorConfigError(`resync jitter must be in [0, 1), got ${config.resyncJitter}`);
  if (!(config.rateShare > 0 && config.rateShare <= 1))
    throw new OperatorConfigError(`rate share must be in (0, 1], got ${config.rateShare}`);
  if (config.backoffBaseMs > config.backoffMaxMs)
    throw new OperatorConfigError('the first backoff must not exceed the longest backoff');
  if (!Number.isInteger(config.port) || config.port < 0 || config.port > 65_535)
    throw new OperatorConfigError(`port must be 0–65535, got ${config.port}`);
  if (!(LOG_LEVELS as readonly string[]).includes(config.logLevel))
    throw new OperatorConfigError(`log level must be one of ${LOG_LEVELS.join(', ')}`);
  return config;
}

/** A unique, readable lease owner: `<hostname>:<pid>:<8 hex>`. */
export function defaultOwner(): string {
  return `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
}

/**
 * Reads the configuration from `env`, then applies `overrides` (command-line flags, tests) and checks
 * the result. Read once: a running operator never re-reads its environment.
 *
 * @throws OperatorConfigError naming the variable at fault
 * @example
 * const config = readOperatorConfig(process.env, { port: 9090 });
 */
export function readOperatorConfig(env: Env, overrides: Partial<OperatorConfig> = {}): OperatorConfig {
  const E = OPERATOR_ENV;
  const seconds = 1000;
  const base: OperatorConfig = {
    table: env[E.table] || DEFAULT_TABLE_NAME,
    region: env[E.region] || env.AWS_REGION || env.AWS_DEFAULT_REGION || '',
    concurrency: number(env, E.concurrency, DEFAULT_CONCURRENCY, 1),
    pollMs: number(env, E.pollMs, DEFAULT_POLL_MS, 0.05, seconds),
    resyncMs: number(env, E.resyncMs, DEFAULT_RESYNC_MS, 0.1, seconds),
    resyncJitter: env[E.resyncJitter] ? Number(env[E.resyncJitter]) : DEFAULT_RESYNC_JITTER,
    rateShare: env[E.rateShare] ? Number(env[E.rateShare]) : DEFAULT_RATE_SHARE,
    leaseMs: number(env, E.leaseMs, DEFAULT_LEASE_MS, 0.1, seconds),
    heartbeatMs: number(env, E.heartbeatMs, DEFAULT_HEARTBEAT_MS, 0.05, seconds),
    progressRequeueMs: number(env, E.progressRequeueMs, DEFAULT_PROGRESS_REQUEUE_MS, 0.05, seconds),
    backoffBaseMs: number(env, E.backoffBaseMs, DEFAULT_BACKOFF_BASE_MS, 0.01, seconds),
    backoffMaxMs: number(env, E.backoffMaxMs, DEFAULT_BACKOFF_MAX_MS, 0.01, seconds),
    stopTimeoutMs: number(env, E.stopTimeoutMs, DEFAULT_STOP_TIMEOUT_MS, 0, seconds),
    port: number(env, E.port, DEFAULT_PORT, 0),
    host: env[E.host] || DEFAULT_HOST,
    owner: env[E.owner] || defaultOwner(),
    logLevel: (env[E.logLevel] || 'info') as LogLevel,
  };
  return validate({ ...base, ...overrides });
}

/** How {@link loadOperatorConfig} finds the profile's region; tests inject a reader. */
export interface ProfileRegionReader {
  /** @default the SDK's config-file reader ({@link profileRegion}), never the instance metadata service */
  readonly readProfileRegion?: (profile?: string) => Promise<string | undefined>;
}

/**
 * {@link readOperatorConfig}, with one more region source at the end, as every CLI command has: when
 * neither `overrides` (`--region`) nor the environment (`STACKCTL_TABLE_REGION`, `AWS_REGION`,
 * `AWS_DEFAULT_REGION`) names the state table's region, the `region` of the AWS profile
 * (`overrides.profile`, i.e. `--aws-profile`, else `AWS_PROFILE`, else `default`) in the AWS config file.
 * Async because that file is read; it is read only when nothing else names a region.
 *
 * @throws OperatorConfigError as {@link readOperatorConfig}
 * @example
 * const config = await loadOperatorConfig(process.env, { port: 9090, profile: 'ops' });
 */
export async function loadOperatorConfig(
  env: Env,
  overrides: Partial<OperatorConfig> = {},
  reader: ProfileRegionReader = {},
): Promise<OperatorConfig> {
  const named = overrides.region || env[OPERATOR_ENV.region] || env.AWS_REGION || env.AWS_DEFAULT_REGION;
  if (named) return readOperatorConfig(env, overrides);
  const read = reader.readProfileRegion ?? profileRegion;
  const fromProfile = await read(overrides.profile || env.AWS_PROFILE || undefined);
  return readOperatorConfig(env, { ...overrides, ...(fromProfile ? { region: fromProfile } : {}) });
}
