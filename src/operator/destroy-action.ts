/**
 * Tearing a stack down: `stacks rm` (the spec is marked for deletion) and `ttl` expiry of preview
 * stacks. Deletes are level-triggered like everything else (reconciler-anchors P11): a pass deletes
 * what it observes and requeues; the spec is removed only once a later pass observes nothing left.
 *
 * @module
 */
import type { DesiredStack } from '../desired/resource-types.js';
import { reconcilePass } from '../reconcilers/reconcile-stack.js';
import { markForDeletion } from '../state/index.js';
import { READY_REASONS, SYNCED_REASONS } from './conditions.js';
import { abortedResult, MAX_PASS_ERROR_LENGTH } from './pass-actions.js';
import type { PassContext } from './pass-context.js';
import { PASS_EVENT_REASONS } from './pass-record.js';
import type { ActionResult } from './pass-result.js';
import { openPassSession } from './pass-session.js';
import { readStoredSpec, renderStoredSpec } from './stored-spec.js';

interface DestroyTarget {
  readonly desired: DesiredStack;
  readonly finalSnapshot: boolean;
  readonly allowDataLoss: boolean;
}

/**
 * What to destroy. A spec that no longer renders (pushed by an older stackctl) must still be deletable:
 * destroying needs only the stack's identity and region, the rest is found by ownership tags.
 */
function target(ctx: PassContext): DestroyTarget {
  try {
    const { desired, resolved, stored } = renderStoredSpec(ctx.spec);
    return {
      desired,
      finalSnapshot: resolved.preset.finalSnapshotOnDelete,
      allowDataLoss: stored.allowDataLoss,
    };
  } catch {
    const stored = readStoredSpec(ctx.spec);
    return {
      desired: {
        project: ctx.spec.project,
        stack: ctx.spec.stack,
        region: stored.stackFile.region,
        mode: stored.stackFile.mode,
        resources: [],
        requiredSecrets: [],
      },
      finalSnapshot: true,
      allowDataLoss: stored.allowDataLoss,
    };
  }
}

/** Deletes what is left of the stack; asks for the spec to be removed once nothing is. */
export async function destroyAction(ctx: PassContext): Promise<ActionResult> {
  const t = target(ctx);
  const session = openPassSession(ctx.regionClients, t.desired.region, ctx.state);
  let pass: Awaited<ReturnType<typeof reconcilePass>>;
  try {
    pass = await reconcilePass({
      desired: t.desired,
      clients: session.clients,
      finalSnapshot: t.finalSnapshot,
      allowDataLoss: t.allowDataLoss,
      destroy: true,
      state: { table: ctx.ref.table, owner: ctx.keeper.current().owner, lease: ctx.keeper },
      signal: ctx.signal,
      ...(ctx.onProgress ? { onProgress: ctx.onProgress } : {}),
    });
  } finally {
    ctx.metrics.addCalls(session.stats.snapshot());
  }
  const mutations = session.stats.totals().mutates;
  const { plan, report } = pass;
  if (ctx.signal.aborted && !report.ok) return abortedResult(ctx, mutations);
  const kept = report.results.filter((r) => r.status === 'skipped').map((r) => r.logicalId);
  const keptText = kept.length > 0 ? `; kept for data safety: ${kept.join(', ')}` : '';
  const base = {
    observedGeneration: ctx.spec.generation,
    mutations,
    driftFound: 0,
    driftCorrected: 0,
    ready: {
      status: 'False' as const,
      reason: READY_REASONS.deleting,
      message: 'the stack is being deleted',
    },
  };
  if (!report.ok) {
    const failed = report.results
      .filter((r) => r.status === 'failed' || r.status === 'blocked')
      .map((r) => `${r.logicalId}: ${r.error?.message ?? r.message ?? r.status}`);
    const message = `deleting: ${failed.join('; ')}`.slice(0, MAX_PASS_ERROR_LENGTH);
    return {
      ...base,
      synced: { status: 'False', reason: SYNCED_REASONS.deleting, message },
      result: 'error',
      error: message,
      event: { type: 'Warning', reason: PASS_EVENT_REASONS.failed, message },
      requeue: { kind: 'backoff' },
    };
  }
  if (plan.summary.delete === 0) {
    const message = `every resource is gone; the spec is removed${keptText}`;
    return {
      ...base,
      synced: { status: 'False', reason: SYNCED_REASONS.deleting, message },
      result: 'success',
      event: { type: 'Normal', reason: PASS_EVENT_REASONS.deleted, message },
      requeue: { kind: 'none' },
      deleteSpecAt: ctx.spec.generation,
    };
  }
  const message = `deleted ${report.summary.applied} resources; checking that nothing is left${keptText}`;
  return {
    ...base,
    synced: { status: 'False', reason: SYNCED_REASONS.deleting, message },
    result: 'success',
    event: { type: 'Normal', reason: PASS_EVENT_REASONS.deleting, message },
    requeue: { kind: 'after', ms: ctx.config.progressRequeueMs },
  };
}

/** A preview stack's `ttl` passed: mark it for deletion (visible to `stacks ls`), then destroy. */
export async function expireAction(ctx: PassContext, nowMs: number): Promise<ActionResult> {
  const marked = await markForDeletion({
    ...ctx.ref,
    expectedGeneration: ctx.spec.generation,
    updatedBy: `stackctl-operator (ttl expired)`,
    now: () => nowMs,
  });
  const result = await destroyAction({ ...ctx, spec: marked });
  return {
    ...result,
    event: {
      ...result.event,
      reason: PASS_EVENT_REASONS.expired,
      message: `ttl expired: ${result.event.message}`,
    },
  };
}
