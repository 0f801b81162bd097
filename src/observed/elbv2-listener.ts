/**
 * Observes `elbv2.Listener`: DescribeListeners of every load balancer this pass knows (targets' resolved
 * `loadBalancerArn`, the journal's listener ARNs, load-balancer outputs), tags via DescribeTags.
 *
 * Listeners have no name: a listener is this target's when it carries the target's `stackctl:logical-id`
 * tag; an untagged listener on the target's port is returned too, so the diff reports the conflict
 * instead of creating a second listener on that port.
 *
 * @module
 */
import { type Listener, paginateDescribeListeners } from '@aws-sdk/client-elastic-load-balancing-v2';
import { isNotFound } from '../aws/errors.js';
import type { Spec } from '../desired/resource-types.js';
import { isOwnedBy } from '../desired/tags.js';
import {
  ELB_PAGE_SIZE,
  loadBalancerArnOfListener,
  normalizeAction,
  onePerLogicalId,
  outputArns,
  passElbTags,
} from './elbv2-common.js';
import { passRules } from './elbv2-listener-rule.js';
import { compactSpec, identify, targetString, uniqueSorted } from './observe-helpers.js';
import type { ObserveContext, ObservedResource, Observer, ObserveTarget } from './types.js';

/** The protocol whose listeners carry a certificate and an SSL policy. */
const TLS_PROTOCOL = 'HTTPS';

/** A described listener in the `elbv2.Listener` spec shape (`sslPolicy`/`certificateArn` only for HTTPS). */
export function normalizeListener(l: Listener): Spec {
  const tls = l.Protocol === TLS_PROTOCOL;
  return compactSpec({
    certificateArn: tls ? l.Certificates?.[0]?.CertificateArn : undefined,
    defaultAction: normalizeAction(l.DefaultActions?.[0]),
    loadBalancerArn: l.LoadBalancerArn,
    port: l.Port,
    protocol: l.Protocol,
    sslPolicy: tls ? l.SslPolicy : undefined,
  });
}

/** Every listener of one load balancer; none when the load balancer is gone. */
export async function listListeners(
  ctx: Pick<ObserveContext, 'clients'>,
  loadBalancerArn: string,
): Promise<Listener[]> {
  try {
    const out: Listener[] = [];
    const pages = paginateDescribeListeners(
      { client: ctx.clients.elbv2 },
      { LoadBalancerArn: loadBalancerArn, PageSize: ELB_PAGE_SIZE },
    );
    for await (const page of pages) out.push(...(page.Listeners ?? []));
    return out;
  } catch (err) {
    if (isNotFound(err)) return [];
    throw err;
  }
}

function loadBalancersToSearch(targets: readonly ObserveTarget[], ctx: ObserveContext): string[] {
  const arns = outputArns(ctx, ':loadbalancer/');
  for (const t of targets) {
    const lb = targetString(t, 'loadBalancerArn', ctx);
    if (lb) arns.push(lb);
    if (t.physicalId) arns.push(loadBalancerArnOfListener(t.physicalId));
  }
  return uniqueSorted(arns);
}

function toObserved(
  l: Listener,
  tags: Readonly<Record<string, string>>,
  targets: readonly ObserveTarget[],
  ctx: ObserveContext,
): ObservedResource {
  const arn = l.ListenerArn ?? '';
  const samePort = targets.find(
    (t) => targetString(t, 'loadBalancerArn', ctx) === l.LoadBalancerArn && Number(t.spec?.port) === l.Port,
  );
  const id = identify(arn, `${(l.Protocol ?? '').toLowerCase()}-${l.Port ?? ''}`, tags, targets, samePort);
  return {
    kind: 'elbv2.Listener',
    logicalId: id.logicalId,
    name: id.name,
    physicalId: arn,
    spec: normalizeListener(l),
    tags,
    outputs: { arn },
    health: 'Healthy',
  };
}

/** The `elbv2.Listener` observer. */
export const elbv2ListenerObserver: Observer = {
  kind: 'elbv2.Listener',
  async observe(targets, ctx) {
    const listeners: Listener[] = [];
    for (const lb of loadBalancersToSearch(targets, ctx)) listeners.push(...(await listListeners(ctx, lb)));
    const listenerArns = listeners.map((l) => l.ListenerArn ?? '').filter((a) => a !== '');
    // With shared reads, the rules are read now so their tags come in the listeners' DescribeTags call
    // (one call per 20 ARNs for both kinds); the rule observer reuses both answers.
    const ruleArns = ctx.passReads
      ? (await Promise.all(listenerArns.map((arn) => passRules(ctx, arn)))).flat().map((r) => r.RuleArn ?? '')
      : [];
    const tags = await passElbTags(ctx, [...listenerArns, ...ruleArns]);
    const observed = listeners
      .map((l) => toObserved(l, tags.get(l.ListenerArn ?? '') ?? {}, targets, ctx))
      .filter(
        (o) => targets.some((t) => t.logicalId === o.logicalId) || isOwnedBy(o.tags, ctx.project, ctx.stack),
      );
    return onePerLogicalId(observed, ctx.project, ctx.stack);
  },
};
