/**
 * Observes `servicediscovery.Instance`: the CNAME instances stackctl registers in its Cloud Map services.
 *
 * Instances take no tags: they are owned through their parent service. An instance is reported with
 * this stack's ownership tags (its own logical id) when its service is one of this stack's (observed
 * earlier in the pass with our tags), and with no tags otherwise, so the diff treats it as foreign.
 *
 * Per pass: one ListInstances per parent service of a target (the service id comes from the target's
 * resolved spec, or from the recorded physical id `<serviceId>/<instanceId>`). Instances ECS registers
 * in A-record services are never targets and are not read. When one id is listed twice (moto keeps a
 * re-registration as a second entry; AWS updates in place), the last one wins.
 *
 * @module
 */
import { type InstanceSummary, paginateListInstances } from '@aws-sdk/client-servicediscovery';
import { INSTANCE_CNAME_ATTRIBUTE } from '../desired/render/render-discovery.js';
import { ownershipTags } from '../desired/tags.js';
import { collectPages } from './ec2-common.js';
import { mapLimited, targetString, uniqueSorted, unlessNotFound } from './observe-helpers.js';
import type { ObserveContext, ObservedResource, Observer, ObserveTarget } from './types.js';

/** The physical id of an instance: its service id and its own id, which every Cloud Map call needs both of. */
export function instancePhysicalId(serviceId: string, instanceId: string): string {
  return `${serviceId}/${instanceId}`;
}

/** `[serviceId, instanceId]` of a physical id made by {@link instancePhysicalId}. */
export function splitInstancePhysicalId(physicalId: string): [string, string] | undefined {
  const at = physicalId.indexOf('/');
  return at <= 0 ? undefined : [physicalId.slice(0, at), physicalId.slice(at + 1)];
}

function whereToLook(
  t: ObserveTarget,
  ctx: ObserveContext,
): { serviceId: string; instanceId: string } | undefined {
  const serviceId = targetString(t, 'serviceId', ctx);
  const instanceId = targetString(t, 'instanceId', ctx);
  if (serviceId !== undefined && instanceId !== undefined) return { serviceId, instanceId };
  const recorded = t.physicalId === undefined ? undefined : splitInstancePhysicalId(t.physicalId);
  return recorded === undefined ? undefined : { serviceId: recorded[0], instanceId: recorded[1] };
}

/** True when `serviceId` is the id of a resource this stack owns (only owned resources have outputs). */
function isOwnedService(serviceId: string, ctx: ObserveContext): boolean {
  for (const outputs of ctx.outputs.values()) if (outputs.id === serviceId) return true;
  return false;
}

/** The `servicediscovery.Instance` observer. */
export const servicediscoveryInstanceObserver: Observer = {
  kind: 'servicediscovery.Instance',
  async observe(targets, ctx) {
    const client = ctx.clients.servicediscovery;
    const looks = targets.flatMap((t) => {
      const where = whereToLook(t, ctx);
      return where === undefined ? [] : [{ target: t, ...where }];
    });
    const listed = new Map<string, InstanceSummary[]>();
    // One listing per service, side by side (bounded like every other per-resource read).
    await mapLimited(uniqueSorted(looks.map((l) => l.serviceId)), async (serviceId) => {
      const instances = await unlessNotFound(() =>
        collectPages(paginateListInstances({ client }, { ServiceId: serviceId }), (p) => p.Instances),
      );
      listed.set(serviceId, instances ?? []);
    });
    const out: ObservedResource[] = [];
    for (const { target, serviceId, instanceId } of looks) {
      const live = (listed.get(serviceId) ?? []).filter((i) => i.Id === instanceId).at(-1);
      if (live === undefined) continue;
      const cname = live.Attributes?.[INSTANCE_CNAME_ATTRIBUTE];
      const owned = isOwnedService(serviceId, ctx);
      out.push({
        kind: 'servicediscovery.Instance',
        logicalId: target.logicalId,
        name: target.name,
        physicalId: instancePhysicalId(serviceId, instanceId),
        spec: {
          serviceId,
          instanceId,
          attributes: cname === undefined ? {} : { [INSTANCE_CNAME_ATTRIBUTE]: cname },
        },
        tags: owned ? ownershipTags(ctx.project, ctx.stack, target.logicalId) : {},
        outputs: { id: instanceId },
        health: 'Healthy',
      });
    }
    return out;
  },
};
