/**
 * Helpers shared by the ECS and ELBv2 appliers: which spec fields a delta list touches, the ownership
 * guard every mutation goes through, and a bounded, cancellable poll for the waits AWS imposes (ECS
 * draining, load balancers disappearing, one-off tasks finishing).
 *
 * @module
 */
import { abortableSleep } from '../aws/retry.js';
import { isOwnedBy } from '../desired/tags.js';
import type { FieldDelta } from '../diff/types.js';
import type { ObservedResource } from '../observed/types.js';
import { NotReadyError, OwnershipConflictError } from './errors.js';
import type { ApplyContext } from './types.js';

/** How a waiting applier sleeps and for how long it waits; tests inject an instant `sleep`. */
export interface WaitOptions {
  /** @default abortableSleep (a setTimeout the context's signal cancels) */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Time between two polls. @default the applier's own constant */
  readonly pollIntervalMs?: number;
  /** Longest wait in one call; beyond it the applier throws a NotReadyError and the engine requeues. */
  readonly maxWaitMs?: number;
}

/** {@link WaitOptions} with every default filled in. */
export type ResolvedWait = Required<WaitOptions>;

/** Fills {@link WaitOptions} defaults. */
export function resolveWait(
  options: WaitOptions,
  defaults: { pollIntervalMs: number; maxWaitMs: number },
): ResolvedWait {
  return {
    sleep: options.sleep ?? abortableSleep,
    pollIntervalMs: options.pollIntervalMs ?? defaults.pollIntervalMs,
    maxWaitMs: options.maxWaitMs ?? defaults.maxWaitMs,
  };
}

/** The top-level spec field of a delta path: `healthCheck.path` → `healthCheck`, `subnets[0]` → `subnets`. */
export function topField(path: string): string {
  const m = /^[^.[]+/.exec(path);
  return m ? m[0] : path;
}

/** True when any delta changes one of `fields` (top-level spec keys). */
export function touches(deltas: readonly FieldDelta[], ...fields: readonly string[]): boolean {
  return deltas.some((d) => fields.includes(topField(d.path)));
}

/** True when some delta is not a tag delta: the spec itself must change. */
export function touchesSpec(deltas: readonly FieldDelta[]): boolean {
  return deltas.some((d) => topField(d.path) !== 'tags');
}

/**
 * Throws {@link OwnershipConflictError} unless `tags` carry this project+stack: an existing resource met
 * on create is adopted only when it is ours, and update/delete never touch anything else.
 */
export function assertOwned(
  tags: Readonly<Record<string, string>>,
  ctx: Pick<ApplyContext, 'project' | 'stack'>,
  logicalId: string,
  physicalId: string,
  detail = '',
): void {
  if (!isOwnedBy(tags, ctx.project, ctx.stack))
    throw new OwnershipConflictError(logicalId, physicalId, detail);
}

/** {@link assertOwned} for an observed resource about to be updated or deleted. */
export function assertObservedOwned(observed: ObservedResource, ctx: ApplyContext, action: string): void {
  assertOwned(observed.tags, ctx, observed.logicalId, observed.physicalId, `refusing to ${action} it`);
}

/**
 * Polls `check` until it returns a value (not undefined), sleeping `pollIntervalMs` between tries, for
 * at most `maxWaitMs`; then throws a {@link NotReadyError} saying what it waited for. The context's
 * signal aborts the wait (rejecting with the signal's reason).
 */
export async function pollUntil<T>(
  check: () => Promise<T | undefined>,
  wait: ResolvedWait,
  what: string,
  signal?: AbortSignal,
): Promise<T> {
  let waited = 0;
  for (;;) {
    signal?.throwIfAborted();
    const value = await check();
    if (value !== undefined) return value;
    if (waited >= wait.maxWaitMs) {
      throw new NotReadyError(
        `still waiting for ${what} after ${Math.round(waited / 1000)} s`,
        wait.pollIntervalMs,
      );
    }
    await wait.sleep(wait.pollIntervalMs, signal);
    waited += wait.pollIntervalMs;
  }
}
