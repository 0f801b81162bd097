/**
 * Observes `elbv2.LoadBalancer`: DescribeLoadBalancers by name (≤20 per call, per-name fallback when one
 * is unknown), then by ARN for the journal's and the tag-discovered ones, tags via DescribeTags.
 *
 * @module
 */
import {
  DescribeLoadBalancersCommand,
  type LoadBalancer,
  paginateDescribeLoadBalancers,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { Spec } from '../desired/resource-types.js';
import { isOwnedBy } from '../desired/tags.js';
import {
  describeByKeys,
  describeTargetedAndOwned,
  ELB_PAGE_SIZE,
  ELB_RESOURCE_TYPES,
} from './elbv2-common.js';
import { alignToTarget, identifyByName, isTargeted, listField, targetOf } from './observe-helpers.js';
import type { Health, ObserveContext, ObservedResource, Observer, ObserveTarget } from './types.js';

/** A described load balancer in the `elbv2.LoadBalancer` spec shape. */
export function normalizeLoadBalancer(lb: LoadBalancer): Spec {
  return {
    name: lb.LoadBalancerName ?? '',
    scheme: lb.Scheme ?? '',
    securityGroups: [...(lb.SecurityGroups ?? [])].sort(),
    subnets: (lb.AvailabilityZones ?? [])
      .map((z) => z.SubnetId)
      .filter((s): s is string => s !== undefined)
      .sort(),
    type: lb.Type ?? '',
  };
}

function lbHealth(lb: LoadBalancer): { health: Health; healthReason?: string } {
  const code = lb.State?.Code;
  if (code === 'active') return { health: 'Healthy' };
  if (code === 'provisioning')
    return { health: 'Progressing', healthReason: 'load balancer is provisioning' };
  return {
    health: 'Degraded',
    healthReason: `load balancer is ${code ?? 'in an unknown state'}${lb.State?.Reason ? `: ${lb.State.Reason}` : ''}`,
  };
}

/** Orders subnets and security groups like the target's desired spec (see alignToTarget). */
function alignLoadBalancer(spec: Spec, target: ObserveTarget | undefined, ctx: ObserveContext): Spec {
  if (!target?.spec) return spec;
  return {
    ...spec,
    securityGroups: alignToTarget(listField(spec, 'securityGroups'), target.spec.securityGroups, ctx.outputs),
    subnets: alignToTarget(listField(spec, 'subnets'), target.spec.subnets, ctx.outputs),
  };
}

/** Every load balancer ARN in the account and region: the fallback scan for tag discovery. */
async function scanAll(ctx: ObserveContext): Promise<string[]> {
  const out: string[] = [];
  const pages = paginateDescribeLoadBalancers({ client: ctx.clients.elbv2 }, { PageSize: ELB_PAGE_SIZE });
  for await (const page of pages)
    for (const lb of page.LoadBalancers ?? []) if (lb.LoadBalancerArn) out.push(lb.LoadBalancerArn);
  return out;
}

/** Describes the load balancers with these names or ARNs, skipping unknown ones. */
export async function describeLoadBalancers(
  ctx: Pick<ObserveContext, 'clients'>,
  keys: { readonly names?: readonly string[]; readonly arns?: readonly string[] },
): Promise<LoadBalancer[]> {
  const send = async (input: { Names?: string[]; LoadBalancerArns?: string[] }): Promise<LoadBalancer[]> =>
    (await ctx.clients.elbv2.send(new DescribeLoadBalancersCommand(input))).LoadBalancers ?? [];
  const byName = await describeByKeys(keys.names ?? [], (Names) => send({ Names }));
  const byArn = await describeByKeys(keys.arns ?? [], (LoadBalancerArns) => send({ LoadBalancerArns }));
  return [...byName, ...byArn];
}

function toObserved(
  lb: LoadBalancer,
  tags: Readonly<Record<string, string>>,
  targets: readonly ObserveTarget[],
  ctx: ObserveContext,
): ObservedResource {
  const arn = lb.LoadBalancerArn ?? '';
  const name = lb.LoadBalancerName ?? '';
  const id = identifyByName(arn, name, tags, targets);
  return {
    kind: 'elbv2.LoadBalancer',
    logicalId: id.logicalId,
    name: id.name,
    physicalId: arn,
    spec: alignLoadBalancer(normalizeLoadBalancer(lb), targetOf(id.logicalId, targets), ctx),
    tags,
    outputs: { arn, canonicalHostedZoneId: lb.CanonicalHostedZoneId ?? '', dnsName: lb.DNSName ?? '' },
    ...lbHealth(lb),
  };
}

/** The `elbv2.LoadBalancer` observer. */
export const elbv2LoadBalancerObserver: Observer = {
  kind: 'elbv2.LoadBalancer',
  async observe(targets, ctx) {
    const { all, tags } = await describeTargetedAndOwned(targets, ctx, {
      describe: (keys) => describeLoadBalancers(ctx, keys),
      arnOf: (lb) => lb.LoadBalancerArn,
      resourceType: ELB_RESOURCE_TYPES.loadBalancer,
      scanAll: () => scanAll(ctx),
    });
    const out = new Map<string, ObservedResource>();
    for (const lb of all) {
      const observed = toObserved(lb, tags.get(lb.LoadBalancerArn ?? '') ?? {}, targets, ctx);
      if (
        isTargeted(targets, lb.LoadBalancerName, observed.physicalId) ||
        isOwnedBy(observed.tags, ctx.project, ctx.stack)
      )
        out.set(observed.physicalId, observed);
    }
    return [...out.values()];
  },
};
