/**
 * Errors of the operator: bad configuration at start-up, and stored specs it cannot use.
 *
 * Both are user-facing and stable (`code`), so deploy scripts and `stackctl push --wait` can match on
 * them instead of on messages.
 *
 * @module
 */
import { StackctlError } from '../errors.js';

/**
 * An environment variable or option of the operator is invalid. Raised once, at start-up, before any
 * lease is taken, so a misconfigured replica never half-joins a fleet.
 */
export class OperatorConfigError extends StackctlError {
  constructor(message: string, options: ErrorOptions = {}) {
    super('OPERATOR_CONFIG_INVALID', message, options);
    this.name = 'OperatorConfigError';
  }
}

/**
 * A spec in the state table cannot be rendered: written by an incompatible stackctl version, or edited
 * by hand. Re-pushing from a checkout repairs it; the operator reports it and backs off meanwhile.
 */
export class StoredSpecError extends StackctlError {
  constructor(project: string, stack: string, detail: string, options: ErrorOptions = {}) {
    super(
      'STORED_SPEC_INVALID',
      `the stored spec of ${project}/${stack} cannot be used: ${detail}. Push it again with \`stackctl push --stack ${stack}\`.`,
      options,
    );
    this.name = 'StoredSpecError';
  }
}

/**
 * A pass asked for AWS clients after the operator closed them (it is stopping). The pass ends with
 * this error and its stack is handed to another replica; nothing was sent to AWS.
 */
export class ClientsClosedError extends StackctlError {
  constructor(region: string) {
    super('OPERATOR_CLIENTS_CLOSED', `no AWS clients for ${region}: the operator is stopping`);
    this.name = 'ClientsClosedError';
  }
}
