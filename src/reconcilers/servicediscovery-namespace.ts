/**
 * Applies `servicediscovery.Namespace`: the stack's Cloud Map private DNS namespace.
 *
 * - create: a private DNS namespace of the desired name that already exists is adopted when it carries
 *   this stack's tags and is an ownership conflict otherwise. Else CreatePrivateDnsNamespace, with the
 *   tags, and the context's client token as CreatorRequestId: it is derived from stack, logical id, spec
 *   and the create's generation, so a retry of one create (even by the next pass after a crash) is the
 *   same request to AWS, while creating the namespace again after a delete is a new one. GetOperation is
 *   then polled until the namespace exists.
 * - update: only tags can change (`name` and `vpc` are replace fields).
 * - delete: DeleteNamespace, then the operation is polled. NotFound is success; ResourceInUse (services
 *   still being deleted) is retried by the engine.
 *
 * @module
 */
import {
  CreatePrivateDnsNamespaceCommand,
  DeleteNamespaceCommand,
  GetNamespaceCommand,
  type NamespaceSummary,
  paginateListNamespaces,
  type ServiceDiscoveryClient,
} from '@aws-sdk/client-servicediscovery';
import { isAlreadyExists, isNotFound } from '../aws/errors.js';
import { recordToTagList } from '../desired/tags.js';
import { collectPages } from '../observed/ec2-common.js';
import { cloudMapTags } from '../observed/servicediscovery-common.js';
import { PRIVATE_DNS_NAMESPACE } from '../observed/servicediscovery-namespace.js';
import {
  assertObservedOwned,
  assertOwned,
  type ResolvedWait,
  resolveWait,
  type WaitOptions,
} from './apply-helpers.js';
import {
  OPERATION_MAX_WAIT_MS,
  OPERATION_POLL_MS,
  updateCloudMapTags,
  waitForOperation,
} from './servicediscovery-common.js';
import { str } from './spec-read.js';
import type { Applier, ApplyResult } from './types.js';

async function findByName(
  client: ServiceDiscoveryClient,
  name: string,
): Promise<NamespaceSummary | undefined> {
  const all = await collectPages(paginateListNamespaces({ client }, {}), (p) => p.Namespaces);
  return all.find((ns) => ns.Type === PRIVATE_DNS_NAMESPACE && ns.Name === name);
}

function result(ns: {
  Id?: string | undefined;
  Arn?: string | undefined;
  Name?: string | undefined;
  Properties?: NamespaceSummary['Properties'];
}): ApplyResult {
  const id = ns.Id ?? '';
  return {
    physicalId: id,
    outputs: {
      id,
      arn: ns.Arn ?? '',
      name: ns.Name ?? '',
      hostedZoneId: ns.Properties?.DnsProperties?.HostedZoneId ?? '',
    },
  };
}

/** The id of the operation already running for this create, when `err` is Cloud Map's DuplicateRequest. */
export function duplicateOperationOf(err: unknown): string | undefined {
  if (!(err instanceof Error) || err.name !== 'DuplicateRequest') return undefined;
  const id = (err as { DuplicateOperationId?: unknown }).DuplicateOperationId;
  return typeof id === 'string' && id !== '' ? id : undefined;
}

/** Builds the namespace applier; `wait` controls the operation polls (tests make them instant). */
export function createServicediscoveryNamespaceApplier(wait: WaitOptions = {}): Applier {
  const w: ResolvedWait = resolveWait(wait, {
    pollIntervalMs: OPERATION_POLL_MS,
    maxWaitMs: OPERATION_MAX_WAIT_MS,
  });
  const adopt = async (
    client: ServiceDiscoveryClient,
    ns: NamespaceSummary,
    logicalId: string,
    ctx: Parameters<Applier['create']>[1],
  ) => {
    assertOwned(
      await cloudMapTags(client, ns.Arn ?? ''),
      ctx,
      logicalId,
      ns.Id ?? '',
      'a namespace of this name exists',
    );
    return result(ns);
  };
  const adoptRaced = async (
    client: ServiceDiscoveryClient,
    name: string,
    logicalId: string,
    ctx: Parameters<Applier['create']>[1],
    err: unknown,
  ) => {
    const raced = await findByName(client, name);
    if (!raced) throw err;
    return adopt(client, raced, logicalId, ctx);
  };
  return {
    kind: 'servicediscovery.Namespace',
    async create(desired, ctx) {
      const client = ctx.clients.servicediscovery;
      const name = str(desired.spec, 'name');
      const existing = await findByName(client, name);
      if (existing) return adopt(client, existing, desired.logicalId, ctx);
      let operationId: string;
      try {
        const res = await client.send(
          new CreatePrivateDnsNamespaceCommand({
            Name: name,
            Vpc: str(desired.spec, 'vpc'),
            CreatorRequestId: ctx.clientToken,
            Tags: recordToTagList(desired.tags),
          }),
        );
        operationId = res.OperationId ?? '';
      } catch (err) {
        // A resend of a create whose first try is still running (a lost response, a retried step):
        // Cloud Map names that operation, and waiting on it settles the create without a second one.
        const running = duplicateOperationOf(err);
        if (running !== undefined) operationId = running;
        else if (!isAlreadyExists(err)) throw err;
        else return adoptRaced(client, name, desired.logicalId, ctx, err);
      }
      const op = await waitForOperation(
        client,
        operationId,
        w,
        `${desired.logicalId}: creating namespace ${name}`,
        ctx.signal,
      );
      const id = op.Targets?.NAMESPACE ?? '';
      const ns = (await client.send(new GetNamespaceCommand({ Id: id }))).Namespace;
      return result(ns ?? { Id: id, Name: name });
    },

    update: updateCloudMapTags,

    async delete(observed, ctx) {
      assertObservedOwned(observed, ctx, 'delete');
      const client = ctx.clients.servicediscovery;
      let operationId: string | undefined;
      try {
        operationId = (await client.send(new DeleteNamespaceCommand({ Id: observed.physicalId })))
          .OperationId;
      } catch (err) {
        if (isNotFound(err)) return;
        throw err;
      }
      if (operationId) {
        await waitForOperation(
          client,
          operationId,
          w,
          `${observed.logicalId}: deleting namespace ${observed.name}`,
          ctx.signal,
        );
      }
    },
  };
}

/** The namespace applier with production waits. */
export const servicediscoveryNamespaceApplier: Applier = createServicediscoveryNamespaceApplier();
