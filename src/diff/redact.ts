/**
 * Redaction: secrets must never appear in plans, reports, logs or snapshots.
 *
 * Compose files often pass secrets as plain environment values (`DB_PASSWORD=…`) and URLs carry
 * credentials (`postgres://u:p@h`). Every formatter goes through these functions, so a value is hidden
 * when its key or its environment-entry name looks secret, and URL passwords are masked anywhere.
 *
 * @module
 */
import type { Spec } from '../desired/resource-types.js';
import { isPlainObject } from './canonical-json.js';
import type { FieldDelta } from './types.js';

/** What a hidden value is replaced with. */
export const REDACTED = '(redacted)';

/** Substrings that mark a name as secret wherever they appear (`DBPASSWORD`, `githubToken`). */
const SECRET_SUBSTRINGS = [
  'PASSWORD',
  'PASSWD',
  'PASSPHRASE',
  'SECRET',
  'TOKEN',
  'APIKEY',
  'PRIVATEKEY',
  'CREDENTIAL',
];

/** Whole words that mark a name as secret (`API_KEY`, `BASIC_AUTH`), but not inside words (`MONKEY`). */
const SECRET_WORDS: ReadonlySet<string> = new Set(['KEY', 'AUTH', 'PWD', 'PASS', 'SALT', 'DSN']);

/** Last words of names that hold a reference to a secret, not the secret (`masterPasswordParameter`). */
const REFERENCE_SUFFIXES: ReadonlySet<string> = new Set(['ARN', 'PARAMETER', 'NAME']);

/** `scheme://user:password@` inside any string. */
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/[^\s:@/]*):([^\s@/]+)@/gi;

/**
 * True when a key or an environment variable name looks like it holds a secret.
 *
 * @example
 * looksSecret('DB_PASSWORD') // true
 * looksSecret('masterPasswordParameter') // false: it names the parameter, it is not the password
 */
export function looksSecret(name: string): boolean {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toUpperCase()
    .split(/[^A-Z0-9]+/)
    .filter((w) => w !== '');
  const last = words[words.length - 1];
  if (last !== undefined && REFERENCE_SUFFIXES.has(last)) return false;
  const compact = words.join('');
  return SECRET_SUBSTRINGS.some((s) => compact.includes(s)) || words.some((w) => SECRET_WORDS.has(w));
}

function redactString(s: string): string {
  return s.replace(URL_USERINFO, `$1:${REDACTED}@`);
}

function isScalar(v: unknown): boolean {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}

/** True for `{ name, value }` entries (ECS environment, similar pairs) whose name looks secret. */
function isSecretPair(o: Readonly<Record<string, unknown>>): boolean {
  return typeof o.name === 'string' && looksSecret(o.name);
}

/**
 * Returns a deep copy of `value` with secrets replaced by {@link REDACTED}: scalar values of secret-looking
 * keys, `value` of `{ name, value }` entries whose name looks secret, and URL passwords.
 */
export function redactValue(value: unknown): unknown {
  if (typeof value === 'string') return redactString(value);
  if (Array.isArray(value)) return value.map(redactValue);
  if (!isPlainObject(value)) return value;
  const secretPair = isSecretPair(value);
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    const hide = (secretPair && key === 'value') || (looksSecret(key) && isScalar(v));
    out[key] = hide ? REDACTED : redactValue(v);
  }
  return out;
}

/** {@link redactValue} for a whole spec (or a tag record). */
export function redactSpec<T extends Spec | Readonly<Record<string, string>>>(spec: T): T {
  return redactValue(spec) as T;
}

/** Splits `a.b[0].c` into `['a', 'b', 0, 'c']`. */
export function parsePath(path: string): readonly (string | number)[] {
  const out: (string | number)[] = [];
  for (const part of path.split('.')) {
    const m = /^([^[]*)((?:\[\d+\])*)$/.exec(part);
    if (m === null) {
      out.push(part);
      continue;
    }
    if (m[1] !== undefined && m[1] !== '') out.push(m[1]);
    for (const idx of (m[2] ?? '').matchAll(/\[(\d+)\]/g)) out.push(Number(idx[1]));
  }
  return out;
}

/** The value at `segments` inside `root`, or undefined. */
export function valueAt(root: unknown, segments: readonly (string | number)[]): unknown {
  let cur: unknown = root;
  for (const seg of segments) {
    if (typeof seg === 'number') cur = Array.isArray(cur) ? cur[seg] : undefined;
    else cur = isPlainObject(cur) ? cur[seg] : undefined;
  }
  return cur;
}

/**
 * Redacts one delta, using the specs it came from to see whether a `…environment[i].value` path belongs
 * to an entry whose name looks secret.
 */
export function redactDelta(delta: FieldDelta, desiredSpec?: unknown, observedSpec?: unknown): FieldDelta {
  const segments = parsePath(delta.path);
  const leaf = [...segments].reverse().find((s): s is string => typeof s === 'string');
  let hide = leaf !== undefined && looksSecret(leaf);
  if (leaf === 'value' && segments[segments.length - 1] === 'value') {
    const parentPath = segments.slice(0, -1);
    hide ||= [desiredSpec, observedSpec].some((spec) => {
      const parent = valueAt(spec, parentPath);
      return isPlainObject(parent) && isSecretPair(parent);
    });
  }
  const redactOne = (v: unknown): unknown =>
    v === undefined ? undefined : hide && isScalar(v) ? REDACTED : redactValue(v);
  return { ...delta, desired: redactOne(delta.desired), observed: redactOne(delta.observed) };
}
