/**
 * Canonical values: the one normal form every rendered spec is in, so two renders of the same input are
 * byte-identical and the diff never reports a key-order or `undefined` difference as drift.
 *
 * @module
 */
import type { SpecValue } from '../resource-types.js';

/**
 * Returns a deep copy of `value` with object keys sorted and `undefined` dropped (from objects and arrays).
 *
 * Array order is kept: only the renderer knows which lists are order-insensitive, and it sorts those
 * itself with {@link sortedUnique}.
 *
 * @example
 * canonicalize({ b: 1, a: undefined, c: [{ y: 2, x: 1 }] }); // { b: 1, c: [{ x: 1, y: 2 }] }
 */
export function canonicalize<T>(value: T): T {
  return canon(value) as T;
}

function canon(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const v of value) if (v !== undefined) out.push(canon(v));
    return out;
  }
  const src = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(src).sort()) {
    const v = src[key];
    if (v !== undefined) out[key] = canon(v);
  }
  return out;
}

/**
 * JSON of the canonical form: the same value always gives the same bytes.
 *
 * Used for IAM policy documents (AWS compares them as strings in our diff) and for determinism tests.
 */
export function stableJson(value: unknown): string {
  return JSON.stringify(canonicalize(value));
}

/**
 * Sorts an order-insensitive list by the canonical JSON of its items and drops duplicates.
 *
 * Works for strings, numbers, {@link Ref}s and objects alike, which is what resource-specs.md asks of
 * subnets, security groups, ingress rules and SANs.
 */
export function sortedUnique<T>(items: readonly T[]): T[] {
  const byKey = new Map<string, T>();
  for (const item of items) byKey.set(stableJson(item), item);
  return [...byKey.keys()].sort(compareStrings).map((k) => byKey.get(k) as T);
}

/** Code-unit string comparison: locale-independent, so sorting is the same on every machine. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Drops the `undefined` fields of a spec object (shallow), which is how optional fields such as
 * `command` or `healthCheck` are left out when compose does not set them.
 */
export function compact(fields: Readonly<Record<string, SpecValue | undefined>>): {
  readonly [key: string]: SpecValue;
} {
  const out: Record<string, SpecValue> = {};
  for (const [key, value] of Object.entries(fields)) if (value !== undefined) out[key] = value;
  return out;
}
