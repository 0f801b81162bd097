/**
 * Errors the apply engine itself raises (applier and AWS errors pass through unchanged).
 *
 * @module
 */
import type { MissingRef } from '../diff/resolve-refs.js';
import { StackctlError } from '../errors.js';

/** A step's refs point at outputs no finished step produced: a render or applier bug, not retried. */
export class UnresolvedRefsError extends StackctlError {
  readonly logicalId: string;
  readonly missing: readonly MissingRef[];

  constructor(logicalId: string, missing: readonly MissingRef[]) {
    const list = missing.map((m) => `${m.logicalId}.${m.attr}`).join(', ');
    super(
      'UNRESOLVED_REFS',
      `${logicalId}: cannot resolve ${list}: the resource(s) did not report these outputs`,
    );
    this.name = 'UnresolvedRefsError';
    this.logicalId = logicalId;
    this.missing = missing;
  }
}

/** The plan has a step of a kind no applier was registered for. */
export class NoApplierError extends StackctlError {
  constructor(kind: string) {
    super(
      'NO_APPLIER',
      `no applier is registered for ${kind}; plan it with unsupportedKinds so it is skipped`,
    );
    this.name = 'NoApplierError';
  }
}

/**
 * Once refs were resolved, an update turned out to change a field that cannot change in place: the plan
 * was made on stale outputs. The step fails without calling AWS and the next pass plans a replacement.
 */
export class StalePlanError extends StackctlError {
  constructor(logicalId: string, reason: string) {
    super(
      'PLAN_STALE',
      `${logicalId}: planned as an update, but ${reason}; the next pass will plan a replacement`,
    );
    this.name = 'StalePlanError';
  }
}

/**
 * A step succeeded in AWS, but the journal write recording its id (made beside its dependents, see
 * step-actions.ts) failed. The step is reported failed so the pass does not claim success; the next pass
 * finds the resource by name or tags and records it.
 */
export class JournalWriteError extends StackctlError {
  readonly logicalId: string;

  constructor(logicalId: string, physicalId: string | undefined, cause: unknown) {
    super(
      'JOURNAL_WRITE_FAILED',
      `${logicalId}: applied${physicalId ? ` (${physicalId})` : ''}, but recording it in the state journal failed: ${cause instanceof Error ? cause.message : String(cause)}; the next pass finds it and records it`,
      { cause },
    );
    this.name = 'JournalWriteError';
    this.logicalId = logicalId;
  }
}
