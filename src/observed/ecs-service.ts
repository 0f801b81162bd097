/**
 * Observes `ecs.Service`: DescribeServices (≤10 per call, tags included) per cluster, for every targeted
 * service plus every service ListServices finds in the stack's clusters (so removed services are seen).
 *
 * `failures[]` MISSING and INACTIVE mean absent; DRAINING is present (and Progressing) because the name
 * cannot be re-used until it is gone.
 *
 * moto 5.2.1 gaps (aws-api-facts.md §8): CreateService does not echo `capacityProviderStrategy`,
 * `deploymentConfiguration`, `healthCheckGracePeriodSeconds` or `enableExecuteCommand` (UpdateService
 * does). Absent values are read as what AWS implies: the strategy from `launchType` (`FARGATE` →
 * `[{ FARGATE, 1 }]`, anything else → `[]`), and AWS's deployment defaults. On moto a fresh service
 * therefore shows those fields as drift until the first update sets them.
 *
 * `healthy` is not AWS configuration: it is reported only for targets whose desired spec has it (a
 * service another one depends on with `condition: service_healthy`) and says whether the service is
 * Healthy by {@link serviceHealth}.
 *
 * @module
 */
import {
  type DeploymentConfiguration,
  DescribeServicesCommand,
  type LoadBalancer,
  paginateListServices,
  type Service,
} from '@aws-sdk/client-ecs';
import { isNotFound } from '../aws/errors.js';
import type { Spec } from '../desired/resource-types.js';
import { isOwnedBy } from '../desired/tags.js';
import {
  arnName,
  clusterOfArn,
  ecsTagsToRecord,
  normalizeNetworkConfiguration,
  normalizeStrategy,
} from './ecs-common.js';
import { describeServicesInput } from './ecs-describe.js';
import {
  alignToTarget,
  chunks,
  compactSpec,
  field,
  identify,
  listField,
  targetOf,
  targetString,
} from './observe-helpers.js';
import type { Health, ObserveContext, ObservedResource, Observer, ObserveTarget } from './types.js';

/** DescribeServices accepts at most 10 services per call (moto does not enforce it; AWS does). */
export const DESCRIBE_SERVICES_BATCH = 10;

/** ListServices page size (the API maximum). */
const LIST_SERVICES_PAGE = 100;

/** The logical id the renderer gives the stack's cluster, whose ARN is the default place to look. */
const STACK_CLUSTER_LOGICAL_ID = 'cluster';

/** What AWS applies when a service is created without a deployment configuration. */
export const DEFAULT_DEPLOYMENT = { maximumPercent: 200, minimumHealthyPercent: 100 } as const;

function normalizeDeployment(d: DeploymentConfiguration | undefined): Spec {
  return {
    deploymentCircuitBreaker: {
      enable: d?.deploymentCircuitBreaker?.enable ?? false,
      rollback: d?.deploymentCircuitBreaker?.rollback ?? false,
    },
    maximumPercent: d?.maximumPercent ?? DEFAULT_DEPLOYMENT.maximumPercent,
    minimumHealthyPercent: d?.minimumHealthyPercent ?? DEFAULT_DEPLOYMENT.minimumHealthyPercent,
  };
}

function normalizeLoadBalancers(lbs: readonly LoadBalancer[] | undefined): Spec[] {
  return (lbs ?? [])
    .map((lb) => ({
      containerName: lb.containerName ?? '',
      containerPort: lb.containerPort ?? 0,
      targetGroupArn: lb.targetGroupArn ?? '',
    }))
    .sort((a, b) => {
      const x = `${a.targetGroupArn}\u0000${a.containerName}\u0000${String(a.containerPort).padStart(5, '0')}`;
      const y = `${b.targetGroupArn}\u0000${b.containerName}\u0000${String(b.containerPort).padStart(5, '0')}`;
      return x < y ? -1 : x > y ? 1 : 0;
    });
}

/** `[{ registryArn }]`, sorted: the Cloud Map services ECS registers the tasks in. */
function normalizeRegistries(s: Service): Spec[] {
  return (s.serviceRegistries ?? [])
    .map((r) => ({ registryArn: r.registryArn ?? '' }))
    .sort((a, b) => (a.registryArn < b.registryArn ? -1 : a.registryArn > b.registryArn ? 1 : 0));
}

function strategyOf(s: Service): Spec[] {
  if (s.capacityProviderStrategy && s.capacityProviderStrategy.length > 0) {
    return normalizeStrategy(s.capacityProviderStrategy);
  }
  return s.launchType === 'FARGATE' ? [{ capacityProvider: 'FARGATE', weight: 1 }] : [];
}

/** A described service in the `ecs.Service` spec shape. */
export function normalizeService(s: Service): Spec {
  return compactSpec({
    capacityProviderStrategy: strategyOf(s),
    cluster: s.clusterArn,
    deploymentConfiguration: normalizeDeployment(s.deploymentConfiguration),
    desiredCount: s.desiredCount ?? 0,
    enableExecuteCommand: s.enableExecuteCommand ?? false,
    healthCheckGracePeriodSeconds: s.healthCheckGracePeriodSeconds
      ? s.healthCheckGracePeriodSeconds
      : undefined,
    loadBalancers: normalizeLoadBalancers(s.loadBalancers),
    networkConfiguration: normalizeNetworkConfiguration(s.networkConfiguration),
    serviceName: s.serviceName,
    // Only when it has some: an unregistered service reads as before discovery existed.
    serviceRegistries: (s.serviceRegistries ?? []).length > 0 ? normalizeRegistries(s) : undefined,
    taskDefinition: s.taskDefinition,
  });
}

/**
 * Service health: Degraded when the primary rollout FAILED (circuit breaker), Progressing while DRAINING,
 * while more than one deployment exists or the primary is IN_PROGRESS, or while fewer tasks run than
 * desired; Healthy otherwise.
 */
export function serviceHealth(s: Service): { health: Health; healthReason?: string } {
  if (s.status === 'DRAINING') return { health: 'Progressing', healthReason: 'service is DRAINING' };
  const deployments = s.deployments ?? [];
  const primary = deployments.find((d) => d.status === 'PRIMARY');
  if (primary?.rolloutState === 'FAILED') {
    return { health: 'Degraded', healthReason: primary.rolloutStateReason ?? 'deployment failed' };
  }
  if (deployments.length > 1) {
    return { health: 'Progressing', healthReason: `rollout in progress (${deployments.length} deployments)` };
  }
  if (primary?.rolloutState === 'IN_PROGRESS') {
    return { health: 'Progressing', healthReason: primary.rolloutStateReason ?? 'rollout in progress' };
  }
  const running = s.runningCount ?? 0;
  const desired = s.desiredCount ?? 0;
  if (running < desired)
    return { health: 'Progressing', healthReason: `${running} of ${desired} tasks running` };
  return { health: 'Healthy' };
}

/** Cluster (name) → service names to describe, from targets, the journal and the stack's cluster. */
function clustersToSearch(targets: readonly ObserveTarget[], ctx: ObserveContext): Map<string, Set<string>> {
  const map = new Map<string, Set<string>>();
  const add = (cluster: string | undefined, service?: string): void => {
    if (!cluster) return;
    const key = arnName(cluster);
    const set = map.get(key) ?? new Set<string>();
    if (service) set.add(service);
    map.set(key, set);
  };
  for (const t of targets) {
    add(targetString(t, 'cluster', ctx), t.name);
    if (t.physicalId) add(clusterOfArn(t.physicalId), arnName(t.physicalId));
  }
  const stackCluster = ctx.outputs.get(STACK_CLUSTER_LOGICAL_ID)?.arn;
  add(typeof stackCluster === 'string' ? stackCluster : `${ctx.project}-${ctx.stack}`);
  return map;
}

async function describeInCluster(
  ctx: ObserveContext,
  cluster: string,
  names: Set<string>,
): Promise<Service[]> {
  try {
    const pages = paginateListServices(
      { client: ctx.clients.ecs },
      { cluster, maxResults: LIST_SERVICES_PAGE },
    );
    for await (const page of pages) for (const arn of page.serviceArns ?? []) names.add(arnName(arn));
    const out: Service[] = [];
    for (const batch of chunks([...names].sort(), DESCRIBE_SERVICES_BATCH)) {
      const res = await ctx.clients.ecs.send(
        new DescribeServicesCommand(describeServicesInput(cluster, batch)),
      );
      out.push(...(res.services ?? []).filter((s) => s.status !== 'INACTIVE'));
    }
    return out;
  } catch (err) {
    if (isNotFound(err)) return [];
    throw err;
  }
}

/** Orders the service's order-insensitive lists like the target's desired spec (see alignToTarget). */
function alignService(spec: Spec, target: ObserveTarget | undefined, ctx: ObserveContext): Spec {
  const want = target?.spec;
  if (!want) return spec;
  const nc = spec.networkConfiguration as Spec | undefined;
  const wantNc = want.networkConfiguration;
  return {
    ...spec,
    capacityProviderStrategy: alignToTarget(
      listField(spec, 'capacityProviderStrategy'),
      want.capacityProviderStrategy,
      ctx.outputs,
    ),
    loadBalancers: alignToTarget(listField(spec, 'loadBalancers'), want.loadBalancers, ctx.outputs),
    ...(nc
      ? {
          networkConfiguration: {
            ...nc,
            securityGroups: alignToTarget(
              listField(nc, 'securityGroups'),
              field(wantNc, 'securityGroups'),
              ctx.outputs,
            ),
            subnets: alignToTarget(listField(nc, 'subnets'), field(wantNc, 'subnets'), ctx.outputs),
          },
        }
      : {}),
  };
}

function toObserved(s: Service, targets: readonly ObserveTarget[], ctx: ObserveContext): ObservedResource {
  const arn = s.serviceArn ?? '';
  const name = s.serviceName ?? arnName(arn);
  const tags = ecsTagsToRecord(s.tags);
  const cluster = arnName(s.clusterArn ?? '');
  const nameMatch = targets.find((t) => {
    const c = targetString(t, 'cluster', ctx);
    return t.name === name && (c === undefined || arnName(c) === cluster);
  });
  const id = identify(arn, name, tags, targets, nameMatch);
  const target = targetOf(id.logicalId, targets);
  const health = serviceHealth(s);
  return {
    kind: 'ecs.Service',
    logicalId: id.logicalId,
    name: id.name,
    physicalId: arn,
    spec: {
      ...alignService(normalizeService(s), target, ctx),
      // Only when a dependent awaits this service (`healthy: true` in the desired spec): whether it is
      // healthy now, so an unhealthy one plans an update that waits before its dependents go ahead.
      ...(target?.spec?.healthy === undefined ? {} : { healthy: health.health === 'Healthy' }),
    },
    tags,
    outputs: { arn },
    ...health,
  };
}

/** The `ecs.Service` observer. */
export const ecsServiceObserver: Observer = {
  kind: 'ecs.Service',
  async observe(targets, ctx) {
    const out = new Map<string, ObservedResource>();
    for (const [cluster, names] of clustersToSearch(targets, ctx)) {
      for (const s of await describeInCluster(ctx, cluster, names)) {
        const observed = toObserved(s, targets, ctx);
        const targeted = targets.some(
          (t) => t.logicalId === observed.logicalId || t.physicalId === observed.physicalId,
        );
        if (targeted || isOwnedBy(observed.tags, ctx.project, ctx.stack))
          out.set(observed.physicalId, observed);
      }
    }
    return [...out.values()];
  },
};
