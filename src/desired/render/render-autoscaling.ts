/**
 * Target-tracking autoscaling on average CPU for services that ask for it. The scaler then owns the
 * service's desired count, which is why render-ecs.ts leaves `desiredCount` out of such services.
 *
 * @module
 */
import type { DesiredResource } from '../resource-types.js';
import { resource } from './context.js';
import type { StackModel } from './model.js';
import { cleanName } from './naming.js';
import { clusterName, ecsServiceName, serviceId } from './render-ecs.js';

/** Seconds after a scale-in before the next one: slow, so traffic dips do not drop capacity. */
export const SCALE_IN_COOLDOWN_SECONDS = 300;
/** Seconds after a scale-out before the next one: fast, so load spikes are met. */
export const SCALE_OUT_COOLDOWN_SECONDS = 60;

/** `scaling/<svc>` and `scaling-policy/<svc>` for each long-running service with autoscaling. */
export function renderAutoscaling(model: StackModel): DesiredResource[] {
  return model.ecs.flatMap((svc) => {
    const scaling = svc.resolved.autoscaling?.value;
    if (scaling === undefined || svc.role !== 'service') return [];
    const resourceId = `service/${clusterName(model)}/${ecsServiceName(model, svc.name)}`;
    const targetId = `scaling/${svc.name}`;
    return [
      resource(model, {
        kind: 'autoscaling.ScalableTarget',
        logicalId: targetId,
        name: resourceId,
        spec: {
          resourceId,
          scalableDimension: 'ecs:service:DesiredCount',
          minCapacity: scaling.min,
          maxCapacity: scaling.max,
        },
        dependsOn: [serviceId(svc.name)],
      }),
      resource(model, {
        kind: 'autoscaling.ScalingPolicy',
        logicalId: `scaling-policy/${svc.name}`,
        name: `${model.base}-${cleanName(svc.name)}-cpu`,
        spec: {
          resourceId,
          targetValue: scaling.targetCpu,
          predefinedMetricType: 'ECSServiceAverageCPUUtilization',
          scaleInCooldown: SCALE_IN_COOLDOWN_SECONDS,
          scaleOutCooldown: SCALE_OUT_COOLDOWN_SECONDS,
        },
        dependsOn: [targetId],
      }),
    ];
  });
}
