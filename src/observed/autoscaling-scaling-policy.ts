/**
 * Observes `autoscaling.ScalingPolicy` (target tracking on ECS service CPU).
 *
 * Scaling policies cannot carry tags. A policy belongs to exactly one scalable target and AWS deletes it
 * with that target, so ownership follows the target: a policy's tags are synthesized from its scalable
 * target's ownership tags (with the policy's own logical id). A policy on a foreign target has no
 * ownership tags and the diff reports a conflict.
 *
 * @module
 */
import {
  paginateDescribeScalingPolicies,
  type ScalingPolicy,
} from '@aws-sdk/client-application-auto-scaling';
import { TAG_KEYS } from '../desired/resource-types.js';
import { isOwnedBy } from '../desired/tags.js';
import {
  ECS_DESIRED_COUNT,
  ECS_NAMESPACE,
  findScalableTargets,
  targetResourceId,
} from './autoscaling-scalable-target.js';
import { collectPages } from './ec2-common.js';
import { compactSpec, mapLimited } from './observe-helpers.js';
import type { ObserveContext, ObservedResource, Observer, ObserveTarget } from './types.js';

/** DescribeScalingPolicies page size (the API maximum). */
const POLICIES_PER_PAGE = 50;

/** The policy name inside a policy ARN (`…:policyName/<name>`), the key DeleteScalingPolicy needs. */
export function policyNameFromArn(arn: string): string | undefined {
  const at = arn.lastIndexOf(':policyName/');
  return at < 0 ? undefined : arn.slice(at + ':policyName/'.length);
}

/**
 * The tags a policy inherits from its scalable target: the target's ownership tags, relabelled with
 * the policy's logical id; none when the target is not stackctl's.
 */
export function inheritedTags(
  targetTags: Readonly<Record<string, string>>,
  logicalId: string,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of [TAG_KEYS.managedBy, TAG_KEYS.project, TAG_KEYS.stack]) {
    const v = targetTags[key];
    if (v !== undefined) out[key] = v;
  }
  if (Object.keys(out).length > 0) out[TAG_KEYS.logicalId] = logicalId;
  return out;
}

/** Spec `{ resourceId, targetValue, predefinedMetricType, scaleInCooldown, scaleOutCooldown }`. */
export function scalingPolicySpec(policy: ScalingPolicy) {
  const config = policy.TargetTrackingScalingPolicyConfiguration;
  return compactSpec({
    resourceId: policy.ResourceId,
    targetValue: config?.TargetValue,
    predefinedMetricType: config?.PredefinedMetricSpecification?.PredefinedMetricType,
    scaleInCooldown: config?.ScaleInCooldown,
    scaleOutCooldown: config?.ScaleOutCooldown,
  });
}

/** The ECS desired-count policies attached to `resourceId`. */
export async function describeScalingPolicies(
  ctx: ObserveContext,
  resourceId: string,
): Promise<ScalingPolicy[]> {
  const all = await collectPages(
    paginateDescribeScalingPolicies(
      { client: ctx.clients.autoscaling, pageSize: POLICIES_PER_PAGE },
      { ServiceNamespace: ECS_NAMESPACE, ResourceId: resourceId, ScalableDimension: ECS_DESIRED_COUNT },
    ),
    (p) => p.ScalingPolicies,
  );
  return all.filter((p) => p.ResourceId === resourceId);
}

/**
 * Returns every targeted policy that exists (matched by name on its resource id, or by recorded ARN)
 * and every policy on a scalable target tagged for this stack. Physical id: the policy ARN.
 */
export const autoscalingScalingPolicyObserver: Observer = {
  kind: 'autoscaling.ScalingPolicy',
  async observe(
    targets: readonly ObserveTarget[],
    ctx: ObserveContext,
  ): Promise<readonly ObservedResource[]> {
    const ids = targets.flatMap((t) => {
      const id = targetResourceId(t, ctx);
      return id.startsWith('service/') ? [id] : [];
    });
    const scalable = await findScalableTargets(ids, ctx);
    const relevant = scalable.filter(
      ({ target, tags }) => ids.includes(target.ResourceId ?? '') || isOwnedBy(tags, ctx.project, ctx.stack),
    );
    const perTarget = await mapLimited(relevant, async ({ target, tags }) => ({
      tags,
      policies: await describeScalingPolicies(ctx, target.ResourceId ?? ''),
    }));
    const out: ObservedResource[] = [];
    for (const { tags, policies } of perTarget) {
      for (const policy of policies) {
        const arn = policy.PolicyARN ?? '';
        const name = policy.PolicyName ?? policyNameFromArn(arn) ?? arn;
        const matched =
          targets.find((t) => t.physicalId === arn) ??
          targets.find((t) => t.name === name && targetResourceId(t, ctx) === policy.ResourceId);
        if (!matched && !isOwnedBy(tags, ctx.project, ctx.stack)) continue;
        const logicalId = matched?.logicalId ?? name;
        out.push({
          kind: 'autoscaling.ScalingPolicy',
          logicalId,
          name,
          physicalId: arn,
          spec: scalingPolicySpec(policy),
          tags: inheritedTags(tags, logicalId),
          outputs: { arn },
          health: 'Healthy',
        });
      }
    }
    return out;
  },
};
