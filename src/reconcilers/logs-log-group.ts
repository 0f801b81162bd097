/**
 * Applies `logs.LogGroup`: create with tags, retention, tag deltas, delete.
 *
 * @module
 */
import {
  type CloudWatchLogsClient,
  CreateLogGroupCommand,
  DeleteLogGroupCommand,
  DeleteRetentionPolicyCommand,
  DescribeLogGroupsCommand,
  ListTagsForResourceCommand,
  type LogGroup,
  PutRetentionPolicyCommand,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { isNotFound } from '../aws/errors.js';
import type { FieldDelta } from '../diff/types.js';
import { logGroupArn } from '../observed/logs-log-group.js';
import type { ObservedResource } from '../observed/types.js';
import { readOrCreate } from './create-or-adopt.js';
import {
  assertObservedOwned,
  assertOwned,
  ignoreNotFound,
  specString,
  touches,
  writeTagDeltas,
} from './delta-helpers.js';
import type { Applier, ApplyContext, ApplyResult, ResolvedResource } from './types.js';

/** The exact group (DescribeLogGroups only filters by prefix). */
async function describeGroup(logs: CloudWatchLogsClient, name: string): Promise<LogGroup | undefined> {
  const out = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: name }));
  return out.logGroups?.find((g) => g.logGroupName === name);
}

function desiredRetention(spec: ResolvedResource['spec']): number | undefined {
  return typeof spec.retentionInDays === 'number' ? spec.retentionInDays : undefined;
}

/** Puts the desired retention, or removes the policy (never expire) when the spec has none. */
async function setRetention(
  logs: CloudWatchLogsClient,
  name: string,
  days: number | undefined,
): Promise<void> {
  if (days === undefined) await logs.send(new DeleteRetentionPolicyCommand({ logGroupName: name }));
  else await logs.send(new PutRetentionPolicyCommand({ logGroupName: name, retentionInDays: days }));
}

function result(group: LogGroup, name: string): ApplyResult {
  return { physicalId: name, outputs: { arn: logGroupArn(group), name } };
}

/**
 * Log group applier. Create checks the exact name first: a group tagged for this stack is adopted (its
 * retention set), any other is an {@link OwnershipConflictError}.
 */
export const logsLogGroupApplier: Applier = {
  kind: 'logs.LogGroup',
  async create(desired: ResolvedResource, ctx: ApplyContext): Promise<ApplyResult> {
    const { logs } = ctx.clients;
    const name = specString(desired.spec, 'logGroupName', desired.logicalId);
    // A group that appeared meanwhile is described instead (readOrCreate ignores AlreadyExists).
    const group = await readOrCreate({
      read: () => describeGroup(logs, name),
      create: () => logs.send(new CreateLogGroupCommand({ logGroupName: name, tags: { ...desired.tags } })),
      what: `${desired.logicalId}: log group ${name}`,
    });
    const tags =
      (await logs.send(new ListTagsForResourceCommand({ resourceArn: logGroupArn(group) }))).tags ?? {};
    assertOwned(desired.logicalId, name, tags, ctx);
    const days = desiredRetention(desired.spec);
    if (group.retentionInDays !== days) await setRetention(logs, name, days);
    return result(group, name);
  },

  async update(
    desired: ResolvedResource,
    observed: ObservedResource,
    deltas: readonly FieldDelta[],
    ctx: ApplyContext,
  ): Promise<ApplyResult> {
    assertObservedOwned(observed, ctx);
    const { logs } = ctx.clients;
    const name = observed.physicalId;
    if (touches(deltas, 'retentionInDays')) await setRetention(logs, name, desiredRetention(desired.spec));
    const resourceArn = String(observed.outputs.arn);
    await writeTagDeltas(deltas, desired.tags, {
      set: (tags) => logs.send(new TagResourceCommand({ resourceArn, tags: { ...tags } })),
      remove: (keys) => logs.send(new UntagResourceCommand({ resourceArn, tagKeys: [...keys] })),
    });
    return { physicalId: name, outputs: observed.outputs };
  },

  async delete(observed: ObservedResource, ctx: ApplyContext): Promise<void> {
    assertObservedOwned(observed, ctx);
    await ignoreNotFound(
      () => ctx.clients.logs.send(new DeleteLogGroupCommand({ logGroupName: observed.physicalId })),
      isNotFound,
    );
  },
};
