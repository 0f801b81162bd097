/**
 * Observes `servicediscovery.Service`: the Cloud Map services (DNS names) of the stack's namespace.
 *
 * Per pass: one ListServices per namespace (the stack's, plus any a target's spec names) and one
 * ListTagsForResource per service found there (Cloud Map has no batched tag read). A service is
 * returned when a target names it or it carries this stack's tags.
 *
 * Spec: `{ name, namespaceId, dnsRecords: [{ type, ttl }], routingPolicy, healthCheckCustomConfig? }`.
 * Health: Healthy whenever it exists.
 *
 * @module
 */
import type { ServiceSummary } from '@aws-sdk/client-servicediscovery';
import { NAMESPACE_ID } from '../desired/render/render-discovery.js';
import type { Spec } from '../desired/resource-types.js';
import { isOwnedBy } from '../desired/tags.js';
import { compactSpec, identify, mapLimited, targetString, uniqueSorted } from './observe-helpers.js';
import { cloudMapTags, servicesOfNamespace } from './servicediscovery-common.js';
import type { ObserveContext, ObservedResource, Observer, ObserveTarget } from './types.js';

/** Namespace ids to list: the stack's namespace (observed earlier in the pass) and every target's. */
function namespacesToSearch(targets: readonly ObserveTarget[], ctx: ObserveContext): string[] {
  const stackNamespace = ctx.outputs.get(NAMESPACE_ID)?.id;
  return uniqueSorted(
    [
      ...(typeof stackNamespace === 'string' ? [stackNamespace] : []),
      ...targets.map((t) => targetString(t, 'namespaceId', ctx)),
    ].filter((id): id is string => id !== undefined && id !== ''),
  );
}

/** A listed service in the `servicediscovery.Service` spec shape. */
export function normalizeCloudMapService(s: ServiceSummary, namespaceId: string): Spec {
  const threshold = s.HealthCheckCustomConfig?.FailureThreshold;
  return compactSpec({
    name: s.Name ?? '',
    namespaceId,
    dnsRecords: (s.DnsConfig?.DnsRecords ?? []).map((r) => ({ type: r.Type ?? '', ttl: r.TTL ?? 0 })),
    routingPolicy: s.DnsConfig?.RoutingPolicy,
    // AWS reports a custom health check with threshold 1 whatever was asked; absent means none.
    healthCheckCustomConfig: s.HealthCheckCustomConfig ? { failureThreshold: threshold ?? 1 } : undefined,
  });
}

/** The `servicediscovery.Service` observer. */
export const servicediscoveryServiceObserver: Observer = {
  kind: 'servicediscovery.Service',
  async observe(targets, ctx) {
    const client = ctx.clients.servicediscovery;
    const out: ObservedResource[] = [];
    for (const namespaceId of namespacesToSearch(targets, ctx)) {
      const services = await servicesOfNamespace(client, namespaceId);
      const found = await mapLimited(services, async (s): Promise<ObservedResource | undefined> => {
        const id = s.Id ?? '';
        const name = s.Name ?? '';
        const arn = s.Arn ?? '';
        const tags = await cloudMapTags(client, arn);
        // Targets are named `<label>.<namespace>`; the service itself is the label (`spec.name`).
        const nameMatch = targets.find(
          (t) =>
            targetString(t, 'name', ctx) === name &&
            (targetString(t, 'namespaceId', ctx) ?? namespaceId) === namespaceId,
        );
        const byId = targets.some((t) => t.physicalId === id);
        if (!nameMatch && !byId && !isOwnedBy(tags, ctx.project, ctx.stack)) return undefined;
        return {
          kind: 'servicediscovery.Service',
          ...identify(id, name, tags, targets, nameMatch),
          physicalId: id,
          spec: normalizeCloudMapService(s, namespaceId),
          tags,
          outputs: { id, arn, name },
          health: 'Healthy',
        };
      });
      out.push(...found.filter((o): o is ObservedResource => o !== undefined));
    }
    return out;
  },
};
