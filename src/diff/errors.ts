/**
 * Errors of the planning layer.
 *
 * @module
 */
import { StackctlError } from '../errors.js';

/** The desired resources depend on each other in a circle: a render bug, never retried. */
export class PlanCycleError extends StackctlError {
  /** The logical ids left in the cycle (and anything waiting on it), sorted. */
  readonly logicalIds: readonly string[];

  constructor(logicalIds: readonly string[]) {
    super('PLAN_CYCLE', `resources depend on each other in a cycle: ${logicalIds.join(', ')}`);
    this.name = 'PlanCycleError';
    this.logicalIds = logicalIds;
  }
}

/** Two desired resources share a logical id: a render bug that would make the plan ambiguous. */
export class DuplicateLogicalIdError extends StackctlError {
  readonly logicalId: string;

  constructor(logicalId: string) {
    super('PLAN_DUPLICATE_LOGICAL_ID', `two desired resources share the logical id ${logicalId}`);
    this.name = 'DuplicateLogicalIdError';
    this.logicalId = logicalId;
  }
}
