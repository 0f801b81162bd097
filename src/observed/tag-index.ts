/**
 * The stack's tagged resources of every kind the Resource Groups Tagging API can list, read with ONE
 * paginated GetResources call per pass instead of one per kind plus one tag read per resource.
 *
 * GetResources takes a list of resource types and the stack's ownership tags as filters and returns each
 * match with all its tags, so one call answers both "which ARNs are this stack's" (discovery of resources
 * no target names any more) and "what are their tags" for RDS, ElastiCache, ACM, log groups, ELBv2 load
 * balancers and target groups and SSM parameters. It lags and may list deleted resources: its ARNs are
 * candidates each observer confirms with its own Describe, and a resource found by name but absent from
 * the index (a foreign one, or one created seconds ago) has its tags read the kind's own way.
 *
 * In `drift --all` the shared-reads layer widens the stack tag filter away, so every stack asks the same
 * request and the sweep makes one call (shared-reads.ts).
 *
 * @module
 */
import { paginateGetResources } from '@aws-sdk/client-resource-groups-tagging-api';
import { TAG_KEYS } from '../desired/resource-types.js';
import { tagListToRecord } from '../desired/tags.js';
import { collectPages } from './ec2-common.js';
import type { ObserveContext } from './types.js';

/** Resources per GetResources page (the API maximum). */
export const TAGGING_PAGE_SIZE = 100;

/**
 * The resource types of the one call, a constant list (so the request, and its shared-reads key, is the
 * same for every stack). Service names alone where moto spells the type differently from AWS (`rds`,
 * `elasticache`, `acm`, `logs`); each reader then picks its type by an ARN marker. Moto honours every
 * entry of a list (test/integration/observed/tag-index.test.ts). Cloud Map is absent: moto's tagging API
 * does not list it, so its tags stay per resource.
 */
export const TAGGED_RESOURCE_TYPES: readonly string[] = [
  'acm',
  'elasticache',
  'elasticloadbalancing:loadbalancer',
  'elasticloadbalancing:targetgroup',
  'logs',
  'rds',
  'ssm:parameter',
];

/** Tags by ARN of every resource of {@link TAGGED_RESOURCE_TYPES} carrying this project+stack's tags. */
export type TaggedResources = ReadonlyMap<string, Readonly<Record<string, string>>>;

/** One pass's view of the tagging API: the call is made on first use and its answer shared. */
export interface TagIndex {
  /** Every tagged resource of the stack (one paginated call, made once; a failure is shared too). */
  resources(): Promise<TaggedResources>;
}

/** Makes the one GetResources call for `scope`'s project and stack, unmemoized. */
export async function readTaggedResources(
  scope: Pick<ObserveContext, 'clients' | 'project' | 'stack'>,
): Promise<TaggedResources> {
  const mappings = await collectPages(
    paginateGetResources(
      { client: scope.clients.tagging },
      {
        ResourceTypeFilters: [...TAGGED_RESOURCE_TYPES],
        ResourcesPerPage: TAGGING_PAGE_SIZE,
        TagFilters: [
          { Key: TAG_KEYS.project, Values: [scope.project] },
          { Key: TAG_KEYS.stack, Values: [scope.stack] },
        ],
      },
    ),
    (page) => page.ResourceTagMappingList,
  );
  const out = new Map<string, Readonly<Record<string, string>>>();
  for (const m of mappings) if (m.ResourceARN) out.set(m.ResourceARN, tagListToRecord(m.Tags));
  return out;
}

/**
 * A {@link TagIndex} for one pass (observeStack makes one per pass and puts it in the ObserveContext).
 * Not for longer than a pass: tags change between passes.
 */
export function createTagIndex(scope: Pick<ObserveContext, 'clients' | 'project' | 'stack'>): TagIndex {
  let pending: Promise<TaggedResources> | undefined;
  return {
    resources() {
      pending ??= readTaggedResources(scope);
      return pending;
    },
  };
}

/** The pass's index from `ctx`, or a fresh one (one call) for a caller outside observeStack. */
export function tagIndexOf(ctx: ObserveContext): TagIndex {
  return ctx.tagIndex ?? createTagIndex(ctx);
}

/** The tagged resources whose ARN contains `arnMarker` (`:db:`, `:subgrp:`, `:loadbalancer/`…). */
export async function taggedWithMarker(ctx: ObserveContext, arnMarker: string): Promise<TaggedResources> {
  const out = new Map<string, Readonly<Record<string, string>>>();
  for (const [arn, tags] of await tagIndexOf(ctx).resources())
    if (arn.includes(arnMarker)) out.set(arn, tags);
  return out;
}

/**
 * The tags of `arn` from the pass's index, or undefined when the pass has no index or the index does not
 * list it (then the caller reads the tags the kind's own way). Never makes a call of its own beyond the
 * pass's one GetResources.
 */
export async function indexedTags(
  ctx: ObserveContext,
  arn: string | undefined,
): Promise<Record<string, string> | undefined> {
  if (!ctx.tagIndex || !arn) return undefined;
  const tags = (await ctx.tagIndex.resources()).get(arn);
  return tags ? { ...tags } : undefined;
}
