/**
 * Observes `elbv2.TargetGroup`: DescribeTargetGroups by name (≤20, per-name fallback), then by ARN for
 * the journal's and the tag-discovered ones; tags via DescribeTags; the deregistration delay via
 * DescribeTargetGroupAttributes (one call per group: the API does not batch).
 *
 * @module
 */
import {
  DescribeTargetGroupAttributesCommand,
  DescribeTargetGroupsCommand,
  paginateDescribeTargetGroups,
  type TargetGroup,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { Spec } from '../desired/resource-types.js';
import { isOwnedBy } from '../desired/tags.js';
import {
  describeByKeys,
  describeTargetedAndOwned,
  ELB_PAGE_SIZE,
  ELB_RESOURCE_TYPES,
} from './elbv2-common.js';
import { identifyByName, isTargeted, mapLimited } from './observe-helpers.js';
import type { ObserveContext, ObservedResource, Observer, ObserveTarget } from './types.js';

/** The target-group attribute holding the deregistration delay. */
export const DEREGISTRATION_DELAY_ATTRIBUTE = 'deregistration_delay.timeout_seconds';

/** ELBv2's deregistration delay when the attribute is missing. */
export const DEFAULT_DEREGISTRATION_DELAY_SECONDS = 300;

/** A described target group (plus its deregistration delay) in the `elbv2.TargetGroup` spec shape. */
export function normalizeTargetGroup(tg: TargetGroup, deregistrationDelaySeconds: number): Spec {
  return {
    deregistrationDelaySeconds,
    healthCheck: {
      healthyThresholdCount: tg.HealthyThresholdCount ?? 0,
      intervalSeconds: tg.HealthCheckIntervalSeconds ?? 0,
      matcher: tg.Matcher?.HttpCode ?? '',
      path: tg.HealthCheckPath ?? '',
      port: tg.HealthCheckPort ?? '',
      protocol: tg.HealthCheckProtocol ?? '',
      timeoutSeconds: tg.HealthCheckTimeoutSeconds ?? 0,
      unhealthyThresholdCount: tg.UnhealthyThresholdCount ?? 0,
    },
    name: tg.TargetGroupName ?? '',
    port: tg.Port ?? 0,
    protocol: tg.Protocol ?? '',
    targetType: tg.TargetType ?? '',
    vpcId: tg.VpcId ?? '',
  };
}

/** Describes the target groups with these names or ARNs, skipping unknown ones. */
export async function describeTargetGroups(
  ctx: Pick<ObserveContext, 'clients'>,
  keys: { readonly names?: readonly string[]; readonly arns?: readonly string[] },
): Promise<TargetGroup[]> {
  const send = async (input: { Names?: string[]; TargetGroupArns?: string[] }): Promise<TargetGroup[]> =>
    (await ctx.clients.elbv2.send(new DescribeTargetGroupsCommand(input))).TargetGroups ?? [];
  const byName = await describeByKeys(keys.names ?? [], (Names) => send({ Names }));
  const byArn = await describeByKeys(keys.arns ?? [], (TargetGroupArns) => send({ TargetGroupArns }));
  return [...byName, ...byArn];
}

/** The deregistration delay of one target group, in seconds. */
export async function deregistrationDelay(
  ctx: Pick<ObserveContext, 'clients'>,
  arn: string,
): Promise<number> {
  const res = await ctx.clients.elbv2.send(new DescribeTargetGroupAttributesCommand({ TargetGroupArn: arn }));
  const value = res.Attributes?.find((a) => a.Key === DEREGISTRATION_DELAY_ATTRIBUTE)?.Value;
  return value === undefined ? DEFAULT_DEREGISTRATION_DELAY_SECONDS : Number(value);
}

async function scanAll(ctx: ObserveContext): Promise<string[]> {
  const out: string[] = [];
  const pages = paginateDescribeTargetGroups({ client: ctx.clients.elbv2 }, { PageSize: ELB_PAGE_SIZE });
  for await (const page of pages)
    for (const tg of page.TargetGroups ?? []) if (tg.TargetGroupArn) out.push(tg.TargetGroupArn);
  return out;
}

function toObserved(
  tg: TargetGroup,
  delay: number,
  tags: Readonly<Record<string, string>>,
  targets: readonly ObserveTarget[],
): ObservedResource {
  const arn = tg.TargetGroupArn ?? '';
  const name = tg.TargetGroupName ?? '';
  const id = identifyByName(arn, name, tags, targets);
  return {
    kind: 'elbv2.TargetGroup',
    logicalId: id.logicalId,
    name: id.name,
    physicalId: arn,
    spec: normalizeTargetGroup(tg, delay),
    tags,
    outputs: { arn },
    health: 'Healthy',
  };
}

/** The `elbv2.TargetGroup` observer. */
export const elbv2TargetGroupObserver: Observer = {
  kind: 'elbv2.TargetGroup',
  async observe(targets, ctx) {
    const { all, tags } = await describeTargetedAndOwned(targets, ctx, {
      describe: (keys) => describeTargetGroups(ctx, keys),
      arnOf: (tg) => tg.TargetGroupArn,
      resourceType: ELB_RESOURCE_TYPES.targetGroup,
      scanAll: () => scanAll(ctx),
    });
    const kept = all.filter(
      (tg) =>
        isTargeted(targets, tg.TargetGroupName, tg.TargetGroupArn) ||
        isOwnedBy(tags.get(tg.TargetGroupArn ?? '') ?? {}, ctx.project, ctx.stack),
    );
    const unique = [...new Map(kept.map((tg) => [tg.TargetGroupArn ?? '', tg])).values()];
    const delays = await mapLimited(unique, (tg) => deregistrationDelay(ctx, tg.TargetGroupArn ?? ''));
    return unique.map((tg, i) =>
      toObserved(
        tg,
        delays[i] ?? DEFAULT_DEREGISTRATION_DELAY_SECONDS,
        tags.get(tg.TargetGroupArn ?? '') ?? {},
        targets,
      ),
    );
  },
};
