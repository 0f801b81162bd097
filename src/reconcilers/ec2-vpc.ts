/**
 * Applies `ec2.Vpc`: create (found again by tag when it already exists), DNS attributes, tags, delete.
 *
 * @module
 */
import {
  CreateVpcCommand,
  DeleteVpcCommand,
  DescribeVpcsCommand,
  type EC2Client,
  ModifyVpcAttributeCommand,
} from '@aws-sdk/client-ec2';
import type { FieldDelta } from '../diff/types.js';
import type { ObservedResource } from '../observed/types.js';
import { assertObservedOwned, specBoolean, specString, touches } from './delta-helpers.js';
import { applyEc2TagDeltas, ec2Delete, idResult, logicalIdFilters, tagSpecifications } from './ec2-common.js';
import type { Applier, ApplyContext, ApplyResult, ResolvedResource } from './types.js';

/** The two DNS flags; AWS takes one attribute per ModifyVpcAttribute call. */
const DNS_ATTRIBUTES = ['enableDnsSupport', 'enableDnsHostnames'] as const;

/** Hostnames need support: enable support first, but disable hostnames before support. */
function dnsOrder(spec: ResolvedResource['spec']): readonly (typeof DNS_ATTRIBUTES)[number][] {
  return specBoolean(spec, 'enableDnsSupport') ? DNS_ATTRIBUTES : ['enableDnsHostnames', 'enableDnsSupport'];
}

async function setDnsAttribute(
  ec2: EC2Client,
  vpcId: string,
  attr: (typeof DNS_ATTRIBUTES)[number],
  value: boolean,
): Promise<void> {
  const input =
    attr === 'enableDnsSupport'
      ? { VpcId: vpcId, EnableDnsSupport: { Value: value } }
      : { VpcId: vpcId, EnableDnsHostnames: { Value: value } };
  await ec2.send(new ModifyVpcAttributeCommand(input));
}

/**
 * VPC applier. A VPC has no idempotency token, so create first looks for one tagged with this logical id
 * and adopts it; DNS support is set before hostnames (hostnames need support).
 */
export const ec2VpcApplier: Applier = {
  kind: 'ec2.Vpc',
  async create(desired: ResolvedResource, ctx: ApplyContext): Promise<ApplyResult> {
    const { ec2 } = ctx.clients;
    const cidrBlock = specString(desired.spec, 'cidrBlock', desired.logicalId);
    const existing = await ec2.send(
      new DescribeVpcsCommand({ Filters: logicalIdFilters(ctx, desired.logicalId) }),
    );
    // Only a VPC with the desired CIDR is this one: another is the old half of a replacement.
    let vpcId = existing.Vpcs?.find((v) => v.CidrBlock === cidrBlock)?.VpcId;
    if (!vpcId) {
      const created = await ec2.send(
        new CreateVpcCommand({ CidrBlock: cidrBlock, TagSpecifications: tagSpecifications('vpc', desired) }),
      );
      vpcId = created.Vpc?.VpcId ?? '';
    }
    for (const attr of dnsOrder(desired.spec))
      await setDnsAttribute(ec2, vpcId, attr, specBoolean(desired.spec, attr));
    return idResult(vpcId);
  },

  async update(
    desired: ResolvedResource,
    observed: ObservedResource,
    deltas: readonly FieldDelta[],
    ctx: ApplyContext,
  ): Promise<ApplyResult> {
    assertObservedOwned(observed, ctx);
    const { ec2 } = ctx.clients;
    for (const attr of dnsOrder(desired.spec)) {
      if (touches(deltas, attr))
        await setDnsAttribute(ec2, observed.physicalId, attr, specBoolean(desired.spec, attr));
    }
    await applyEc2TagDeltas(ec2, observed.physicalId, deltas, desired);
    return idResult(observed.physicalId);
  },

  async delete(observed: ObservedResource, ctx: ApplyContext): Promise<void> {
    assertObservedOwned(observed, ctx);
    await ec2Delete(`VPC ${observed.physicalId}`, () =>
      ctx.clients.ec2.send(new DeleteVpcCommand({ VpcId: observed.physicalId })),
    );
  },
};
