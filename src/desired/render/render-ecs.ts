/**
 * The ECS cluster, one ECS service per long-running compose service, and one-off tasks.
 *
 * A service with `restart: "no"` that another service awaits with `service_completed_successfully` is
 * a one-off (typically migrations): it runs to completion as `task/<svc>` before its dependents roll
 * out. Every other `depends_on` makes the dependent's ECS service wait for the dependency's; with
 * `condition: service_healthy` the dependency also carries `healthy: true`, so it is waited on until
 * healthy (rollout completed, running = desired), not merely created.
 *
 * @module
 */
import type { DesiredResource, SpecValue } from '../resource-types.js';
import { ref } from '../resource-types.js';
import { sortedUnique } from './canonical.js';
import { type RenderContext, resource } from './context.js';
import type { ServiceModel, StackModel } from './model.js';
import { ecsName } from './naming.js';
import { discoveryServiceId, registryLabel } from './render-discovery.js';
import { taskSecurityGroups } from './render-security-groups.js';
import { containerName, taskDefinitionId } from './render-task-definition.js';

/** Grace before ALB health checks count against a new task. */
export const LB_HEALTH_CHECK_GRACE_SECONDS = 60;
/** Capacity providers every cluster offers; the mode picks one per service. */
export const CLUSTER_CAPACITY_PROVIDERS = ['FARGATE', 'FARGATE_SPOT'] as const;

/** The cluster's physical name, `<project>-<stack>`. */
export function clusterName(model: StackModel): string {
  return ecsName(
    { project: model.project, stack: model.stack, name: 'cluster', kind: 'cluster' },
    `${model.project}-${model.stack}`,
  );
}

/** An ECS service's physical name: the compose service name. */
export function ecsServiceName(model: StackModel, service: string): string {
  return ecsName({ project: model.project, stack: model.stack, name: service, kind: 'service' }, service);
}

/** Logical id of a long-running service. */
export function serviceId(service: string): string {
  return `service/${service}`;
}

/** Logical id of a one-off task. */
export function oneOffId(service: string): string {
  return `task/${service}`;
}

/** Placement shared by services and one-off tasks: subnets, groups and public IP per mode. */
function placement(ctx: RenderContext, svc: ServiceModel) {
  const isPublic = ctx.resolved.preset.taskSubnets === 'public';
  const subnets = isPublic ? ctx.network.publicSubnets : ctx.network.privateSubnets;
  const groups = taskSecurityGroups(ctx, svc);
  return {
    spec: {
      subnets: subnets.ids,
      securityGroups: sortedUnique(groups.map((g) => ref(g, 'id'))),
      assignPublicIp: isPublic ? 'ENABLED' : 'DISABLED',
    },
    dependsOn: [...subnets.dependsOn, ...groups],
  };
}

/** What must be up before `svc` starts: services it depends on, one-offs it awaits. */
function dependencyIds(model: StackModel, svc: ServiceModel): string[] {
  return svc.dependsOn.flatMap((name) => {
    const dep = model.services.find((s) => s.name === name);
    if (dep?.role === 'service') return [serviceId(name)];
    if (dep?.role === 'one-off') return [oneOffId(name)];
    return []; // managed data: the task definition already waits for it
  });
}

/**
 * True when another service or one-off of the stack waits for `svc` with `condition: service_healthy`:
 * its ECS service then carries `healthy: true`, so its create/update returns only once it is healthy and
 * the dependents (after it in the plan) start only then.
 */
export function isAwaitedHealthy(model: StackModel, svc: ServiceModel): boolean {
  return model.ecs.some(
    (other) =>
      other.name !== svc.name && other.resolved.compose.dependsOn[svc.name]?.condition === 'service_healthy',
  );
}

function capacityProviderStrategy(ctx: RenderContext): SpecValue[] {
  return [{ capacityProvider: ctx.resolved.preset.capacityProvider, weight: 1 }];
}

function renderService(ctx: RenderContext, svc: ServiceModel): DesiredResource {
  const { model, resolved, routing } = ctx;
  const preset = resolved.preset;
  const where = placement(ctx, svc);
  const routes = routing.routes.filter((r) => r.service === svc.name);
  const name = ecsServiceName(model, svc.name);
  // ECS registers every task's IP under the service's own name (A records in the stack's namespace).
  const label = registryLabel(svc);
  const registry = label === undefined ? [] : [discoveryServiceId(label)];
  return resource(model, {
    kind: 'ecs.Service',
    logicalId: serviceId(svc.name),
    name,
    spec: {
      serviceName: name,
      cluster: ref('cluster', 'arn'),
      taskDefinition: ref(taskDefinitionId(svc.name), 'arn'),
      // With autoscaling, Application Auto Scaling owns the count: rendering it would fight the scaler.
      desiredCount: svc.resolved.autoscaling === undefined ? svc.resolved.replicas.value : undefined,
      capacityProviderStrategy: capacityProviderStrategy(ctx),
      networkConfiguration: where.spec,
      loadBalancers: sortedUnique(
        routes.map((r) => ({
          targetGroupArn: ref(r.targetGroupId, 'arn'),
          containerName: containerName(svc.name),
          containerPort: r.port,
        })),
      ),
      deploymentConfiguration: {
        minimumHealthyPercent: preset.minimumHealthyPercent,
        maximumPercent: preset.maximumPercent,
        deploymentCircuitBreaker: { enable: preset.circuitBreaker, rollback: preset.circuitBreaker },
      },
      serviceRegistries: registry.map((id) => ({ registryArn: ref(id, 'arn') })),
      healthCheckGracePeriodSeconds: routes.length > 0 ? LB_HEALTH_CHECK_GRACE_SECONDS : undefined,
      enableExecuteCommand: false,
      // `depends_on: condition: service_healthy` on this service gates its dependents' creation.
      healthy: isAwaitedHealthy(model, svc) ? true : undefined,
    },
    dependsOn: [
      'cluster',
      taskDefinitionId(svc.name),
      ...where.dependsOn,
      ...routes.flatMap((r) => [r.targetGroupId, ...r.attachments]),
      ...dependencyIds(model, svc),
      ...registry,
    ],
  });
}

function renderOneOff(ctx: RenderContext, svc: ServiceModel): DesiredResource {
  const { model } = ctx;
  const where = placement(ctx, svc);
  return resource(model, {
    kind: 'ecs.OneOffTask',
    logicalId: oneOffId(svc.name),
    name: ecsName(
      { project: model.project, stack: model.stack, name: svc.name, kind: 'task' },
      `${model.project}-${model.stack}-${svc.name}`,
    ),
    spec: {
      cluster: ref('cluster', 'arn'),
      taskDefinition: ref(taskDefinitionId(svc.name), 'arn'),
      networkConfiguration: where.spec,
      // Always on-demand: a migration interrupted by a Spot reclaim half-way is worse than its cost.
      capacityProviderStrategy: [{ capacityProvider: 'FARGATE', weight: 1 }],
    },
    dependsOn: ['cluster', taskDefinitionId(svc.name), ...where.dependsOn, ...dependencyIds(model, svc)],
  });
}

/** The cluster (when anything runs on ECS), services and one-off tasks. */
export function renderEcs(ctx: RenderContext): DesiredResource[] {
  const { model } = ctx;
  if (model.ecs.length === 0) return [];
  const name = clusterName(model);
  return [
    resource(model, {
      kind: 'ecs.Cluster',
      logicalId: 'cluster',
      name,
      spec: { clusterName: name, capacityProviders: [...CLUSTER_CAPACITY_PROVIDERS] },
      dependsOn: [],
    }),
    ...model.ecs.map((svc) => (svc.role === 'one-off' ? renderOneOff(ctx, svc) : renderService(ctx, svc))),
  ];
}
