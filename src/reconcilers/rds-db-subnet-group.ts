/**
 * Applies `rds.DBSubnetGroup`: CreateDBSubnetGroup with the ownership tags, ModifyDBSubnetGroup for the
 * description or subnets, Add/RemoveTagsToResource for tags, DeleteDBSubnetGroup.
 *
 * Create describes first: moto accepts a second CreateDBSubnetGroup with an existing name and overwrites
 * it, and on AWS the describe makes a re-run cheap. A group that exists without this stack's tags is an
 * {@link OwnershipConflictError}, never modified.
 *
 * @module
 */
import {
  AddTagsToResourceCommand,
  CreateDBSubnetGroupCommand,
  type DBSubnetGroup,
  DeleteDBSubnetGroupCommand,
  ModifyDBSubnetGroupCommand,
  type RDSClient,
  RemoveTagsFromResourceCommand,
} from '@aws-sdk/client-rds';
import { isNotFound } from '../aws/errors.js';
import { isOwnedBy, recordToTagList } from '../desired/tags.js';
import type { FieldDelta } from '../diff/types.js';
import { dbSubnetGroupTags, describeDbSubnetGroup } from '../observed/rds-db-subnet-group.js';
import { createOrAdopt } from './create-or-adopt.js';
import { specStrings } from './data-helpers.js';
import { assertObservedOwned, ignoreNotFound, specString, touches, writeTagDeltas } from './delta-helpers.js';
import { OwnershipConflictError } from './errors.js';
import type { Applier, ApplyContext, ApplyResult, ResolvedResource } from './types.js';

function result(name: string): ApplyResult {
  return { physicalId: name, outputs: { name } };
}

async function adopt(rds: RDSClient, group: DBSubnetGroup, desired: ResolvedResource, ctx: ApplyContext) {
  const name = group.DBSubnetGroupName ?? desired.name.toLowerCase();
  const tags = await dbSubnetGroupTags(rds, group);
  if (!isOwnedBy(tags, ctx.project, ctx.stack)) throw new OwnershipConflictError(desired.logicalId, name);
  return result(name);
}

/**
 * Applies the `tags.*` deltas of any RDS resource (instance or subnet group) with AddTagsToResource /
 * RemoveTagsFromResource, and nothing when there are none.
 */
export async function applyRdsTagDeltas(
  rds: RDSClient,
  arn: string,
  deltas: readonly FieldDelta[],
  desired: ResolvedResource,
): Promise<void> {
  await writeTagDeltas(deltas, desired.tags, {
    set: (tags) => rds.send(new AddTagsToResourceCommand({ ResourceName: arn, Tags: recordToTagList(tags) })),
    remove: (keys) => rds.send(new RemoveTagsFromResourceCommand({ ResourceName: arn, TagKeys: [...keys] })),
  });
}

/** The DB subnet group applier. Deleting a group still used by an instance fails with a dependency error. */
export const rdsDbSubnetGroupApplier: Applier = {
  kind: 'rds.DBSubnetGroup',

  async create(desired, ctx) {
    const { rds } = ctx.clients;
    const name = desired.name.toLowerCase();
    return createOrAdopt({
      describe: () => describeDbSubnetGroup(rds, name),
      adopt: (group) => adopt(rds, group, desired, ctx),
      create: async () => {
        await rds.send(
          new CreateDBSubnetGroupCommand({
            DBSubnetGroupName: name,
            DBSubnetGroupDescription: specString(desired.spec, 'description', desired.logicalId),
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
    const { rds } = ctx.clients;
    const name = observed.physicalId;
    if (touches(deltas, 'description') || touches(deltas, 'subnetIds')) {
      // ModifyDBSubnetGroup always takes the full subnet list.
      await rds.send(
        new ModifyDBSubnetGroupCommand({
          DBSubnetGroupName: name,
          DBSubnetGroupDescription: specString(desired.spec, 'description', desired.logicalId),
          SubnetIds: specStrings(desired.spec, 'subnetIds'),
        }),
      );
    }
    if (touches(deltas, 'tags')) {
      const group = await describeDbSubnetGroup(rds, name);
      if (group?.DBSubnetGroupArn) await applyRdsTagDeltas(rds, group.DBSubnetGroupArn, deltas, desired);
    }
    return result(name);
  },

  async delete(observed, ctx) {
    assertObservedOwned(observed, ctx);
    await ignoreNotFound(
      () => ctx.clients.rds.send(new DeleteDBSubnetGroupCommand({ DBSubnetGroupName: observed.physicalId })),
      isNotFound,
    );
  },
};
