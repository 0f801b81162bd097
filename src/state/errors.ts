/**
 * Errors of the state store. SDK exceptions are translated here, at the boundary: a failed fence
 * condition becomes {@link LeaseLostError}, a stale generation {@link SpecConflictError}; anything else
 * is wrapped as an `AwsCallError` so it still classifies (throttle, busy…) for retries.
 *
 * @module
 */
import { StackctlError } from '../errors.js';

/**
 * This process no longer holds the stack's lease (it expired and another owner took it, or it was
 * released). The write was rejected and nothing changed: stop working on the stack at once.
 */
export class LeaseLostError extends StackctlError {
  readonly project: string;
  /** The stack name (`stack` is taken by `Error.stack`). */
  readonly stackName: string;
  readonly fence: number;

  constructor(project: string, stack: string, fence: number, detail = '', options: ErrorOptions = {}) {
    super(
      'LEASE_LOST',
      `lost the lease on ${project}/${stack} (fence ${fence})${detail ? `: ${detail}` : ''}; another stackctl now owns this stack, so this one stopped without writing.`,
      options,
    );
    this.name = 'LeaseLostError';
    this.project = project;
    this.stackName = stack;
    this.fence = fence;
  }
}

/** A spec write raced another: the stored generation is not the one the writer read. Re-read and retry. */
export class SpecConflictError extends StackctlError {
  readonly expectedGeneration: number;
  /** The generation actually stored; undefined when the spec does not exist. */
  readonly actualGeneration: number | undefined;

  constructor(
    project: string,
    stack: string,
    expectedGeneration: number,
    actualGeneration: number | undefined,
    options: ErrorOptions = {},
  ) {
    const actual =
      actualGeneration === undefined ? 'no spec exists' : `generation ${actualGeneration} is stored`;
    super(
      'SPEC_CONFLICT',
      `the spec of ${project}/${stack} changed meanwhile: expected generation ${expectedGeneration}, but ${actual}. Re-read it and try again.`,
      options,
    );
    this.name = 'SpecConflictError';
    this.expectedGeneration = expectedGeneration;
    this.actualGeneration = actualGeneration;
  }
}

/** A spec write was refused because the stack is being deleted. */
export class StackDeletingError extends StackctlError {
  constructor(project: string, stack: string, options: ErrorOptions = {}) {
    super(
      'STACK_DELETING',
      `${project}/${stack} is marked for deletion; wait for it to be removed before pushing it again.`,
      options,
    );
    this.name = 'StackDeletingError';
  }
}

/** A stack spec is too big for one DynamoDB item (400 KB). */
export class SpecTooLargeError extends StackctlError {
  constructor(project: string, stack: string, bytes: number, limit: number) {
    super(
      'SPEC_TOO_LARGE',
      `the spec of ${project}/${stack} is ${bytes} bytes; the state table holds at most ${limit} per stack. Trim the compose file (large inline configs belong in files or SSM).`,
    );
    this.name = 'SpecTooLargeError';
  }
}

/** The state table exists but not with the schema stackctl needs. */
export class StateTableError extends StackctlError {
  constructor(message: string, options: ErrorOptions = {}) {
    super('STATE_TABLE_INVALID', message, options);
    this.name = 'StateTableError';
  }
}

/** A project, stack or logical id that cannot be used in a key. */
export class StateKeyError extends StackctlError {
  constructor(message: string) {
    super('STATE_KEY_INVALID', message);
    this.name = 'StateKeyError';
  }
}
