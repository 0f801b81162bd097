/**
 * Helpers shared by the ELBv2 observers (and reused by the ELBv2 appliers): batched tags, describe-by-name
 * with the "one unknown name fails the whole call" fallback, tag-based discovery, ARN parent arithmetic,
 * and normalizers for listener actions and rule conditions.
 *
 * @module
 */
import {
  type Action,
  DescribeTagsCommand,
  type ElasticLoadBalancingV2Client,
  type RuleCondition,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { isNotFound, isThrottle } from '../aws/errors.js';
import type { Spec } from '../desired/resource-types.js';
import { isOwnedBy, tagListToRecord } from '../desired/tags.js';
import { chunks, compactSpec } from './observe-helpers.js';
import { taggedWithMarker } from './tag-index.js';
import type { ObserveContext, ObserveTarget } from './types.js';

/** Names or ARNs per DescribeLoadBalancers / DescribeTargetGroups call, and ARNs per DescribeTags call. */
export const ELB_BATCH = 20;

/** Page size of ELBv2 Describe* calls (the API maximum). */
export const ELB_PAGE_SIZE = 400;

/** Tagging-API resource types of the ELBv2 kinds it can find (it has no listener or rule type). */
export const ELB_RESOURCE_TYPES = {
  loadBalancer: 'elasticloadbalancing:loadbalancer',
  targetGroup: 'elasticloadbalancing:targetgroup',
} as const;

/** Redirect fields ELBv2 fills in when a redirect does not set them; only other values are normalized in. */
const REDIRECT_DEFAULTS = { Host: '#{host}', Path: '/#{path}', Query: '#{query}' } as const;

/** Tags of up to any number of ELBv2 ARNs, by ARN (DescribeTags takes ≤20 per call). */
export async function describeElbTags(
  client: ElasticLoadBalancingV2Client,
  arns: readonly string[],
): Promise<Map<string, Record<string, string>>> {
  const out = new Map<string, Record<string, string>>();
  for (const batch of chunks([...new Set(arns)], ELB_BATCH)) {
    const res = await client.send(new DescribeTagsCommand({ ResourceArns: batch }));
    for (const d of res.TagDescriptions ?? [])
      if (d.ResourceArn) out.set(d.ResourceArn, tagListToRecord(d.Tags));
  }
  return out;
}

/**
 * {@link describeElbTags} through the pass's shared reads: ARNs an earlier observer of the pass already
 * read tags for cost nothing, the rest one DescribeTags per 20, and their answers are kept for later
 * observers (the listener observer reads its rules' tags with its own, in one call).
 */
export async function passElbTags(
  ctx: Pick<ObserveContext, 'clients' | 'passReads'>,
  arns: readonly string[],
): Promise<Map<string, Record<string, string>>> {
  const wanted = [...new Set(arns)].filter((a) => a !== '');
  const reads = ctx.passReads;
  if (!reads) return describeElbTags(ctx.clients.elbv2, wanted);
  const key = (arn: string) => `elbv2:tags ${arn}`;
  const unread = wanted.filter((a) => !reads.has(key(a)));
  if (unread.length > 0) {
    const fresh = describeElbTags(ctx.clients.elbv2, unread);
    for (const arn of unread) {
      // Kept for later observers; a failure is this caller's to throw (below), not an unhandled one.
      reads.once(key(arn), async () => (await fresh).get(arn) ?? {}).catch(() => undefined);
    }
    await fresh;
  }
  const out = new Map<string, Record<string, string>>();
  for (const arn of wanted) out.set(arn, { ...(await reads.once(key(arn), async () => ({}))) });
  return out;
}

/**
 * Describes by names (or ARNs) in batches of 20. ELBv2 fails a whole call with *NotFound when one key is
 * unknown, so a failing batch is retried one key at a time to find which exist.
 */
export async function describeByKeys<T>(
  keys: readonly string[],
  call: (batch: string[]) => Promise<readonly T[]>,
): Promise<T[]> {
  const out: T[] = [];
  for (const batch of chunks([...new Set(keys)].sort(), ELB_BATCH)) {
    try {
      out.push(...(await call(batch)));
    } catch (err) {
      if (!isNotFound(err)) throw err;
      for (const key of batch) {
        try {
          out.push(...(await call([key])));
        } catch (inner) {
          if (!isNotFound(inner)) throw inner;
        }
      }
    }
  }
  return out;
}

/** The ARN segment of each tagging-API type (`…:loadbalancer/app/…`, `…:targetgroup/…`). */
const ELB_ARN_MARKERS: Readonly<Record<ElbResourceType, string>> = {
  [ELB_RESOURCE_TYPES.loadBalancer]: ':loadbalancer/',
  [ELB_RESOURCE_TYPES.targetGroup]: ':targetgroup/',
};

/** One of {@link ELB_RESOURCE_TYPES}. */
export type ElbResourceType = (typeof ELB_RESOURCE_TYPES)[keyof typeof ELB_RESOURCE_TYPES];

/**
 * This stack's resources of one type with their tags, for garbage collection of ones no longer desired:
 * the pass's one tagging-API read (tag-index.ts), or, when it fails (a missing permission; not a
 * throttle, which is rethrown), `scanAll` plus DescribeTags. Callers confirm each ARN with a Describe:
 * the tagging API lags.
 */
export async function discoverOwned(
  ctx: ObserveContext,
  resourceType: ElbResourceType,
  scanAll: () => Promise<readonly string[]>,
): Promise<ReadonlyMap<string, Readonly<Record<string, string>>>> {
  try {
    return await taggedWithMarker(ctx, ELB_ARN_MARKERS[resourceType]);
  } catch (err) {
    if (isThrottle(err)) throw err;
    const all = await scanAll();
    const tags = await describeElbTags(ctx.clients.elbv2, all);
    return new Map([...tags].filter(([, t]) => isOwnedBy(t, ctx.project, ctx.stack)));
  }
}

/** How {@link describeTargetedAndOwned} reads one ELBv2 resource type. */
export interface ElbResourceReader<T> {
  /** Describes by names or ARNs, skipping unknown ones (see {@link describeByKeys}). */
  readonly describe: (keys: {
    readonly names?: readonly string[];
    readonly arns?: readonly string[];
  }) => Promise<T[]>;
  /** The resource's ARN. */
  readonly arnOf: (resource: T) => string | undefined;
  /** Its tagging-API type, for {@link discoverOwned}. */
  readonly resourceType: ElbResourceType;
  /** Every ARN of the type in the account: the discovery fallback. */
  readonly scanAll: () => Promise<readonly string[]>;
}

/**
 * Describes the targets by name, then by ARN the ones the journal remembers and the ones tagged for this
 * stack that the names did not find, and gets all their tags: everything a load balancer or target
 * group observer then filters (targeted or owned) and maps. May hold one resource twice. Tags come from
 * the tagging-API read that discovered the stack's resources; only resources it did not list (foreign
 * ones, or ones too new for its index) cost a DescribeTags (20 ARNs per call).
 */
export async function describeTargetedAndOwned<T>(
  targets: readonly ObserveTarget[],
  ctx: ObserveContext,
  reader: ElbResourceReader<T>,
): Promise<{ readonly all: T[]; readonly tags: Map<string, Record<string, string>> }> {
  const byName = await reader.describe({ names: targets.map((t) => t.name) });
  const known = new Set(byName.map(reader.arnOf));
  const owned = await discoverOwned(ctx, reader.resourceType, reader.scanAll);
  const remembered = targets.map((t) => t.physicalId).filter((a): a is string => a !== undefined);
  const arns = [...remembered, ...owned.keys()].filter((a) => !known.has(a));
  const all = [...byName, ...(await reader.describe({ arns }))];
  const tags = new Map<string, Record<string, string>>();
  const unknown: string[] = [];
  for (const arn of all.map((r) => reader.arnOf(r) ?? '')) {
    const fromIndex = owned.get(arn);
    if (fromIndex) tags.set(arn, { ...fromIndex });
    else if (arn !== '') unknown.push(arn);
  }
  for (const [arn, t] of await passElbTags(ctx, unknown)) tags.set(arn, t);
  return { all, tags };
}

/** The load balancer ARN a listener ARN belongs to (`…:listener/app/<lb>/<id>/<lid>` → `…:loadbalancer/app/<lb>/<id>`). */
export function loadBalancerArnOfListener(listenerArn: string): string {
  return listenerArn.replace(':listener/', ':loadbalancer/').replace(/\/[^/]+$/, '');
}

/** The listener ARN a rule ARN belongs to (`…:listener-rule/app/<lb>/<id>/<lid>/<rid>` → `…:listener/…/<lid>`). */
export function listenerArnOfRule(ruleArn: string): string {
  return ruleArn.replace(':listener-rule/', ':listener/').replace(/\/[^/]+$/, '');
}

/** Every string output named `arn` containing `marker` (e.g. `:loadbalancer/`): parents known this pass. */
export function outputArns(ctx: ObserveContext, marker: string): string[] {
  const out: string[] = [];
  for (const outputs of ctx.outputs.values()) {
    const arn = outputs.arn;
    if (typeof arn === 'string' && arn.includes(marker)) out.push(arn);
  }
  return out;
}

/** A listener default action or rule action in spec shape (see docs/resource-specs.md). */
export function normalizeAction(a: Action | undefined): Spec {
  switch (a?.Type) {
    case 'forward': {
      const groups = a.ForwardConfig?.TargetGroups ?? [];
      const arn = a.TargetGroupArn ?? (groups.length === 1 ? groups[0]?.TargetGroupArn : undefined);
      return compactSpec({ targetGroupArn: arn, type: 'forward' });
    }
    case 'redirect': {
      const r = a.RedirectConfig;
      return compactSpec({
        host: r?.Host !== REDIRECT_DEFAULTS.Host ? r?.Host : undefined,
        path: r?.Path !== REDIRECT_DEFAULTS.Path ? r?.Path : undefined,
        port: r?.Port,
        protocol: r?.Protocol,
        query: r?.Query !== REDIRECT_DEFAULTS.Query ? r?.Query : undefined,
        statusCode: r?.StatusCode,
        type: 'redirect',
      });
    }
    case 'fixed-response': {
      const f = a.FixedResponseConfig;
      return compactSpec({
        contentType: f?.ContentType,
        messageBody: f?.MessageBody,
        statusCode: f?.StatusCode,
        type: 'fixed-response',
      });
    }
    default:
      return compactSpec({ type: a?.Type });
  }
}

/** Rule conditions in spec shape: `[{ field, values: sorted }]` sorted by field. */
export function normalizeConditions(conditions: readonly RuleCondition[] | undefined): Spec[] {
  return (conditions ?? [])
    .map((c) => {
      const values =
        c.HostHeaderConfig?.Values ??
        c.PathPatternConfig?.Values ??
        c.HttpRequestMethodConfig?.Values ??
        c.Values;
      return { field: c.Field ?? '', values: [...(values ?? [])].sort() };
    })
    .sort((a, b) => (a.field < b.field ? -1 : a.field > b.field ? 1 : 0));
}

/**
 * One observed resource per logical id (moto allows a duplicate listener port, AWS a stray copy made out
 * of band): the owned one wins, then the first found, so the diff never sees two answers for one id.
 */
export function onePerLogicalId<
  T extends { readonly logicalId: string; readonly tags: Readonly<Record<string, string>> },
>(items: readonly T[], project: string, stack: string): T[] {
  const out = new Map<string, T>();
  for (const item of items) {
    const seen = out.get(item.logicalId);
    if (!seen || (!isOwnedBy(seen.tags, project, stack) && isOwnedBy(item.tags, project, stack))) {
      out.set(item.logicalId, item);
    }
  }
  return [...out.values()];
}
