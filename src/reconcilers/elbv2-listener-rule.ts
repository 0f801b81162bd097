/**
 * Applies `elbv2.ListenerRule`. CreateRule has no idempotency token and rules have no name, so create
 * first looks for a rule of the listener carrying this logical id and our tags (adopted), then
 * CreateRule with priority, conditions, action and tags. PriorityInUse is a conflict when a foreign rule
 * holds the priority, and a NotReadyError when one of this stack's rules does (it is being moved or
 * removed in the same pass). Update: ModifyRule for conditions/action, SetRulePriorities for priority.
 *
 * @module
 */
import {
  CreateRuleCommand,
  DeleteRuleCommand,
  ModifyRuleCommand,
  type ModifyRuleCommandInput,
  type Rule,
  SetRulePrioritiesCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { isAlreadyExists, isNotFound } from '../aws/errors.js';
import { TAG_KEYS } from '../desired/resource-types.js';
import { isOwnedBy, recordToTagList } from '../desired/tags.js';
import { describeElbTags } from '../observed/elbv2-common.js';
import { listRules } from '../observed/elbv2-listener-rule.js';
import { assertObservedOwned, touches } from './apply-helpers.js';
import { syncElbTags, toAction, toConditions } from './elbv2-common.js';
import { NotReadyError, OwnershipConflictError } from './errors.js';
import { num, obj, str } from './spec-read.js';
import type { Applier, ApplyContext, ApplyResult, ResolvedResource } from './types.js';

/** How long the engine waits before retrying when another rule of this stack still holds the priority. */
const PRIORITY_BUSY_RETRY_MS = 10_000;

interface ListenerRules {
  readonly rules: readonly Rule[];
  readonly tagsOf: (r: Rule) => Readonly<Record<string, string>>;
}

async function readRules(desired: ResolvedResource, ctx: ApplyContext): Promise<ListenerRules> {
  const rules = await listRules(ctx, str(desired.spec, 'listenerArn'));
  const tags = await describeElbTags(
    ctx.clients.elbv2,
    rules.map((r) => r.RuleArn ?? ''),
  );
  return { rules, tagsOf: (r) => tags.get(r.RuleArn ?? '') ?? {} };
}

function findOurs(desired: ResolvedResource, ctx: ApplyContext, found: ListenerRules): Rule | undefined {
  return found.rules.find(
    (r) =>
      isOwnedBy(found.tagsOf(r), ctx.project, ctx.stack) &&
      found.tagsOf(r)[TAG_KEYS.logicalId] === desired.logicalId,
  );
}

/** Explains a PriorityInUse: whose rule holds the priority decides between waiting and a conflict. */
async function priorityHeld(desired: ResolvedResource, ctx: ApplyContext, cause: unknown): Promise<Error> {
  const found = await readRules(desired, ctx);
  const priority = String(num(desired.spec, 'priority'));
  const holder = found.rules.find((r) => r.Priority === priority);
  const holderArn = holder?.RuleArn ?? `priority ${priority}`;
  if (holder && isOwnedBy(found.tagsOf(holder), ctx.project, ctx.stack)) {
    const label = found.tagsOf(holder)[TAG_KEYS.logicalId] ?? holderArn;
    return new NotReadyError(
      `${desired.logicalId}: priority ${priority} is still held by ${label}`,
      PRIORITY_BUSY_RETRY_MS,
      {
        cause,
      },
    );
  }
  return new OwnershipConflictError(desired.logicalId, holderArn, `a rule with priority ${priority}`, {
    cause,
  });
}

function result(r: Rule | undefined): ApplyResult {
  const arn = r?.RuleArn ?? '';
  return { physicalId: arn, outputs: { arn } };
}

/** The `elbv2.ListenerRule` applier. */
export const elbv2ListenerRuleApplier: Applier = {
  kind: 'elbv2.ListenerRule',

  async create(desired, ctx) {
    const ours = findOurs(desired, ctx, await readRules(desired, ctx));
    if (ours) return result(ours);
    const s = desired.spec;
    try {
      const res = await ctx.clients.elbv2.send(
        new CreateRuleCommand({
          ListenerArn: str(s, 'listenerArn'),
          Priority: num(s, 'priority'),
          Conditions: toConditions(s),
          Actions: [toAction(obj(s, 'action'))],
          Tags: recordToTagList(desired.tags),
        }),
      );
      return result(res.Rules?.[0]);
    } catch (err) {
      if (isAlreadyExists(err)) throw await priorityHeld(desired, ctx, err);
      throw err;
    }
  },

  async update(desired, observed, deltas, ctx) {
    assertObservedOwned(observed, ctx, 'update');
    const s = desired.spec;
    const arn = observed.physicalId;
    if (touches(deltas, 'conditions', 'action')) {
      const input: ModifyRuleCommandInput = { RuleArn: arn };
      if (touches(deltas, 'conditions')) input.Conditions = toConditions(s);
      if (touches(deltas, 'action')) input.Actions = [toAction(obj(s, 'action'))];
      await ctx.clients.elbv2.send(new ModifyRuleCommand(input));
    }
    if (touches(deltas, 'priority')) {
      try {
        await ctx.clients.elbv2.send(
          new SetRulePrioritiesCommand({ RulePriorities: [{ RuleArn: arn, Priority: num(s, 'priority') }] }),
        );
      } catch (err) {
        if (isAlreadyExists(err)) throw await priorityHeld(desired, ctx, err);
        throw err;
      }
    }
    await syncElbTags(ctx.clients, arn, desired.tags, observed.tags);
    return { physicalId: arn, outputs: { arn } };
  },

  async delete(observed, ctx) {
    assertObservedOwned(observed, ctx, 'delete');
    try {
      await ctx.clients.elbv2.send(new DeleteRuleCommand({ RuleArn: observed.physicalId }));
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  },
};
