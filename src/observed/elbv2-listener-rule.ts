/**
 * Observes `elbv2.ListenerRule`: DescribeRules of every listener this pass knows (targets' resolved
 * `listenerArn`, the journal's rule ARNs, listener outputs), tags via DescribeTags. Both usually come
 * from the pass's shared reads: the listener observer read them with the listeners (pass-reads.ts).
 *
 * Rules have no name: a rule is this target's when it carries the target's `stackctl:logical-id` tag; an
 * untagged rule holding the target's priority on its listener is returned too, so the diff reports the
 * conflict instead of failing on PriorityInUse. Default rules are the listener's and never returned.
 *
 * @module
 */
import { paginateDescribeRules, type Rule } from '@aws-sdk/client-elastic-load-balancing-v2';
import { isNotFound } from '../aws/errors.js';
import type { Spec } from '../desired/resource-types.js';
import { isOwnedBy } from '../desired/tags.js';
import {
  ELB_PAGE_SIZE,
  listenerArnOfRule,
  normalizeAction,
  normalizeConditions,
  onePerLogicalId,
  outputArns,
  passElbTags,
} from './elbv2-common.js';
import { identify, targetString, uniqueSorted } from './observe-helpers.js';
import { readOnce } from './pass-reads.js';
import type { ObserveContext, ObservedResource, Observer, ObserveTarget } from './types.js';

/** A described rule (of `listenerArn`) in the `elbv2.ListenerRule` spec shape. */
export function normalizeRule(r: Rule, listenerArn: string): Spec {
  return {
    action: normalizeAction(r.Actions?.[0]),
    conditions: normalizeConditions(r.Conditions),
    listenerArn,
    priority: Number(r.Priority),
  };
}

/**
 * {@link listRules} once per pass: the listener observer reads the rules of the listeners it finds (so
 * their tags share the listeners' DescribeTags call) and this observer reuses them.
 */
export function passRules(ctx: Pick<ObserveContext, 'clients' | 'passReads'>, listenerArn: string) {
  return readOnce(ctx, `elbv2:rules ${listenerArn}`, () => listRules(ctx, listenerArn));
}

/** The non-default rules of one listener; none when the listener is gone. */
export async function listRules(ctx: Pick<ObserveContext, 'clients'>, listenerArn: string): Promise<Rule[]> {
  try {
    const out: Rule[] = [];
    const pages = paginateDescribeRules(
      { client: ctx.clients.elbv2 },
      { ListenerArn: listenerArn, PageSize: ELB_PAGE_SIZE },
    );
    for await (const page of pages) out.push(...(page.Rules ?? []).filter((r) => !r.IsDefault));
    return out;
  } catch (err) {
    if (isNotFound(err)) return [];
    throw err;
  }
}

function listenersToSearch(targets: readonly ObserveTarget[], ctx: ObserveContext): string[] {
  const arns = outputArns(ctx, ':listener/');
  for (const t of targets) {
    const listener = targetString(t, 'listenerArn', ctx);
    if (listener) arns.push(listener);
    if (t.physicalId) arns.push(listenerArnOfRule(t.physicalId));
  }
  return uniqueSorted(arns);
}

function toObserved(
  r: Rule,
  listenerArn: string,
  tags: Readonly<Record<string, string>>,
  targets: readonly ObserveTarget[],
  ctx: ObserveContext,
): ObservedResource {
  const arn = r.RuleArn ?? '';
  const samePriority = targets.find(
    (t) => targetString(t, 'listenerArn', ctx) === listenerArn && String(t.spec?.priority) === r.Priority,
  );
  const id = identify(arn, `priority-${r.Priority ?? ''}`, tags, targets, samePriority);
  return {
    kind: 'elbv2.ListenerRule',
    logicalId: id.logicalId,
    name: id.name,
    physicalId: arn,
    spec: normalizeRule(r, listenerArn),
    tags,
    outputs: { arn },
    health: 'Healthy',
  };
}

/** The `elbv2.ListenerRule` observer. */
export const elbv2ListenerRuleObserver: Observer = {
  kind: 'elbv2.ListenerRule',
  async observe(targets, ctx) {
    const found: { rule: Rule; listenerArn: string }[] = [];
    for (const listenerArn of listenersToSearch(targets, ctx)) {
      for (const rule of await passRules(ctx, listenerArn)) found.push({ rule, listenerArn });
    }
    const tags = await passElbTags(
      ctx,
      found.map((f) => f.rule.RuleArn ?? ''),
    );
    const observed = found
      .map((f) => toObserved(f.rule, f.listenerArn, tags.get(f.rule.RuleArn ?? '') ?? {}, targets, ctx))
      .filter(
        (o) => targets.some((t) => t.logicalId === o.logicalId) || isOwnedBy(o.tags, ctx.project, ctx.stack),
      );
    return onePerLogicalId(observed, ctx.project, ctx.stack);
  },
};
