/**
 * What one pass over a stack should do, decided from the spec and the status alone (level-triggered,
 * reconciler-anchors P19): the queue only says "look at this stack", never why.
 *
 * Run twice per pass: once without the lease (cheap reads; most resync wake-ups of a fleet end here,
 * because another replica passed recently) and once under the lease on fresh reads, which is the
 * decision acted on.
 *
 * @module
 */
import type { DriftPolicy } from '../desired/stack-types.js';
import type { StackSpecRecord, StackStatus } from '../state/index.js';
import { SYNCED_REASONS } from './conditions.js';

/** What a pass does. */
export type PassAction =
  /** observe, plan and apply (a new generation, a retry, a resync under `correct`). */
  | 'apply'
  /** observe and plan only: drift is reported (`warn`) or just health is refreshed (`ignore`). */
  | 'plan'
  /** delete every resource, then the spec (marked for deletion). */
  | 'destroy'
  /** a preview stack's `ttl` passed: mark it for deletion, then destroy. */
  | 'expire'
  /** record that the stack is paused. */
  | 'pause'
  /** nothing to do now. */
  | 'skip';

/** Why an action was chosen, for logs, metrics and drift accounting. */
export type PassCause =
  | 'deletion'
  | 'ttl'
  | 'paused'
  | 'generation'
  | 'retry'
  | 'health'
  | 'resync'
  | 'recent';

/** The decision. */
export interface PassDecision {
  readonly action: PassAction;
  readonly cause: PassCause;
  /** For `skip`: when to look again (undefined: only when the spec changes). */
  readonly requeueAfterMs?: number;
  /** A preview stack's expiry: the stack must be looked at again then, whatever else is planned. */
  readonly expiresAtMs?: number;
}

/** The parts of the stored spec the decision needs. */
export interface SpecPolicy {
  readonly driftPolicy: DriftPolicy;
  readonly ttlSeconds?: number;
  /** Epoch ms of the push the `ttl` counts from. */
  readonly pushedAtMs: number;
}

/** Inputs of {@link decidePass}. */
export interface DecideInput {
  readonly spec: StackSpecRecord;
  readonly status: StackStatus | undefined;
  readonly policy: SpecPolicy;
  readonly nowMs: number;
  readonly resyncMs: number;
  /** Share of `resyncMs` a pass may come early (the jitter), so a jittered wake-up still counts as due. */
  readonly resyncJitter: number;
}

/** Epoch ms when a preview stack expires, or undefined without `ttl`. */
export function expiresAtMs(policy: SpecPolicy): number | undefined {
  return policy.ttlSeconds === undefined ? undefined : policy.pushedAtMs + policy.ttlSeconds * 1000;
}

/** Plan-only or apply, for a pass that only refreshes health or looks for drift. */
function observeAction(policy: DriftPolicy): PassAction {
  return policy === 'correct' ? 'apply' : 'plan';
}

/**
 * Decides the next pass. Deletion beats everything (even pause: the user asked for it), then `ttl`,
 * then pause; a new generation or a failed last pass applies; an unhealthy stack is re-observed; and a
 * stack passed less than one resync period ago (by any replica) is left alone until it is due.
 *
 * @example
 * decidePass({ spec, status, policy, nowMs: Date.now(), resyncMs: 300_000, resyncJitter: 0.1 });
 * // { action: 'apply', cause: 'generation' }
 */
export function decidePass(input: DecideInput): PassDecision {
  const decision = decideAction(input);
  const expires = expiresAtMs(input.policy);
  if (expires === undefined || decision.action === 'destroy' || decision.action === 'expire') return decision;
  return { ...decision, expiresAtMs: expires };
}

function decideAction(input: DecideInput): PassDecision {
  const { spec, status, policy, nowMs } = input;
  if (spec.deletionRequestedAt !== undefined) return { action: 'destroy', cause: 'deletion' };
  const expires = expiresAtMs(policy);
  if (expires !== undefined && nowMs >= expires) return { action: 'expire', cause: 'ttl' };
  if (spec.paused) {
    const recorded =
      status?.observedGeneration === spec.generation &&
      status.conditions.Synced.reason === SYNCED_REASONS.paused;
    return recorded ? { action: 'skip', cause: 'paused' } : { action: 'pause', cause: 'paused' };
  }
  if (status === undefined || status.observedGeneration !== spec.generation)
    return { action: 'apply', cause: 'generation' };
  const synced = status.conditions.Synced;
  if (synced.reason === SYNCED_REASONS.error || synced.reason === SYNCED_REASONS.deleting)
    return { action: 'apply', cause: 'retry' };
  if (status.conditions.Ready.status !== 'True')
    return { action: observeAction(policy.driftPolicy), cause: 'health' };
  const finished = status.lastPass ? Date.parse(status.lastPass.finishedAt) : Number.NaN;
  const dueAt = finished + input.resyncMs * (1 - input.resyncJitter);
  if (Number.isFinite(finished) && nowMs < dueAt) {
    return { action: 'skip', cause: 'recent', requeueAfterMs: Math.ceil(dueAt - nowMs) };
  }
  if (policy.driftPolicy === 'ignore')
    return { action: 'skip', cause: 'resync', requeueAfterMs: input.resyncMs };
  return { action: observeAction(policy.driftPolicy), cause: 'resync' };
}
