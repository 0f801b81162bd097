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
  type DhcpOptions,
  type EC2Client,
} from '@aws-sdk/client-ec2';
import { isNotFound } from '../aws/errors.js';
import { AMAZON_PROVIDED_DNS } from '../desired/render/render-discovery.js';
import { TAG_KEYS } from '../desired/resource-types.js';
import { isOwnedBy, recordToTagList, tagListToRecord } from '../desired/tags.js';
import type { FieldDelta } from '../diff/types.js';
import { StackctlError } from '../errors.js';
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
import { OwnershipConflictError } from './errors.js';
import { str, strList } from './spec-read.js';
import type { Applier, ApplyContext, ApplyResult, ResolvedResource } from './types.js';

/** What AssociateDhcpOptions takes for "no options set" (AWS's own resolver settings). */
export const DEFAULT_DHCP_OPTIONS = 'default';

/** The options set `vpcId` uses now (`default` when none). */
async function currentOptionsOf(ec2: EC2Client, vpcId: string): Promise<string> {
  const res = await ec2.send(new DescribeVpcsCommand({ VpcIds: [vpcId] }));
  return res.Vpcs?.[0]?.DhcpOptionsId ?? DEFAULT_DHCP_OPTIONS;
}

/** Stable code of {@link DhcpOptionsRefusedError}. */
export const DHCP_OPTIONS_REFUSED = 'DHCP_OPTIONS_REFUSED';

/**
 * The VPC's current options set holds settings stackctl's set would drop for every workload in the VPC
 * (custom DNS servers, NTP, NetBIOS): replacing it could break DNS for machines that are not the stack's.
 */
export class DhcpOptionsRefusedError extends StackctlError {
  constructor(logicalId: string, vpcId: string, current: string, settings: readonly string[]) {
    super(
      DHCP_OPTIONS_REFUSED,
      `${logicalId}: VPC ${vpcId} uses DHCP options ${current} with ${settings.join(', ')}; ` +
        '`network.dhcpOptions: manage` would replace them for every workload in the VPC, so stackctl will ' +
        "not. Add the stack's namespace to that set's domain-name yourself and remove `dhcpOptions: manage`.",
    );
    this.name = 'DhcpOptionsRefusedError';
  }
}

/** The settings of `set` that are more than a search domain on AWS's own resolver. */
function customSettings(set: DhcpOptions): string[] {
  return (set.DhcpConfigurations ?? []).flatMap((c) => {
    const values = (c.Values ?? []).map((v) => v.Value ?? '');
    if (c.Key === 'domain-name') return [];
    if (c.Key === 'domain-name-servers' && values.every((v) => v === AMAZON_PROVIDED_DNS)) return [];
    return [`${c.Key} ${values.join(' ')}`];
  });
}

/**
 * Checks that the VPC's current set may be replaced: it is AWS's default, a set without stackctl tags
 * that only names a search domain on AWS's resolver, or ours. Another stack's set is a conflict (two
 * stacks would take the VPC from each other every pass).
 */
async function assertReplaceable(
  ec2: EC2Client,
  logicalId: string,
  vpcId: string,
  current: string,
  ctx: ApplyContext,
): Promise<void> {
  if (current === DEFAULT_DHCP_OPTIONS) return;
  const set = (await ec2.send(new DescribeDhcpOptionsCommand({ DhcpOptionsIds: [current] })))
    .DhcpOptions?.[0];
  if (set === undefined) return;
  const tags = tagListToRecord(set.Tags);
  if (tags[TAG_KEYS.project] !== undefined && !isOwnedBy(tags, ctx.project, ctx.stack)) {
    const owner = `${tags[TAG_KEYS.project]}/${tags[TAG_KEYS.stack] ?? '?'}`;
    throw new OwnershipConflictError(logicalId, `VPC ${vpcId}'s DHCP options ${current}`, '', {
      owners: [owner],
    });
  }
  const custom = customSettings(set);
  if (custom.length > 0) throw new DhcpOptionsRefusedError(logicalId, vpcId, current, custom);
}

/** Associates `optionsId` with `vpcId`, remembering the VPC's previous set on ours first (once). */
async function associate(
  ec2: EC2Client,
  optionsId: string,
  vpcId: string,
  hasPrevious: boolean,
  guard: { readonly logicalId: string; readonly ctx: ApplyContext },
): Promise<void> {
  const current = await currentOptionsOf(ec2, vpcId);
  if (current === optionsId) return;
  await assertReplaceable(ec2, guard.logicalId, vpcId, current, guard.ctx);
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

async function tagOurs(ec2: EC2Client, optionsId: string, desired: ResolvedResource): Promise<void> {
  await ec2.send(new CreateTagsCommand({ Resources: [optionsId], Tags: recordToTagList(ec2Tags(desired)) }));
}

/** An options set with no tags at all and exactly `domainName` and `servers`: a crashed create's. */
async function untaggedLeftover(
  ec2: EC2Client,
  domainName: string,
  servers: readonly string[],
): Promise<string | undefined> {
  const all = (await ec2.send(new DescribeDhcpOptionsCommand({}))).DhcpOptions ?? [];
  return all.find((d) => (d.Tags ?? []).length === 0 && hasOptions(d, domainName, servers))?.DhcpOptionsId;
}

function hasOptions(d: DhcpOptions, domainName: string, servers: readonly string[]): boolean {
  const value = (key: string) =>
    (d.DhcpConfigurations ?? []).find((c) => c.Key === key)?.Values?.map((v) => v.Value ?? '') ?? [];
  return (
    value('domain-name').join(' ') === domainName &&
    value('domain-name-servers').join(',') === servers.join(',')
  );
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
    const found = existing.DhcpOptions?.find((d) => hasOptions(d, domainName, servers));
    // A crash between an emulator's untagged create and its tags (below) leaves the set untagged: the
    // domain name holds the stack's own namespace, so an untagged set with exactly our options is ours.
    let optionsId = found?.DhcpOptionsId ?? (await untaggedLeftover(ec2, domainName, servers));
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
        await tagOurs(ec2, optionsId, desired);
      }
    } else if (found === undefined) {
      await tagOurs(ec2, optionsId, desired);
    }
    await associate(ec2, optionsId, vpcId, hasPrevious, { logicalId: desired.logicalId, ctx });
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
      await associate(ec2, observed.physicalId, vpcId, observed.outputs.previousDhcpOptionsId !== undefined, {
        logicalId: desired.logicalId,
        ctx,
      });
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
