/**
 * Applies `elasticache.ReplicationGroup` (Redis): CreateReplicationGroup with the ownership tags,
 * ModifyReplicationGroup (ApplyImmediately) for node type, engine version, failover, Multi-AZ, security
 * groups and description, Increase/DecreaseReplicaCount for the node count, and a delete that takes a
 * final snapshot when asked and waits until the group is gone (its subnet group can only go after).
 *
 * @module
 */
import {
  CreateReplicationGroupCommand,
  DecreaseReplicaCountCommand,
  DeleteReplicationGroupCommand,
  IncreaseReplicaCountCommand,
  ModifyReplicationGroupCommand,
  type ModifyReplicationGroupCommandInput,
  type ReplicationGroup,
} from '@aws-sdk/client-elasticache';
import { isOwnedBy, recordToTagList } from '../desired/tags.js';
import type { FieldDelta } from '../diff/types.js';
import {
  describeReplicationGroup,
  replicationGroupOutputs,
} from '../observed/elasticache-replication-group.js';
import { elasticacheTags } from '../observed/elasticache-subnet-group.js';
import { createOrAdopt } from './create-or-adopt.js';
import {
  deleteAndWaitGone,
  deleteWaitOptions,
  type FinalSnapshotApplierOptions,
  finalSnapshotName,
  NOT_READY_RETRY_MS,
  specNumber,
  specStrings,
} from './data-helpers.js';
import { assertObservedOwned, specBoolean, specString, touches } from './delta-helpers.js';
import { applyElastiCacheTagDeltas } from './elasticache-subnet-group.js';
import { NotReadyError, OwnershipConflictError } from './errors.js';
import type { Applier, ApplyContext, ApplyResult, ResolvedResource } from './types.js';

/** Options of {@link createElasticacheReplicationGroupApplier}; the lead wires `finalSnapshot` from the mode. */
export type ElasticacheReplicationGroupApplierOptions = FinalSnapshotApplierOptions;

/** The result of a create or adopt, or NotReady while the primary endpoint is not known yet. */
function resultOf(group: ReplicationGroup, logicalId: string): ApplyResult {
  const id = group.ReplicationGroupId ?? '';
  const outputs = replicationGroupOutputs(group);
  if (outputs.primaryEndpoint === undefined) {
    throw new NotReadyError(
      `${logicalId}: replication group ${id} is ${group.Status ?? 'being created'}; its endpoint is not known yet`,
      NOT_READY_RETRY_MS,
    );
  }
  return { physicalId: id, outputs };
}

async function adopt(
  group: ReplicationGroup,
  desired: ResolvedResource,
  ctx: ApplyContext,
): Promise<ApplyResult> {
  const tags = await elasticacheTags(ctx.clients.elasticache, group.ARN);
  if (!isOwnedBy(tags, ctx.project, ctx.stack)) {
    throw new OwnershipConflictError(desired.logicalId, group.ReplicationGroupId ?? desired.name);
  }
  return resultOf(group, desired.logicalId);
}

/** The ModifyReplicationGroup fields the deltas ask for. */
function modifyFields(
  desired: ResolvedResource,
  deltas: readonly FieldDelta[],
): Partial<ModifyReplicationGroupCommandInput> {
  const { spec, logicalId } = desired;
  const fields: Partial<ModifyReplicationGroupCommandInput> = {};
  if (touches(deltas, 'cacheNodeType')) fields.CacheNodeType = specString(spec, 'cacheNodeType', logicalId);
  if (touches(deltas, 'engineVersion')) fields.EngineVersion = specString(spec, 'engineVersion', logicalId);
  if (touches(deltas, 'automaticFailoverEnabled')) {
    fields.AutomaticFailoverEnabled = specBoolean(spec, 'automaticFailoverEnabled');
  }
  if (touches(deltas, 'multiAzEnabled')) fields.MultiAZEnabled = specBoolean(spec, 'multiAzEnabled');
  if (touches(deltas, 'securityGroupIds')) fields.SecurityGroupIds = specStrings(spec, 'securityGroupIds');
  if (touches(deltas, 'description'))
    fields.ReplicationGroupDescription = specString(spec, 'description', logicalId);
  return fields;
}

/**
 * Builds the replication group applier.
 *
 * @example const applier = createElasticacheReplicationGroupApplier({ finalSnapshot: mode !== 'affordable' });
 */
export function createElasticacheReplicationGroupApplier(
  options: ElasticacheReplicationGroupApplierOptions,
): Applier {
  const now = options.now ?? (() => new Date());
  return {
    kind: 'elasticache.ReplicationGroup',

    async create(desired, ctx) {
      const { elasticache } = ctx.clients;
      const id = desired.name.toLowerCase();
      const { spec, logicalId } = desired;
      return createOrAdopt({
        describe: () => describeReplicationGroup(elasticache, id),
        adopt: (group) => adopt(group, desired, ctx),
        create: async () => {
          const res = await elasticache.send(
            new CreateReplicationGroupCommand({
              ReplicationGroupId: id,
              ReplicationGroupDescription: specString(spec, 'description', logicalId),
              Engine: specString(spec, 'engine', logicalId),
              EngineVersion: specString(spec, 'engineVersion', logicalId),
              CacheNodeType: specString(spec, 'cacheNodeType', logicalId),
              // One node group (cluster mode disabled) of 1 primary + N-1 replicas. AWS accepts this form
              // for cluster-mode-disabled groups as well as NumCacheClusters (the API docs point to
              // ReplicasPerNodeGroup), and moto 5.2.1 honours only this one: with NumCacheClusters it
              // creates a single node, so the next pass would plan a replica change forever.
              NumNodeGroups: 1,
              ReplicasPerNodeGroup: specNumber(spec, 'numCacheClusters', logicalId) - 1,
              AutomaticFailoverEnabled: specBoolean(spec, 'automaticFailoverEnabled'),
              MultiAZEnabled: specBoolean(spec, 'multiAzEnabled'),
              CacheSubnetGroupName: specString(spec, 'cacheSubnetGroupName', logicalId),
              SecurityGroupIds: specStrings(spec, 'securityGroupIds'),
              Tags: recordToTagList(desired.tags),
            }),
          );
          return resultOf(res.ReplicationGroup ?? { ReplicationGroupId: id, Status: 'creating' }, logicalId);
        },
      });
    },

    async update(desired, observed, deltas, ctx) {
      assertObservedOwned(observed, ctx);
      const { elasticache } = ctx.clients;
      const id = observed.physicalId;
      let outputs = observed.outputs;
      const fields = modifyFields(desired, deltas);
      if (Object.keys(fields).length > 0) {
        const res = await elasticache.send(
          new ModifyReplicationGroupCommand({ ReplicationGroupId: id, ApplyImmediately: true, ...fields }),
        );
        if (res.ReplicationGroup) outputs = { ...outputs, ...replicationGroupOutputs(res.ReplicationGroup) };
      }
      if (touches(deltas, 'numCacheClusters')) {
        const want = specNumber(desired.spec, 'numCacheClusters', desired.logicalId);
        const have = observed.spec.numCacheClusters;
        const input = { ReplicationGroupId: id, NewReplicaCount: want - 1, ApplyImmediately: true };
        if (typeof have === 'number' && want < have)
          await elasticache.send(new DecreaseReplicaCountCommand(input));
        else await elasticache.send(new IncreaseReplicaCountCommand(input));
      }
      if (typeof outputs.arn === 'string') {
        await applyElastiCacheTagDeltas(elasticache, outputs.arn, deltas, desired);
      }
      return { physicalId: id, outputs };
    },

    async delete(observed, ctx) {
      assertObservedOwned(observed, ctx);
      const { elasticache } = ctx.clients;
      const id = observed.physicalId;
      await deleteAndWaitGone(
        {
          describe: () => describeReplicationGroup(elasticache, id),
          isDeleting: (live) => live.Status === 'deleting',
          startDelete: () => {
            const snapshot = options.finalSnapshot
              ? { FinalSnapshotIdentifier: finalSnapshotName(id, now()) }
              : {};
            return elasticache.send(
              new DeleteReplicationGroupCommand({ ReplicationGroupId: id, ...snapshot }),
            );
          },
        },
        deleteWaitOptions(`${observed.logicalId} (${id})`, options, ctx.signal),
      );
    },
  };
}

/** The default replication group applier: takes a final snapshot before every delete. */
export const elasticacheReplicationGroupApplier: Applier = createElasticacheReplicationGroupApplier({
  finalSnapshot: true,
});
