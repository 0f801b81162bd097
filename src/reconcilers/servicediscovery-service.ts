/**
 * Applies `servicediscovery.Service`: one DNS name of the stack's namespace.
 *
 * - create: a service of the same name in the namespace is adopted when it carries this stack's tags
 *   and is an ownership conflict otherwise; else CreateService with the tags and a CreatorRequestId from
 *   the client token. `DnsConfig.NamespaceId` is set beside the top-level `NamespaceId` so ListServices
 *   answers say which namespace a service is in (see servicediscovery-common in observed/).
 * - update: only tags (every other field is a replace field).
 * - delete: every instance still registered (ours, or the task IPs ECS registered) is deregistered
 *   first, because DeleteService fails with ResourceInUse while any remains; that is retried by the
 *   engine while deregistrations complete. NotFound is success.
 *
 * @module
 */
import {
  CreateServiceCommand,
  DeleteServiceCommand,
  DeregisterInstanceCommand,
  type DnsRecord,
  paginateListInstances,
  type ServiceDiscoveryClient,
  type ServiceSummary,
} from '@aws-sdk/client-servicediscovery';
import { isAlreadyExists, isNotFound } from '../aws/errors.js';
import { recordToTagList } from '../desired/tags.js';
import { collectPages } from '../observed/ec2-common.js';
import { unlessNotFound } from '../observed/observe-helpers.js';
import { cloudMapTags, servicesOfNamespace } from '../observed/servicediscovery-common.js';
import { assertObservedOwned, assertOwned } from './apply-helpers.js';
import { updateCloudMapTags } from './servicediscovery-common.js';
import { num, objList, optObj, str } from './spec-read.js';
import type { Applier, ApplyContext, ApplyResult, ResolvedResource } from './types.js';

function result(s: ServiceSummary): ApplyResult {
  const id = s.Id ?? '';
  return { physicalId: id, outputs: { id, arn: s.Arn ?? '', name: s.Name ?? '' } };
}

async function findByName(
  client: ServiceDiscoveryClient,
  namespaceId: string,
  name: string,
): Promise<ServiceSummary | undefined> {
  return (await servicesOfNamespace(client, namespaceId)).find((s) => s.Name === name);
}

async function adopt(
  client: ServiceDiscoveryClient,
  live: ServiceSummary,
  desired: ResolvedResource,
  ctx: ApplyContext,
): Promise<ApplyResult> {
  const tags = await cloudMapTags(client, live.Arn ?? '');
  assertOwned(tags, ctx, desired.logicalId, live.Id ?? '', 'a Cloud Map service of this name exists');
  return result(live);
}

/** Deregisters every instance of `serviceId`; NotFound (already gone) is fine. */
export async function deregisterAll(client: ServiceDiscoveryClient, serviceId: string): Promise<void> {
  const instances =
    (await unlessNotFound(() =>
      collectPages(paginateListInstances({ client }, { ServiceId: serviceId }), (p) => p.Instances),
    )) ?? [];
  for (const id of new Set(instances.map((i) => i.Id ?? ''))) {
    try {
      await client.send(new DeregisterInstanceCommand({ ServiceId: serviceId, InstanceId: id }));
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}

/** The `servicediscovery.Service` applier. */
export const servicediscoveryServiceApplier: Applier = {
  kind: 'servicediscovery.Service',
  async create(desired, ctx) {
    const client = ctx.clients.servicediscovery;
    const s = desired.spec;
    const name = str(s, 'name');
    const namespaceId = str(s, 'namespaceId');
    const existing = await findByName(client, namespaceId, name);
    if (existing) return adopt(client, existing, desired, ctx);
    const records: DnsRecord[] = objList(s, 'dnsRecords').map((r) => ({
      Type: str(r, 'type') as DnsRecord['Type'],
      TTL: num(r, 'ttl'),
    }));
    const custom = optObj(s, 'healthCheckCustomConfig');
    try {
      const res = await client.send(
        new CreateServiceCommand({
          Name: name,
          NamespaceId: namespaceId,
          CreatorRequestId: ctx.clientToken,
          DnsConfig: {
            NamespaceId: namespaceId,
            RoutingPolicy: str(s, 'routingPolicy') as 'MULTIVALUE' | 'WEIGHTED',
            DnsRecords: records,
          },
          ...(custom
            ? { HealthCheckCustomConfig: { FailureThreshold: num(custom, 'failureThreshold') } }
            : {}),
          Tags: recordToTagList(desired.tags),
        }),
      );
      return result(res.Service ?? {});
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
      const raced = await findByName(client, namespaceId, name);
      if (!raced) throw err;
      return adopt(client, raced, desired, ctx);
    }
  },

  update: updateCloudMapTags,

  async delete(observed, ctx) {
    assertObservedOwned(observed, ctx, 'delete');
    const client = ctx.clients.servicediscovery;
    await deregisterAll(client, observed.physicalId);
    try {
      await client.send(new DeleteServiceCommand({ Id: observed.physicalId }));
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  },
};
