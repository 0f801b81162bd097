/**
 * Finding this stack's resources of kinds whose Describe calls cannot filter by tag (RDS, ElastiCache,
 * ACM), plus the version normalization both managed data kinds share.
 *
 * Observers must return every resource carrying the stack's ownership tags even when no target names it
 * (that is how removed resources get deleted). RDS subnet groups, ElastiCache and ACM only return tags
 * one resource at a time, so listing everything and reading each one's tags would cost a call per
 * resource in the account. The Resource Groups Tagging API answers "which ARNs carry these tags" in one
 * paginated call instead (`research/aws-api-facts.md` §7). It lags and may list deleted resources, so its
 * answers are only candidates: each observer confirms them with the service's own Describe.
 *
 * @module
 */
import { uniqueSorted } from './observe-helpers.js';
import { taggedWithMarker } from './tag-index.js';
import type { ObserveContext, ObserveTarget } from './types.js';

/**
 * ARNs of `service`'s resources tagged for this project+stack whose ARN contains `arnMarker`
 * (`:db:`, `:subgrp:`, `:replicationgroup:`, `:certificate/`), from the pass's one tagging-API read
 * (tag-index.ts). `service` names the tagging type the marker belongs to (`rds`, `elasticache`, `acm`):
 * it must be one of TAGGED_RESOURCE_TYPES' services; the marker picks the resource type.
 *
 * @example await discoverTaggedArns(ctx, 'rds', ':db:') // ['arn:aws:rds:eu-west-1:1:db:shop-prod-db-1a2b3c']
 */
export async function discoverTaggedArns(
  ctx: ObserveContext,
  service: string,
  arnMarker: string,
): Promise<string[]> {
  return [...(await discoverTaggedResources(ctx, service, arnMarker)).keys()].sort();
}

/**
 * {@link discoverTaggedArns} with each resource's tags (GetResources returns them inline): for kinds
 * whose own API reads tags one resource at a time (log groups, subnet groups), this is the batched read.
 *
 * @example (await discoverTaggedResources(ctx, 'logs', ':log-group:')).get(arn)?.['stackctl:logical-id']
 */
export async function discoverTaggedResources(
  ctx: ObserveContext,
  service: string,
  arnMarker: string,
): Promise<Map<string, Record<string, string>>> {
  const out = new Map<string, Record<string, string>>();
  for (const [arn, tags] of await taggedWithMarker(ctx, arnMarker))
    if (arn.startsWith(`arn:`) && arn.split(':')[2] === service) out.set(arn, { ...tags });
  return out;
}

/** The part of an ARN after `marker` (`arn:…:subgrp:my-group` with `:subgrp:` → `my-group`). */
export function arnSuffix(arn: string, marker: string): string {
  const at = arn.indexOf(marker);
  return at < 0 ? '' : arn.slice(at + marker.length);
}

/**
 * The names a named data kind (RDS, ElastiCache) describes one by one: every target's name lowercased
 * (those services store names lowercase), every recorded physical id, and every name the tagging API
 * lists for this stack, so removed resources are found too. Unique and sorted, for a stable call order.
 */
export async function namesToDescribe(
  targets: readonly ObserveTarget[],
  ctx: ObserveContext,
  service: string,
  arnMarker: string,
): Promise<string[]> {
  const discovered = (await discoverTaggedArns(ctx, service, arnMarker)).map((arn) =>
    arnSuffix(arn, arnMarker),
  );
  return uniqueSorted(
    [
      ...targets.map((t) => t.name.toLowerCase()),
      ...targets.flatMap((t) => (t.physicalId ? [t.physicalId] : [])),
      ...discovered,
    ].filter((n) => n !== ''),
  );
}

/** The target a live data resource named `name` answers to: by recorded physical id, else by lowercase name. */
export function targetByName(name: string, targets: readonly ObserveTarget[]): ObserveTarget | undefined {
  return targets.find((t) => t.physicalId === name) ?? targets.find((t) => t.name.toLowerCase() === name);
}

/**
 * An engine version as precise as the desired one: RDS and ElastiCache report the full version
 * (`16.3`, `7.1.0`) while the renderer asks for a major (`16`) or major.minor (`7.1`). When the observed
 * version extends the desired one, it is cut to the desired number of components so an unchanged
 * database is not drift; any other version is returned whole, so a real difference still shows.
 *
 * @example engineVersionAtPrecision('16.3', '16') // '16'
 * @example engineVersionAtPrecision('15.7', '16') // '15.7'
 */
export function engineVersionAtPrecision(observed: string, desired: string | undefined): string {
  if (desired === undefined || desired === '') return observed;
  const want = desired.split('.');
  const have = observed.split('.');
  if (have.length <= want.length) return observed;
  const cut = have.slice(0, want.length);
  return cut.join('.') === desired ? desired : observed;
}
