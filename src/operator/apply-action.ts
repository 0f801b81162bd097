/**
 * The apply action: render the stored spec, then one `reconcilePass` under the lease the controller
 * holds. Used for a new generation, a retry, and every resync under `driftPolicy: correct`.
 *
 * @module
 */

import type { ApplyReport } from '../reconcilers/engine-types.js';
import type { PassResult as ReconciledPass } from '../reconcilers/reconcile-stack.js';
import { reconcilePass } from '../reconcilers/reconcile-stack.js';
import { changesIn, planHealth, planSummary, SYNCED_REASONS } from './conditions.js';
import { abortedResult, isResync, MAX_PASS_ERROR_LENGTH, readiness } from './pass-actions.js';
import type { PassContext } from './pass-context.js';
import { PASS_EVENT_REASONS } from './pass-record.js';
import type { ActionResult, Requeue } from './pass-result.js';
import { openPassSession } from './pass-session.js';
import { renderStoredSpec } from './stored-spec.js';

function failures(report: ApplyReport): readonly string[] {
  return report.results
    .filter((r) => r.status === 'failed' || r.status === 'conflict' || r.status === 'blocked')
    .map((r) => `${r.logicalId}: ${r.error?.message ?? r.message ?? r.status}`);
}

/** Observes, plans and applies; the result says what changed, what failed and what was refused. */
export async function applyAction(ctx: PassContext): Promise<ActionResult> {
  const { desired, resolved, stored } = renderStoredSpec(ctx.spec);
  const session = openPassSession(ctx.regionClients, desired.region, ctx.state);
  let pass: ReconciledPass;
  try {
    pass = await reconcilePass({
      desired,
      clients: session.clients,
      finalSnapshot: resolved.preset.finalSnapshotOnDelete,
      allowDataLoss: stored.allowDataLoss,
      state: { table: ctx.ref.table, owner: ctx.keeper.current().owner, lease: ctx.keeper },
      signal: ctx.signal,
      taskDefinitions: ctx.regionClients.taskDefinitions,
      ...(ctx.onProgress ? { onProgress: ctx.onProgress } : {}),
    });
  } finally {
    ctx.metrics.addCalls(session.stats.snapshot());
  }
  const mutations = session.stats.totals().mutates;
  const { plan, report } = pass;
  if (ctx.signal.aborted && !report.ok) return abortedResult(ctx, mutations);
  const changes = changesIn(plan);
  const applied = report.summary.applied;
  const resync = isResync(ctx);
  const base = {
    observedGeneration: ctx.spec.generation,
    summary: planSummary(plan, report),
    mutations,
    driftFound: resync ? changes.length : 0,
    driftCorrected: resync ? applied : 0,
    ...readiness(planHealth(plan), applied),
  };
  const failed = failures(report);
  if (failed.length > 0) {
    const message = `${failed.length} resources not reconciled: ${failed.join('; ')}`.slice(
      0,
      MAX_PASS_ERROR_LENGTH,
    );
    return {
      ...base,
      synced: { status: 'False', reason: SYNCED_REASONS.error, message },
      result: 'error',
      error: message,
      event: { type: 'Warning', reason: PASS_EVENT_REASONS.failed, message },
      requeue: { kind: 'backoff' },
    };
  }
  const refused = report.results
    .filter((r) => r.status === 'skipped')
    .map((r) => `${r.logicalId}: ${r.message ?? 'refused'}`);
  const requeue: Requeue =
    applied > 0
      ? { kind: 'after', ms: ctx.config.progressRequeueMs }
      : base.ready.status === 'True'
        ? { kind: 'resync' }
        : { kind: 'backoff' };
  if (refused.length > 0) {
    const message = `changes refused for data safety (push with --allow-data-loss to allow): ${refused.join('; ')}`;
    return {
      ...base,
      synced: { status: 'False', reason: SYNCED_REASONS.refused, message },
      result: 'success',
      event: { type: 'Warning', reason: PASS_EVENT_REASONS.refused, message },
      requeue: applied > 0 ? requeue : { kind: 'resync' },
    };
  }
  const event =
    base.driftFound > 0
      ? { reason: PASS_EVENT_REASONS.driftCorrected, message: `corrected drift: ${changes.join(', ')}` }
      : applied > 0
        ? { reason: PASS_EVENT_REASONS.applied, message: `applied ${applied} changes: ${changes.join(', ')}` }
        : { reason: PASS_EVENT_REASONS.inSync, message: 'in sync: nothing to change' };
  return {
    ...base,
    synced: { status: 'True', reason: SYNCED_REASONS.success, message: event.message },
    result: 'success',
    event: { type: 'Normal', ...event },
    requeue,
  };
}
