/**
 * Applies `servicediscovery.Instance`: a CNAME instance (`AWS_INSTANCE_CNAME`) in one of the stack's
 * Cloud Map services.
 *
 * Instances take no tags: ownership is the parent service's. Create checks the parent's tags before
 * registering; update and delete rely on the observer, which gives an instance this stack's ownership
 * tags only when its service carries them.
 *
 * - create / update: RegisterInstance (AWS updates an existing id in place), with a CreatorRequestId from
 *   the client token. Create skips the call when the instance is already registered as desired.
 * - delete: DeregisterInstance until AWS answers NotFound (at most {@link DEREGISTER_MAX_CALLS} calls:
 *   moto keeps a re-registered id as a second entry); NotFound is success.
 *
 * @module
 */
import {
  DeregisterInstanceCommand,
  GetServiceCommand,
  paginateListInstances,
  RegisterInstanceCommand,
  type ServiceDiscoveryClient,
} from '@aws-sdk/client-servicediscovery';
import { isNotFound } from '../aws/errors.js';
import { stableJson } from '../desired/render/canonical.js';
import { collectPages } from '../observed/ec2-common.js';
import { unlessNotFound } from '../observed/observe-helpers.js';
import { cloudMapTags } from '../observed/servicediscovery-common.js';
import { instancePhysicalId, splitInstancePhysicalId } from '../observed/servicediscovery-instance.js';
import { assertObservedOwned, assertOwned } from './apply-helpers.js';
import { str, strRecord } from './spec-read.js';
import type { Applier, ApplyContext, ApplyResult, ResolvedResource } from './types.js';

/** Most DeregisterInstance calls one delete makes. */
export const DEREGISTER_MAX_CALLS = 3;

async function registered(
  client: ServiceDiscoveryClient,
  serviceId: string,
  instanceId: string,
): Promise<Record<string, string> | undefined> {
  const all =
    (await unlessNotFound(() =>
      collectPages(paginateListInstances({ client }, { ServiceId: serviceId }), (p) => p.Instances),
    )) ?? [];
  return all.filter((i) => i.Id === instanceId).at(-1)?.Attributes;
}

async function register(desired: ResolvedResource, ctx: ApplyContext): Promise<ApplyResult> {
  const client = ctx.clients.servicediscovery;
  const serviceId = str(desired.spec, 'serviceId');
  const instanceId = str(desired.spec, 'instanceId');
  await client.send(
    new RegisterInstanceCommand({
      ServiceId: serviceId,
      InstanceId: instanceId,
      CreatorRequestId: ctx.clientToken,
      Attributes: strRecord(desired.spec, 'attributes'),
    }),
  );
  return { physicalId: instancePhysicalId(serviceId, instanceId), outputs: { id: instanceId } };
}

/** The `servicediscovery.Instance` applier. */
export const servicediscoveryInstanceApplier: Applier = {
  kind: 'servicediscovery.Instance',
  async create(desired, ctx) {
    const client = ctx.clients.servicediscovery;
    const serviceId = str(desired.spec, 'serviceId');
    const instanceId = str(desired.spec, 'instanceId');
    const parent = (await client.send(new GetServiceCommand({ Id: serviceId }))).Service;
    assertOwned(
      await cloudMapTags(client, parent?.Arn ?? ''),
      ctx,
      desired.logicalId,
      instancePhysicalId(serviceId, instanceId),
      "its Cloud Map service is not this stack's",
    );
    const live = await registered(client, serviceId, instanceId);
    if (live !== undefined && stableJson(live) === stableJson(strRecord(desired.spec, 'attributes'))) {
      return { physicalId: instancePhysicalId(serviceId, instanceId), outputs: { id: instanceId } };
    }
    return register(desired, ctx);
  },

  async update(desired, observed, _deltas, ctx) {
    assertObservedOwned(observed, ctx, 'update');
    return register(desired, ctx);
  },

  async delete(observed, ctx) {
    assertObservedOwned(observed, ctx, 'delete');
    const ids = splitInstancePhysicalId(observed.physicalId);
    if (ids === undefined) return;
    const [serviceId, instanceId] = ids;
    for (let call = 0; call < DEREGISTER_MAX_CALLS; call++) {
      try {
        await ctx.clients.servicediscovery.send(
          new DeregisterInstanceCommand({ ServiceId: serviceId, InstanceId: instanceId }),
        );
      } catch (err) {
        if (isNotFound(err)) return;
        throw err;
      }
    }
  },
};
