/**
 * The monthly difference a plan makes: the estimate of the stack after the plan minus the estimate of
 * what exists before it, both priced by the same rules (estimate-stack.ts) with the same prices.
 *
 * "Before" is built from the plan itself, not from a second render: every resource the plan found
 * (update, replace, no-op, delete) is priced from its observed spec, read through the desired spec's
 * keys (the fields the rules price, such as `desiredCount`, `instanceClass`, `multiAz`, are owned fields,
 * so the observer reports them in the same shape); a create has no "before"; a conflict is not the
 * stack's and counts on neither side; a skipped action leaves its resource as it is on both sides.
 * "After" is the desired resources the plan keeps. Pure.
 *
 * @module
 */
import type { DesiredStack, Spec } from '../desired/resource-types.js';
import type { Plan } from '../diff/types.js';
import { type Estimate, type EstimateInput, estimateStack } from './estimate-stack.js';
import { formatPlanCostLine } from './format-estimate.js';
import { type PriceBook, tablePrices } from './price-table.js';

/** The estimates either side of a plan and their difference. */
export interface PlanCost {
  readonly before: Estimate;
  readonly after: Estimate;
  /** USD per month, `after.total - before.total`, rounded to cents. */
  readonly monthlyDifference: number;
}

/** Prices the resources before and after `plan` of `desired` with `prices`. */
export function planCost(plan: Plan, desired: DesiredStack, prices: PriceBook): PlanCost {
  const before: EstimateInput['resources'][number][] = [];
  const after: EstimateInput['resources'][number][] = [];
  for (const { action } of plan.steps) {
    switch (action.type) {
      case 'create':
        after.push(action.desired);
        break;
      case 'update':
      case 'replace':
      case 'noop':
        before.push({
          kind: action.observed.kind,
          logicalId: action.observed.logicalId,
          spec: observedThroughDesired(action.desired.spec, action.observed.spec),
        });
        after.push(action.desired);
        break;
      case 'delete':
        before.push(action.observed);
        break;
      case 'skip':
        before.push(action.desired);
        after.push(action.desired);
        break;
      case 'conflict':
        break;
    }
  }
  const base = { project: desired.project, stack: desired.stack, region: desired.region, mode: desired.mode };
  const beforeEstimate = estimateStack({ ...base, resources: before }, prices);
  const afterEstimate = estimateStack({ ...base, resources: after }, prices);
  return {
    before: beforeEstimate,
    after: afterEstimate,
    monthlyDifference: Math.round((afterEstimate.total - beforeEstimate.total) * 100) / 100,
  };
}

/** The desired spec's keys with the observed values where the observer reports them. */
function observedThroughDesired(desired: Spec, observed: Spec): Spec {
  return Object.fromEntries(
    Object.entries(desired).map(([k, v]) => [k, k in observed ? (observed[k] ?? v) : v]),
  );
}

/**
 * The line `plan` prints after its summary, priced from the shipped table (a plan must not wait on the
 * Price List API): `Monthly cost: +$43.80/month (estimate)`; undefined when the plan changes no cost.
 */
export function planCostLine(plan: Plan, desired: DesiredStack): string | undefined {
  const { monthlyDifference } = planCost(plan, desired, tablePrices(desired.region));
  return monthlyDifference === 0 ? undefined : formatPlanCostLine(monthlyDifference);
}
