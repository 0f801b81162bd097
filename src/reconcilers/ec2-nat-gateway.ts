/**
 * Applies `ec2.NatGateway`: a tagged Elastic IP plus the gateway; delete waits for the gateway to go and
 * then releases the Elastic IP, so nothing billable is left behind.
 *
 * @module
 */
import {
  AllocateAddressCommand,
  CreateNatGatewayCommand,
  DeleteNatGatewayCommand,
  DescribeAddressesCommand,
  DescribeNatGatewaysCommand,
  type EC2Client,
  type NatGateway,
  ReleaseAddressCommand,
} from '@aws-sdk/client-ec2';
import { awsErrorCode, classifyAwsError, isNotFound } from '../aws/errors.js';
import type { FieldDelta } from '../diff/types.js';
import type { ObservedResource } from '../observed/types.js';
import { assertObservedOwned, ignoreNotFound, specString } from './delta-helpers.js';
import { applyEc2TagDeltas, idResult, logicalIdFilters, sleep, tagSpecifications } from './ec2-common.js';
import { NotReadyError } from './errors.js';
import type { Applier, ApplyContext, ApplyResult, ResolvedResource } from './types.js';

/** States in which a NAT gateway is on its way out: never adopted, waited for on delete. */
const LEAVING_STATES: ReadonlySet<string> = new Set(['deleting', 'deleted']);

/** Delete polls the gateway this often… */
export const NAT_DELETE_POLL_MS = 5_000;
/** …and at most this long before handing back to the engine (AWS usually needs about a minute). */
export const NAT_DELETE_MAX_WAIT_MS = 120_000;
/** When the engine should come back for a NAT gateway still deleting. */
const NAT_RETRY_MS = 15_000;

async function natsByLogicalId(ec2: EC2Client, ctx: ApplyContext, logicalId: string): Promise<NatGateway[]> {
  const out = await ec2.send(new DescribeNatGatewaysCommand({ Filter: logicalIdFilters(ctx, logicalId) }));
  return out.NatGateways ?? [];
}

/**
 * An unassociated Elastic IP tagged for this NAT (left by a crash between allocate and create, or by a
 * deleted gateway), else a newly allocated, tagged one.
 */
async function ensureAddress(ec2: EC2Client, desired: ResolvedResource, ctx: ApplyContext): Promise<string> {
  const tagged = await ec2.send(
    new DescribeAddressesCommand({ Filters: logicalIdFilters(ctx, desired.logicalId) }),
  );
  const free = tagged.Addresses?.find((a) => a.AllocationId && !a.AssociationId);
  if (free?.AllocationId) return free.AllocationId;
  const allocated = await ec2.send(
    new AllocateAddressCommand({
      Domain: 'vpc',
      TagSpecifications: tagSpecifications('elastic-ip', desired),
    }),
  );
  return allocated.AllocationId ?? '';
}

/** Polls until the gateway is deleted (or unknown); a {@link NotReadyError} when it takes too long. */
async function waitDeleted(ec2: EC2Client, natId: string, signal?: AbortSignal): Promise<void> {
  const deadline = Date.now() + NAT_DELETE_MAX_WAIT_MS;
  for (;;) {
    const out = await ec2.send(
      new DescribeNatGatewaysCommand({ Filter: [{ Name: 'nat-gateway-id', Values: [natId] }] }),
    );
    const state = out.NatGateways?.[0]?.State;
    if (state === undefined || state === 'deleted') return;
    if (Date.now() + NAT_DELETE_POLL_MS > deadline) {
      throw new NotReadyError(`NAT gateway ${natId} is still ${state}`, NAT_RETRY_MS);
    }
    await sleep(NAT_DELETE_POLL_MS, signal);
  }
}

/** EC2's answer to releasing an Elastic IP that is still associated. */
const ADDRESS_IN_USE = 'InvalidIPAddress.InUse';

/**
 * Releases this NAT's tagged Elastic IPs. AWS disassociates them once the gateway is deleted; until then
 * a release is refused as in use, which becomes a {@link NotReadyError}.
 */
async function releaseAddresses(ec2: EC2Client, ctx: ApplyContext, logicalId: string): Promise<void> {
  const tagged = await ec2.send(new DescribeAddressesCommand({ Filters: logicalIdFilters(ctx, logicalId) }));
  for (const address of tagged.Addresses ?? []) {
    const allocationId = address.AllocationId;
    if (!allocationId) continue;
    try {
      await ec2.send(new ReleaseAddressCommand({ AllocationId: allocationId }));
    } catch (err) {
      if (isNotFound(err)) continue;
      if (awsErrorCode(err) === ADDRESS_IN_USE || classifyAwsError(err) === 'dependency') {
        throw new NotReadyError(`Elastic IP ${allocationId} is still in use`, NAT_RETRY_MS, { cause: err });
      }
      throw err;
    }
  }
}

/**
 * NAT gateway applier. Create adopts a live gateway tagged with this logical id, else allocates (or
 * reuses) a tagged Elastic IP and creates the gateway with the step's client token and tags.
 */
export const ec2NatGatewayApplier: Applier = {
  kind: 'ec2.NatGateway',
  async create(desired: ResolvedResource, ctx: ApplyContext): Promise<ApplyResult> {
    const { ec2 } = ctx.clients;
    const subnetId = specString(desired.spec, 'subnetId', desired.logicalId);
    // One in another subnet is the old half of a replacement; one on its way out cannot be adopted.
    const live = (await natsByLogicalId(ec2, ctx, desired.logicalId)).find(
      (n) => n.SubnetId === subnetId && !LEAVING_STATES.has(n.State ?? ''),
    );
    if (live?.NatGatewayId) return idResult(live.NatGatewayId);
    const allocationId = await ensureAddress(ec2, desired, ctx);
    const created = await ec2.send(
      new CreateNatGatewayCommand({
        SubnetId: subnetId,
        AllocationId: allocationId,
        ClientToken: ctx.clientToken,
        TagSpecifications: tagSpecifications('natgateway', desired),
      }),
    );
    return idResult(created.NatGateway?.NatGatewayId ?? '');
  },

  async update(
    desired: ResolvedResource,
    observed: ObservedResource,
    deltas: readonly FieldDelta[],
    ctx: ApplyContext,
  ): Promise<ApplyResult> {
    assertObservedOwned(observed, ctx);
    await applyEc2TagDeltas(ctx.clients.ec2, observed.physicalId, deltas, desired);
    return idResult(observed.physicalId);
  },

  async delete(observed: ObservedResource, ctx: ApplyContext): Promise<void> {
    assertObservedOwned(observed, ctx);
    const { ec2 } = ctx.clients;
    await ignoreNotFound(
      () => ec2.send(new DeleteNatGatewayCommand({ NatGatewayId: observed.physicalId })),
      isNotFound,
    );
    await waitDeleted(ec2, observed.physicalId, ctx.signal);
    await releaseAddresses(ec2, ctx, observed.logicalId);
  },
};
