/**
 * applyPlan: walks a plan's DAG and applies each step through its kind's applier.
 *
 * A step starts once every step it waits for has succeeded; at most `concurrency` run at once. A failed
 * step blocks what depends on it, never its siblings, so one broken resource does not stop the rest of
 * the stack. Each step is retried as a whole (never per call inside it) by the step runner.
 *
 * @module
 */
import pLimit from 'p-limit';
import { type RetryStepOptions, retryStep } from '../aws/index.js';
import { topoSort } from '../diff/plan-order.js';
import type { PlanStep } from '../diff/types.js';
import { JournalWriteError, NoApplierError } from './engine-errors.js';
import {
  type ApplyPlanInput,
  type ApplyReport,
  type ProgressEvent,
  STEP_STATUSES,
  type StepResult,
  type StepStatus,
} from './engine-types.js';
import { finishReplacements, type PendingReplacement } from './replacements.js';
import { runStepAction, type StepEnv } from './step-actions.js';
import { toStepError } from './step-error.js';

/**
 * Steps in flight at once, per stack. ARCHITECTURE proposed 4–8; at 8 a converge from empty queued
 * steps on its critical path, since the example shop dev stack has 14 creates ready at once on its
 * second level and 13 on its third (issue 11: longest chain of sequential calls 73 at 8, 61 at 16).
 * Each step makes a few calls spread over its own waits, and throttled calls are retried with backoff,
 * so 16 stays within the per-API buckets of aws-api-facts.md §0 for one stack.
 */
export const DEFAULT_APPLY_CONCURRENCY = 16;

/** True when `dep` lets `step` run: it succeeded, or was skipped but its outputs are known. */
function satisfies(dep: StepResult, step: PlanStep, outputs: ApplyPlanInput['outputs']): boolean {
  if (dep.status === 'applied' || dep.status === 'noop') return true;
  return dep.status === 'skipped' && step.action.type !== 'delete' && outputs.has(dep.logicalId);
}

/** Noop and update steps use what already exists: make its outputs available to refs. */
function seedOutputs(input: ApplyPlanInput): void {
  for (const { logicalId, action } of input.plan.steps) {
    if ((action.type === 'noop' || action.type === 'update') && !input.outputs.has(logicalId)) {
      input.outputs.set(logicalId, action.observed.outputs);
    }
  }
}

/** The result of a step that never calls AWS (noop, skip, conflict), or `undefined` for runnable ones. */
function staticResult(step: PlanStep): StepResult | undefined {
  const base = { logicalId: step.logicalId, kind: step.kind, action: step.action.type, durationMs: 0 };
  const a = step.action;
  if (a.type === 'noop') return { ...base, status: 'noop', physicalId: a.observed.physicalId };
  if (a.type === 'skip') return { ...base, status: 'skipped', message: a.reason };
  if (a.type === 'conflict')
    return { ...base, status: 'conflict', message: a.reason, physicalId: a.observed.physicalId };
  return undefined;
}

/**
 * Waits for every deferred journal write and turns the step of each one that failed into a failure:
 * the resource exists but the journal does not say so, which the next pass repairs (it finds it by
 * name or tags), yet this pass must not report success.
 */
async function failUnjournaled(
  writes: readonly { readonly logicalId: string; readonly outcome: Promise<unknown> }[],
  results: Map<string, StepResult>,
  emit: (e: ProgressEvent) => void,
): Promise<void> {
  for (const { logicalId, outcome } of writes) {
    const failure = (await outcome) as { err: unknown } | undefined;
    const result = results.get(logicalId);
    if (failure === undefined || result === undefined) continue;
    const error = toStepError(new JournalWriteError(logicalId, result.physicalId, failure.err));
    emit({
      logicalId,
      kind: result.kind,
      action: result.action,
      type: 'failed',
      message: error.message,
      error,
    });
    results.set(logicalId, { ...result, status: 'failed', error, message: error.message });
  }
}

/**
 * Applies a plan and reports every step's outcome.
 *
 * @example
 * const report = await applyPlan({ plan, appliers, ctx: { clients, project, stack }, outputs, journal });
 * if (!report.ok) process.exitCode = 1;
 */
export async function applyPlan(input: ApplyPlanInput): Promise<ApplyReport> {
  const now = input.now ?? (() => performance.now());
  const started = now();
  const { plan, outputs } = input;
  const signal = input.signal ?? input.ctx.signal;
  const runner = input.runStep ?? retryStep;
  const limit = pLimit(input.concurrency ?? DEFAULT_APPLY_CONCURRENCY);
  const emit = (e: ProgressEvent): void => input.onProgress?.(e);
  const ctx = signal === undefined ? input.ctx : { ...input.ctx, signal };

  const byId = new Map(plan.steps.map((s) => [s.logicalId, s]));
  const order = topoSort([...byId.keys()], new Map(plan.steps.map((s) => [s.logicalId, s.after])));
  seedOutputs(input);

  // Journal writes recording ids run beside the dependents; the pass awaits them all before it ends.
  const journalWrites: { readonly logicalId: string; readonly outcome: Promise<unknown> }[] = [];
  const settleLater = (logicalId: string, write: Promise<void>): void => {
    journalWrites.push({
      logicalId,
      outcome: write.then(
        () => undefined,
        (err: unknown) => ({ err }),
      ),
    });
  };

  const envFor = (step: PlanStep): StepEnv => {
    const applier = input.appliers.get(step.kind);
    if (applier === undefined) throw new NoApplierError(step.kind);
    const event = { logicalId: step.logicalId, kind: step.kind, action: step.action.type };
    const budget = input.ctx.clients.retryBudget;
    const options: RetryStepOptions = {
      ...(budget ? { budget } : {}),
      ...input.retry,
      ...(signal ? { signal } : {}),
      onFailedAttempt: ({ reason, attemptNumber, error }) => {
        const stepError = toStepError(error);
        emit({
          ...event,
          type: 'retry',
          message: `attempt ${attemptNumber} failed (${reason}): ${stepError.message}`,
          retryReason: reason,
          error: stepError,
        });
      },
    };
    return {
      applier,
      ctx,
      outputs,
      ...(input.journal ? { journal: input.journal, settleLater } : {}),
      attempt: (fn) => runner(fn, options),
    };
  };

  const pending: PendingReplacement[] = [];
  const execute = async (step: PlanStep): Promise<StepResult> => {
    const base = { logicalId: step.logicalId, kind: step.kind, action: step.action.type };
    if (signal?.aborted) {
      emit({ ...base, type: 'blocked', message: 'aborted' });
      return { ...base, status: 'blocked', message: 'aborted before it started', durationMs: 0 };
    }
    const t0 = now();
    emit({ ...base, type: 'start' });
    try {
      const env = envFor(step);
      const outcome = await runStepAction(step, env);
      if (outcome.replaced) pending.push({ step, old: outcome.replaced, env });
      emit({ ...base, type: 'done', ...(outcome.message ? { message: outcome.message } : {}) });
      const { status, physicalId, message } = outcome;
      return {
        ...base,
        status,
        durationMs: now() - t0,
        ...(physicalId ? { physicalId } : {}),
        ...(message ? { message } : {}),
      };
    } catch (err) {
      const error = toStepError(err);
      emit({ ...base, type: 'failed', message: error.message, error });
      return { ...base, status: 'failed', error, durationMs: now() - t0 };
    }
  };

  const settled = new Map<string, Promise<StepResult>>();
  for (const id of order) {
    const step = byId.get(id) as PlanStep;
    const fixed = staticResult(step);
    if (fixed !== undefined) {
      settled.set(id, Promise.resolve(fixed));
      continue;
    }
    const deps = step.after.flatMap((a) => settled.get(a) ?? []);
    settled.set(
      id,
      Promise.all(deps).then((results) => {
        const unmet = results.filter((r) => !satisfies(r, step, outputs));
        if (unmet.length === 0) return limit(() => execute(step));
        const message = `waiting on ${unmet.map((r) => `${r.logicalId} (${r.status})`).join(', ')}`;
        emit({ logicalId: id, kind: step.kind, action: step.action.type, type: 'blocked', message });
        return {
          logicalId: id,
          kind: step.kind,
          action: step.action.type,
          status: 'blocked',
          message,
          durationMs: 0,
        };
      }),
    );
  }
  const results = new Map<string, StepResult>();
  for (const [id, p] of settled) results.set(id, await p);
  await failUnjournaled(journalWrites, results, emit);

  await finishReplacements(pending, plan, results, { emit, now, ...(signal ? { signal } : {}) });

  const ordered = plan.steps.map((s) => results.get(s.logicalId) as StepResult);
  const summary = Object.fromEntries(STEP_STATUSES.map((s) => [s, 0])) as Record<StepStatus, number>;
  for (const r of ordered) summary[r.status] += 1;
  const ok = summary.failed === 0 && summary.blocked === 0 && summary.conflict === 0;
  return {
    project: plan.project,
    stack: plan.stack,
    results: ordered,
    summary,
    ok,
    durationMs: now() - started,
  };
}
