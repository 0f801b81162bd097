/**
 * Observes `ec2.Vpc`: the stack's VPC with its two DNS attributes.
 *
 * @module
 */
import {
  DescribeVpcAttributeCommand,
  type EC2Client,
  type Filter,
  paginateDescribeVpcs,
  type Vpc,
} from '@aws-sdk/client-ec2';
import { tagListToRecord } from '../desired/tags.js';
import { collectPages, identify, missingTargetIds, ownershipFilters } from './ec2-common.js';
import type { ObserveContext, ObservedResource, Observer, ObserveTarget } from './types.js';

async function describeVpcs(ec2: EC2Client, filters: Filter[]): Promise<Vpc[]> {
  return collectPages(paginateDescribeVpcs({ client: ec2 }, { Filters: filters }), (p) => p.Vpcs);
}

/** DescribeVpcAttribute answers one attribute per call, so the two flags cost two calls per VPC. */
async function dnsAttributes(
  ec2: EC2Client,
  vpcId: string,
): Promise<{ enableDnsSupport: boolean; enableDnsHostnames: boolean }> {
  const [support, hostnames] = await Promise.all([
    ec2.send(new DescribeVpcAttributeCommand({ VpcId: vpcId, Attribute: 'enableDnsSupport' })),
    ec2.send(new DescribeVpcAttributeCommand({ VpcId: vpcId, Attribute: 'enableDnsHostnames' })),
  ]);
  return {
    enableDnsSupport: support.EnableDnsSupport?.Value ?? false,
    enableDnsHostnames: hostnames.EnableDnsHostnames?.Value ?? false,
  };
}

/**
 * Finds VPCs by this stack's ownership tags (one paginated Describe), plus journaled VPC ids the tags
 * no longer find, and normalizes each to `{ cidrBlock, enableDnsHostnames, enableDnsSupport }`.
 */
export const ec2VpcObserver: Observer = {
  kind: 'ec2.Vpc',
  async observe(
    targets: readonly ObserveTarget[],
    ctx: ObserveContext,
  ): Promise<readonly ObservedResource[]> {
    const { ec2 } = ctx.clients;
    const tagged = await describeVpcs(ec2, ownershipFilters(ctx.project, ctx.stack));
    const missing = missingTargetIds(targets, new Set(tagged.map((v) => v.VpcId ?? '')));
    const byId = missing.length > 0 ? await describeVpcs(ec2, [{ Name: 'vpc-id', Values: missing }]) : [];
    return Promise.all(
      [...tagged, ...byId].map(async (vpc): Promise<ObservedResource> => {
        const vpcId = vpc.VpcId ?? '';
        const tags = tagListToRecord(vpc.Tags);
        const dns = await dnsAttributes(ec2, vpcId);
        return {
          kind: 'ec2.Vpc',
          ...identify(vpcId, tags, targets),
          physicalId: vpcId,
          spec: { cidrBlock: vpc.CidrBlock ?? '', ...dns },
          tags,
          outputs: { id: vpcId },
          health: vpc.State === 'pending' ? 'Progressing' : 'Healthy',
          ...(vpc.State === 'pending' ? { healthReason: 'VPC is pending' } : {}),
        };
      }),
    );
  },
};
