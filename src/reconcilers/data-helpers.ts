/**
 * Helpers of the managed data kinds (RDS, ElastiCache): reading resolved spec values, bounded waits and
 * final-snapshot names. Their deletes take minutes and must finish before their subnet group can go
 * (`research/aws-api-facts.md` §6.7).
 *
 * A wait polls with an injected delay (tests pass 0, so no real sleep) and gives up after a bounded
 * number of polls with a {@link NotReadyError}: the engine requeues the step, and the next attempt
 * resumes waiting instead of blocking a worker for the whole deletion.
 *
 * @module
 */
import { isNotFound } from '../aws/errors.js';
import type { Spec } from '../desired/resource-types.js';
import { NotReadyError } from './errors.js';

/** Pause between two polls of a resource being deleted. */
export const DEFAULT_WAIT_DELAY_MS = 15_000;

/** Polls before a wait hands back to the engine (≈10 minutes at the default delay). */
export const DEFAULT_MAX_WAIT_ATTEMPTS = 40;

/** How long the engine should wait before retrying a step that AWS has not finished yet. */
export const NOT_READY_RETRY_MS = 30_000;

/** Options of {@link waitUntilGone}. */
export interface WaitOptions {
  /** What is being waited on, for the error message, e.g. `db/postgres (shop-prod-db-1a2b3c)`. */
  readonly what: string;
  /** @default {@link DEFAULT_WAIT_DELAY_MS} */
  readonly delayMs?: number;
  /** @default {@link DEFAULT_MAX_WAIT_ATTEMPTS} */
  readonly maxAttempts?: number;
  /** Stops the wait early (operator shutdown, `--timeout`); the step is then requeued. */
  readonly signal?: AbortSignal | undefined;
}

/** Resolves after `ms`, or at once when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (ms <= 0 || signal?.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * Polls `isGone` until it answers true. Throws {@link NotReadyError} when the attempts run out or the
 * signal aborts, so the engine retries the step later rather than failing it.
 */
export async function waitUntilGone(isGone: () => Promise<boolean>, options: WaitOptions): Promise<void> {
  const delayMs = options.delayMs ?? DEFAULT_WAIT_DELAY_MS;
  const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_WAIT_ATTEMPTS;
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    if (await isGone()) return;
    if (options.signal?.aborted) break;
    if (attempt < maxAttempts) await sleep(delayMs, options.signal);
  }
  throw new NotReadyError(`${options.what} is still being deleted`, NOT_READY_RETRY_MS);
}

/**
 * Options of the appliers of the snapshot-taking data kinds (RDS instance, ElastiCache replication
 * group); the lead wires `finalSnapshot` from the stack's mode.
 */
export interface FinalSnapshotApplierOptions {
  /**
   * Take a final snapshot (`<id>-final-<yyyymmddhhmm>`) before deleting; false skips it (the
   * `affordable` mode). Data safety wins by default.
   */
  readonly finalSnapshot: boolean;
  /** Pause between polls while AWS deletes the resource. @default 15 000 ms */
  readonly waitDelayMs?: number;
  /** Polls before handing the step back to the engine as not ready. @default 40 */
  readonly maxWaitAttempts?: number;
  /** Clock for snapshot names. @default () => new Date() */
  readonly now?: () => Date;
}

/** The {@link WaitOptions} of a delete made with `options`. */
export function deleteWaitOptions(
  what: string,
  options: FinalSnapshotApplierOptions,
  signal: AbortSignal | undefined,
): WaitOptions {
  return {
    what,
    delayMs: options.waitDelayMs ?? DEFAULT_WAIT_DELAY_MS,
    maxAttempts: options.maxWaitAttempts ?? DEFAULT_MAX_WAIT_ATTEMPTS,
    signal,
  };
}

/** The service calls {@link deleteAndWaitGone} orders. */
export interface DeleteAndWaitSteps<T> {
  /** The live resource, or undefined once it is gone. */
  readonly describe: () => Promise<T | undefined>;
  /** True when AWS is already deleting it (a re-run only waits). */
  readonly isDeleting: (live: T) => boolean;
  /** Runs before the delete call, outside its NotFound guard (e.g. lifting deletion protection). */
  readonly beforeDelete?: (live: T) => Promise<void>;
  /** The delete call itself; a NotFound answer means it is already gone. */
  readonly startDelete: () => Promise<unknown>;
}

/**
 * Starts the delete unless it is gone or already being deleted, then waits until Describe no longer finds
 * it ({@link waitUntilGone}), so the resources it depends on can go after it.
 */
export async function deleteAndWaitGone<T>(steps: DeleteAndWaitSteps<T>, wait: WaitOptions): Promise<void> {
  const live = await steps.describe();
  if (!live) return;
  if (!steps.isDeleting(live)) {
    await steps.beforeDelete?.(live);
    try {
      await steps.startDelete();
    } catch (err) {
      if (isNotFound(err)) return;
      throw err;
    }
  }
  await waitUntilGone(async () => (await steps.describe()) === undefined, wait);
}

/**
 * The name of the snapshot taken before deleting `id`: `<id>-final-<yyyymmddhhmm>` (UTC), so a database
 * deleted and recreated later does not collide with its own earlier snapshot.
 *
 * @example finalSnapshotName('shop-prod-db-1a2b3c', new Date('2025-03-04T05:06:00Z')) // 'shop-prod-db-1a2b3c-final-202503040506'
 */
export function finalSnapshotName(id: string, now: Date): string {
  const stamp = now.toISOString().replace(/[-:T]/g, '').slice(0, 12);
  return `${id}-final-${stamp}`;
}

/** A resolved spec number; throws a clear error when the engine passed something else (a bug upstream). */
export function specNumber(spec: Spec, key: string, logicalId: string): number {
  const v = spec[key];
  if (typeof v !== 'number') throw new TypeError(`${logicalId}: spec.${key} must be a resolved number`);
  return v;
}

/** The strings of a resolved spec list (a missing list is empty). */
export function specStrings(spec: Spec, key: string): string[] {
  const v = spec[key];
  return Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : [];
}
