/**
 * Fault-suite hook: makes a share of AWS calls fail the ways AWS and networks really fail, from a seed.
 *
 * Why: ARCHITECTURE and docs/RELIABILITY.md promise that a pass converges through throttling, server
 * errors and connection resets, and that a lost response (the server acted, the client saw a reset)
 * never makes a second resource. moto never fails on its own, so the fault suite arms this hook in the
 * CLI process through the environment:
 *
 * - `STACKCTL_FAULT_RATE` (0 < rate ≤ 1): the share of HTTP attempts that fail;
 * - `STACKCTL_FAULT_SEED` (integer, default 1): the seed of the generator deciding which attempt fails
 *   and how (passes run steps concurrently, so the same seed gives the same sequence of draws, not
 *   the same calls);
 * - `STACKCTL_FAULT_KINDS` (default all): a comma list of {@link FAULT_KINDS};
 * - `STACKCTL_FAULT_LOSE_RESPONSE`: a comma list of operations (`CreateVpc` or `ec2:CreateVpc`) whose
 *   first call is carried out by the server and then answered with a reset, whatever the rate;
 * - `STACKCTL_FAULT_SERVICES` (default every stack service): bundle keys whose calls may fail. The state
 *   table (`dynamodb`) and `sts` are left out by default: the suite measures the stack's resources;
 * - `STACKCTL_FAULT_REPORT`: a file that receives, at exit, one JSON line with what was injected.
 *
 * The middleware sits inside the SDK's retry loop, right above the deserializer, so the SDK, the
 * no-blind-resend guard and the step retries all see each fault as they would see the real thing.
 * Unset, nothing is added to any client.
 *
 * @module
 */
import { appendFileSync } from 'node:fs';
import { StackctlError } from '../errors.js';
import type { Middleware, StackLike } from './middleware-types.js';
import type { AwsClients } from './types.js';

/** The ways an attempt can fail. */
export const FAULT_KINDS = ['throttle', '500', '503', 'reset', 'lost'] as const;
/** One way an attempt fails: a throttle, a 500, a 503, a reset before the server acts, a lost response. */
export type FaultKind = (typeof FAULT_KINDS)[number];

/** Environment variables of the hook (see the module doc). */
export const FAULT_ENV = {
  rate: 'STACKCTL_FAULT_RATE',
  seed: 'STACKCTL_FAULT_SEED',
  kinds: 'STACKCTL_FAULT_KINDS',
  loseResponse: 'STACKCTL_FAULT_LOSE_RESPONSE',
  services: 'STACKCTL_FAULT_SERVICES',
  report: 'STACKCTL_FAULT_REPORT',
} as const;

/** Services faults are injected into unless `STACKCTL_FAULT_SERVICES` says otherwise. */
export const DEFAULT_FAULT_SERVICES: readonly string[] = [
  'acm',
  'autoscaling',
  'logs',
  'ec2',
  'ecs',
  'elbv2',
  'elasticache',
  'iam',
  'rds',
  'route53',
  'servicediscovery',
  'ssm',
  'tagging',
];

/** Each service's own throttling error: name and HTTP status, as the service sends it. */
export const THROTTLE_ERRORS: Readonly<Record<string, { readonly name: string; readonly status: number }>> = {
  acm: { name: 'ThrottlingException', status: 400 },
  autoscaling: { name: 'ThrottlingException', status: 400 },
  logs: { name: 'ThrottlingException', status: 400 },
  dynamodb: { name: 'ThrottlingException', status: 400 },
  ec2: { name: 'RequestLimitExceeded', status: 503 },
  ecs: { name: 'ThrottlingException', status: 400 },
  elbv2: { name: 'Throttling', status: 400 },
  elasticache: { name: 'Throttling', status: 400 },
  iam: { name: 'Throttling', status: 400 },
  rds: { name: 'Throttling', status: 400 },
  route53: { name: 'Throttling', status: 400 },
  servicediscovery: { name: 'RequestLimitExceeded', status: 400 },
  ssm: { name: 'ThrottlingException', status: 400 },
  sts: { name: 'Throttling', status: 400 },
  tagging: { name: 'ThrottledException', status: 400 },
};

/** Each service's name for its own internal failure (HTTP 500). */
const SERVER_ERROR_NAMES: Readonly<Record<string, string>> = {
  ec2: 'InternalError',
  ecs: 'ServerException',
  ssm: 'InternalServerError',
};
/** Each service's name for "unavailable" (HTTP 503). */
const UNAVAILABLE_NAMES: Readonly<Record<string, string>> = { ec2: 'Unavailable' };

/** The variables are set but make no sense: fail loudly rather than run a fault test unarmed. */
export class FaultConfigError extends StackctlError {
  constructor(message: string) {
    super('FAULT_INJECTION_CONFIG', message);
    this.name = 'FaultConfigError';
  }
}

/** What was injected so far, by kind; `attempts` counts every attempt the hook saw. */
export interface FaultTally {
  attempts: number;
  readonly injected: Record<FaultKind, number>;
}

/** The parsed configuration. */
export interface RandomFaultOptions {
  readonly rate: number;
  readonly seed: number;
  readonly kinds: readonly FaultKind[];
  readonly loseResponse: readonly string[];
  readonly services: readonly string[];
  /** Receives the tally; shared by every client of the bundle. */
  readonly tally?: FaultTally;
}

/** mulberry32: a small, well-known seeded generator; good enough to spread faults, not for secrets. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Builds the error an attempt fails with, shaped like the SDK's own (name, `$fault`, `$metadata`). */
export function faultError(kind: Exclude<FaultKind, 'lost'>, service: string): Error {
  if (kind === 'reset') return Object.assign(new Error('socket hang up (injected)'), { code: 'ECONNRESET' });
  const { name, status } =
    kind === 'throttle'
      ? (THROTTLE_ERRORS[service] ?? { name: 'ThrottlingException', status: 400 })
      : kind === '500'
        ? { name: SERVER_ERROR_NAMES[service] ?? 'InternalFailure', status: 500 }
        : { name: UNAVAILABLE_NAMES[service] ?? 'ServiceUnavailable', status: 503 };
  return Object.assign(new Error(`${name} (injected)`), {
    name,
    $fault: kind === 'throttle' ? 'client' : 'server',
    $metadata: { httpStatusCode: status, requestId: 'injected', attempts: 1, totalRetryDelay: 0 },
  });
}

/** The lost-response fault: what the client sees after the server acted. */
function lostResponse(): Error {
  return Object.assign(new Error('socket hang up after the request was sent (injected)'), {
    code: 'ECONNRESET',
  });
}

/**
 * Parses the variables; `undefined` when neither a rate nor a lost-response list is set.
 *
 * @throws FaultConfigError on a rate outside (0, 1], a non-integer seed or an unknown kind
 */
export function parseRandomFaults(
  env: Readonly<Record<string, string | undefined>>,
): RandomFaultOptions | undefined {
  const rawRate = env[FAULT_ENV.rate]?.trim() ?? '';
  const loseResponse = (env[FAULT_ENV.loseResponse] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (rawRate === '' && loseResponse.length === 0) return undefined;
  const rate = rawRate === '' ? 0 : Number(rawRate);
  if (!(rate >= 0 && rate <= 1))
    throw new FaultConfigError(`${FAULT_ENV.rate} must be between 0 and 1, got "${rawRate}"`);
  const rawSeed = env[FAULT_ENV.seed]?.trim() || '1';
  const seed = Number(rawSeed);
  if (!Number.isSafeInteger(seed))
    throw new FaultConfigError(`${FAULT_ENV.seed} must be an integer, got "${rawSeed}"`);
  const kinds = (env[FAULT_ENV.kinds]?.trim() || FAULT_KINDS.join(',')).split(',').map((k) => k.trim());
  const unknown = kinds.filter((k) => !(FAULT_KINDS as readonly string[]).includes(k));
  if (unknown.length > 0)
    throw new FaultConfigError(
      `${FAULT_ENV.kinds}: unknown kind(s) ${unknown.join(', ')}; known: ${FAULT_KINDS.join(', ')}`,
    );
  const services = (env[FAULT_ENV.services]?.trim() || DEFAULT_FAULT_SERVICES.join(','))
    .split(',')
    .map((s) => s.trim());
  return { rate, seed, kinds: kinds as FaultKind[], loseResponse, services };
}

/** Name of the middleware on every client's stack. */
export const RANDOM_FAULTS_MIDDLEWARE = 'stackctlRandomFaults';

/** A fresh tally with every kind at zero. */
export function emptyTally(): FaultTally {
  return { attempts: 0, injected: { throttle: 0, '500': 0, '503': 0, reset: 0, lost: 0 } };
}

/**
 * Adds the fault middleware to the bundle's clients named in `options.services` and returns the tally
 * they share. See the module doc for where it sits and what each kind does.
 */
export function attachRandomFaults(clients: AwsClients, options: RandomFaultOptions): FaultTally {
  const tally = options.tally ?? emptyTally();
  const random = seededRandom(options.seed);
  const toLose = new Set(options.loseResponse);
  for (const [service, value] of Object.entries(clients)) {
    if (!options.services.includes(service)) continue;
    if (typeof value !== 'object' || value === null || !('middlewareStack' in value)) continue;
    const middleware: Middleware = (next, context) => async (args) => {
      const operation = (context.commandName ?? 'unknown').replace(/Command$/, '');
      tally.attempts += 1;
      const named = [operation, `${service}:${operation}`].find((n) => toLose.has(n));
      if (named !== undefined) {
        toLose.delete(named);
        await next(args);
        tally.injected.lost += 1;
        throw lostResponse();
      }
      if (options.rate === 0 || random() >= options.rate) return next(args);
      const kind = options.kinds[Math.floor(random() * options.kinds.length)] ?? 'throttle';
      tally.injected[kind] += 1;
      if (kind !== 'lost') throw faultError(kind, service);
      await next(args);
      throw lostResponse();
    };
    (value.middlewareStack as StackLike).add(middleware, {
      step: 'deserialize',
      name: RANDOM_FAULTS_MIDDLEWARE,
      priority: 'high',
      override: true,
    });
  }
  return tally;
}

/** One tally per process, so a command with several client bundles reports one total. */
const PROCESS_TALLY: FaultTally = emptyTally();
let reportArmed = false;

/**
 * Arms the hook from the environment (nothing at all when unset) and, when `STACKCTL_FAULT_REPORT` names
 * a file, appends the process's tally to it as one JSON line when the process exits.
 *
 * @throws FaultConfigError when a variable is set to something that makes no sense
 */
export function attachRandomFaultsFromEnv(
  clients: AwsClients,
  env: Readonly<Record<string, string | undefined>> = process.env,
): FaultTally | undefined {
  const options = parseRandomFaults(env);
  if (options === undefined) return undefined;
  const tally = attachRandomFaults(clients, { ...options, tally: PROCESS_TALLY });
  const report = env[FAULT_ENV.report]?.trim();
  if (report && !reportArmed) {
    reportArmed = true;
    process.once('exit', () => {
      appendFileSync(report, `${JSON.stringify({ seed: options.seed, rate: options.rate, ...tally })}\n`);
    });
  }
  return tally;
}
