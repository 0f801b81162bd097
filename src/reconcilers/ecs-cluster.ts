/**
 * Applies `ecs.Cluster`: CreateCluster (which returns an existing cluster of the same name, so it is
 * idempotent), PutClusterCapacityProviders for capacity-provider deltas, DeleteCluster.
 *
 * @module
 */
import {
  type Cluster,
  CreateClusterCommand,
  DeleteClusterCommand,
  DescribeClustersCommand,
  PutClusterCapacityProvidersCommand,
} from '@aws-sdk/client-ecs';
import { isNotFound } from '../aws/errors.js';
import { ecsTagsToRecord, recordToEcsTags } from '../observed/ecs-common.js';
import { describeClustersInput } from '../observed/ecs-describe.js';
import { assertObservedOwned, assertOwned, touches } from './apply-helpers.js';
import { syncEcsTags } from './ecs-common.js';
import { str, strList } from './spec-read.js';
import type { Applier, ApplyContext, ApplyResult, ResolvedResource } from './types.js';

function result(c: Cluster): ApplyResult {
  const arn = c.clusterArn ?? '';
  return { physicalId: arn, outputs: { arn, name: c.clusterName ?? '' } };
}

async function describeActive(ctx: ApplyContext, name: string): Promise<Cluster | undefined> {
  const res = await ctx.clients.ecs.send(new DescribeClustersCommand(describeClustersInput([name])));
  return (res.clusters ?? []).find((c) => c.status !== 'INACTIVE');
}

/** The `ecs.Cluster` applier. */
export const ecsClusterApplier: Applier = {
  kind: 'ecs.Cluster',

  async create(desired: ResolvedResource, ctx: ApplyContext): Promise<ApplyResult> {
    const clusterName = str(desired.spec, 'clusterName');
    const existing = await describeActive(ctx, clusterName);
    if (existing) {
      assertOwned(ecsTagsToRecord(existing.tags), ctx, desired.logicalId, existing.clusterArn ?? clusterName);
      return result(existing);
    }
    const res = await ctx.clients.ecs.send(
      new CreateClusterCommand({
        clusterName,
        capacityProviders: strList(desired.spec, 'capacityProviders'),
        tags: recordToEcsTags(desired.tags),
      }),
    );
    return result(res.cluster ?? {});
  },

  async update(desired, observed, deltas, ctx) {
    assertObservedOwned(observed, ctx, 'update');
    if (touches(deltas, 'capacityProviders')) {
      await ctx.clients.ecs.send(
        new PutClusterCapacityProvidersCommand({
          cluster: observed.physicalId,
          capacityProviders: strList(desired.spec, 'capacityProviders'),
          defaultCapacityProviderStrategy: [],
        }),
      );
    }
    await syncEcsTags(ctx.clients, observed.physicalId, desired.tags, observed.tags);
    return { physicalId: observed.physicalId, outputs: observed.outputs };
  },

  async delete(observed, ctx) {
    assertObservedOwned(observed, ctx, 'delete');
    try {
      await ctx.clients.ecs.send(new DeleteClusterCommand({ cluster: observed.physicalId }));
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  },
};
