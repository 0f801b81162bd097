/**
 * Applies `elasticache.SubnetGroup`: CreateCacheSubnetGroup with the ownership tags,
 * ModifyCacheSubnetGroup for the description or subnets, Add/RemoveTagsFromResource for tags,
 * DeleteCacheSubnetGroup.
 *
 * Create describes first, so a group that exists without this stack's tags is reported as an
 * {@link OwnershipConflictError} and left alone. (moto 5.2.1 answers DeleteCacheSubnetGroup and
 * ModifyCacheSubnetGroup with a 500; those paths are covered by mocked-client tests.)
 *
 * @module
 */
import {
  AddTagsToResourceCommand,
  type CacheSubnetGroup,
  CreateCacheSubnetGroupCommand,
  DeleteCacheSubnetGroupCommand,
  type ElastiCacheClient,
  ModifyCacheSubnetGroupCommand,
  RemoveTagsFromResourceCommand,
} from '@aws-sdk/client-elasticache';
import { isAlreadyExists, isNotFound } from '../aws/errors.js';
import { isOwnedBy, recordToTagList } from '../desired/tags.js';
import type { FieldDelta } from '../diff/types.js';
import { describeCacheSubnetGroup, elasticacheTags } from '../observed/elasticache-subnet-group.js';
import {
  assertObservedOwned,
  ignoreNotFound,
  isEmptyTagChange,
  specString,
  tagChanges,
  touches,
} from './delta-helpers.js';
import { OwnershipConflictError } from './errors.js';
import type { Applier, ApplyContext, ApplyResult, ResolvedResource } from './types.js';

function subnetIds(desired: ResolvedResource): string[] {
  const v = desired.spec.subnetIds;
  return Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : [];
}

function result(name: string): ApplyResult {
  return { physicalId: name, outputs: { name } };
}

async function adopt(
  elasticache: ElastiCacheClient,
  group: CacheSubnetGroup,
  desired: ResolvedResource,
  ctx: ApplyContext,
): Promise<ApplyResult> {
  const name = group.CacheSubnetGroupName ?? desired.name.toLowerCase();
  const tags = await elasticacheTags(elasticache, group.ARN);
  if (!isOwnedBy(tags, ctx.project, ctx.stack)) throw new OwnershipConflictError(desired.logicalId, name);
  return result(name);
}

/**
 * Applies the `tags.*` deltas of any ElastiCache resource with AddTagsToResource /
 * RemoveTagsFromResource, and nothing when there are none.
 */
export async function applyElastiCacheTagDeltas(
  elasticache: ElastiCacheClient,
  arn: string,
  deltas: readonly FieldDelta[],
  desired: ResolvedResource,
): Promise<void> {
  const changes = tagChanges(deltas, desired.tags);
  if (isEmptyTagChange(changes)) return;
  if (Object.keys(changes.set).length > 0) {
    await elasticache.send(
      new AddTagsToResourceCommand({ ResourceName: arn, Tags: recordToTagList(changes.set) }),
    );
  }
  if (changes.remove.length > 0) {
    await elasticache.send(
      new RemoveTagsFromResourceCommand({ ResourceName: arn, TagKeys: [...changes.remove] }),
    );
  }
}

/** The cache subnet group applier. Deleting a group still in use fails with a dependency error. */
export const elasticacheSubnetGroupApplier: Applier = {
  kind: 'elasticache.SubnetGroup',

  async create(desired, ctx) {
    const { elasticache } = ctx.clients;
    const name = desired.name.toLowerCase();
    const existing = await describeCacheSubnetGroup(elasticache, name);
    if (existing) return adopt(elasticache, existing, desired, ctx);
    try {
      await elasticache.send(
        new CreateCacheSubnetGroupCommand({
          CacheSubnetGroupName: name,
          CacheSubnetGroupDescription: specString(desired.spec, 'description', desired.logicalId),
          SubnetIds: subnetIds(desired),
          Tags: recordToTagList(desired.tags),
        }),
      );
      return result(name);
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
      const raced = await describeCacheSubnetGroup(elasticache, name);
      if (!raced) throw err;
      return adopt(elasticache, raced, desired, ctx);
    }
  },

  async update(desired, observed, deltas, ctx) {
    assertObservedOwned(observed, ctx);
    const { elasticache } = ctx.clients;
    const name = observed.physicalId;
    if (touches(deltas, 'description') || touches(deltas, 'subnetIds')) {
      await elasticache.send(
        new ModifyCacheSubnetGroupCommand({
          CacheSubnetGroupName: name,
          CacheSubnetGroupDescription: specString(desired.spec, 'description', desired.logicalId),
          SubnetIds: subnetIds(desired),
        }),
      );
    }
    if (touches(deltas, 'tags')) {
      const group = await describeCacheSubnetGroup(elasticache, name);
      if (group?.ARN) await applyElastiCacheTagDeltas(elasticache, group.ARN, deltas, desired);
    }
    return result(name);
  },

  async delete(observed, ctx) {
    assertObservedOwned(observed, ctx);
    await ignoreNotFound(
      () =>
        ctx.clients.elasticache.send(
          new DeleteCacheSubnetGroupCommand({ CacheSubnetGroupName: observed.physicalId }),
        ),
      isNotFound,
    );
  },
};
