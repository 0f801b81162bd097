/**
 * Step failures as printable data: a stable code for scripts, a redacted message for people.
 *
 * @module
 */
import { awsErrorCode, callSiteOf, formatCallName, sanitizeAwsMessage, withCallSite } from '../aws/index.js';
import { redactValue } from '../diff/redact.js';
import { StackctlError } from '../errors.js';
import type { StepError } from './engine-types.js';

/**
 * Turns anything thrown into a {@link StepError}; secrets in the message (URL passwords, values AWS
 * echoes back) are masked. An AWS failure names its call in the message and in `call`
 * (`ecs:CreateService`), so a failed step says which request failed, never what it sent.
 */
export function toStepError(err: unknown): StepError {
  const e = err instanceof Error ? err : new Error(String(err));
  const code = err instanceof StackctlError ? err.code : awsErrorCode(err);
  const site = callSiteOf(err);
  // A raw SDK error's message is AWS's text: name it and mask echoed values, as AwsCallError does.
  const text =
    site && !(err instanceof StackctlError) ? `${e.name}: ${sanitizeAwsMessage(e.message)}` : e.message;
  return {
    name: e.name,
    message: redactValue(withCallSite(text, err, err instanceof StackctlError ? 'trail' : 'lead')) as string,
    ...(code !== undefined ? { code } : {}),
    ...(site ? { call: formatCallName(site) } : {}),
  };
}
