/**
 * Observes `elasticache.SubnetGroup`: DescribeCacheSubnetGroups by name for each target (plus every
 * group the tagging API lists for this stack). Tags come from the pass's tagging-API read (tag-index.ts);
 * a group it does not list costs a ListTagsForResource by ARN, since Describe has no tags.
 *
 * @module
 */
import {
  type CacheSubnetGroup,
  DescribeCacheSubnetGroupsCommand,
  type ElastiCacheClient,
  ListTagsForResourceCommand,
} from '@aws-sdk/client-elasticache';
import { isOwnedBy, tagListToRecord } from '../desired/tags.js';
import { alignToDesired, identify } from './ec2-common.js';
import { compactSpec, mapLimited, unlessNotFound } from './observe-helpers.js';
import { namesToDescribe, targetByName } from './tag-discovery.js';
import { indexedTags } from './tag-index.js';
import type { ObserveContext, ObservedResource, Observer, ObserveTarget } from './types.js';

/** The ARN segment of cache subnet groups in tagging API answers. */
const CACHE_SUBNET_GROUP_ARN_MARKER = ':subnetgroup:';

/** The group named `name`, if it exists (ElastiCache stores names lowercase). */
export async function describeCacheSubnetGroup(
  elasticache: ElastiCacheClient,
  name: string,
): Promise<CacheSubnetGroup | undefined> {
  const res = await unlessNotFound(() =>
    elasticache.send(new DescribeCacheSubnetGroupsCommand({ CacheSubnetGroupName: name.toLowerCase() })),
  );
  return res?.CacheSubnetGroups?.[0];
}

/** Tags of any ElastiCache resource by ARN (subnet groups and replication groups alike). */
export async function elasticacheTags(
  elasticache: ElastiCacheClient,
  arn: string | undefined,
): Promise<Record<string, string>> {
  if (!arn) return {};
  const res = await elasticache.send(new ListTagsForResourceCommand({ ResourceName: arn }));
  return tagListToRecord(res.TagList);
}

/**
 * Returns every target that exists and every group tagged for this stack. Spec:
 * `{ description, subnetIds }`, the subnets ordered like the desired list; output `name`.
 */
export const elasticacheSubnetGroupObserver: Observer = {
  kind: 'elasticache.SubnetGroup',
  async observe(
    targets: readonly ObserveTarget[],
    ctx: ObserveContext,
  ): Promise<readonly ObservedResource[]> {
    const { elasticache } = ctx.clients;
    const names = await namesToDescribe(targets, ctx, 'elasticache', CACHE_SUBNET_GROUP_ARN_MARKER);
    const found = await mapLimited(names, async (name) => {
      const group = await describeCacheSubnetGroup(elasticache, name);
      if (!group) return undefined;
      const tags = (await indexedTags(ctx, group.ARN)) ?? (await elasticacheTags(elasticache, group.ARN));
      const groupName = group.CacheSubnetGroupName ?? name;
      const matched = targetByName(groupName, targets);
      if (!matched && !isOwnedBy(tags, ctx.project, ctx.stack)) return undefined;
      const { logicalId, name: display } = identify(groupName, tags, targets, matched, groupName);
      const subnetIds = (group.Subnets ?? []).flatMap((s) =>
        s.SubnetIdentifier ? [s.SubnetIdentifier] : [],
      );
      const observed: ObservedResource = {
        kind: 'elasticache.SubnetGroup',
        logicalId,
        name: display,
        physicalId: groupName,
        spec: compactSpec({
          description: group.CacheSubnetGroupDescription,
          subnetIds: alignToDesired(subnetIds, matched?.spec?.subnetIds, ctx),
        }),
        tags,
        outputs: { name: groupName },
        health: 'Healthy',
      };
      return observed;
    });
    return found.filter((o): o is ObservedResource => o !== undefined);
  },
};
