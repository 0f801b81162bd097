/**
 * Redacts a whole plan, so every formatter can start from a value that holds no secret.
 *
 * @module
 */
import type { DesiredResource, DesiredStack } from '../desired/resource-types.js';
import type { ObservedResource } from '../observed/types.js';
import { redactDelta, redactSpec, redactValue } from './redact.js';
import type { Action, FieldDelta, Plan } from './types.js';

function redactDesired(d: DesiredResource): DesiredResource {
  return { ...d, spec: redactSpec(d.spec), tags: redactSpec(d.tags) };
}

/**
 * A rendered stack with secrets replaced by `(redacted)`, for `stackctl render`: the same rule as plans,
 * so a compose literal such as `MYSQL_ROOT_PASSWORD: nextcloud` reaches the task definition but never a
 * terminal, a CI log or a file written from the CLI's output.
 */
export function redactDesiredStack(stack: DesiredStack): DesiredStack {
  return { ...stack, resources: stack.resources.map(redactDesired) };
}

function redactObserved(o: ObservedResource): ObservedResource {
  return {
    ...o,
    spec: redactSpec(o.spec),
    tags: redactSpec(o.tags),
    outputs: redactValue(o.outputs) as ObservedResource['outputs'],
  };
}

function redactDeltas(
  deltas: readonly FieldDelta[],
  d: DesiredResource,
  o: ObservedResource,
): readonly FieldDelta[] {
  return deltas.map((delta) =>
    delta.path.startsWith('tags.') ? redactDelta(delta) : redactDelta(delta, d.spec, o.spec),
  );
}

/** One action with every spec, tag set and delta redacted. */
export function redactAction(action: Action): Action {
  switch (action.type) {
    case 'create':
    case 'skip':
      return { ...action, desired: redactDesired(action.desired) };
    case 'delete':
      return { ...action, observed: redactObserved(action.observed) };
    case 'noop':
    case 'conflict':
      return { ...action, desired: redactDesired(action.desired), observed: redactObserved(action.observed) };
    case 'update':
    case 'replace':
      return {
        ...action,
        desired: redactDesired(action.desired),
        observed: redactObserved(action.observed),
        deltas: redactDeltas(action.deltas, action.desired, action.observed),
      };
  }
}

/**
 * The plan with secrets replaced by `(redacted)`. Every formatter ({@link formatPlanText},
 * {@link planToJson}) calls this first; the CLI and the operator never print an unredacted plan.
 */
export function redactPlan(plan: Plan): Plan {
  return { ...plan, steps: plan.steps.map((s) => ({ ...s, action: redactAction(s.action) })) };
}
