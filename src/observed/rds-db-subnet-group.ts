/**
 * Observes `rds.DBSubnetGroup`: DescribeDBSubnetGroups by name for each target (plus every group the
 * tagging API lists for this stack). Tags come from the pass's tagging-API read (tag-index.ts); a group
 * it does not list (foreign, too new, or moto, which never lists subnet groups) costs a
 * ListTagsForResource by ARN, since Describe returns no tags.
 *
 * @module
 */
import {
  type DBSubnetGroup,
  DescribeDBSubnetGroupsCommand,
  ListTagsForResourceCommand,
  type RDSClient,
} from '@aws-sdk/client-rds';
import { isOwnedBy, tagListToRecord } from '../desired/tags.js';
import { alignToDesired, identify } from './ec2-common.js';
import { compactSpec, mapLimited, unlessNotFound } from './observe-helpers.js';
import { namesToDescribe, targetByName } from './tag-discovery.js';
import { indexedTags } from './tag-index.js';
import type { ObserveContext, ObservedResource, Observer, ObserveTarget } from './types.js';

/** The ARN segment of DB subnet groups in tagging API answers. */
const SUBNET_GROUP_ARN_MARKER = ':subgrp:';

/** The group named `name`, if it exists (RDS stores subnet group names lowercase). */
export async function describeDbSubnetGroup(
  rds: RDSClient,
  name: string,
): Promise<DBSubnetGroup | undefined> {
  const res = await unlessNotFound(() =>
    rds.send(new DescribeDBSubnetGroupsCommand({ DBSubnetGroupName: name.toLowerCase() })),
  );
  return res?.DBSubnetGroups?.[0];
}

/** A subnet group's tags (none when it has no ARN, which only a broken fake would return). */
export async function dbSubnetGroupTags(
  rds: RDSClient,
  group: DBSubnetGroup,
): Promise<Record<string, string>> {
  if (!group.DBSubnetGroupArn) return {};
  const res = await rds.send(new ListTagsForResourceCommand({ ResourceName: group.DBSubnetGroupArn }));
  return tagListToRecord(res.TagList);
}

/**
 * Returns every target that exists and every group tagged for this stack. Spec:
 * `{ description, subnetIds }`, the subnets ordered like the desired list; output `name`.
 */
export const rdsDbSubnetGroupObserver: Observer = {
  kind: 'rds.DBSubnetGroup',
  async observe(
    targets: readonly ObserveTarget[],
    ctx: ObserveContext,
  ): Promise<readonly ObservedResource[]> {
    const { rds } = ctx.clients;
    const names = await namesToDescribe(targets, ctx, 'rds', SUBNET_GROUP_ARN_MARKER);
    const found = await mapLimited(names, async (name) => {
      const group = await describeDbSubnetGroup(rds, name);
      if (!group) return undefined;
      const tags = (await indexedTags(ctx, group.DBSubnetGroupArn)) ?? (await dbSubnetGroupTags(rds, group));
      const groupName = group.DBSubnetGroupName ?? name;
      const matched = targetByName(groupName, targets);
      if (!matched && !isOwnedBy(tags, ctx.project, ctx.stack)) return undefined;
      const { logicalId, name: display } = identify(groupName, tags, targets, matched, groupName);
      const subnetIds = (group.Subnets ?? []).flatMap((s) =>
        s.SubnetIdentifier ? [s.SubnetIdentifier] : [],
      );
      const observed: ObservedResource = {
        kind: 'rds.DBSubnetGroup',
        logicalId,
        name: display,
        physicalId: groupName,
        spec: compactSpec({
          description: group.DBSubnetGroupDescription,
          subnetIds: alignToDesired(subnetIds, matched?.spec?.subnetIds, ctx),
        }),
        tags,
        outputs: { name: groupName },
        ...(group.SubnetGroupStatus === undefined || group.SubnetGroupStatus === 'Complete'
          ? { health: 'Healthy' as const }
          : { health: 'Progressing' as const, healthReason: `subnet group is ${group.SubnetGroupStatus}` }),
      };
      return observed;
    });
    return found.filter((o): o is ObservedResource => o !== undefined);
  },
};
