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
 * `[a-zA-Z0-9]`) hashed from project, stack, logical id and spec hash.
 *
 * @example clientToken('shop', 'prod', 'service/web', spec) // '3fa91c…' (32 chars)
 */
export function clientToken(project: string, stack: string, logicalId: string, spec: Spec): string {
  return sha256Hex(`${project}\n${stack}\n${logicalId}\n${specHash(spec)}`).slice(0, CLIENT_TOKEN_LENGTH);
}
