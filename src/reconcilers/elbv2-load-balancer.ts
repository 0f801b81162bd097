/**
 * Applies `elbv2.LoadBalancer`. Create describes by name first (AWS returns the existing ALB on a
 * same-settings create, but moto 5.2.1 makes a second one, and a foreign ALB must be a conflict), then
 * CreateLoadBalancer with the ownership tags. Update calls SetSubnets / SetSecurityGroups per delta
 * (SetSubnets has a 0.2/s bucket, so never unless needed). Delete waits until the ALB is gone, since
 * target groups cannot be deleted while it still forwards to them.
 *
 * @module
 */
import {
  CreateLoadBalancerCommand,
  DeleteLoadBalancerCommand,
  type IpAddressType,
  type LoadBalancer,
  type LoadBalancerSchemeEnum,
  type LoadBalancerTypeEnum,
  SetSecurityGroupsCommand,
  SetSubnetsCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { isAlreadyExists, isNotFound } from '../aws/errors.js';
import { recordToTagList } from '../desired/tags.js';
import { describeLoadBalancers } from '../observed/elbv2-load-balancer.js';
import {
  assertObservedOwned,
  pollUntil,
  type ResolvedWait,
  resolveWait,
  touches,
  type WaitOptions,
} from './apply-helpers.js';
import { adoptOrConflict, syncElbTags } from './elbv2-common.js';
import { optStr, str, strList } from './spec-read.js';
import type { Applier, ApplyContext, ApplyResult, ResolvedResource } from './types.js';

/** How often a deleted load balancer is re-described. */
export const LB_DELETE_POLL_MS = 5_000;
/** How long one delete waits for the load balancer to disappear before handing back (NotReadyError). */
export const LB_DELETE_MAX_WAIT_MS = 5 * 60_000;

function result(lb: LoadBalancer | undefined): ApplyResult {
  const arn = lb?.LoadBalancerArn ?? '';
  return {
    physicalId: arn,
    outputs: { arn, canonicalHostedZoneId: lb?.CanonicalHostedZoneId ?? '', dnsName: lb?.DNSName ?? '' },
  };
}

async function adoptExisting(desired: ResolvedResource, ctx: ApplyContext): Promise<ApplyResult | undefined> {
  const found = await describeLoadBalancers(ctx, { names: [str(desired.spec, 'name')] });
  const arn = await adoptOrConflict(
    ctx,
    desired.logicalId,
    found.map((lb) => lb.LoadBalancerArn ?? ''),
  );
  return arn === undefined ? undefined : result(found.find((lb) => lb.LoadBalancerArn === arn));
}

/** Builds the `elbv2.LoadBalancer` applier; `wait` controls the delete's poll. */
export function createElbv2LoadBalancerApplier(wait: WaitOptions = {}): Applier {
  const w: ResolvedWait = resolveWait(wait, {
    pollIntervalMs: LB_DELETE_POLL_MS,
    maxWaitMs: LB_DELETE_MAX_WAIT_MS,
  });
  return {
    kind: 'elbv2.LoadBalancer',

    async create(desired, ctx) {
      const adopted = await adoptExisting(desired, ctx);
      if (adopted) return adopted;
      const s = desired.spec;
      try {
        const res = await ctx.clients.elbv2.send(
          new CreateLoadBalancerCommand({
            Name: str(s, 'name'),
            Subnets: strList(s, 'subnets'),
            SecurityGroups: strList(s, 'securityGroups'),
            Scheme: str(s, 'scheme') as LoadBalancerSchemeEnum,
            Type: str(s, 'type') as LoadBalancerTypeEnum,
            IpAddressType: optStr(s, 'ipAddressType') as IpAddressType | undefined,
            Tags: recordToTagList(desired.tags),
          }),
        );
        return result(res.LoadBalancers?.[0]);
      } catch (err) {
        if (!isAlreadyExists(err)) throw err;
        const raced = await adoptExisting(desired, ctx);
        if (raced) return raced;
        throw err;
      }
    },

    async update(desired, observed, deltas, ctx) {
      assertObservedOwned(observed, ctx, 'update');
      const arn = observed.physicalId;
      if (touches(deltas, 'subnets')) {
        await ctx.clients.elbv2.send(
          new SetSubnetsCommand({ LoadBalancerArn: arn, Subnets: strList(desired.spec, 'subnets') }),
        );
      }
      if (touches(deltas, 'securityGroups')) {
        await ctx.clients.elbv2.send(
          new SetSecurityGroupsCommand({
            LoadBalancerArn: arn,
            SecurityGroups: strList(desired.spec, 'securityGroups'),
          }),
        );
      }
      await syncElbTags(ctx.clients, arn, desired.tags, observed.tags);
      return { physicalId: arn, outputs: observed.outputs };
    },

    async delete(observed, ctx) {
      assertObservedOwned(observed, ctx, 'delete');
      const arn = observed.physicalId;
      try {
        await ctx.clients.elbv2.send(new DeleteLoadBalancerCommand({ LoadBalancerArn: arn }));
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
      await pollUntil(
        async () => ((await describeLoadBalancers(ctx, { arns: [arn] })).length === 0 ? true : undefined),
        w,
        `load balancer ${arn} to be deleted`,
        ctx.signal,
      );
    },
  };
}

/** The `elbv2.LoadBalancer` applier with production waits. */
export const elbv2LoadBalancerApplier: Applier = createElbv2LoadBalancerApplier();
