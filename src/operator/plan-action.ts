/**
 * The plan-only action: observe and plan without touching AWS. Under `driftPolicy: warn` the
 * differences found are reported (condition, event, metrics) and left in place; under `ignore` only
 * health is refreshed. A new generation is still applied under both: policies govern drift, not pushes.
 *
 * @module
 */
import { planPass } from '../reconcilers/reconcile-stack.js';
import { changesIn, planHealth, planSummary, SYNCED_REASONS } from './conditions.js';
import { readiness, rememberedResources } from './pass-actions.js';
import type { PassContext } from './pass-context.js';
import { PASS_EVENT_REASONS } from './pass-record.js';
import type { ActionResult } from './pass-result.js';
import { openPassSession } from './pass-session.js';
import { renderStoredSpec } from './stored-spec.js';

/** Observes and plans; reports drift under `warn`. */
export async function planAction(ctx: PassContext): Promise<ActionResult> {
  const { desired, resolved, stored } = renderStoredSpec(ctx.spec);
  const warn = resolved.driftPolicy.value === 'warn';
  const remembered = await rememberedResources(ctx);
  const session = openPassSession(ctx.regionClients, desired.region, ctx.state);
  let planned: Awaited<ReturnType<typeof planPass>>;
  try {
    planned = await planPass(
      {
        desired,
        clients: session.clients,
        finalSnapshot: resolved.preset.finalSnapshotOnDelete,
        allowDataLoss: stored.allowDataLoss,
        signal: ctx.signal,
        taskDefinitions: ctx.regionClients.taskDefinitions,
      },
      remembered,
    );
  } finally {
    ctx.metrics.addCalls(session.stats.snapshot());
  }
  const changes = changesIn(planned.plan);
  const drift = warn ? changes.length : 0;
  const base = {
    observedGeneration: ctx.spec.generation,
    summary: planSummary(planned.plan),
    mutations: 0,
    driftFound: drift,
    driftCorrected: 0,
    result: 'success' as const,
    ...readiness(planHealth(planned.plan), 0),
  };
  if (drift > 0) {
    const message = `drift left in place (driftPolicy warn): ${changes.join(', ')}`;
    return {
      ...base,
      synced: { status: 'False', reason: SYNCED_REASONS.drift, message },
      event: { type: 'Warning', reason: PASS_EVENT_REASONS.driftDetected, message },
      requeue: { kind: 'resync' },
    };
  }
  const message =
    warn || changes.length === 0 ? 'in sync: nothing to change' : 'drift ignored (driftPolicy ignore)';
  return {
    ...base,
    synced: { status: 'True', reason: SYNCED_REASONS.success, message },
    event: { type: 'Normal', reason: PASS_EVENT_REASONS.inSync, message },
    requeue: base.ready.status === 'True' ? { kind: 'resync' } : { kind: 'backoff' },
  };
}
