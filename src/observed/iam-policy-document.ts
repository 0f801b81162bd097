/**
 * IAM policy documents in the one form the diff compares: AWS returns them URL-encoded and re-serialized,
 * the renderer writes them with `stableJson`, so both sides go through {@link normalizePolicyDocument}.
 *
 * @module
 */
import { stableJson } from '../desired/render/canonical.js';

/** URL-decodes when the text is encoded (IAM's Get* responses are; moto's too), else returns it as is. */
function decodeIfEncoded(raw: string): string {
  if (raw.trimStart().startsWith('{')) return raw;
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/**
 * Canonical JSON of a policy document (keys sorted at every level, no whitespace); text that is not
 * JSON is returned decoded but otherwise unchanged, so it still shows up as drift.
 *
 * @example normalizePolicyDocument('%7B%22b%22%3A1%2C%22a%22%3A2%7D') // '{"a":2,"b":1}'
 */
export function normalizePolicyDocument(raw: string): string {
  const text = decodeIfEncoded(raw);
  try {
    return stableJson(JSON.parse(text));
  } catch {
    return text;
  }
}
