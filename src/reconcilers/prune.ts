/**
 * Pruning: deleting a stack's orphans, the resources carrying its ownership tags that it no longer
 * renders (a service removed from compose, a leftover from a crash), and nothing else.
 *
 * A prune is an ordinary reconcile pass (lease, journal, delete order, data-safety rules) that applies
 * only the plan's orphan steps: the deletes, the refusals of stateful orphans without
 * `--allow-data-loss` (shown as skipped), and the in-place updates those deletes must wait for, because
 * AWS refuses to delete what is still referenced (a security group named in another group's rule).
 * Desired resources are never created or replaced.
 *
 * @module
 */
import type { DesiredStack } from '../desired/resource-types.js';
import type { Plan, PlanStep } from '../diff/types.js';
import { type PassInput, type PassResult, reconcilePass } from './reconcile-stack.js';

const cache = new WeakMap<Plan, ReadonlySet<string>>();

function isOrphan(step: PlanStep, desiredIds: ReadonlySet<string>): boolean {
  return step.action.type === 'delete' || (step.action.type === 'skip' && !desiredIds.has(step.logicalId));
}

/** Logical ids a prune of `plan` applies: orphans, plus the updates their deletes wait for. */
function pruneIds(plan: Plan, desiredIds: ReadonlySet<string>): ReadonlySet<string> {
  const known = cache.get(plan);
  if (known) return known;
  const byId = new Map(plan.steps.map((s) => [s.logicalId, s]));
  const keep = new Set<string>();
  const visit = (step: PlanStep): void => {
    if (keep.has(step.logicalId)) return;
    keep.add(step.logicalId);
    for (const id of step.after) {
      const dep = byId.get(id);
      if (dep && (dep.action.type === 'update' || isOrphan(dep, desiredIds))) visit(dep);
    }
  };
  for (const step of plan.steps) if (isOrphan(step, desiredIds)) visit(step);
  cache.set(plan, keep);
  return keep;
}

/** The predicate a prune pass applies steps with (see `PassInput.applyOnly`). */
export function pruneFilter(desired: DesiredStack): (step: PlanStep, plan: Plan) => boolean {
  const ids = new Set(desired.resources.map((r) => r.logicalId));
  return (step, plan) => pruneIds(plan, ids).has(step.logicalId);
}

/** The steps a prune of `plan` would apply, in plan order. */
export function pruneSteps(plan: Plan, desired: DesiredStack): readonly PlanStep[] {
  const accepts = pruneFilter(desired);
  return plan.steps.filter((s) => accepts(s, plan));
}

/**
 * Deletes the stack's orphans in reverse dependency order under the stack lease.
 *
 * @example
 * const result = await prunePass({ desired, clients, finalSnapshot: true, state: { table } });
 * console.log(result.report.summary.applied, 'steps applied');
 */
export function prunePass(input: Omit<PassInput, 'destroy' | 'applyOnly'>): Promise<PassResult> {
  return reconcilePass({ ...input, applyOnly: pruneFilter(input.desired) });
}
