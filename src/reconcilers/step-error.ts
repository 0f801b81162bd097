/**
 * Step failures as printable data: a stable code for scripts, a redacted message for people.
 *
 * @module
 */
import { awsErrorCode } from '../aws/index.js';
import { redactValue } from '../diff/redact.js';
import { StackctlError } from '../errors.js';
import type { StepError } from './engine-types.js';

/** Turns anything thrown into a {@link StepError}; secrets in the message (URL passwords) are masked. */
export function toStepError(err: unknown): StepError {
  const e = err instanceof Error ? err : new Error(String(err));
  const code = err instanceof StackctlError ? err.code : awsErrorCode(err);
  return { name: e.name, message: redactValue(e.message) as string, ...(code !== undefined ? { code } : {}) };
}
