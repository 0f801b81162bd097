/**
 * Recognises secret-looking literals in stack files, which are committed to git and must never hold one.
 *
 * Two signals: the variable's name (`DB_PASSWORD`, `STRIPE_API_KEY`) and the value's shape (AWS access
 * key ids, PEM private keys, credentials in URLs, long random tokens). The shape check is deliberately
 * narrow (long, upper + lower + digits, high entropy) so ordinary URLs, hostnames and flags pass.
 *
 * @module
 */

/** Variable names that announce a secret. */
export const SECRET_KEY_PATTERN = /(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIALS?)/i;

/** AWS access key ids. */
const AWS_ACCESS_KEY_ID = /(?:AKIA|ASIA)[0-9A-Z]{16}/;
/** PEM private key blocks (RSA, EC, OPENSSH, PKCS#8, encrypted…). */
const PRIVATE_KEY_BLOCK = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/;
/** `scheme://user:password@host`. */
const URL_WITH_PASSWORD = /[a-z][a-z0-9+.-]*:\/\/[^\s/:@]+:[^\s/@]+@/i;
/** Runs of token characters long enough to be a generated secret. */
const TOKEN_CANDIDATE = /[A-Za-z0-9+/_=-]{32,}/g;

/** A generated token is at least this long. */
export const MIN_TOKEN_LENGTH = 32;
/** Shannon entropy (bits per character) above which a long mixed-class run counts as random. */
export const MIN_TOKEN_ENTROPY_BITS = 4;
/** AWS secret access keys are exactly this long. */
const AWS_SECRET_KEY_LENGTH = 40;

/** Why a literal was judged secret; shown to the user instead of the value. */
export type SecretReason =
  | 'its name marks it as a secret'
  | 'it looks like an AWS access key id'
  | 'it looks like an AWS secret access key'
  | 'it contains a private key block'
  | 'it is a URL with a password'
  | 'it looks like a generated token';

/** Shannon entropy of `text`, in bits per character. */
export function shannonEntropy(text: string): number {
  if (text.length === 0) return 0;
  const counts = new Map<string, number>();
  for (const ch of text) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) {
    const p = n / text.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

function hasMixedClasses(text: string): boolean {
  return /[a-z]/.test(text) && /[A-Z]/.test(text) && /[0-9]/.test(text);
}

/** True for a long run of token characters that is mixed-case, has digits and is high-entropy. */
function highEntropyToken(value: string): string | undefined {
  for (const [candidate] of value.matchAll(TOKEN_CANDIDATE)) {
    if (
      candidate.length >= MIN_TOKEN_LENGTH &&
      hasMixedClasses(candidate) &&
      shannonEntropy(candidate) > MIN_TOKEN_ENTROPY_BITS
    ) {
      return candidate;
    }
  }
  return undefined;
}

/**
 * Why `value` looks like a secret by its shape alone, or `undefined` when it does not.
 *
 * @example secretValueReason('AKIAIOSFODNN7EXAMPLE') // 'it looks like an AWS access key id'
 */
export function secretValueReason(value: string): SecretReason | undefined {
  if (AWS_ACCESS_KEY_ID.test(value)) return 'it looks like an AWS access key id';
  if (PRIVATE_KEY_BLOCK.test(value)) return 'it contains a private key block';
  if (URL_WITH_PASSWORD.test(value)) return 'it is a URL with a password';
  const token = highEntropyToken(value);
  if (token === undefined) return undefined;
  return token.length === AWS_SECRET_KEY_LENGTH && /^[A-Za-z0-9/+]+$/.test(token)
    ? 'it looks like an AWS secret access key'
    : 'it looks like a generated token';
}

/**
 * Why the literal `key: value` looks like a secret, or `undefined`. A secret-named key with an empty
 * value is fine: it holds nothing.
 */
export function secretReason(key: string, value: string): SecretReason | undefined {
  if (value !== '' && SECRET_KEY_PATTERN.test(key)) return 'its name marks it as a secret';
  return secretValueReason(value);
}
