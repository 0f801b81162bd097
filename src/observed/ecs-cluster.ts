/**
 * Observes `ecs.Cluster`: DescribeClusters (≤100 names per call, tags included) for every target plus
 * every cluster in the account, so a cluster of this stack that is no longer desired is still found.
 *
 * @module
 */
import { type Cluster, DescribeClustersCommand, paginateListClusters } from '@aws-sdk/client-ecs';
import { isOwnedBy } from '../desired/tags.js';
import { arnName, ecsTagsToRecord } from './ecs-common.js';
import { describeClustersInput } from './ecs-describe.js';
import {
  alignToTarget,
  chunks,
  identifyByName,
  isTargeted,
  targetOf,
  uniqueSorted,
} from './observe-helpers.js';
import type { Health, ObserveContext, ObservedResource, Observer, ObserveTarget } from './types.js';

/** DescribeClusters accepts at most 100 clusters per call. */
export const DESCRIBE_CLUSTERS_BATCH = 100;

/** ListClusters page size (the API maximum). */
const LIST_CLUSTERS_PAGE = 100;

/** Cluster statuses that mean "gone" for reconciliation: INACTIVE clusters stay describable for a while. */
const GONE_STATUSES: ReadonlySet<string> = new Set(['INACTIVE']);

function clusterHealth(status: string | undefined): { health: Health; healthReason?: string } {
  switch (status) {
    case 'ACTIVE':
      return { health: 'Healthy' };
    case 'PROVISIONING':
    case 'DEPROVISIONING':
      return { health: 'Progressing', healthReason: `cluster is ${status}` };
    case 'FAILED':
      return { health: 'Degraded', healthReason: 'cluster is FAILED' };
    default:
      return { health: 'Unknown', healthReason: `cluster status ${status ?? 'unknown'}` };
  }
}

/** Maps one described cluster to its observed form. */
export function toObservedCluster(
  c: Cluster,
  targets: readonly ObserveTarget[],
  outputs: ObserveContext['outputs'],
): ObservedResource {
  const arn = c.clusterArn ?? '';
  const name = c.clusterName ?? arnName(arn);
  const tags = ecsTagsToRecord(c.tags);
  const id = identifyByName(arn, name, tags, targets);
  return {
    kind: 'ecs.Cluster',
    logicalId: id.logicalId,
    name: id.name,
    physicalId: arn,
    spec: {
      capacityProviders: alignToTarget(
        [...(c.capacityProviders ?? [])],
        targetOf(id.logicalId, targets)?.spec?.capacityProviders,
        outputs,
      ),
      clusterName: name,
    },
    tags,
    outputs: { arn, name },
    ...clusterHealth(c.status),
  };
}

async function listAllClusterArns(ctx: ObserveContext): Promise<string[]> {
  const out: string[] = [];
  const pages = paginateListClusters({ client: ctx.clients.ecs }, { maxResults: LIST_CLUSTERS_PAGE });
  for await (const page of pages) out.push(...(page.clusterArns ?? []));
  return out;
}

/** The `ecs.Cluster` observer. */
export const ecsClusterObserver: Observer = {
  kind: 'ecs.Cluster',
  async observe(targets, ctx) {
    const byName = new Set(targets.map((t) => t.name));
    for (const t of targets) if (t.physicalId) byName.add(arnName(t.physicalId));
    for (const arn of await listAllClusterArns(ctx)) byName.add(arnName(arn));
    const out: ObservedResource[] = [];
    for (const batch of chunks(uniqueSorted(byName), DESCRIBE_CLUSTERS_BATCH)) {
      const res = await ctx.clients.ecs.send(new DescribeClustersCommand(describeClustersInput(batch)));
      for (const c of res.clusters ?? []) {
        if (GONE_STATUSES.has(c.status ?? '')) continue;
        const observed = toObservedCluster(c, targets, ctx.outputs);
        if (
          isTargeted(targets, c.clusterName, c.clusterArn) ||
          isOwnedBy(observed.tags, ctx.project, ctx.stack)
        )
          out.push(observed);
      }
    }
    return out;
  },
};
