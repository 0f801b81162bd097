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
import { isNotFound } from '../aws/errors.js';
import { isOwnedBy, recordToTagList } from '../desired/tags.js';
import type { FieldDelta } from '../diff/types.js';
import { describeCacheSubnetGroup, elasticacheTags } from '../observed/elasticache-subnet-group.js';
import { createOrAdopt } from './create-or-adopt.js';
import { specStrings } from './data-helpers.js';
import { assertObservedOwned, ignoreNotFound, specString, touches, writeTagDeltas } from './delta-helpers.js';
import { OwnershipConflictError } from './errors.js';
import type { Applier, ApplyContext, ApplyResult, ResolvedResource } from './types.js';

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
  await writeTagDeltas(deltas, desired.tags, {
    set: (tags) =>
      elasticache.send(new AddTagsToResourceCommand({ ResourceName: arn, Tags: recordToTagList(tags) })),
    remove: (keys) =>
      elasticache.send(new RemoveTagsFromResourceCommand({ ResourceName: arn, TagKeys: [...keys] })),
  });
}

/** The cache subnet group applier. Deleting a group still in use fails with a dependency error. */
export const elasticacheSubnetGroupApplier: Applier = {
  kind: 'elasticache.SubnetGroup',

  async create(desired, ctx) {
    const { elasticache } = ctx.clients;
    const name = desired.name.toLowerCase();
    return createOrAdopt({
      describe: () => describeCacheSubnetGroup(elasticache, name),
      adopt: (group) => adopt(elasticache, group, desired, ctx),
      create: async () => {
        await elasticache.send(
          new CreateCacheSubnetGroupCommand({
            CacheSubnetGroupName: name,
            CacheSubnetGroupDescription: specString(desired.spec, 'description', desired.logicalId),
            SubnetIds: specStrings(desired.spec, 'subnetIds'),
            Tags: recordToTagList(desired.tags),
          }),
        );
        return result(name);
      },
    });
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
          SubnetIds: specStrings(desired.spec, 'subnetIds'),
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
