/**
 * Reads shared by the Cloud Map (servicediscovery) observers and appliers: the stack's namespace name,
 * tags of one resource, and a namespace's services.
 *
 * The Resource Groups Tagging API does not list Cloud Map resources on every backend (moto does not), so
 * ownership is read with ListTagsForResource, one call per namespace or service that could be ours: the
 * stack's namespace is found by its deterministic name, its services by ListServices filtered on it.
 *
 * @module
 */
import {
  ListServicesCommand,
  ListTagsForResourceCommand,
  type ServiceDiscoveryClient,
  type ServiceSummary,
} from '@aws-sdk/client-servicediscovery';
import { tagListToRecord } from '../desired/tags.js';
import { unlessNotFound } from './observe-helpers.js';

/** Tags of one Cloud Map namespace or service; empty when it is gone. */
export async function cloudMapTags(
  client: ServiceDiscoveryClient,
  arn: string,
): Promise<Record<string, string>> {
  const out = await unlessNotFound(() => client.send(new ListTagsForResourceCommand({ ResourceARN: arn })));
  return tagListToRecord(out?.Tags);
}

/**
 * Every service of namespace `namespaceId`. The NAMESPACE_ID filter is applied by AWS; the answer is
 * filtered again here because some backends (moto) ignore it: a listed service's namespace is known
 * from `DnsConfig.NamespaceId`, which stackctl sets on create (ListServices does not return the
 * top-level `NamespaceId`); a service without it is trusted to match the filter.
 */
export async function servicesOfNamespace(
  client: ServiceDiscoveryClient,
  namespaceId: string,
): Promise<ServiceSummary[]> {
  const out: ServiceSummary[] = [];
  let nextToken: string | undefined;
  do {
    const page = await client.send(
      new ListServicesCommand({
        Filters: [{ Name: 'NAMESPACE_ID', Values: [namespaceId], Condition: 'EQ' }],
        ...(nextToken ? { NextToken: nextToken } : {}),
      }),
    );
    out.push(
      ...(page.Services ?? []).filter((s) => {
        const ns = namespaceOfService(s);
        return ns === undefined || ns === namespaceId;
      }),
    );
    nextToken = page.NextToken;
  } while (nextToken);
  return out;
}

/** The namespace a listed service names in its DNS configuration, when it names one. */
export function namespaceOfService(s: ServiceSummary): string | undefined {
  return s.DnsConfig?.NamespaceId;
}
