/**
 * Observes `autoscaling.ScalableTarget` (Application Auto Scaling, ECS service desired count).
 *
 * DescribeScalableTargets cannot filter by tag, so the ECS namespace is listed (50 per page) and only
 * candidates get a ListTagsForResource: targets by resource id, plus every target inside this stack's
 * cluster (`service/<project>-<stack>/…`) or a cluster a target names, which is where a removed
 * service's scaling target would be. Returned: every target that exists, and every candidate tagged for
 * this stack.
 *
 * @module
 */
import {
  type ApplicationAutoScalingClient,
  ListTagsForResourceCommand,
  paginateDescribeScalableTargets,
  type ScalableTarget,
} from '@aws-sdk/client-application-auto-scaling';
import { isNotFound } from '../aws/errors.js';
import { isOwnedBy } from '../desired/tags.js';
import { collectPages, identify, resolveSpecString } from './ec2-common.js';
import { compactSpec, mapLimited } from './observe-helpers.js';
import { readOnce } from './pass-reads.js';
import type { ObserveContext, ObservedResource, Observer, ObserveTarget } from './types.js';

/** The only service namespace stackctl scales. */
export const ECS_NAMESPACE = 'ecs';

/** The only dimension stackctl scales: an ECS service's desired count. */
export const ECS_DESIRED_COUNT = 'ecs:service:DesiredCount';

/** DescribeScalableTargets page size (the API maximum). */
const TARGETS_PER_PAGE = 50;

/** A live scalable target with its tags. */
export interface TaggedScalableTarget {
  readonly target: ScalableTarget;
  readonly tags: Readonly<Record<string, string>>;
}

/** Every ECS desired-count scalable target in the region. */
export async function listEcsScalableTargets(aas: ApplicationAutoScalingClient): Promise<ScalableTarget[]> {
  const all = await collectPages(
    paginateDescribeScalableTargets(
      { client: aas, pageSize: TARGETS_PER_PAGE },
      { ServiceNamespace: ECS_NAMESPACE, ScalableDimension: ECS_DESIRED_COUNT },
    ),
    (p) => p.ScalableTargets,
  );
  return all.filter((t) => t.ScalableDimension === ECS_DESIRED_COUNT);
}

/** The tags of a scalable target (none when it has no ARN or is already gone). */
export async function scalableTargetTags(
  aas: ApplicationAutoScalingClient,
  target: ScalableTarget,
): Promise<Record<string, string>> {
  if (!target.ScalableTargetARN) return {};
  try {
    const res = await aas.send(new ListTagsForResourceCommand({ ResourceARN: target.ScalableTargetARN }));
    return { ...(res.Tags ?? {}) };
  } catch (err) {
    if (isNotFound(err)) return {};
    throw err;
  }
}

/** The cluster segment of `service/<cluster>/<service>`. */
function clusterOf(resourceId: string): string | undefined {
  const parts = resourceId.split('/');
  return parts.length === 3 && parts[0] === 'service' ? parts[1] : undefined;
}

/** The resource id a target asks for: its spec, else its recorded physical id, else its name. */
export function targetResourceId(target: ObserveTarget, ctx: ObserveContext): string {
  return resolveSpecString(target.spec?.resourceId, ctx) ?? target.physicalId ?? target.name;
}

/**
 * The scalable targets with ids in `ids` or inside the clusters those ids name or this stack's own
 * cluster, each with its tags. Shared with the scaling policy observer, whose ownership follows its target.
 */
export async function findScalableTargets(
  ids: readonly string[],
  ctx: ObserveContext,
): Promise<TaggedScalableTarget[]> {
  const { autoscaling } = ctx.clients;
  const wanted = new Set(ids);
  const clusters = new Set([`${ctx.project}-${ctx.stack}`, ...ids.flatMap((id) => clusterOf(id) ?? [])]);
  // Read once per pass: the scaling policy observer asks for the same list a level later.
  const listed = await readOnce(ctx, 'autoscaling:ecs-scalable-targets', () =>
    listEcsScalableTargets(autoscaling),
  );
  const candidates = listed.filter((t) => {
    const id = t.ResourceId ?? '';
    const cluster = clusterOf(id);
    return wanted.has(id) || (cluster !== undefined && clusters.has(cluster));
  });
  return mapLimited(candidates, async (target) => ({
    target,
    tags: await readOnce(ctx, `autoscaling:tags ${target.ScalableTargetARN ?? ''}`, () =>
      scalableTargetTags(autoscaling, target),
    ),
  }));
}

/** Spec `{ resourceId, scalableDimension, minCapacity, maxCapacity }`; outputs `resourceId` and `arn`. */
export const autoscalingScalableTargetObserver: Observer = {
  kind: 'autoscaling.ScalableTarget',
  async observe(
    targets: readonly ObserveTarget[],
    ctx: ObserveContext,
  ): Promise<readonly ObservedResource[]> {
    const byId = new Map(targets.map((t) => [targetResourceId(t, ctx), t]));
    const found = await findScalableTargets([...byId.keys()], ctx);
    return found
      .filter(
        ({ target, tags }) => byId.has(target.ResourceId ?? '') || isOwnedBy(tags, ctx.project, ctx.stack),
      )
      .map(({ target, tags }): ObservedResource => {
        const id = target.ResourceId ?? '';
        const { logicalId, name } = identify(id, tags, targets, byId.get(id), id);
        return {
          kind: 'autoscaling.ScalableTarget',
          logicalId,
          name,
          physicalId: id,
          spec: compactSpec({
            resourceId: id,
            scalableDimension: target.ScalableDimension,
            minCapacity: target.MinCapacity,
            maxCapacity: target.MaxCapacity,
          }),
          tags,
          outputs: { resourceId: id, ...(target.ScalableTargetARN ? { arn: target.ScalableTargetARN } : {}) },
          health: 'Healthy',
        };
      });
  },
};
