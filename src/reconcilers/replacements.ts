/**
 * The second half of create-before-delete replacements: deleting the old resources.
 *
 * The old resource cannot go while something still points at it (a target group behind a service,
 * a security group on a task), so its delete waits until the whole DAG walk is over and is attempted
 * only if every step that depended on the replacement succeeded. Otherwise it is kept, and the next
 * pass (which sees two owned resources with one logical id) plans its delete.
 *
 * @module
 */
import type { Plan, PlanStep } from '../diff/types.js';
import type { ObservedResource } from '../observed/types.js';
import type { ProgressEvent, StepError, StepResult } from './engine-types.js';
import { deleteReplaced, type StepEnv } from './step-actions.js';
import { toStepError } from './step-error.js';

/** A replacement whose new resource exists and whose old one still has to be deleted. */
export interface PendingReplacement {
  readonly step: PlanStep;
  readonly old: ObservedResource;
  readonly env: StepEnv;
}

/** What {@link finishReplacements} needs from the engine. */
export interface FinishOptions {
  readonly emit: (e: ProgressEvent) => void;
  readonly now: () => number;
  readonly signal?: AbortSignal;
}

const DONE: ReadonlySet<StepResult['status']> = new Set(['applied', 'noop', 'skipped']);

/**
 * Deletes the old resources of pending replacements, last planned first, and records the outcome on
 * each replacement's result (a failed delete marks the step failed, naming both ids).
 */
export async function finishReplacements(
  pending: readonly PendingReplacement[],
  plan: Plan,
  results: Map<string, StepResult>,
  options: FinishOptions,
): Promise<void> {
  const position = new Map(plan.steps.map((s, i) => [s.logicalId, i]));
  const ordered = [...pending].sort(
    (a, b) => (position.get(b.step.logicalId) ?? 0) - (position.get(a.step.logicalId) ?? 0),
  );
  for (const { step, old, env } of ordered) {
    const result = results.get(step.logicalId) as StepResult;
    const event = { logicalId: step.logicalId, kind: step.kind, action: step.action.type };
    const dependents = plan.steps.filter((s) => s.after.includes(step.logicalId));
    const unfinished = dependents.filter((s) => !DONE.has(results.get(s.logicalId)?.status ?? 'blocked'));
    if (unfinished.length > 0 || options.signal?.aborted) {
      const why = options.signal?.aborted
        ? 'the pass was aborted'
        : `${unfinished.map((s) => s.logicalId).join(', ')} did not finish`;
      results.set(step.logicalId, {
        ...result,
        message: `old ${old.physicalId} kept: ${why}; the next pass deletes it`,
      });
      continue;
    }
    const t0 = options.now();
    options.emit({ ...event, type: 'start', message: `deleting replaced ${old.physicalId}` });
    try {
      await deleteReplaced(step, old, env);
      options.emit({ ...event, type: 'done', message: `deleted replaced ${old.physicalId}` });
      results.set(step.logicalId, { ...result, durationMs: result.durationMs + options.now() - t0 });
    } catch (err) {
      const cause = toStepError(err);
      const error: StepError = {
        ...cause,
        message: `replacement ${result.physicalId ?? ''} created, but deleting the old ${old.physicalId} failed: ${cause.message}`,
      };
      options.emit({ ...event, type: 'failed', message: error.message, error });
      results.set(step.logicalId, {
        ...result,
        status: 'failed',
        error,
        durationMs: result.durationMs + options.now() - t0,
      });
    }
  }
}
