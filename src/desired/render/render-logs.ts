/**
 * One CloudWatch log group per ECS service, with the mode's (or stack file's) retention.
 *
 * @module
 */
import type { ResolvedStack } from '../resolved-types.js';
import type { DesiredResource } from '../resource-types.js';
import { resource } from './context.js';
import type { ServiceModel, StackModel } from './model.js';
import { logGroupName } from './naming.js';

/** Logical id of a service's log group. */
export function logGroupId(service: string): string {
  return `log/${service}`;
}

/** `log/<svc>` for every service run on ECS. */
export function renderLogGroups(resolved: ResolvedStack, model: StackModel): DesiredResource[] {
  return model.ecs.map((svc: ServiceModel) => {
    const name = logGroupName(model.project, model.stack, svc.name);
    return resource(model, {
      kind: 'logs.LogGroup',
      logicalId: logGroupId(svc.name),
      name,
      spec: { logGroupName: name, retentionInDays: resolved.logRetentionDays.value },
      dependsOn: [],
    });
  });
}
