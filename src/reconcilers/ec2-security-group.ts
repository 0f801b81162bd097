/**
 * Applies `ec2.SecurityGroup`: create (or adopt by name within the VPC), ingress rules as a set delta,
 * tags, delete. Egress stays AWS's default allow-all and is never touched.
 *
 * @module
 */
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  DeleteSecurityGroupCommand,
  DescribeSecurityGroupsCommand,
  type EC2Client,
  type IpPermission,
  RevokeSecurityGroupIngressCommand,
  type SecurityGroup,
  UpdateSecurityGroupRuleDescriptionsIngressCommand,
} from '@aws-sdk/client-ec2';
import { awsErrorCode, isAlreadyExists, isNotFound } from '../aws/errors.js';
import { stableJson } from '../desired/render/canonical.js';
import { tagListToRecord } from '../desired/tags.js';
import type { FieldDelta } from '../diff/types.js';
import { type IngressRule, ingressRulesFromPermissions } from '../observed/ec2-security-group.js';
import type { ObservedResource } from '../observed/types.js';
import { assertObservedOwned, assertOwned, specString, touches } from './delta-helpers.js';
import { applyEc2TagDeltas, ec2Delete, idResult, tagSpecifications } from './ec2-common.js';
import type { Applier, ApplyContext, ApplyResult, ResolvedResource } from './types.js';

/** AWS's answer to authorizing a rule that is already there: the desired state already holds. */
const DUPLICATE_PERMISSION = 'InvalidPermission.Duplicate';

/** Reads the resolved `ingress` list into rules (the engine resolved every ref to a group id). */
export function parseIngress(value: unknown): IngressRule[] {
  if (!Array.isArray(value)) return [];
  return value.map((item: unknown) => {
    const o = (typeof item === 'object' && item !== null ? item : {}) as Record<string, unknown>;
    const source = (k: string): Record<string, string> =>
      typeof o[k] === 'string' ? { [k]: o[k] as string } : {};
    return {
      protocol: typeof o.protocol === 'string' ? o.protocol : 'tcp',
      fromPort: Number(o.fromPort),
      toPort: Number(o.toPort),
      ...source('cidrIp'),
      ...source('cidrIpv6'),
      ...source('prefixListId'),
      ...source('sourceSecurityGroupId'),
      description: typeof o.description === 'string' ? o.description : '',
    };
  });
}

/** What makes a rule the same rule for AWS: everything but its description. */
function ruleKey(rule: IngressRule): string {
  const { description: _ignored, ...identity } = rule;
  return stableJson(identity);
}

/** One rule as an AWS permission (a description is sent only when there is one). */
export function permissionOf(rule: IngressRule): IpPermission {
  const desc = rule.description ? { Description: rule.description } : {};
  return {
    IpProtocol: rule.protocol,
    ...(rule.protocol === '-1' ? {} : { FromPort: rule.fromPort, ToPort: rule.toPort }),
    ...(rule.cidrIp ? { IpRanges: [{ CidrIp: rule.cidrIp, ...desc }] } : {}),
    ...(rule.cidrIpv6 ? { Ipv6Ranges: [{ CidrIpv6: rule.cidrIpv6, ...desc }] } : {}),
    ...(rule.prefixListId ? { PrefixListIds: [{ PrefixListId: rule.prefixListId, ...desc }] } : {}),
    ...(rule.sourceSecurityGroupId
      ? { UserIdGroupPairs: [{ GroupId: rule.sourceSecurityGroupId, ...desc }] }
      : {}),
  };
}

/** Authorizes rules one per call, so one already present (Duplicate) does not block the others. */
async function authorize(ec2: EC2Client, groupId: string, rules: readonly IngressRule[]): Promise<void> {
  for (const rule of rules) {
    try {
      await ec2.send(
        new AuthorizeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: [permissionOf(rule)] }),
      );
    } catch (err) {
      if (awsErrorCode(err) !== DUPLICATE_PERMISSION) throw err;
    }
  }
}

/** Revokes rules one per call; a rule already gone is fine. */
async function revoke(ec2: EC2Client, groupId: string, rules: readonly IngressRule[]): Promise<void> {
  for (const rule of rules) {
    try {
      await ec2.send(
        new RevokeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: [permissionOf(rule)] }),
      );
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}

/** Revokes removed rules, authorizes added ones, and re-describes rules whose only change is the text. */
async function convergeIngress(
  ec2: EC2Client,
  groupId: string,
  current: readonly IngressRule[],
  wanted: readonly IngressRule[],
): Promise<void> {
  const have = new Map(current.map((r) => [ruleKey(r), r]));
  const want = new Map(wanted.map((r) => [ruleKey(r), r]));
  await revoke(
    ec2,
    groupId,
    [...have].filter(([k]) => !want.has(k)).map(([, r]) => r),
  );
  await authorize(
    ec2,
    groupId,
    [...want].filter(([k]) => !have.has(k)).map(([, r]) => r),
  );
  const redescribe = [...want].filter(([k, r]) => have.has(k) && have.get(k)?.description !== r.description);
  if (redescribe.length > 0) {
    await ec2.send(
      new UpdateSecurityGroupRuleDescriptionsIngressCommand({
        GroupId: groupId,
        IpPermissions: redescribe.map(([, r]) => permissionOf(r)),
      }),
    );
  }
}

async function findByName(
  ec2: EC2Client,
  vpcId: string,
  groupName: string,
): Promise<SecurityGroup | undefined> {
  const out = await ec2.send(
    new DescribeSecurityGroupsCommand({
      Filters: [
        { Name: 'vpc-id', Values: [vpcId] },
        { Name: 'group-name', Values: [groupName] },
      ],
    }),
  );
  return out.SecurityGroups?.[0];
}

/** Creates the group, or returns the same-name one a concurrent or crashed create left. */
async function createOrFind(
  ec2: EC2Client,
  desired: ResolvedResource,
  vpcId: string,
  groupName: string,
): Promise<{ group: SecurityGroup | undefined; groupId: string }> {
  try {
    const out = await ec2.send(
      new CreateSecurityGroupCommand({
        GroupName: groupName,
        Description: specString(desired.spec, 'description', desired.logicalId),
        VpcId: vpcId,
        TagSpecifications: tagSpecifications('security-group', desired),
      }),
    );
    return { group: undefined, groupId: out.GroupId ?? '' };
  } catch (err) {
    if (!isAlreadyExists(err)) throw err;
    const group = await findByName(ec2, vpcId, groupName);
    if (!group) throw err;
    return { group, groupId: group.GroupId ?? '' };
  }
}

/**
 * Security group applier. Names are unique per VPC, so create looks the name up first: ours (by tags) is
 * adopted, anyone else's is an {@link OwnershipConflictError} and stays untouched.
 */
export const ec2SecurityGroupApplier: Applier = {
  kind: 'ec2.SecurityGroup',
  async create(desired: ResolvedResource, ctx: ApplyContext): Promise<ApplyResult> {
    const { ec2 } = ctx.clients;
    const vpcId = specString(desired.spec, 'vpcId', desired.logicalId);
    const groupName = specString(desired.spec, 'groupName', desired.logicalId);
    let group = await findByName(ec2, vpcId, groupName);
    let groupId = group?.GroupId ?? '';
    if (!group) ({ group, groupId } = await createOrFind(ec2, desired, vpcId, groupName));
    if (group) assertOwned(desired.logicalId, groupId, tagListToRecord(group.Tags), ctx);
    const current = ingressRulesFromPermissions(group?.IpPermissions);
    await convergeIngress(ec2, groupId, current, parseIngress(desired.spec.ingress));
    return idResult(groupId);
  },

  async update(
    desired: ResolvedResource,
    observed: ObservedResource,
    deltas: readonly FieldDelta[],
    ctx: ApplyContext,
  ): Promise<ApplyResult> {
    assertObservedOwned(observed, ctx);
    const { ec2 } = ctx.clients;
    if (touches(deltas, 'ingress')) {
      const current = parseIngress(observed.spec.ingress);
      await convergeIngress(ec2, observed.physicalId, current, parseIngress(desired.spec.ingress));
    }
    await applyEc2TagDeltas(ec2, observed.physicalId, deltas, desired);
    return idResult(observed.physicalId);
  },

  async delete(observed: ObservedResource, ctx: ApplyContext): Promise<void> {
    assertObservedOwned(observed, ctx);
    await ec2Delete(`security group ${observed.physicalId}`, () =>
      ctx.clients.ec2.send(new DeleteSecurityGroupCommand({ GroupId: observed.physicalId })),
    );
  },
};
