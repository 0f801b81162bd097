/**
 * Errors raised while applying a plan.
 *
 * @module
 */
import { StackctlError } from '../errors.js';

/** Options of {@link OwnershipConflictError}. */
export interface OwnershipConflictOptions extends ErrorOptions {
  /**
   * The other stackctl stack(s) that own the resource (`project/stack`), when known. The message then
   * names them and never suggests `stackctl adopt`, which would take the resource from its owner.
   */
  readonly owners?: readonly string[];
}

/** A resource with our deterministic name exists but does not carry this stack's ownership tags. */
export class OwnershipConflictError extends StackctlError {
  readonly logicalId: string;
  readonly physicalId: string;
  /** The stackctl stacks (`project/stack`) that own it, when known. */
  readonly owners: readonly string[];

  constructor(logicalId: string, physicalId: string, detail = '', options: OwnershipConflictOptions = {}) {
    const { owners = [], ...errorOptions } = options;
    const why = detail ? `; ${detail}` : '';
    super(
      'OWNERSHIP_CONFLICT',
      owners.length > 0
        ? `${logicalId}: ${physicalId} already exists and belongs to stackctl stack ${owners.join(', ')}${why}. stackctl will not modify it or take it from that stack: use another name here, or remove it from ${owners.join(', ')} first.`
        : `${logicalId}: ${physicalId} already exists but is not owned by this stack (missing or different stackctl:project/stackctl:stack tags)${why}. stackctl will not modify it: rename or remove it, or adopt it explicitly.`,
      errorOptions,
    );
    this.name = 'OwnershipConflictError';
    this.logicalId = logicalId;
    this.physicalId = physicalId;
    this.owners = owners;
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
