/**
 * Deterministic client tokens: the same logical resource with the same spec always gets the same token,
 * so a create retried after a crash is recognised by AWS instead of duplicated (ECS `clientToken`,
 * EC2 `ClientToken`, ACM `IdempotencyToken`).
 *
 * @module
 */
import { createHash } from 'node:crypto';
import type { Spec } from '../desired/resource-types.js';
import { canonicalJson } from '../diff/canonical-json.js';

/** Token length: fits ACM's 32-character `\w` limit, and ECS's 36 and EC2's 64. */
export const CLIENT_TOKEN_LENGTH = 32;

function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** Hash of a spec's canonical JSON: equal specs hash equally whatever their key order. */
export function specHash(spec: Spec): string {
  return sha256Hex(canonicalJson(spec));
}

/**
 * The client token of one create: {@link CLIENT_TOKEN_LENGTH} hex characters (a subset of
 * `[a-zA-Z0-9]`) hashed from project, stack, logical id, spec hash and, when known, the create's
 * `generation`.
 *
 * The generation is the time the journal recorded the create's intent (`createPending.at`): the same for
 * every retry of one create, including the next pass after a crash (which reads it back), and new for
 * the next create of the same logical id after a delete. Without it, a certificate destroyed and created
 * again within ACM's one-hour idempotency window would get the deleted certificate's ARN back.
 *
 * @example clientToken('shop', 'prod', 'service/web', spec) // '3fa91c…' (32 chars)
 * @example clientToken('shop', 'prod', 'cert/web', spec, '2026-12-06T17:40:00.000Z') // another token
 */
export function clientToken(
  project: string,
  stack: string,
  logicalId: string,
  spec: Spec,
  generation?: string,
): string {
  const generationLine = generation === undefined ? '' : `\n${generation}`;
  return sha256Hex(`${project}\n${stack}\n${logicalId}\n${specHash(spec)}${generationLine}`).slice(
    0,
    CLIENT_TOKEN_LENGTH,
  );
}
