/**
 * Applies `ec2.InternetGateway`: create (or find by tag), attach to the VPC, tags, detach and delete.
 *
 * @module
 */
import {
  AttachInternetGatewayCommand,
  CreateInternetGatewayCommand,
  DeleteInternetGatewayCommand,
  DescribeInternetGatewaysCommand,
  DetachInternetGatewayCommand,
  type EC2Client,
  type InternetGateway,
} from '@aws-sdk/client-ec2';
import type { FieldDelta } from '../diff/types.js';
import type { ObservedResource } from '../observed/types.js';
import { assertObservedOwned, specString, touches } from './delta-helpers.js';
import { applyEc2TagDeltas, ec2Delete, idResult, logicalIdFilters, tagSpecifications } from './ec2-common.js';
import type { Applier, ApplyContext, ApplyResult, ResolvedResource } from './types.js';

/** EC2's answer to a detach of a gateway that is not (or no longer) attached to that VPC. */
const GATEWAY_NOT_ATTACHED = 'Gateway.NotAttached';

/** VPC ids the gateway is attached to (AWS reports an attached gateway as `available`). */
function attachedVpcs(igw: InternetGateway | undefined): string[] {
  return (igw?.Attachments ?? [])
    .filter((a) => a.VpcId && (a.State as string | undefined) !== 'detached')
    .map((a) => a.VpcId as string);
}

/** Detaches from every other VPC, then attaches to `vpcId` unless already there. */
async function ensureAttached(
  ec2: EC2Client,
  igwId: string,
  current: readonly string[],
  vpcId: string,
): Promise<void> {
  for (const other of current.filter((v) => v !== vpcId)) {
    await ec2Delete(`detaching ${igwId} from ${other}`, () =>
      ec2.send(new DetachInternetGatewayCommand({ InternetGatewayId: igwId, VpcId: other })),
    );
  }
  if (!current.includes(vpcId)) {
    await ec2.send(new AttachInternetGatewayCommand({ InternetGatewayId: igwId, VpcId: vpcId }));
  }
}

/** Internet gateway applier; create adopts a gateway already tagged with this logical id. */
export const ec2InternetGatewayApplier: Applier = {
  kind: 'ec2.InternetGateway',
  async create(desired: ResolvedResource, ctx: ApplyContext): Promise<ApplyResult> {
    const { ec2 } = ctx.clients;
    const vpcId = specString(desired.spec, 'vpcId', desired.logicalId);
    const found = await ec2.send(
      new DescribeInternetGatewaysCommand({ Filters: logicalIdFilters(ctx, desired.logicalId) }),
    );
    let igw = found.InternetGateways?.[0];
    if (!igw) {
      const created = await ec2.send(
        new CreateInternetGatewayCommand({
          TagSpecifications: tagSpecifications('internet-gateway', desired),
        }),
      );
      igw = created.InternetGateway;
    }
    const igwId = igw?.InternetGatewayId ?? '';
    await ensureAttached(ec2, igwId, attachedVpcs(igw), vpcId);
    return idResult(igwId);
  },

  async update(
    desired: ResolvedResource,
    observed: ObservedResource,
    deltas: readonly FieldDelta[],
    ctx: ApplyContext,
  ): Promise<ApplyResult> {
    assertObservedOwned(observed, ctx);
    const { ec2 } = ctx.clients;
    if (touches(deltas, 'vpcId')) {
      const current = typeof observed.spec.vpcId === 'string' ? [observed.spec.vpcId] : [];
      await ensureAttached(
        ec2,
        observed.physicalId,
        current,
        specString(desired.spec, 'vpcId', desired.logicalId),
      );
    }
    await applyEc2TagDeltas(ec2, observed.physicalId, deltas, desired);
    return idResult(observed.physicalId);
  },

  async delete(observed: ObservedResource, ctx: ApplyContext): Promise<void> {
    assertObservedOwned(observed, ctx);
    const { ec2 } = ctx.clients;
    const igwId = observed.physicalId;
    const found = await ec2.send(
      new DescribeInternetGatewaysCommand({ Filters: [{ Name: 'internet-gateway-id', Values: [igwId] }] }),
    );
    for (const vpcId of attachedVpcs(found.InternetGateways?.[0])) {
      await ec2Delete(`detaching ${igwId} from ${vpcId}`, async () => {
        try {
          await ec2.send(new DetachInternetGatewayCommand({ InternetGatewayId: igwId, VpcId: vpcId }));
        } catch (err) {
          // A resend after a lost response: the first request already detached it, which is the goal.
          if (!(err instanceof Error && err.name === GATEWAY_NOT_ATTACHED)) throw err;
        }
      });
    }
    await ec2Delete(`internet gateway ${igwId}`, () =>
      ec2.send(new DeleteInternetGatewayCommand({ InternetGatewayId: igwId })),
    );
  },
};
