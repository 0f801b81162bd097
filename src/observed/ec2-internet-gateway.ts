/**
 * Observes `ec2.InternetGateway`: the gateway and the VPC it is attached to.
 *
 * @module
 */
import {
  type EC2Client,
  type Filter,
  type InternetGateway,
  paginateDescribeInternetGateways,
} from '@aws-sdk/client-ec2';
import { tagListToRecord } from '../desired/tags.js';
import { collectPages, identify, missingTargetIds, ownershipFilters } from './ec2-common.js';
import type { ObserveContext, ObservedResource, Observer, ObserveTarget } from './types.js';

async function describeGateways(ec2: EC2Client, filters: Filter[]): Promise<InternetGateway[]> {
  return collectPages(
    paginateDescribeInternetGateways({ client: ec2 }, { Filters: filters }),
    (p) => p.InternetGateways,
  );
}

/** The attached VPC: `available` is what AWS reports for an attached gateway, `attached` the documented word. */
function attachedVpcId(igw: InternetGateway): string | undefined {
  const live = igw.Attachments?.find(
    (a) => (a.State as string | undefined) === 'available' || a.State === 'attached',
  );
  return live?.VpcId;
}

/**
 * Finds internet gateways by ownership tags plus journaled ids; the spec is `{ vpcId }`, or `{}` when the
 * gateway is detached (so the diff plans an attach).
 */
export const ec2InternetGatewayObserver: Observer = {
  kind: 'ec2.InternetGateway',
  async observe(
    targets: readonly ObserveTarget[],
    ctx: ObserveContext,
  ): Promise<readonly ObservedResource[]> {
    const { ec2 } = ctx.clients;
    const tagged = await describeGateways(ec2, ownershipFilters(ctx.project, ctx.stack));
    const missing = missingTargetIds(targets, new Set(tagged.map((g) => g.InternetGatewayId ?? '')));
    const byId =
      missing.length > 0
        ? await describeGateways(ec2, [{ Name: 'internet-gateway-id', Values: missing }])
        : [];
    return [...tagged, ...byId].map((igw): ObservedResource => {
      const id = igw.InternetGatewayId ?? '';
      const tags = tagListToRecord(igw.Tags);
      const vpcId = attachedVpcId(igw);
      return {
        kind: 'ec2.InternetGateway',
        ...identify(id, tags, targets),
        physicalId: id,
        spec: vpcId === undefined ? {} : { vpcId },
        tags,
        outputs: { id },
        health: 'Healthy',
      };
    });
  },
};
