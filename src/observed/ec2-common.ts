/**
 * Helpers shared by the observers of this layer's network, logs, IAM and SSM kinds: ownership filters,
 * pagination, identifying which target a live resource answers, and ordering observed lists the way the
 * desired spec orders them.
 *
 * @module
 */
import type { Filter } from '@aws-sdk/client-ec2';
import { compareStrings, stableJson } from '../desired/render/canonical.js';
import { isRef, type SpecValue, TAG_KEYS } from '../desired/resource-types.js';
import type { ObserveContext, ObserveTarget } from './types.js';

/** The EC2 tag key holding a resource's display name (`Name=<name>` on everything stackctl creates). */
export const EC2_NAME_TAG = 'Name';

/**
 * EC2 `Filters` matching every resource tagged for this project+stack: one Describe call per kind finds
 * all of them, tags inline, so removed resources can be garbage-collected without a journal entry.
 */
export function ownershipFilters(project: string, stack: string): Filter[] {
  return [
    { Name: `tag:${TAG_KEYS.project}`, Values: [project] },
    { Name: `tag:${TAG_KEYS.stack}`, Values: [stack] },
  ];
}

/**
 * Drains an SDK paginator into one array: observers always want the whole set, and paginators keep the
 * NextToken handling in one place.
 */
export async function collectPages<P, T>(
  pages: AsyncIterable<P>,
  pick: (page: P) => readonly T[] | undefined,
): Promise<T[]> {
  const out: T[] = [];
  for await (const page of pages) out.push(...(pick(page) ?? []));
  return out;
}

/** Splits `items` into chunks of at most `size`, for APIs with a per-call batch limit. */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Which logical resource a live one is, and the name to show for it. */
export interface Identity {
  readonly logicalId: string;
  readonly name: string;
}

/**
 * Decides the logical id and name of a live resource.
 *
 * The journal's physical id wins (a resource whose logical-id tag was edited out of band is still the
 * one the journal created, and the tag delta puts the tag back); then the `stackctl:logical-id` tag; then
 * the target the resource was found for by name (`matched`); the physical id as a last resort, so an
 * owned resource is never dropped for lack of a label.
 */
export function identify(
  physicalId: string,
  tags: Readonly<Record<string, string>>,
  targets: readonly ObserveTarget[],
  matched?: ObserveTarget,
  nameFallback?: string,
): Identity {
  const byId = targets.find((t) => t.physicalId === physicalId);
  const logicalId = byId?.logicalId ?? tags[TAG_KEYS.logicalId] ?? matched?.logicalId ?? physicalId;
  const target = byId ?? matched ?? targets.find((t) => t.logicalId === logicalId);
  return { logicalId, name: tags[EC2_NAME_TAG] ?? nameFallback ?? target?.name ?? physicalId };
}

/**
 * Physical ids the journal remembers for targets that a tag-filtered Describe did not return: a resource
 * whose ownership tags were removed out of band. Describing these by id lets the diff report a conflict
 * instead of creating a duplicate.
 */
export function missingTargetIds(targets: readonly ObserveTarget[], found: ReadonlySet<string>): string[] {
  const ids = targets
    .map((t) => t.physicalId)
    .filter((id): id is string => id !== undefined && !found.has(id));
  return [...new Set(ids)].sort(compareStrings);
}

/**
 * Resolves one spec value of a target against the outputs observed earlier in the pass: a desired spec
 * still holds refs (`vpcId: Ref(vpc.id)`), and a name lookup (SGs are unique per VPC) needs the id.
 * Returns undefined for a ref whose target is not known yet.
 */
export function resolveSpecValue(value: SpecValue | undefined, ctx: ObserveContext): unknown {
  if (value === undefined) return undefined;
  if (isRef(value)) return ctx.outputs.get(value.$ref)?.[value.attr];
  if (Array.isArray(value)) return value.map((v: SpecValue) => resolveSpecValue(v, ctx));
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = resolveSpecValue(v as SpecValue, ctx);
    return out;
  }
  return value;
}

/** A resolved spec value as a string, or undefined (refs not yet known, other types). */
export function resolveSpecString(value: SpecValue | undefined, ctx: ObserveContext): string | undefined {
  const v = resolveSpecValue(value, ctx);
  return typeof v === 'string' ? v : undefined;
}

/**
 * Orders an order-insensitive observed list for the diff, which compares lists index by index.
 *
 * Items also present in the desired list (resolved against `ctx.outputs`) come first, in the desired
 * order; the rest follow sorted by canonical JSON, the renderer's `sortedUnique` order. The renderer
 * sorts refs before they are resolved, so sorting concrete ids alone could misalign an unchanged list.
 */
export function alignToDesired<T>(
  observed: readonly T[],
  desired: SpecValue | undefined,
  ctx: ObserveContext,
): T[] {
  const keyed = new Map<string, T>();
  for (const item of observed) keyed.set(stableJson(item), item);
  const wanted = resolveSpecValue(desired, ctx);
  const out: T[] = [];
  if (Array.isArray(wanted)) {
    for (const item of wanted) {
      const key = stableJson(item);
      const hit = keyed.get(key);
      if (hit !== undefined) {
        out.push(hit);
        keyed.delete(key);
      }
    }
  }
  const rest = [...keyed.keys()].sort(compareStrings).map((k) => keyed.get(k) as T);
  return [...out, ...rest];
}

/** The target a resource answers for by physical id or logical-id tag, if any. */
export function targetFor(
  physicalId: string,
  tags: Readonly<Record<string, string>>,
  targets: readonly ObserveTarget[],
): ObserveTarget | undefined {
  return (
    targets.find((t) => t.physicalId === physicalId) ??
    targets.find((t) => t.logicalId === tags[TAG_KEYS.logicalId])
  );
}
