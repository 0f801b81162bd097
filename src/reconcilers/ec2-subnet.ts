/**
 * Applies `ec2.Subnet`: create (or find by tag), public-IP mapping, tags, delete.
 *
 * @module
 */
import {
  CreateSubnetCommand,
  DeleteSubnetCommand,
  DescribeSubnetsCommand,
  type EC2Client,
  ModifySubnetAttributeCommand,
} from '@aws-sdk/client-ec2';
import type { FieldDelta } from '../diff/types.js';
import type { ObservedResource } from '../observed/types.js';
import { assertObservedOwned, specBoolean, specString, touches } from './delta-helpers.js';
import { applyEc2TagDeltas, ec2Delete, idResult, logicalIdFilters, tagSpecifications } from './ec2-common.js';
import type { Applier, ApplyContext, ApplyResult, ResolvedResource } from './types.js';

async function setMapPublicIp(ec2: EC2Client, subnetId: string, value: boolean): Promise<void> {
  await ec2.send(
    new ModifySubnetAttributeCommand({ SubnetId: subnetId, MapPublicIpOnLaunch: { Value: value } }),
  );
}

/**
 * Subnet applier. CreateSubnet takes no token, so create first adopts a subnet tagged with this logical
 * id; `mapPublicIpOnLaunch` is set only when it differs from what AWS has.
 */
export const ec2SubnetApplier: Applier = {
  kind: 'ec2.Subnet',
  async create(desired: ResolvedResource, ctx: ApplyContext): Promise<ApplyResult> {
    const { ec2 } = ctx.clients;
    const VpcId = specString(desired.spec, 'vpcId', desired.logicalId);
    const CidrBlock = specString(desired.spec, 'cidrBlock', desired.logicalId);
    const AvailabilityZone = specString(desired.spec, 'availabilityZone', desired.logicalId);
    const found = await ec2.send(
      new DescribeSubnetsCommand({ Filters: logicalIdFilters(ctx, desired.logicalId) }),
    );
    // Immutable fields must match too: a tagged subnet that differs is the old half of a replacement.
    let subnet = found.Subnets?.find(
      (s) => s.VpcId === VpcId && s.CidrBlock === CidrBlock && s.AvailabilityZone === AvailabilityZone,
    );
    if (!subnet) {
      const created = await ec2.send(
        new CreateSubnetCommand({
          VpcId,
          CidrBlock,
          AvailabilityZone,
          TagSpecifications: tagSpecifications('subnet', desired),
        }),
      );
      subnet = created.Subnet;
    }
    const subnetId = subnet?.SubnetId ?? '';
    const wantPublic = specBoolean(desired.spec, 'mapPublicIpOnLaunch');
    if ((subnet?.MapPublicIpOnLaunch ?? false) !== wantPublic)
      await setMapPublicIp(ec2, subnetId, wantPublic);
    return idResult(subnetId);
  },

  async update(
    desired: ResolvedResource,
    observed: ObservedResource,
    deltas: readonly FieldDelta[],
    ctx: ApplyContext,
  ): Promise<ApplyResult> {
    assertObservedOwned(observed, ctx);
    const { ec2 } = ctx.clients;
    if (touches(deltas, 'mapPublicIpOnLaunch')) {
      await setMapPublicIp(ec2, observed.physicalId, specBoolean(desired.spec, 'mapPublicIpOnLaunch'));
    }
    await applyEc2TagDeltas(ec2, observed.physicalId, deltas, desired);
    return idResult(observed.physicalId);
  },

  async delete(observed: ObservedResource, ctx: ApplyContext): Promise<void> {
    assertObservedOwned(observed, ctx);
    await ec2Delete(`subnet ${observed.physicalId}`, () =>
      ctx.clients.ec2.send(new DeleteSubnetCommand({ SubnetId: observed.physicalId })),
    );
  },
};
