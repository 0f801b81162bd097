/**
 * Observes `ec2.Subnet`.
 *
 * @module
 */
import { type EC2Client, type Filter, paginateDescribeSubnets, type Subnet } from '@aws-sdk/client-ec2';
import { tagListToRecord } from '../desired/tags.js';
import { collectPages, identify, missingTargetIds, ownershipFilters } from './ec2-common.js';
import type { ObserveContext, ObservedResource, Observer, ObserveTarget } from './types.js';

async function describeSubnets(ec2: EC2Client, filters: Filter[]): Promise<Subnet[]> {
  return collectPages(paginateDescribeSubnets({ client: ec2 }, { Filters: filters }), (p) => p.Subnets);
}

/**
 * Finds subnets by ownership tags plus journaled ids, normalized to
 * `{ availabilityZone, cidrBlock, mapPublicIpOnLaunch, vpcId }`.
 */
export const ec2SubnetObserver: Observer = {
  kind: 'ec2.Subnet',
  async observe(
    targets: readonly ObserveTarget[],
    ctx: ObserveContext,
  ): Promise<readonly ObservedResource[]> {
    const { ec2 } = ctx.clients;
    const tagged = await describeSubnets(ec2, ownershipFilters(ctx.project, ctx.stack));
    const missing = missingTargetIds(targets, new Set(tagged.map((s) => s.SubnetId ?? '')));
    const byId =
      missing.length > 0 ? await describeSubnets(ec2, [{ Name: 'subnet-id', Values: missing }]) : [];
    return [...tagged, ...byId].map((subnet): ObservedResource => {
      const id = subnet.SubnetId ?? '';
      const tags = tagListToRecord(subnet.Tags);
      return {
        kind: 'ec2.Subnet',
        ...identify(id, tags, targets),
        physicalId: id,
        spec: {
          availabilityZone: subnet.AvailabilityZone ?? '',
          cidrBlock: subnet.CidrBlock ?? '',
          mapPublicIpOnLaunch: subnet.MapPublicIpOnLaunch ?? false,
          vpcId: subnet.VpcId ?? '',
        },
        tags,
        outputs: { id },
        health: subnet.State === 'pending' ? 'Progressing' : 'Healthy',
        ...(subnet.State === 'pending' ? { healthReason: 'subnet is pending' } : {}),
      };
    });
  },
};
