/**
 * Errors raised while applying a plan.
 *
 * @module
 */
import { StackctlError } from '../errors.js';

/** A resource with our deterministic name exists but does not carry this stack's ownership tags. */
export class OwnershipConflictError extends StackctlError {
  readonly logicalId: string;
  readonly physicalId: string;

  constructor(logicalId: string, physicalId: string, detail = '', options: ErrorOptions = {}) {
    super(
      'OWNERSHIP_CONFLICT',
      `${logicalId}: ${physicalId} already exists but is not owned by this stack (missing or different stackctl:project/stackctl:stack tags)${detail ? `; ${detail}` : ''}. stackctl will not modify it: rename or remove it, or adopt it explicitly.`,
      options,
    );
    this.name = 'OwnershipConflictError';
    this.logicalId = logicalId;
    this.physicalId = physicalId;
  }
}

/** An applier could not finish yet because AWS is still settling; the engine requeues the step. */
export class NotReadyError extends StackctlError {
  readonly retryAfterMs: number;

  constructor(message: string, retryAfterMs: number, options: ErrorOptions = {}) {
    super('NOT_READY', message, options);
    this.name = 'NotReadyError';
    this.retryAfterMs = retryAfterMs;
  }
}
