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
import { isAlreadyExists, isNotFound } from '../aws/errors.js';
import type { FieldDelta } from '../diff/types.js';
import { logGroupArn } from '../observed/logs-log-group.js';
import type { ObservedResource } from '../observed/types.js';
import {
  assertObservedOwned,
  assertOwned,
  ignoreNotFound,
  isEmptyTagChange,
  specString,
  tagChanges,
  touches,
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

/** Creates the group with its tags; a group that appeared meanwhile is described instead. */
async function createGroup(
  logs: CloudWatchLogsClient,
  desired: ResolvedResource,
  name: string,
): Promise<void> {
  try {
    await logs.send(new CreateLogGroupCommand({ logGroupName: name, tags: { ...desired.tags } }));
  } catch (err) {
    if (!isAlreadyExists(err)) throw err;
  }
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
    let group = await describeGroup(logs, name);
    if (!group) {
      await createGroup(logs, desired, name);
      group = await describeGroup(logs, name);
    }
    if (!group) throw new Error(`${desired.logicalId}: log group ${name} vanished right after create`);
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
    const changes = tagChanges(deltas, desired.tags);
    if (!isEmptyTagChange(changes)) {
      const resourceArn = String(observed.outputs.arn);
      if (Object.keys(changes.set).length > 0) {
        await logs.send(new TagResourceCommand({ resourceArn, tags: { ...changes.set } }));
      }
      if (changes.remove.length > 0) {
        await logs.send(new UntagResourceCommand({ resourceArn, tagKeys: [...changes.remove] }));
      }
    }
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
