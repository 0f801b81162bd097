/**
 * Observes `ec2.NatGateway`, with its lifecycle state as health.
 *
 * @module
 */
import {
  type EC2Client,
  type Filter,
  type NatGateway,
  paginateDescribeNatGateways,
} from '@aws-sdk/client-ec2';
import { isOwnedBy, tagListToRecord } from '../desired/tags.js';
import { collectPages, identify, missingTargetIds, ownershipFilters } from './ec2-common.js';
import type { Health, ObserveContext, ObservedResource, Observer, ObserveTarget } from './types.js';

/** NAT gateways stay describable for about an hour in this state; they no longer exist for us. */
const GONE_STATE = 'deleted';

async function describeNats(ec2: EC2Client, filters: Filter[]): Promise<NatGateway[]> {
  // DescribeNatGateways names its filter parameter `Filter`, unlike every other EC2 Describe.
  return collectPages(
    paginateDescribeNatGateways({ client: ec2 }, { Filter: filters }),
    (p) => p.NatGateways,
  );
}

/** Health from the NAT state: `pending` and `deleting` are transitions, `failed` needs a human or a replace. */
export function natHealth(nat: NatGateway): { health: Health; healthReason?: string } {
  switch (nat.State) {
    case 'pending':
      return { health: 'Progressing', healthReason: 'NAT gateway is pending' };
    case 'deleting':
      return { health: 'Progressing', healthReason: 'NAT gateway is deleting' };
    case 'failed':
      return {
        health: 'Degraded',
        healthReason: `NAT gateway failed${nat.FailureMessage ? `: ${nat.FailureMessage}` : ''}`,
      };
    default:
      return { health: 'Healthy' };
  }
}

/**
 * Finds NAT gateways by ownership tags plus journaled ids (skipping `deleted` ones), normalized to
 * `{ subnetId }`.
 */
export const ec2NatGatewayObserver: Observer = {
  kind: 'ec2.NatGateway',
  async observe(
    targets: readonly ObserveTarget[],
    ctx: ObserveContext,
  ): Promise<readonly ObservedResource[]> {
    const { ec2 } = ctx.clients;
    // AWS applies the tag filters; moto 5.2.1 ignores them on DescribeNatGateways (it would hand back
    // every stack's gateways as name collisions), so ownership is checked again here.
    const tagged = (await describeNats(ec2, ownershipFilters(ctx.project, ctx.stack))).filter((n) =>
      isOwnedBy(tagListToRecord(n.Tags), ctx.project, ctx.stack),
    );
    const missing = missingTargetIds(targets, new Set(tagged.map((n) => n.NatGatewayId ?? '')));
    const byId =
      missing.length > 0 ? await describeNats(ec2, [{ Name: 'nat-gateway-id', Values: missing }]) : [];
    return [...tagged, ...byId]
      .filter((nat) => nat.State !== GONE_STATE)
      .map((nat): ObservedResource => {
        const id = nat.NatGatewayId ?? '';
        const tags = tagListToRecord(nat.Tags);
        return {
          kind: 'ec2.NatGateway',
          ...identify(id, tags, targets),
          physicalId: id,
          spec: { subnetId: nat.SubnetId ?? '' },
          tags,
          outputs: { id },
          ...natHealth(nat),
        };
      });
  },
};
