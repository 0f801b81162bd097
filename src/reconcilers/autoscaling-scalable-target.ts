/**
 * Applies `autoscaling.ScalableTarget`: RegisterScalableTarget (an upsert; tags are only accepted on
 * the first registration), TagResource/UntagResource for tag deltas, DeregisterScalableTarget.
 *
 * Create looks first: registering over an existing target would silently take it over, so one without
 * this stack's tags is an {@link OwnershipConflictError} instead.
 *
 * @module
 */
import {
  DeregisterScalableTargetCommand,
  DescribeScalableTargetsCommand,
  RegisterScalableTargetCommand,
  type ScalableTarget,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-application-auto-scaling';
import { isNotFound } from '../aws/errors.js';
import { isOwnedBy } from '../desired/tags.js';
import {
  ECS_DESIRED_COUNT,
  ECS_NAMESPACE,
  scalableTargetTags,
} from '../observed/autoscaling-scalable-target.js';
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

function capacity(desired: ResolvedResource, key: 'minCapacity' | 'maxCapacity'): number {
  const v = desired.spec[key];
  if (typeof v !== 'number') throw new TypeError(`${desired.logicalId}: spec.${key} must be a number`);
  return v;
}

/** The scalable target for `resourceId`, if registered. */
export async function describeScalableTarget(
  ctx: ApplyContext,
  resourceId: string,
): Promise<ScalableTarget | undefined> {
  const res = await ctx.clients.autoscaling.send(
    new DescribeScalableTargetsCommand({
      ServiceNamespace: ECS_NAMESPACE,
      ScalableDimension: ECS_DESIRED_COUNT,
      ResourceIds: [resourceId],
    }),
  );
  return res.ScalableTargets?.find((t) => t.ResourceId === resourceId);
}

function result(resourceId: string, arn: string | undefined): ApplyResult {
  return { physicalId: resourceId, outputs: { resourceId, ...(arn ? { arn } : {}) } };
}

async function register(
  desired: ResolvedResource,
  ctx: ApplyContext,
  withTags: boolean,
): Promise<string | undefined> {
  const res = await ctx.clients.autoscaling.send(
    new RegisterScalableTargetCommand({
      ServiceNamespace: ECS_NAMESPACE,
      ResourceId: specString(desired.spec, 'resourceId', desired.logicalId),
      ScalableDimension: ECS_DESIRED_COUNT,
      MinCapacity: capacity(desired, 'minCapacity'),
      MaxCapacity: capacity(desired, 'maxCapacity'),
      ...(withTags ? { Tags: { ...desired.tags } } : {}),
    }),
  );
  return res.ScalableTargetARN;
}

/** The scalable target applier (ECS service desired count only). */
export const autoscalingScalableTargetApplier: Applier = {
  kind: 'autoscaling.ScalableTarget',

  async create(desired, ctx) {
    const resourceId = specString(desired.spec, 'resourceId', desired.logicalId);
    const existing = await describeScalableTarget(ctx, resourceId);
    if (existing) {
      const tags = await scalableTargetTags(ctx.clients.autoscaling, existing);
      if (!isOwnedBy(tags, ctx.project, ctx.stack))
        throw new OwnershipConflictError(desired.logicalId, resourceId);
      return result(resourceId, existing.ScalableTargetARN);
    }
    return result(resourceId, await register(desired, ctx, true));
  },

  async update(desired, observed, deltas, ctx) {
    assertObservedOwned(observed, ctx);
    const resourceId = observed.physicalId;
    let arn = typeof observed.outputs.arn === 'string' ? observed.outputs.arn : undefined;
    if (touches(deltas, 'minCapacity') || touches(deltas, 'maxCapacity')) {
      arn = (await register(desired, ctx, false)) ?? arn;
    }
    const changes = tagChanges(deltas, desired.tags);
    if (arn && !isEmptyTagChange(changes)) {
      const { autoscaling } = ctx.clients;
      if (Object.keys(changes.set).length > 0) {
        await autoscaling.send(new TagResourceCommand({ ResourceARN: arn, Tags: { ...changes.set } }));
      }
      if (changes.remove.length > 0) {
        await autoscaling.send(new UntagResourceCommand({ ResourceARN: arn, TagKeys: [...changes.remove] }));
      }
    }
    return result(resourceId, arn);
  },

  async delete(observed, ctx) {
    assertObservedOwned(observed, ctx);
    await ignoreNotFound(
      () =>
        ctx.clients.autoscaling.send(
          new DeregisterScalableTargetCommand({
            ServiceNamespace: ECS_NAMESPACE,
            ResourceId: observed.physicalId,
            ScalableDimension: ECS_DESIRED_COUNT,
          }),
        ),
      isNotFound,
    );
  },
};
