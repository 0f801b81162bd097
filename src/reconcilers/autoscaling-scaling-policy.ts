/**
 * Applies `autoscaling.ScalingPolicy`: PutScalingPolicy (an upsert) with target tracking on the ECS
 * service's average CPU, DeleteScalingPolicy.
 *
 * Policies carry no tags: ownership follows the scalable target (see the observer). Create therefore
 * refuses to put a policy on a scalable target that is not this stack's.
 *
 * @module
 */
import {
  DeleteScalingPolicyCommand,
  type MetricType,
  PutScalingPolicyCommand,
} from '@aws-sdk/client-application-auto-scaling';
import { isNotFound } from '../aws/errors.js';
import { isOwnedBy } from '../desired/tags.js';
import {
  ECS_DESIRED_COUNT,
  ECS_NAMESPACE,
  scalableTargetTags,
} from '../observed/autoscaling-scalable-target.js';
import { policyNameFromArn } from '../observed/autoscaling-scaling-policy.js';
import { describeScalableTarget } from './autoscaling-scalable-target.js';
import { NOT_READY_RETRY_MS } from './data-helpers.js';
import { assertObservedOwned, ignoreNotFound, specString, touches } from './delta-helpers.js';
import { NotReadyError, OwnershipConflictError } from './errors.js';
import type { Applier, ApplyContext, ApplyResult, ResolvedResource } from './types.js';

/** The metric stackctl scales on when the spec names none. */
export const DEFAULT_PREDEFINED_METRIC = 'ECSServiceAverageCPUUtilization';

function specNumber(desired: ResolvedResource, key: string): number | undefined {
  const v = desired.spec[key];
  return typeof v === 'number' ? v : undefined;
}

async function put(desired: ResolvedResource, ctx: ApplyContext): Promise<ApplyResult> {
  const { spec, logicalId } = desired;
  const targetValue = specNumber(desired, 'targetValue');
  if (targetValue === undefined) throw new TypeError(`${logicalId}: spec.targetValue must be a number`);
  const scaleIn = specNumber(desired, 'scaleInCooldown');
  const scaleOut = specNumber(desired, 'scaleOutCooldown');
  // The SDK types the metric as a union of known names; AWS validates the string itself.
  const metric = (
    typeof spec.predefinedMetricType === 'string' ? spec.predefinedMetricType : DEFAULT_PREDEFINED_METRIC
  ) as MetricType;
  const res = await ctx.clients.autoscaling.send(
    new PutScalingPolicyCommand({
      PolicyName: desired.name,
      ServiceNamespace: ECS_NAMESPACE,
      ResourceId: specString(spec, 'resourceId', logicalId),
      ScalableDimension: ECS_DESIRED_COUNT,
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingScalingPolicyConfiguration: {
        TargetValue: targetValue,
        PredefinedMetricSpecification: { PredefinedMetricType: metric },
        ...(scaleIn !== undefined ? { ScaleInCooldown: scaleIn } : {}),
        ...(scaleOut !== undefined ? { ScaleOutCooldown: scaleOut } : {}),
      },
    }),
  );
  const arn = res.PolicyARN ?? '';
  return { physicalId: arn, outputs: { arn } };
}

/** The scaling policy applier. */
export const autoscalingScalingPolicyApplier: Applier = {
  kind: 'autoscaling.ScalingPolicy',

  async create(desired, ctx) {
    const resourceId = specString(desired.spec, 'resourceId', desired.logicalId);
    const target = await describeScalableTarget(ctx, resourceId);
    if (!target) {
      throw new NotReadyError(
        `${desired.logicalId}: scalable target ${resourceId} is not registered yet`,
        NOT_READY_RETRY_MS,
      );
    }
    const tags = await scalableTargetTags(ctx.clients.autoscaling, target);
    if (!isOwnedBy(tags, ctx.project, ctx.stack)) {
      throw new OwnershipConflictError(
        desired.logicalId,
        `${desired.name} on ${resourceId}`,
        'its scalable target is not owned by this stack, and a policy belongs to its target',
      );
    }
    return put(desired, ctx);
  },

  async update(desired, observed, deltas, ctx) {
    assertObservedOwned(observed, ctx);
    // Tags are the scalable target's: a tag-only delta is its applier's business, not a policy call.
    if (deltas.every((d) => touches([d], 'tags')))
      return { physicalId: observed.physicalId, outputs: observed.outputs };
    // PutScalingPolicy replaces the whole configuration: one call covers any field delta.
    return put(desired, ctx);
  },

  async delete(observed, ctx) {
    assertObservedOwned(observed, ctx);
    const resourceId = observed.spec.resourceId;
    if (typeof resourceId !== 'string') return;
    await ignoreNotFound(
      () =>
        ctx.clients.autoscaling.send(
          new DeleteScalingPolicyCommand({
            PolicyName: policyNameFromArn(observed.physicalId) ?? observed.name,
            ServiceNamespace: ECS_NAMESPACE,
            ResourceId: resourceId,
            ScalableDimension: ECS_DESIRED_COUNT,
          }),
        ),
      isNotFound,
    );
  },
};
