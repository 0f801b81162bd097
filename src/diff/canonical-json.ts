/**
 * Canonical JSON: object keys sorted at every level, `undefined` dropped.
 *
 * Plans, hashes and client tokens must be byte-stable for the same input regardless of the order in
 * which renderers or observers happened to build objects; this is the one serializer they share.
 *
 * @module
 */

/** True for a plain JSON object (not an array, not null). */
export function isPlainObject(v: unknown): v is Readonly<Record<string, unknown>> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Returns a deep copy of `value` with object keys sorted and `undefined` members removed.
 *
 * Used before serializing so equal values always produce equal text.
 */
export function sortKeysDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map((v) => (v === undefined ? null : sortKeysDeep(v)));
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const v = value[key];
    if (v !== undefined) out[key] = sortKeysDeep(v);
  }
  return out;
}

/**
 * Serializes `value` canonically (sorted keys); `indent` as for `JSON.stringify`.
 *
 * @example
 * canonicalJson({ b: 1, a: 2 }) // '{"a":2,"b":1}'
 */
export function canonicalJson(value: unknown, indent?: number): string {
  return JSON.stringify(sortKeysDeep(value), null, indent) ?? 'null';
}
