/**
 * Observes `logs.LogGroup`: name and retention. Describe has no tags and ListTagsForResource reads one
 * group per call, so tags come from one Resource Groups Tagging API query for the stack (constant in the
 * number of groups), with ListTagsForResource only for groups that query does not list as ours.
 *
 * @module
 */
import {
  type CloudWatchLogsClient,
  ListTagsForResourceCommand,
  type LogGroup,
  paginateDescribeLogGroups,
} from '@aws-sdk/client-cloudwatch-logs';
import { isOwnedBy } from '../desired/tags.js';
import { collectPages, identify } from './ec2-common.js';
import { discoverTaggedResources } from './tag-discovery.js';
import type { ObserveContext, ObservedResource, Observer, ObserveTarget } from './types.js';

/** What marks a log group ARN (`arn:aws:logs:<region>:<account>:log-group:<name>`). */
const LOG_GROUP_ARN_MARKER = ':log-group:';

/** Every stackctl log group of a stack lives under this prefix, so one paginated Describe finds them all. */
export function logGroupPrefix(project: string, stack: string): string {
  return `/stackctl/${project}/${stack}/`;
}

async function describeByPrefix(logs: CloudWatchLogsClient, prefix: string): Promise<LogGroup[]> {
  return collectPages(
    paginateDescribeLogGroups({ client: logs }, { logGroupNamePrefix: prefix }),
    (p) => p.logGroups,
  );
}

/** The log group ARN without the `:*` suffix Describe appends: the form tagging APIs and IAM want. */
export function logGroupArn(group: LogGroup): string {
  return group.logGroupArn ?? (group.arn ?? '').replace(/:\*$/, '');
}

/**
 * Finds the stack's log groups (prefix `/stackctl/<project>/<stack>/`) and every target by exact name;
 * returns targets whatever their tags, and untargeted groups only when they carry this stack's tags.
 * Spec: `{ logGroupName, retentionInDays }` (retention omitted when the group never expires).
 */
export const logsLogGroupObserver: Observer = {
  kind: 'logs.LogGroup',
  async observe(
    targets: readonly ObserveTarget[],
    ctx: ObserveContext,
  ): Promise<readonly ObservedResource[]> {
    const { logs } = ctx.clients;
    const prefix = logGroupPrefix(ctx.project, ctx.stack);
    const groups = new Map<string, LogGroup>();
    for (const g of await describeByPrefix(logs, prefix)) if (g.logGroupName) groups.set(g.logGroupName, g);
    const outside = [
      ...new Set(targets.flatMap((t) => [t.name, ...(t.physicalId ? [t.physicalId] : [])])),
    ].filter((n) => !groups.has(n) && !n.startsWith(prefix));
    for (const name of outside) {
      const exact = (await describeByPrefix(logs, name)).find((g) => g.logGroupName === name);
      if (exact) groups.set(name, exact);
    }
    // One tagging call answers for every group carrying our tags; only the others (foreign, or too new
    // for the tagging index) cost a ListTagsForResource each.
    const tagged =
      groups.size > 0 ? await discoverTaggedResources(ctx, 'logs', LOG_GROUP_ARN_MARKER) : new Map();
    const observed = await Promise.all(
      [...groups.values()].map(async (group): Promise<ObservedResource | undefined> => {
        const name = group.logGroupName ?? '';
        const arn = logGroupArn(group);
        const tags =
          tagged.get(arn) ??
          (await logs.send(new ListTagsForResourceCommand({ resourceArn: arn }))).tags ??
          {};
        const matched = targets.find((t) => t.name === name);
        if (
          !matched &&
          !isOwnedBy(tags, ctx.project, ctx.stack) &&
          !targets.some((t) => t.physicalId === name)
        )
          return undefined;
        return {
          kind: 'logs.LogGroup',
          logicalId: identify(name, tags, targets, matched).logicalId,
          name,
          physicalId: name,
          spec: {
            logGroupName: name,
            ...(group.retentionInDays !== undefined ? { retentionInDays: group.retentionInDays } : {}),
          },
          tags,
          outputs: { arn, name },
          health: 'Healthy',
        };
      }),
    );
    return observed.filter((o): o is ObservedResource => o !== undefined);
  },
};
