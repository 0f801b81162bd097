/**
 * Applies `ec2.DhcpOptions`: the stack's DHCP options set (the namespace in the DNS search domain, so
 * short service names resolve) and its association with the stack's VPC.
 *
 * - create: adopt the set tagged with this logical id (a crashed pass's) or create it with its tags,
 *   then associate it.
 * - associate: before replacing the VPC's current set, its id is remembered in the
 *   `stackctl:previous-dhcp-options` tag of our set (once: a later drift does not overwrite it).
 * - update: option sets are immutable in EC2 (a change replaces the set); `vpcId` re-associates; tags.
 * - delete: give the VPC back its previous set (or `default` when it had none, or the previous one is
 *   gone), then DeleteDhcpOptions. NotFound is success; DependencyViolation is retried by the engine.
 *
 * @module
 */
import {
  AssociateDhcpOptionsCommand,
  CreateDhcpOptionsCommand,
  CreateTagsCommand,
  DeleteDhcpOptionsCommand,
  DescribeDhcpOptionsCommand,
  DescribeVpcsCommand,
  type EC2Client,
} from '@aws-sdk/client-ec2';
import { isNotFound } from '../aws/errors.js';
import { TAG_KEYS } from '../desired/resource-types.js';
import { recordToTagList } from '../desired/tags.js';
import type { FieldDelta } from '../diff/types.js';
import { PREVIOUS_DHCP_OPTIONS_TAG } from '../observed/ec2-dhcp-options.js';
import { unlessNotFound } from '../observed/observe-helpers.js';
import type { ObservedResource } from '../observed/types.js';
import { assertObservedOwned, specString, touches } from './delta-helpers.js';
import {
  applyEc2TagDeltas,
  ec2Delete,
  ec2Tags,
  idResult,
  logicalIdFilters,
  tagSpecifications,
} from './ec2-common.js';
import { str, strList } from './spec-read.js';
import type { Applier, ApplyContext, ApplyResult, ResolvedResource } from './types.js';

/** What AssociateDhcpOptions takes for "no options set" (AWS's own resolver settings). */
export const DEFAULT_DHCP_OPTIONS = 'default';

/** The options set `vpcId` uses now (`default` when none). */
async function currentOptionsOf(ec2: EC2Client, vpcId: string): Promise<string> {
  const res = await ec2.send(new DescribeVpcsCommand({ VpcIds: [vpcId] }));
  return res.Vpcs?.[0]?.DhcpOptionsId ?? DEFAULT_DHCP_OPTIONS;
}

/** Associates `optionsId` with `vpcId`, remembering the VPC's previous set on ours first (once). */
async function associate(
  ec2: EC2Client,
  optionsId: string,
  vpcId: string,
  hasPrevious: boolean,
): Promise<void> {
  const current = await currentOptionsOf(ec2, vpcId);
  if (current === optionsId) return;
  if (!hasPrevious) {
    await ec2.send(
      new CreateTagsCommand({
        Resources: [optionsId],
        Tags: [{ Key: PREVIOUS_DHCP_OPTIONS_TAG, Value: current }],
      }),
    );
  }
  await ec2.send(new AssociateDhcpOptionsCommand({ DhcpOptionsId: optionsId, VpcId: vpcId }));
}

/** The `ec2.DhcpOptions` applier. */
export const ec2DhcpOptionsApplier: Applier = {
  kind: 'ec2.DhcpOptions',
  async create(desired: ResolvedResource, ctx: ApplyContext): Promise<ApplyResult> {
    const { ec2 } = ctx.clients;
    const vpcId = specString(desired.spec, 'vpcId', desired.logicalId);
    const existing = await ec2.send(
      new DescribeDhcpOptionsCommand({ Filters: logicalIdFilters(ctx, desired.logicalId) }),
    );
    const domainName = str(desired.spec, 'domainName');
    const servers = strList(desired.spec, 'domainNameServers');
    // Only a set with the desired options is this one: another is the old half of a replacement.
    const found = existing.DhcpOptions?.find((d) => {
      const value = (key: string) =>
        (d.DhcpConfigurations ?? []).find((c) => c.Key === key)?.Values?.map((v) => v.Value ?? '') ?? [];
      return (
        value('domain-name').join(' ') === domainName &&
        value('domain-name-servers').join(',') === servers.join(',')
      );
    });
    let optionsId = found?.DhcpOptionsId;
    const hasPrevious = (found?.Tags ?? []).some((t) => t.Key === PREVIOUS_DHCP_OPTIONS_TAG);
    if (optionsId === undefined) {
      const created = await ec2.send(
        new CreateDhcpOptionsCommand({
          DhcpConfigurations: [
            { Key: 'domain-name', Values: [domainName] },
            { Key: 'domain-name-servers', Values: [...servers] },
          ],
          TagSpecifications: tagSpecifications('dhcp-options', desired),
        }),
      );
      optionsId = created.DhcpOptions?.DhcpOptionsId ?? '';
      // AWS tags in the create call and echoes the tags; an emulator that drops TagSpecifications for
      // option sets (moto) gets them right after, before the set is associated with anything.
      if (!(created.DhcpOptions?.Tags ?? []).some((t) => t.Key === TAG_KEYS.logicalId)) {
        await ec2.send(
          new CreateTagsCommand({ Resources: [optionsId], Tags: recordToTagList(ec2Tags(desired)) }),
        );
      }
    }
    await associate(ec2, optionsId, vpcId, hasPrevious);
    return idResult(optionsId);
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
      const vpcId = specString(desired.spec, 'vpcId', desired.logicalId);
      await associate(ec2, observed.physicalId, vpcId, observed.outputs.previousDhcpOptionsId !== undefined);
    }
    await applyEc2TagDeltas(ec2, observed.physicalId, deltas, desired);
    return idResult(observed.physicalId);
  },

  async delete(observed: ObservedResource, ctx: ApplyContext): Promise<void> {
    assertObservedOwned(observed, ctx);
    const { ec2 } = ctx.clients;
    const vpcId = observed.spec.vpcId;
    const current =
      typeof vpcId === 'string' ? await unlessNotFound(() => currentOptionsOf(ec2, vpcId)) : undefined;
    if (typeof vpcId === 'string' && current === observed.physicalId) {
      const previous = observed.outputs.previousDhcpOptionsId;
      await restore(ec2, vpcId, typeof previous === 'string' ? previous : DEFAULT_DHCP_OPTIONS);
    }
    await ec2Delete(`DHCP options ${observed.physicalId}`, () =>
      ec2.send(new DeleteDhcpOptionsCommand({ DhcpOptionsId: observed.physicalId })),
    );
  },
};

/**
 * Gives the VPC back `previous` (or `default` when that set no longer exists). The VPC goes through
 * `default` first: EC2 detaches our set either way, but an emulator that only detaches on `default`
 * (moto) would otherwise keep our set "in use" and refuse its delete forever. The moment on AWS's
 * default options only affects a DHCP lease renewed in that instant.
 */
async function restore(ec2: EC2Client, vpcId: string, previous: string): Promise<void> {
  await ec2.send(new AssociateDhcpOptionsCommand({ DhcpOptionsId: DEFAULT_DHCP_OPTIONS, VpcId: vpcId }));
  if (previous === DEFAULT_DHCP_OPTIONS) return;
  try {
    await ec2.send(new AssociateDhcpOptionsCommand({ DhcpOptionsId: previous, VpcId: vpcId }));
  } catch (err) {
    // The previous set is gone: the VPC stays on `default`.
    if (!isNotFound(err)) throw err;
  }
}
