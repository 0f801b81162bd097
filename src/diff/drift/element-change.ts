/**
 * Which list element a drifted field belongs to, so the human renderers can show a changed security
 * group rule or environment entry whole (`{"cidrIp":"0.0.0.0/0","fromPort":22,…}` before and after)
 * instead of one key of it or a cut-off JSON fragment.
 *
 * @module
 */
import { isPlainObject } from '../canonical-json.js';
import { parsePath, valueAt } from '../redact.js';
import type { ElementChange } from './types.js';

/** Deepest nesting an element may have to be shown whole: a rule with a list of CIDRs, not a container. */
export const MAX_ELEMENT_DEPTH = 2;

function depthOf(v: unknown): number {
  if (Array.isArray(v)) return 1 + Math.max(0, ...v.map(depthOf));
  if (isPlainObject(v)) return 1 + Math.max(0, ...Object.values(v).map(depthOf));
  return 0;
}

/** `a[1].b[2].c` → `a[1].b[2]`: the path up to the last index that has something after it, else undefined. */
function elementPathOf(path: string): string | undefined {
  const m = /^(.*\[\d+\])\.[^[\]]+$/.exec(path);
  return m?.[1];
}

/**
 * The element around `path` in both (redacted) specs, when the field is a key of a small, flat list
 * element (an object at most {@link MAX_ELEMENT_DEPTH} deep); undefined otherwise.
 *
 * @example
 * elementChange('ingress[1].fromPort', { ingress: [a, { fromPort: 80, toPort: 80 }] }, live)
 * // { path: 'ingress[1]', desired: { fromPort: 80, toPort: 80 }, observed: { fromPort: 22, toPort: 22 } }
 */
export function elementChange(path: string, desired: unknown, observed: unknown): ElementChange | undefined {
  const at = elementPathOf(path);
  if (at === undefined) return undefined;
  const segments = parsePath(at);
  const d = valueAt(desired, segments);
  const o = valueAt(observed, segments);
  const small = (v: unknown): boolean =>
    v === undefined || (isPlainObject(v) && depthOf(v) <= MAX_ELEMENT_DEPTH);
  if (!small(d) || !small(o) || (d === undefined && o === undefined)) return undefined;
  return { path: at, desired: d, observed: o };
}
