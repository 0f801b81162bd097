/**
 * Observes `ec2.DhcpOptions`: the stack's DHCP options set and the VPC it is associated with.
 *
 * Per pass: one DescribeDhcpOptions filtered on the stack's ownership tags (plus one by id for journaled
 * sets the tags no longer find), and, when any set is found, one DescribeVpcs filtered on their ids for
 * the association (`vpcId`; absent when no VPC uses the set).
 *
 * The `stackctl:previous-dhcp-options` tag (the set the VPC had before stackctl associated its own,
 * restored on delete) is bookkeeping, not ownership: it is moved from `tags` to the output
 * `previousDhcpOptionsId`, so the diff never plans its removal.
 *
 * @module
 */
import {
  DescribeVpcsCommand,
  type DhcpOptions,
  type EC2Client,
  type Filter,
  paginateDescribeDhcpOptions,
} from '@aws-sdk/client-ec2';
import { tagListToRecord } from '../desired/tags.js';
import {
  collectPages,
  identify,
  missingTargetIds,
  ownershipFilters,
  resolveSpecString,
} from './ec2-common.js';
import type { ObserveContext, ObservedResource, Observer, ObserveTarget } from './types.js';

/** Tag on stackctl's options set naming the set the VPC had before (`default` for none). */
export const PREVIOUS_DHCP_OPTIONS_TAG = 'stackctl:previous-dhcp-options';

/** The DHCP configuration keys the spec owns. */
const DOMAIN_NAME = 'domain-name';
const DOMAIN_NAME_SERVERS = 'domain-name-servers';

async function describeOptions(ec2: EC2Client, filters: Filter[]): Promise<DhcpOptions[]> {
  return collectPages(
    paginateDescribeDhcpOptions({ client: ec2 }, { Filters: filters }),
    (p) => p.DhcpOptions,
  );
}

function configValues(set: DhcpOptions, key: string): string[] {
  const entry = (set.DhcpConfigurations ?? []).find((c) => c.Key === key);
  return (entry?.Values ?? []).map((v) => v.Value ?? '');
}

/** Options set id → the VPCs using it, sorted. */
async function associations(ec2: EC2Client, ids: readonly string[]): Promise<Map<string, string[]>> {
  const map = new Map<string, string[]>();
  if (ids.length === 0) return map;
  const res = await ec2.send(
    new DescribeVpcsCommand({ Filters: [{ Name: 'dhcp-options-id', Values: [...ids] }] }),
  );
  for (const vpc of res.Vpcs ?? []) {
    const id = vpc.DhcpOptionsId ?? '';
    map.set(id, [...(map.get(id) ?? []), vpc.VpcId ?? ''].sort());
  }
  return map;
}

/** The VPC to report: the target's desired VPC when the set is associated with it, else the first one. */
function associatedVpc(vpcs: readonly string[], target: ObserveTarget | undefined, ctx: ObserveContext) {
  const wanted = resolveSpecString(target?.spec?.vpcId, ctx);
  return wanted !== undefined && vpcs.includes(wanted) ? wanted : vpcs[0];
}

/** The `ec2.DhcpOptions` observer. */
export const ec2DhcpOptionsObserver: Observer = {
  kind: 'ec2.DhcpOptions',
  async observe(targets, ctx) {
    const { ec2 } = ctx.clients;
    const tagged = await describeOptions(ec2, ownershipFilters(ctx.project, ctx.stack));
    const missing = missingTargetIds(targets, new Set(tagged.map((d) => d.DhcpOptionsId ?? '')));
    const byId =
      missing.length > 0 ? await describeOptions(ec2, [{ Name: 'dhcp-options-id', Values: missing }]) : [];
    const sets = [...tagged, ...byId];
    const vpcsOf = await associations(
      ec2,
      sets.map((d) => d.DhcpOptionsId ?? ''),
    );
    return sets.map((set): ObservedResource => {
      const id = set.DhcpOptionsId ?? '';
      const { [PREVIOUS_DHCP_OPTIONS_TAG]: previous, ...tags } = tagListToRecord(set.Tags);
      const who = identify(id, tags, targets);
      const target = targets.find((t) => t.logicalId === who.logicalId);
      const vpcId = associatedVpc(vpcsOf.get(id) ?? [], target, ctx);
      return {
        kind: 'ec2.DhcpOptions',
        ...who,
        physicalId: id,
        spec: {
          domainName: configValues(set, DOMAIN_NAME).join(' '),
          domainNameServers: configValues(set, DOMAIN_NAME_SERVERS),
          ...(vpcId === undefined ? {} : { vpcId }),
        },
        tags,
        outputs: { id, ...(previous === undefined ? {} : { previousDhcpOptionsId: previous }) },
        health: 'Healthy',
      };
    });
  },
};
