/**
 * Retries one whole idempotent step (observe-then-create, a delete that waits on ENIs, a journal write)
 * when AWS says "not now", on top of the SDK's own per-call attempts.
 *
 * Layering rule (ARCHITECTURE "Errors and retries"): the SDK retries each call up to `SDK_MAX_ATTEMPTS`;
 * `retryStep` wraps only whole steps, always with jitter and a finite `maxRetryTime`, so retry layers
 * never multiply into minutes of hammering. Permanent errors fail at once.
 *
 * @module
 */
import pRetry, { AbortError } from 'p-retry';
import { AmbiguousOutcomeError } from './ambiguous-outcome.js';
import {
  type AwsErrorClass,
  classifyAwsError,
  isServerFault,
  RETRYABLE_CLASSES,
  ServerFaultLimitError,
} from './errors.js';
import { type RetryBudget, RetryBudgetExhaustedError } from './retry-budget.js';

/** The longest a step keeps retrying: dependency waits (ENIs draining, IAM propagation) can take minutes. */
export const DEFAULT_STEP_MAX_RETRY_TIME_MS = 10 * 60_000;
/** First backoff delay; randomized ×1–2. */
export const DEFAULT_STEP_MIN_TIMEOUT_MS = 1_000;
/** Backoff cap: "busy" means requeue within 5–30 s (aws-api-facts §2). */
export const DEFAULT_STEP_MAX_TIMEOUT_MS = 30_000;
/** Backoff growth per retry. */
export const DEFAULT_STEP_FACTOR = 2;
/** Retry budget; in practice `maxRetryTime` ends a step first. */
export const DEFAULT_STEP_RETRIES = 100;
/**
 * How many times a step is retried for AWS failing on its side (HTTP 5xx, `ServiceUnavailable`,
 * `InternalFailure`) before it fails with a {@link ServerFaultLimitError} naming the call. Each try is
 * itself up to `SDK_MAX_ATTEMPTS` HTTP attempts, so a call that keeps answering 500 is sent at most
 * (1 + 3) × 3 = 12 times, over about 1 + 2 + 4 s of step backoff plus the SDK's sub-second delays.
 */
export const DEFAULT_STEP_SERVER_FAULT_RETRIES = 3;
/**
 * How many times a step is started again after a call of it ended with an {@link AmbiguousOutcomeError}
 * (a create AWS cannot deduplicate whose answer was lost, reset or 5xx). Counted apart from server
 * faults and set higher: each retry starts with a read that settles the previous attempt, so retrying is
 * safe, and a guarded create under heavy faults needs more tries than a plain 5xx (the fault suite at 30 %
 * saw one fail all 4 tries of the server-fault bound).
 */
export const DEFAULT_STEP_AMBIGUOUS_RETRIES = 8;
/** Stable code of the reconcilers' `NotReadyError`, matched by code so this layer does not import upward. */
export const NOT_READY_CODE = 'NOT_READY';

/** Why a failed attempt will be retried: an AWS class, or an applier saying "not ready yet". */
export type RetryReason = AwsErrorClass | 'not-ready';

/** What {@link RetryStepOptions.onFailedAttempt} is told about each failure that will be retried. */
export interface RetryAttemptInfo {
  readonly error: unknown;
  readonly reason: RetryReason;
  /** 1 for the first failure. */
  readonly attemptNumber: number;
  /** Milliseconds since the step started. */
  readonly elapsedMs: number;
}

/** Options for {@link retryStep}. Tests shrink the timeouts; production uses the defaults. */
export interface RetryStepOptions {
  /** @default DEFAULT_STEP_MAX_RETRY_TIME_MS (10 min) */
  readonly maxRetryTimeMs?: number;
  /** @default DEFAULT_STEP_MIN_TIMEOUT_MS (1 s) */
  readonly minTimeoutMs?: number;
  /** @default DEFAULT_STEP_MAX_TIMEOUT_MS (30 s) */
  readonly maxTimeoutMs?: number;
  /** @default DEFAULT_STEP_FACTOR (2) */
  readonly factor?: number;
  /** @default DEFAULT_STEP_RETRIES (100) */
  readonly retries?: number;
  /** @default DEFAULT_STEP_SERVER_FAULT_RETRIES (3) */
  readonly serverFaultRetries?: number;
  /** @default DEFAULT_STEP_AMBIGUOUS_RETRIES (8) */
  readonly ambiguousRetries?: number;
  /** The pass's retry budget: each retry takes one; once spent, the failure is reported. @default no cap */
  readonly budget?: RetryBudget;
  /** Stops retrying (operator shutdown, `--timeout`); the step rejects with the signal's reason. */
  readonly signal?: AbortSignal;
  /** Progress hook, e.g. to surface "waiting on X" as a condition. Not called for the final failure. */
  readonly onFailedAttempt?: (info: RetryAttemptInfo) => void;
  /**
   * Which classes to retry.
   * @default throttle, busy, dependency
   */
  readonly retryOn?: ReadonlySet<AwsErrorClass>;
  /** Waits for a `NotReadyError`'s `retryAfterMs`; injectable so tests never sleep. @default setTimeout */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** Duck-typed `NotReadyError` (src/reconcilers/errors.ts): code `NOT_READY` plus `retryAfterMs`. */
function notReadyDelay(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as { code?: unknown; retryAfterMs?: unknown };
  return e.code === NOT_READY_CODE && typeof e.retryAfterMs === 'number' ? e.retryAfterMs : undefined;
}

/** Decides whether `err` is retried, and why. */
export function retryReason(
  err: unknown,
  retryOn: ReadonlySet<AwsErrorClass> = RETRYABLE_CLASSES,
): RetryReason | undefined {
  if (notReadyDelay(err) !== undefined) return 'not-ready';
  const cls = classifyAwsError(err);
  return retryOn.has(cls) ? cls : undefined;
}

/** A `setTimeout` that an AbortSignal cancels. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Runs `fn`, retrying it with randomized exponential backoff while it fails with a throttle, busy or
 * dependency error (or a `NotReadyError`, honouring its `retryAfterMs`), until `maxRetryTimeMs` has
 * passed. Any other error rejects at once, unchanged, so callers can still classify it. AWS failing on
 * its side (5xx) is retried only `serverFaultRetries` times, then rejects with a
 * {@link ServerFaultLimitError} naming the call.
 *
 * `fn` must be idempotent as a whole: it is called again from the start.
 *
 * @example
 * await retryStep(() => clients.ec2.send(new DeleteSecurityGroupCommand({ GroupId })), {
 *   onFailedAttempt: ({ reason }) => log.info('waiting', { reason }),
 *   signal,
 * });
 */
export async function retryStep<T>(fn: () => Promise<T>, options: RetryStepOptions = {}): Promise<T> {
  const maxRetryTime = options.maxRetryTimeMs ?? DEFAULT_STEP_MAX_RETRY_TIME_MS;
  const retryOn = options.retryOn ?? RETRYABLE_CLASSES;
  const sleep = options.sleep ?? abortableSleep;
  const serverFaultRetries = options.serverFaultRetries ?? DEFAULT_STEP_SERVER_FAULT_RETRIES;
  const started = performance.now();
  const elapsed = (): number => performance.now() - started;
  let tries = 0;
  let serverFaults = 0;
  let ambiguous = 0;
  const ambiguousRetries = options.ambiguousRetries ?? DEFAULT_STEP_AMBIGUOUS_RETRIES;

  const run = async (): Promise<T> => {
    tries += 1;
    try {
      return await fn();
    } catch (thrown) {
      // p-retry only handles Error instances; anything else travels wrapped and is unwrapped at the end.
      const err = thrown instanceof Error ? thrown : new ThrownValue(thrown);
      // AbortError stops p-retry at once and rejects with `err` itself (its `originalError`).
      if (retryReason(thrown, retryOn) === undefined) throw new AbortError(err);
      if (isAmbiguousOutcome(thrown)) {
        ambiguous += 1;
        if (ambiguous > ambiguousRetries) throw new AbortError(new ServerFaultLimitError(tries, thrown));
      } else if (isServerFault(thrown)) {
        serverFaults += 1;
        if (serverFaults > serverFaultRetries) throw new AbortError(new ServerFaultLimitError(tries, thrown));
      }
      if (options.budget && !options.budget.take())
        throw new AbortError(new RetryBudgetExhaustedError(options.budget.limit, thrown));
      throw err;
    }
  };

  try {
    return await pRetry(run, {
      retries: options.retries ?? DEFAULT_STEP_RETRIES,
      factor: options.factor ?? DEFAULT_STEP_FACTOR,
      minTimeout: options.minTimeoutMs ?? DEFAULT_STEP_MIN_TIMEOUT_MS,
      maxTimeout: options.maxTimeoutMs ?? DEFAULT_STEP_MAX_TIMEOUT_MS,
      maxRetryTime,
      randomize: true,
      ...(options.signal ? { signal: options.signal } : {}),
      onFailedAttempt: async ({ error, attemptNumber, retriesLeft }) => {
        const original = unwrap(error);
        const remaining = maxRetryTime - elapsed();
        if (remaining <= 0 || retriesLeft <= 0) return;
        const reason = retryReason(original, retryOn) ?? 'unknown';
        options.onFailedAttempt?.({ error: original, reason, attemptNumber, elapsedMs: elapsed() });
        const waitMs = notReadyDelay(original);
        if (waitMs !== undefined) await sleep(Math.min(waitMs, remaining), options.signal);
      },
      // A NotReadyError already waited its own retryAfterMs above: no extra backoff for it.
      shouldConsumeRetry: ({ error }) => notReadyDelay(unwrap(error)) === undefined,
    });
  } catch (err) {
    throw unwrap(err);
  }
}

/** True when `err` or a cause of it is an {@link AmbiguousOutcomeError}. */
function isAmbiguousOutcome(err: unknown): boolean {
  let current: unknown = err;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    if (current instanceof AmbiguousOutcomeError) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/** Carries a thrown non-Error value through p-retry, which only handles Errors. */
class ThrownValue extends Error {
  readonly value: unknown;

  constructor(value: unknown) {
    super('non-Error value thrown');
    this.name = 'ThrownValue';
    this.value = value;
  }
}

function unwrap(err: unknown): unknown {
  return err instanceof ThrownValue ? err.value : err;
}
