/**
 * The stack model: what each service becomes (ECS service, one-off task, managed Postgres or Redis),
 * which ports it publishes on the load balancer, which it listens on inside the stack, and which
 * compose networks it is on. Computed once so every render module agrees on it.
 *
 * @module
 */
import type { ResolvedService, ResolvedStack } from '../resolved-types.js';
import { compareStrings, sortedUnique } from './canonical.js';
import { stackBase } from './naming.js';
import { publishedPortExposure } from './port-exposure.js';

/** What a compose service becomes in AWS. */
export type ServiceRole = 'service' | 'one-off' | 'postgres' | 'redis';

/** A container port and its protocol. */
export interface PortSpec {
  readonly port: number;
  readonly protocol: 'tcp' | 'udp';
}

/** A published port served on the load balancer: a listener on `published` forwards to `target`. */
export interface PublicPort {
  readonly published: number;
  readonly target: number;
}

/** One service as the renderer sees it. */
export interface ServiceModel {
  readonly name: string;
  readonly resolved: ResolvedService;
  readonly role: ServiceRole;
  /** Published HTTP ports of a long-running service, sorted by published port. */
  readonly publicPorts: readonly PublicPort[];
  /** Container ports behind the ALB (targets of {@link publicPorts}), sorted, distinct. */
  readonly albPorts: readonly number[];
  /** Ports services sharing a network may reach: every declared container port (`ports`, `expose`). */
  readonly internalPorts: readonly PortSpec[];
  /** True when it declares no port at all: services sharing a network may reach any TCP port. */
  readonly listensOnAnyPort: boolean;
  /** Every port the container listens on (the task definition's port mappings), sorted, distinct. */
  readonly containerPorts: readonly PortSpec[];
  /** Compose networks it is on (`default` when it names none), sorted. */
  readonly networks: readonly string[];
  /** Known services this one depends on, sorted. Unknown ones are reported by validation. */
  readonly dependsOn: readonly string[];
}

/** Everything the render modules need besides the resolved stack itself. */
export interface StackModel {
  readonly project: string;
  readonly stack: string;
  readonly region: string;
  /** `clean("<project>-<stack>")`. */
  readonly base: string;
  /** All services, sorted by name. */
  readonly services: readonly ServiceModel[];
  /** Services run on ECS (long-running and one-off), sorted by name. */
  readonly ecs: readonly ServiceModel[];
  readonly postgres: readonly ServiceModel[];
  readonly redis: readonly ServiceModel[];
  /** True when some ECS service has an ALB port: the stack then gets one ALB. */
  readonly hasAlb: boolean;
  /**
   * Compose networks with an ECS task and at least one other member (task or managed data), sorted: each
   * gets a membership group `sg/net/<N>`. A network with a single member connects nobody, so it gets none.
   */
  readonly taskNetworks: readonly string[];
  /** Tasks go in private subnets when the mode says so; data always does. */
  readonly needsPrivateSubnets: boolean;
}

/** A service that another service waits for with `service_completed_successfully`. */
function isAwaitedToComplete(resolved: ResolvedStack, name: string): boolean {
  return Object.values(resolved.services).some(
    (s) => s.name !== name && s.compose.dependsOn[name]?.condition === 'service_completed_successfully',
  );
}

function roleOf(resolved: ResolvedStack, svc: ResolvedService): ServiceRole {
  if (svc.compose.postgres !== undefined) return 'postgres';
  if (svc.compose.redis !== undefined) return 'redis';
  if (svc.compose.restart === 'no' && isAwaitedToComplete(resolved, svc.name)) return 'one-off';
  return 'service';
}

function portsOf(
  svc: ResolvedService,
  role: ServiceRole,
): Pick<ServiceModel, 'publicPorts' | 'albPorts' | 'internalPorts' | 'listensOnAnyPort' | 'containerPorts'> {
  const { ports, expose } = svc.compose;
  const publicPorts =
    role === 'service'
      ? ports.flatMap((p): PublicPort[] =>
          p.mode === 'ingress' &&
          p.protocol === 'tcp' &&
          p.published !== undefined &&
          publishedPortExposure(svc, p).kind === 'public'
            ? [{ published: p.published, target: p.target }]
            : [],
        )
      : [];
  const internal: PortSpec[] = [
    ...ports.map((p) => ({ port: p.target, protocol: p.protocol })),
    ...expose.map((port) => ({ port, protocol: 'tcp' as const })),
  ];
  return {
    publicPorts: sortedUnique(publicPorts).sort((a, b) => a.published - b.published || a.target - b.target),
    albPorts: sortedUnique(publicPorts.map((p) => p.target)).sort((a, b) => a - b),
    internalPorts: sortPorts(internal),
    // A run-to-completion task serves nobody (and has no DNS name): it is never opened to every port.
    listensOnAnyPort: internal.length === 0 && role === 'service',
    containerPorts: sortPorts(internal),
  };
}

function sortPorts(ports: readonly PortSpec[]): PortSpec[] {
  return sortedUnique(ports).sort((a, b) => a.port - b.port || compareStrings(a.protocol, b.protocol));
}

/** Classifies every service of `resolved`. Pure; never throws (validation reports bad input). */
export function buildModel(resolved: ResolvedStack): StackModel {
  const names = Object.keys(resolved.services).sort(compareStrings);
  const services = names.map((name): ServiceModel => {
    const svc = resolved.services[name] as ResolvedService;
    const role = roleOf(resolved, svc);
    const dependsOn = Object.keys(svc.compose.dependsOn)
      .filter((d) => d !== name && resolved.services[d] !== undefined)
      .sort(compareStrings);
    const networks = sortedUnique(svc.compose.networks.length > 0 ? svc.compose.networks : ['default']);
    return { name, resolved: svc, role, dependsOn, networks, ...portsOf(svc, role) };
  });
  const ecs = services.filter((s) => s.role === 'service' || s.role === 'one-off');
  const postgres = services.filter((s) => s.role === 'postgres');
  const redis = services.filter((s) => s.role === 'redis');
  const project = resolved.project.value;
  const stack = resolved.stack;
  return {
    project,
    stack,
    region: resolved.region.value,
    base: stackBase(project, stack),
    services,
    ecs,
    postgres,
    redis,
    hasAlb: ecs.some((s) => s.albPorts.length > 0),
    taskNetworks: sharedTaskNetworks(services),
    needsPrivateSubnets: resolved.preset.taskSubnets === 'private' || postgres.length + redis.length > 0,
  };
}

/** The networks worth a membership group: some ECS task is on them, and someone else to reach or be reached. */
function sharedTaskNetworks(services: readonly ServiceModel[]): string[] {
  const members = new Map<string, { count: number; hasTask: boolean }>();
  for (const svc of services) {
    const isTask = svc.role === 'service' || svc.role === 'one-off';
    for (const network of svc.networks) {
      const m = members.get(network) ?? { count: 0, hasTask: false };
      members.set(network, { count: m.count + 1, hasTask: m.hasTask || isTask });
    }
  }
  return [...members]
    .filter(([, m]) => m.count >= 2 && m.hasTask)
    .map(([network]) => network)
    .sort(compareStrings);
}

/** ECS services that depend on `dataService` (they get its connection settings and its SG admits them). */
export function dependentsOf(model: StackModel, dataService: string): readonly ServiceModel[] {
  return model.ecs.filter((s) => s.dependsOn.includes(dataService));
}
