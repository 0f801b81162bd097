/**
 * Small helpers shared by the ECS and ELBv2 observers: batching, bounded fan-out, resolving a parent id
 * out of a target's desired spec, and deciding which logical resource a live one is.
 *
 * @module
 */
import pLimit from 'p-limit';
import { isNotFound } from '../aws/errors.js';
import { compareStrings, stableJson } from '../desired/render/canonical.js';
import { isRef, type Spec, type SpecValue, TAG_KEYS } from '../desired/resource-types.js';
import type { ObserveContext, ObserveTarget } from './types.js';

/**
 * How many per-resource describe calls (DescribeTaskDefinition, DescribeTargetGroupAttributes…) one
 * observer runs at once: enough to hide latency, low enough to stay inside the read buckets.
 */
export const DESCRIBE_CONCURRENCY = 5;

/** Splits `items` into chunks of at most `size`, for APIs with a per-call batch limit. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Maps `items` through `fn` with at most {@link DESCRIBE_CONCURRENCY} calls in flight, keeping order. */
export async function mapLimited<T, R>(items: readonly T[], fn: (item: T) => Promise<R>): Promise<R[]> {
  const limit = pLimit(DESCRIBE_CONCURRENCY);
  return Promise.all(items.map((item) => limit(() => fn(item))));
}

/** The answer of a single-resource Describe, or undefined when AWS says it does not exist. */
export async function unlessNotFound<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

/** Unique, sorted copy of `items`: deterministic call order makes tests and call accounting stable. */
export function uniqueSorted(items: Iterable<string>): string[] {
  return [...new Set(items)].sort();
}

/**
 * The concrete string a target's desired spec holds at `key`: the value itself, or a {@link Ref}
 * resolved against the outputs observed earlier in the pass. Undefined when neither is known yet (the
 * parent does not exist, so neither can the child).
 */
export function resolveTargetString(
  value: SpecValue | undefined,
  outputs: ObserveContext['outputs'],
): string | undefined {
  if (typeof value === 'string') return value;
  if (isRef(value)) {
    const out = outputs.get(value.$ref)?.[value.attr];
    return typeof out === 'string' ? out : undefined;
  }
  return undefined;
}

/** {@link resolveTargetString} for `target.spec[key]`. */
export function targetString(target: ObserveTarget, key: string, ctx: ObserveContext): string | undefined {
  return resolveTargetString(target.spec?.[key], ctx.outputs);
}

/**
 * A desired spec value with every {@link Ref} resolved against the outputs observed so far, or
 * undefined when one of them is not known yet. For kinds whose live state cannot show a field (a
 * finished task's network configuration), the observer echoes the resolved desired value.
 */
export function resolveTargetValue(
  value: SpecValue | undefined,
  outputs: ObserveContext['outputs'],
): SpecValue | undefined {
  if (value === undefined) return undefined;
  if (isRef(value)) return outputs.get(value.$ref)?.[value.attr];
  if (Array.isArray(value)) {
    const items = value.map((v: SpecValue) => resolveTargetValue(v, outputs));
    return items.every((v) => v !== undefined) ? (items as SpecValue[]) : undefined;
  }
  if (value !== null && typeof value === 'object') {
    const out: Record<string, SpecValue> = {};
    for (const [k, v] of Object.entries(value as Spec)) {
      const r = resolveTargetValue(v, outputs);
      if (r === undefined) return undefined;
      out[k] = r;
    }
    return out;
  }
  return value;
}

/** Builds a {@link Spec} from a record, dropping `undefined` (specs never hold it). */
export function compactSpec(fields: Readonly<Record<string, SpecValue | undefined>>): Spec {
  const out: Record<string, SpecValue> = {};
  for (const key of Object.keys(fields).sort()) {
    const v = fields[key];
    if (v !== undefined) out[key] = v;
  }
  return out;
}

/** Which logical resource a live one is, and the name to show for it. */
export interface Identity {
  readonly logicalId: string;
  readonly name: string;
}

/**
 * Decides the logical id and display name of a live resource: the target the journal recorded this
 * physical id for wins, then the `stackctl:logical-id` tag, then the target it was found for by name,
 * and the physical id as a last resort so an owned resource is never dropped for lack of a label.
 */
export function identify(
  physicalId: string,
  awsName: string,
  tags: Readonly<Record<string, string>>,
  targets: readonly ObserveTarget[],
  nameMatch?: ObserveTarget,
): Identity {
  const byId = targets.find((t) => t.physicalId === physicalId);
  const logicalId = byId?.logicalId ?? tags[TAG_KEYS.logicalId] ?? nameMatch?.logicalId ?? physicalId;
  const target = byId ?? nameMatch ?? targets.find((t) => t.logicalId === logicalId);
  return { logicalId, name: target?.name ?? awsName };
}

/**
 * Orders an order-insensitive observed list like the target's desired one. The renderer sorts such lists
 * while they still hold refs (`subnet/public-a`), so once resolved their order is not the ids' order;
 * matching items therefore come first in desired order, the rest sorted canonically, and a list that
 * differs only in order never shows as drift. Never use it on order-sensitive lists (commands).
 */
export function alignToTarget<T extends SpecValue>(
  observed: readonly T[],
  desired: SpecValue | undefined,
  outputs: ObserveContext['outputs'],
): T[] {
  const byKey = new Map<string, T>();
  for (const item of observed) byKey.set(stableJson(item), item);
  const out: T[] = [];
  const wanted = resolveTargetValue(desired, outputs);
  if (Array.isArray(wanted)) {
    for (const item of wanted as readonly SpecValue[]) {
      const key = stableJson(item);
      const hit = byKey.get(key);
      if (hit !== undefined) {
        out.push(hit);
        byKey.delete(key);
      }
    }
  }
  return [...out, ...[...byKey.keys()].sort(compareStrings).map((k) => byKey.get(k) as T)];
}

/** {@link identify} for kinds whose targets are found by their exact AWS name (ECS, ELBv2). */
export function identifyByName(
  physicalId: string,
  awsName: string,
  tags: Readonly<Record<string, string>>,
  targets: readonly ObserveTarget[],
): Identity {
  return identify(
    physicalId,
    awsName,
    tags,
    targets,
    targets.find((t) => t.name === awsName),
  );
}

/** True when some target names this live resource, by AWS name or by the physical id the journal recorded. */
export function isTargeted(
  targets: readonly ObserveTarget[],
  awsName: string | undefined,
  physicalId: string | undefined,
): boolean {
  return targets.some((t) => t.name === awsName || t.physicalId === physicalId);
}

/** The target a live resource was identified as, if any. */
export function targetOf(logicalId: string, targets: readonly ObserveTarget[]): ObserveTarget | undefined {
  return targets.find((t) => t.logicalId === logicalId);
}

/** `value[key]` when `value` is a plain (non-ref) object: for reaching into a target's nested spec. */
export function field(value: SpecValue | undefined, key: string): SpecValue | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || isRef(value)) return undefined;
  return (value as Spec)[key];
}

/** `spec[key]` as a list (empty when absent or not a list), for re-ordering an observed list field. */
export function listField<T extends SpecValue>(spec: Spec, key: string): readonly T[] {
  const v = spec[key];
  return Array.isArray(v) ? (v as readonly T[]) : [];
}
