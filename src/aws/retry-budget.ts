/**
 * A pass-wide cap on retries, shared by every layer that retries (read retries, step retries).
 *
 * Why: each layer's own limit is local (a read is tried 1 + {@link READ_RETRIES} times, a step a bounded
 * number of times for server faults), but a pass makes hundreds of calls; when AWS (or the network) is
 * failing for everyone, local limits multiply into a pass that hammers AWS for an hour. The budget stops
 * that: once a pass has spent it, the next failure is reported instead of retried, and the following
 * pass (the operator's requeue, the next CI run) starts with a fresh budget.
 *
 * @module
 */
import { StackctlError } from '../errors.js';

/**
 * Retries one pass may spend in all. The dev stack's pass makes ~400 calls; at 30 % injected faults it
 * spends about a third of this (docs/RELIABILITY.md has the measured figures).
 */
export const DEFAULT_PASS_RETRY_BUDGET = 1_000;

/** The pass spent its budget: the failure that needed one more retry is the `cause`. */
export class RetryBudgetExhaustedError extends StackctlError {
  constructor(limit: number, cause: unknown) {
    super(
      'AWS_RETRY_BUDGET_EXHAUSTED',
      `the pass spent its retry budget (${limit} retries): AWS keeps failing, so this failure is reported instead of retried`,
      { cause },
    );
    this.name = 'RetryBudgetExhaustedError';
  }
}

/** Counts retries against a limit; one per pass (the operator resets it when a pass starts). */
export class RetryBudget {
  readonly limit: number;
  #used = 0;

  constructor(limit: number = DEFAULT_PASS_RETRY_BUDGET) {
    this.limit = limit;
  }

  /** Retries spent since the last {@link reset}. */
  get used(): number {
    return this.#used;
  }

  /** Takes one retry; false once the budget is spent (the caller then reports the failure). */
  take(): boolean {
    if (this.#used >= this.limit) return false;
    this.#used += 1;
    return true;
  }

  /** Starts a new pass. */
  reset(): void {
    this.#used = 0;
  }
}
