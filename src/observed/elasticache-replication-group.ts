/**
 * Observes `elasticache.ReplicationGroup`: DescribeReplicationGroups per target id (plus every group the
 * tagging API lists for this stack), tags from the pass's tagging-API read (ListTagsForResource by ARN
 * for a group it does not list), and DescribeCacheClusters on the first
 * member cluster, because the replication group itself does not report its engine version, subnet group
 * or security groups.
 *
 * When the member cluster cannot be read (moto 5.2.1 does not model member clusters; on AWS they always
 * exist once the group does), those three fields are taken from the target's desired spec: AWS gave no
 * value to compare, and planning a replacement of a database because a read was empty would be worse.
 *
 * @module
 */
import {
  type CacheCluster,
  DescribeCacheClustersCommand,
  DescribeReplicationGroupsCommand,
  type ElastiCacheClient,
  type ReplicationGroup,
} from '@aws-sdk/client-elasticache';
import type { Spec } from '../desired/resource-types.js';
import { isOwnedBy } from '../desired/tags.js';
import { alignToDesired, identify, resolveSpecString, resolveSpecValue } from './ec2-common.js';
import { elasticacheTags } from './elasticache-subnet-group.js';
import { compactSpec, mapLimited, unlessNotFound } from './observe-helpers.js';
import { engineVersionAtPrecision, namesToDescribe, targetByName } from './tag-discovery.js';
import { indexedTags } from './tag-index.js';
import type { Health, ObserveContext, ObservedResource, Observer, ObserveTarget } from './types.js';

/** The ARN segment of replication groups in tagging API answers. */
const REPLICATION_GROUP_ARN_MARKER = ':replicationgroup:';

/** The replication group `id`, if it exists. */
export async function describeReplicationGroup(
  elasticache: ElastiCacheClient,
  id: string,
): Promise<ReplicationGroup | undefined> {
  const res = await unlessNotFound(() =>
    elasticache.send(new DescribeReplicationGroupsCommand({ ReplicationGroupId: id.toLowerCase() })),
  );
  return res?.ReplicationGroups?.[0];
}

async function describeMember(
  elasticache: ElastiCacheClient,
  group: ReplicationGroup,
): Promise<CacheCluster | undefined> {
  const member = group.MemberClusters?.[0];
  if (!member) return undefined;
  const res = await unlessNotFound(() =>
    elasticache.send(new DescribeCacheClustersCommand({ CacheClusterId: member })),
  );
  return res?.CacheClusters?.[0];
}

/** `primaryEndpoint`, `port`, `url` (`redis://<host>:<port>`) and `arn`, each once ElastiCache knows it. */
export function replicationGroupOutputs(group: ReplicationGroup): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  const endpoint = group.NodeGroups?.[0]?.PrimaryEndpoint;
  if (endpoint?.Address) out.primaryEndpoint = endpoint.Address;
  if (endpoint?.Port !== undefined) out.port = endpoint.Port;
  if (endpoint?.Address && endpoint.Port !== undefined)
    out.url = `redis://${endpoint.Address}:${endpoint.Port}`;
  if (group.ARN) out.arn = group.ARN;
  return out;
}

/** Health from the group status: `available` Healthy, `create-failed` Degraded, anything else Progressing. */
export function replicationGroupHealth(status: string | undefined): {
  health: Health;
  healthReason?: string;
} {
  if (status === undefined) return { health: 'Unknown', healthReason: 'ElastiCache reported no status' };
  if (status === 'available') return { health: 'Healthy' };
  if (status === 'create-failed')
    return { health: 'Degraded', healthReason: `replication group is ${status}` };
  return { health: 'Progressing', healthReason: `replication group is ${status}` };
}

function securityGroupIds(
  member: CacheCluster | undefined,
  target: ObserveTarget | undefined,
  ctx: ObserveContext,
) {
  if (member) {
    return (member.SecurityGroups ?? [])
      .filter((g) => g.Status !== 'removing' && g.SecurityGroupId !== undefined)
      .map((g) => g.SecurityGroupId as string);
  }
  const fromDesired = resolveSpecValue(target?.spec?.securityGroupIds, ctx);
  return Array.isArray(fromDesired)
    ? fromDesired.filter((s): s is string => typeof s === 'string')
    : undefined;
}

/** The desired-shape spec of a live group (see the module doc for the member-cluster fields). */
export function replicationGroupSpec(
  group: ReplicationGroup,
  member: CacheCluster | undefined,
  target: ObserveTarget | undefined,
  ctx: ObserveContext,
): Spec {
  const desired = target?.spec;
  const desiredVersion = typeof desired?.engineVersion === 'string' ? desired.engineVersion : undefined;
  const version = member
    ? (member.PendingModifiedValues?.EngineVersion ?? member.EngineVersion)
    : desiredVersion;
  const failover = group.PendingModifiedValues?.AutomaticFailoverStatus ?? group.AutomaticFailover;
  const sgIds = securityGroupIds(member, target, ctx);
  return compactSpec({
    engine: group.Engine ?? 'redis',
    engineVersion: version === undefined ? undefined : engineVersionAtPrecision(version, desiredVersion),
    cacheNodeType: member?.PendingModifiedValues?.CacheNodeType ?? group.CacheNodeType,
    numCacheClusters: group.MemberClusters?.length,
    automaticFailoverEnabled:
      failover === undefined ? undefined : failover === 'enabled' || failover === 'enabling',
    multiAzEnabled: group.MultiAZ === undefined ? undefined : group.MultiAZ === 'enabled',
    cacheSubnetGroupName: member
      ? member.CacheSubnetGroupName
      : resolveSpecString(desired?.cacheSubnetGroupName, ctx),
    securityGroupIds: sgIds === undefined ? undefined : alignToDesired(sgIds, desired?.securityGroupIds, ctx),
    description: group.Description,
  });
}

/**
 * Returns every target that exists and every group tagged for this stack (the tagging API can list a
 * deleted group for a while; Describe drops it). Physical id: the replication group id.
 */
export const elasticacheReplicationGroupObserver: Observer = {
  kind: 'elasticache.ReplicationGroup',
  async observe(
    targets: readonly ObserveTarget[],
    ctx: ObserveContext,
  ): Promise<readonly ObservedResource[]> {
    const { elasticache } = ctx.clients;
    const ids = await namesToDescribe(targets, ctx, 'elasticache', REPLICATION_GROUP_ARN_MARKER);
    const found = await mapLimited(ids, async (lookup) => {
      const group = await describeReplicationGroup(elasticache, lookup);
      if (!group) return undefined;
      const id = group.ReplicationGroupId ?? lookup;
      const tags = (await indexedTags(ctx, group.ARN)) ?? (await elasticacheTags(elasticache, group.ARN));
      const matched = targetByName(id, targets);
      if (!matched && !isOwnedBy(tags, ctx.project, ctx.stack)) return undefined;
      const member = await describeMember(elasticache, group);
      const { logicalId, name } = identify(id, tags, targets, matched, id);
      const observed: ObservedResource = {
        kind: 'elasticache.ReplicationGroup',
        logicalId,
        name,
        physicalId: id,
        spec: replicationGroupSpec(group, member, matched, ctx),
        tags,
        outputs: replicationGroupOutputs(group),
        ...replicationGroupHealth(group.Status),
      };
      return observed;
    });
    return found.filter((o): o is ObservedResource => o !== undefined);
  },
};
