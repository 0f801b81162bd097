/**
 * The value every pass action returns: the status to write, the event to append, the metrics to count
 * and when to look at the stack again. Actions compute it; only the controller writes it, under the
 * lease, so no action can write state without the fence.
 *
 * @module
 */

import type { Health } from '../observed/types.js';
import type { EventType, PassResult, StatusSummary } from '../state/index.js';
import type { ConditionValue, ReadyReason, SyncedReason } from './conditions.js';
import type { PassEventReason } from './pass-record.js';

/** When the stack should be looked at again. */
export type Requeue =
  /** only when its spec changes (paused, deleted). */
  | { readonly kind: 'none' }
  /** after a fixed wait (Progressing, lease held elsewhere). */
  | { readonly kind: 'after'; readonly ms: number }
  /** after the stack's next backoff delay (a failure). */
  | { readonly kind: 'backoff' }
  /** at the next jittered resync, with its failures forgotten (a success). */
  | { readonly kind: 'resync' };

/** What one action decided. */
export interface ActionResult {
  /** The generation the status reports as observed (the previous one when a pass is handed back). */
  readonly observedGeneration: number;
  readonly synced: ConditionValue<SyncedReason>;
  readonly ready: ConditionValue<ReadyReason>;
  readonly health?: Health;
  readonly summary?: StatusSummary;
  readonly result: PassResult;
  /** Short, redacted error text for `lastPass.error`. */
  readonly error?: string;
  /** Mutating AWS calls the pass made (state-table writes not included). */
  readonly mutations: number;
  readonly event: { readonly type: EventType; readonly reason: PassEventReason; readonly message: string };
  readonly requeue: Requeue;
  readonly driftFound: number;
  readonly driftCorrected: number;
  /** Set when a destroy found nothing left: delete the spec (at this generation) after the status. */
  readonly deleteSpecAt?: number;
}
