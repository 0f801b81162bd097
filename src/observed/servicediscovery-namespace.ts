/**
 * Observes `servicediscovery.Namespace`: the stack's Cloud Map private DNS namespace.
 *
 * One ListNamespaces (paginated) finds it by its deterministic name (`<stack>.<project>.internal`, or a
 * target's name) or by the id the journal recorded; its tags cost one ListTagsForResource. Only private
 * DNS namespaces are considered.
 *
 * `vpc` cannot be read from Cloud Map (the association lives on the namespace's private hosted zone), so
 * for a namespace of this stack the observer echoes the target's resolved desired `vpc`: the namespace is
 * created in that VPC and never moved (`vpc` is a replace field). A namespace that is not ours shows no
 * `vpc`. Health: Healthy whenever it exists.
 *
 * @module
 */
import { type NamespaceSummary, paginateListNamespaces } from '@aws-sdk/client-servicediscovery';
import { namespaceName } from '../desired/render/render-discovery.js';
import { isOwnedBy } from '../desired/tags.js';
import { collectPages } from './ec2-common.js';
import { compactSpec, identify, resolveTargetString, targetOf } from './observe-helpers.js';
import { cloudMapTags } from './servicediscovery-common.js';
import type { ObserveContext, ObservedResource, Observer, ObserveTarget } from './types.js';

/** The Cloud Map namespace type stackctl creates. */
export const PRIVATE_DNS_NAMESPACE = 'DNS_PRIVATE';

/** Namespaces this pass reads tags of: the stack's name, every target's name, every recorded id. */
function isCandidate(ns: NamespaceSummary, targets: readonly ObserveTarget[], ctx: ObserveContext): boolean {
  if (ns.Type !== PRIVATE_DNS_NAMESPACE) return false;
  const names = new Set([namespaceName(ctx), ...targets.map((t) => t.name)]);
  return (
    names.has(ns.Name ?? '') || targets.some((t) => t.physicalId !== undefined && t.physicalId === ns.Id)
  );
}

async function toObserved(
  ns: NamespaceSummary,
  targets: readonly ObserveTarget[],
  ctx: ObserveContext,
): Promise<ObservedResource | undefined> {
  const id = ns.Id ?? '';
  const name = ns.Name ?? '';
  const arn = ns.Arn ?? '';
  const tags = await cloudMapTags(ctx.clients.servicediscovery, arn);
  const owned = isOwnedBy(tags, ctx.project, ctx.stack);
  const nameMatch = targets.find((t) => t.name === name);
  if (!owned && !nameMatch && !targets.some((t) => t.physicalId === id)) return undefined;
  const who = identify(id, name, tags, targets, nameMatch);
  const target = targetOf(who.logicalId, targets);
  const vpc = owned ? resolveTargetString(target?.spec?.vpc, ctx.outputs) : undefined;
  return {
    kind: 'servicediscovery.Namespace',
    ...who,
    physicalId: id,
    spec: compactSpec({ name, vpc }),
    tags,
    outputs: { id, arn, name, hostedZoneId: ns.Properties?.DnsProperties?.HostedZoneId ?? '' },
    health: 'Healthy',
  };
}

/** The `servicediscovery.Namespace` observer. */
export const servicediscoveryNamespaceObserver: Observer = {
  kind: 'servicediscovery.Namespace',
  async observe(targets, ctx) {
    const all = await collectPages(
      paginateListNamespaces({ client: ctx.clients.servicediscovery }, {}),
      (p) => p.Namespaces,
    );
    const found = await Promise.all(
      all.filter((ns) => isCandidate(ns, targets, ctx)).map((ns) => toObserved(ns, targets, ctx)),
    );
    return found.filter((o): o is ObservedResource => o !== undefined);
  },
};
