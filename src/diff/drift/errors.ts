/**
 * Errors of the drift report model.
 *
 * @module
 */
import { type SourceLocation, StackctlError } from '../../errors.js';

/** A line of `.stackctl/driftignore` that is not `kind:logicalId[:field]`: reported with file:line. */
export class DriftIgnoreSyntaxError extends StackctlError {
  constructor(message: string, location: SourceLocation) {
    super('DRIFTIGNORE_INVALID', message, { location });
    this.name = 'DriftIgnoreSyntaxError';
  }
}
