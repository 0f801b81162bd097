/**
 * Field-level comparison of a desired spec against its observed counterpart (ACK's Delta).
 *
 * Only keys present in the desired spec are compared, at every depth: fields AWS adds or defaults are
 * not drift. Lists of equal length are compared per index so a plan can say `containerDefinitions[0].image`;
 * lists of different length are one whole-list delta. AWS often returns numbers as strings (`"256"`),
 * so a number and its numeric string are equal.
 *
 * @module
 */
import { isRef, type Ref, type ResourceKind, type Spec, type SpecValue } from '../desired/resource-types.js';
import { isPlainObject } from './canonical-json.js';
import { isImmutablePath } from './immutable-fields.js';
import type { FieldDelta } from './types.js';

/**
 * Maps that stackctl owns whole, per kind: a key present in AWS but not desired is drift too (an inline
 * IAM policy added out of band grants permissions nobody declared). Everywhere else extra keys are AWS's.
 */
export const EXACT_MAP_FIELDS: Readonly<Partial<Record<ResourceKind, readonly string[]>>> = {
  'iam.Role': ['inlinePolicies'],
};

/** Options of {@link diffResource}. */
export interface DiffOptions {
  /**
   * What a ref still left in the desired spec means. `true`: its dependency is being created or replaced,
   * so the field is changing and becomes a delta. `false`: its value is unknown for another reason and
   * the field is not compared.
   * @default every remaining ref is changing
   */
  readonly isRefChanging?: (ref: Ref) => boolean;
}

type Found = { readonly path: string; readonly desired: unknown; readonly observed: unknown };

function isEmptyish(v: unknown): boolean {
  if (v === undefined || v === null) return true;
  if (Array.isArray(v)) return v.length === 0;
  return isPlainObject(v) && Object.keys(v).length === 0;
}

function isNumericString(s: string): boolean {
  return s.trim() !== '' && Number.isFinite(Number(s));
}

/** Scalar equality with number ⇄ numeric-string normalization. */
function scalarsEqual(d: unknown, o: unknown): boolean {
  if (d === o) return true;
  if (typeof d === 'number' && typeof o === 'string') return isNumericString(o) && Number(o) === d;
  if (typeof d === 'string' && typeof o === 'number') return isNumericString(d) && Number(d) === o;
  return false;
}

function child(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

/**
 * A list of ids (security groups, subnets) some of which are still refs that could not be resolved:
 * rendering sorted it by logical id, AWS returns it in its own order, so position means nothing until
 * every id is known.
 */
function isIdSetWithPendingRefs(d: readonly SpecValue[]): boolean {
  return d.some(isRef) && d.every((x) => isRef(x) || typeof x === 'string');
}

/**
 * True when `o` holds every known id of `d` and as many others as `d` has pending refs that are not
 * changing: the unknown ids are whatever the refs will resolve to, so they are not drift by themselves.
 */
function idSetMatches(
  d: readonly SpecValue[],
  o: readonly unknown[],
  isRefChanging: (r: Ref) => boolean,
): boolean {
  if (o.length !== d.length) return false;
  const remaining = [...o];
  for (const item of d) {
    if (isRef(item)) {
      if (isRefChanging(item)) return false;
      continue;
    }
    const at = remaining.findIndex((x) => scalarsEqual(item, x));
    if (at < 0) return false;
    remaining.splice(at, 1);
  }
  return true;
}

function walk(
  path: string,
  d: SpecValue,
  o: unknown,
  isRefChanging: (r: Ref) => boolean,
  out: Found[],
): void {
  if (isRef(d)) {
    if (isRefChanging(d)) out.push({ path, desired: d, observed: o });
    return;
  }
  if (isEmptyish(d) && isEmptyish(o)) return;
  if (Array.isArray(d) && Array.isArray(o) && isIdSetWithPendingRefs(d)) {
    if (!idSetMatches(d, o, isRefChanging)) out.push({ path, desired: d, observed: o });
    return;
  }
  if (Array.isArray(d)) {
    if (Array.isArray(o) && o.length === d.length) {
      d.forEach((item: SpecValue, i: number) => {
        walk(`${path}[${i}]`, item, o[i], isRefChanging, out);
      });
    } else {
      out.push({ path, desired: d, observed: o });
    }
    return;
  }
  if (isPlainObject(d)) {
    if (!isPlainObject(o)) {
      out.push({ path, desired: d, observed: o });
      return;
    }
    for (const [key, value] of Object.entries(d as Spec))
      walk(child(path, key), value, o[key], isRefChanging, out);
    return;
  }
  if (!scalarsEqual(d, o)) out.push({ path, desired: d, observed: o });
}

/**
 * The deltas between a (resolved) desired spec and the observed one, over keys present in desired.
 *
 * Each delta is marked `replace` when its field is in {@link IMMUTABLE_FIELDS} for the kind.
 *
 * @example
 * diffResource({ desiredCount: 3 }, { desiredCount: 1, status: 'ACTIVE' }, 'ecs.Service')
 * // [{ path: 'desiredCount', desired: 3, observed: 1, replace: false }]
 */
export function diffResource(
  desired: Spec,
  observed: Spec,
  kind: ResourceKind,
  options: DiffOptions = {},
): readonly FieldDelta[] {
  const isRefChanging = options.isRefChanging ?? (() => true);
  const found: Found[] = [];
  for (const [key, value] of Object.entries(desired)) walk(key, value, observed[key], isRefChanging, found);
  for (const field of EXACT_MAP_FIELDS[kind] ?? []) {
    const want = desired[field];
    const have = observed[field];
    if (!isPlainObject(want) || !isPlainObject(have)) continue;
    for (const extra of Object.keys(have)
      .filter((k) => !(k in want))
      .sort()) {
      found.push({ path: child(field, extra), desired: undefined, observed: have[extra] });
    }
  }
  return found.map((f) => ({ ...f, replace: isImmutablePath(kind, f.path) }));
}
