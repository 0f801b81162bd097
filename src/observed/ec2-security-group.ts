/**
 * Observes `ec2.SecurityGroup`: name, description, VPC and the ingress rules, one rule per source.
 *
 * @module
 */
import {
  type EC2Client,
  type Filter,
  type IpPermission,
  paginateDescribeSecurityGroups,
  type SecurityGroup,
} from '@aws-sdk/client-ec2';
import { tagListToRecord } from '../desired/tags.js';
import {
  alignToDesired,
  collectPages,
  identify,
  missingTargetIds,
  ownershipFilters,
  resolveSpecString,
  targetFor,
} from './ec2-common.js';
import type { ObserveContext, ObservedResource, Observer, ObserveTarget as Target } from './types.js';

/**
 * One ingress rule in the desired shape. AWS groups rules by (protocol, ports); the spec has one entry
 * per source. IPv6 and prefix-list sources are not rendered by stackctl but are kept so the diff sees
 * them as drift (ingress is owned whole).
 */
export type IngressRule = {
  readonly protocol: string;
  readonly fromPort: number;
  readonly toPort: number;
  readonly cidrIp?: string;
  readonly cidrIpv6?: string;
  readonly prefixListId?: string;
  readonly sourceSecurityGroupId?: string;
  readonly description: string;
};

/** AWS's port for "all ports" (protocol `-1` has no ports). */
const ALL_PORTS = -1;

/** Flattens AWS permissions into one {@link IngressRule} per source. */
export function ingressRulesFromPermissions(permissions: readonly IpPermission[] | undefined): IngressRule[] {
  const rules: IngressRule[] = [];
  for (const p of permissions ?? []) {
    const base = {
      protocol: p.IpProtocol ?? '-1',
      fromPort: p.FromPort ?? ALL_PORTS,
      toPort: p.ToPort ?? ALL_PORTS,
    };
    for (const r of p.IpRanges ?? []) {
      if (r.CidrIp) rules.push({ ...base, cidrIp: r.CidrIp, description: r.Description ?? '' });
    }
    for (const r of p.Ipv6Ranges ?? []) {
      if (r.CidrIpv6) rules.push({ ...base, cidrIpv6: r.CidrIpv6, description: r.Description ?? '' });
    }
    for (const r of p.PrefixListIds ?? []) {
      if (r.PrefixListId)
        rules.push({ ...base, prefixListId: r.PrefixListId, description: r.Description ?? '' });
    }
    for (const r of p.UserIdGroupPairs ?? []) {
      if (r.GroupId)
        rules.push({ ...base, sourceSecurityGroupId: r.GroupId, description: r.Description ?? '' });
    }
  }
  return rules;
}

async function describeGroups(ec2: EC2Client, filters: Filter[]): Promise<SecurityGroup[]> {
  return collectPages(
    paginateDescribeSecurityGroups({ client: ec2 }, { Filters: filters }),
    (p) => p.SecurityGroups,
  );
}

/** A target not found by tags or id, with the (VPC, name) pair that would collide with it. */
interface NameProbe {
  readonly target: Target;
  readonly vpcId: string;
  readonly groupName: string;
}

/**
 * SG names are unique per VPC: a same-name group without our tags blocks our create. One Describe with
 * `group-name` and `vpc-id` filters finds every such collision; pairs are matched client-side.
 */
async function findByName(ec2: EC2Client, probes: readonly NameProbe[]): Promise<Map<SecurityGroup, Target>> {
  const found = new Map<SecurityGroup, Target>();
  if (probes.length === 0) return found;
  const groups = await describeGroups(ec2, [
    { Name: 'group-name', Values: [...new Set(probes.map((p) => p.groupName))] },
    { Name: 'vpc-id', Values: [...new Set(probes.map((p) => p.vpcId))] },
  ]);
  for (const g of groups) {
    const probe = probes.find((p) => p.groupName === g.GroupName && p.vpcId === g.VpcId);
    if (probe) found.set(g, probe.target);
  }
  return found;
}

/**
 * Finds security groups by ownership tags, journaled ids, and (for targets still unfound) by group name
 * within the desired VPC, so a foreign same-name group surfaces as a conflict. Normalized to
 * `{ description, groupName, ingress, vpcId }`; egress is AWS's default and not owned.
 */
export const ec2SecurityGroupObserver: Observer = {
  kind: 'ec2.SecurityGroup',
  async observe(targets: readonly Target[], ctx: ObserveContext): Promise<readonly ObservedResource[]> {
    const { ec2 } = ctx.clients;
    const tagged = await describeGroups(ec2, ownershipFilters(ctx.project, ctx.stack));
    const missing = missingTargetIds(targets, new Set(tagged.map((g) => g.GroupId ?? '')));
    const byId = missing.length > 0 ? await describeGroups(ec2, [{ Name: 'group-id', Values: missing }]) : [];
    const known = [...tagged, ...byId];
    const foundLogicalIds = new Set(
      known.map((g) => identify(g.GroupId ?? '', tagListToRecord(g.Tags), targets).logicalId),
    );
    const probes: NameProbe[] = [];
    for (const target of targets) {
      if (foundLogicalIds.has(target.logicalId) || !target.spec) continue;
      const vpcId = resolveSpecString(target.spec.vpcId, ctx);
      const groupName = resolveSpecString(target.spec.groupName, ctx);
      if (vpcId && groupName) probes.push({ target, vpcId, groupName });
    }
    const knownIds = new Set(known.map((g) => g.GroupId));
    const byName = [...(await findByName(ec2, probes))].filter(([g]) => !knownIds.has(g.GroupId));
    const all: [SecurityGroup, Target | undefined][] = [
      ...known.map((g): [SecurityGroup, undefined] => [g, undefined]),
      ...byName,
    ];
    return all.map(([group, matched]): ObservedResource => {
      const id = group.GroupId ?? '';
      const tags = tagListToRecord(group.Tags);
      const desired = (matched ?? targetFor(id, tags, targets))?.spec;
      return {
        kind: 'ec2.SecurityGroup',
        ...identify(id, tags, targets, matched, group.GroupName),
        physicalId: id,
        spec: {
          description: group.Description ?? '',
          groupName: group.GroupName ?? '',
          ingress: alignToDesired(ingressRulesFromPermissions(group.IpPermissions), desired?.ingress, ctx),
          vpcId: group.VpcId ?? '',
        },
        tags,
        outputs: { id },
        health: 'Healthy',
      };
    });
  },
};
