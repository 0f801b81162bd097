/**
 * The stack model: what each service becomes (ECS service, one-off task, managed Postgres or Redis) and
 * which ports it exposes where. Computed once so every render module agrees on it.
 *
 * @module
 */
import type { ResolvedService, ResolvedStack } from '../resolved-types.js';
import { compareStrings, sortedUnique } from './canonical.js';
import { stackBase } from './naming.js';

/** What a compose service becomes in AWS. */
export type ServiceRole = 'service' | 'one-off' | 'postgres' | 'redis';

/** A container port and its protocol. */
export interface PortSpec {
  readonly port: number;
  readonly protocol: 'tcp' | 'udp';
}

/** One service as the renderer sees it. */
export interface ServiceModel {
  readonly name: string;
  readonly resolved: ResolvedService;
  readonly role: ServiceRole;
  /** Container ports behind the ALB (tcp ingress ports of long-running services), sorted, distinct. */
  readonly albPorts: readonly number[];
  /** Ports other services of the stack may reach (host-mode ports and `expose`), sorted, distinct. */
  readonly internalPorts: readonly PortSpec[];
  /** Every port the container listens on (the task definition's port mappings), sorted, distinct. */
  readonly containerPorts: readonly PortSpec[];
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
  /** True when some ECS service has internal ports: every task then carries the `sg/tasks` group. */
  readonly hasInternalPorts: boolean;
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
): Omit<ServiceModel, 'name' | 'resolved' | 'role' | 'dependsOn'> {
  const { ports, expose } = svc.compose;
  const albPorts =
    role === 'service'
      ? sortedUnique(ports.filter((p) => p.mode === 'ingress' && p.protocol === 'tcp').map((p) => p.target))
      : [];
  const internal: PortSpec[] = [
    ...ports.filter((p) => p.mode === 'host').map((p) => ({ port: p.target, protocol: p.protocol })),
    ...expose.map((port) => ({ port, protocol: 'tcp' as const })),
  ];
  const all: PortSpec[] = [...ports.map((p) => ({ port: p.target, protocol: p.protocol })), ...internal];
  return {
    albPorts: [...albPorts].sort((a, b) => a - b),
    internalPorts: sortPorts(internal),
    containerPorts: sortPorts(all),
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
    return { name, resolved: svc, role, dependsOn, ...portsOf(svc, role) };
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
    hasInternalPorts: ecs.some((s) => s.internalPorts.length > 0),
    needsPrivateSubnets: resolved.preset.taskSubnets === 'private' || postgres.length + redis.length > 0,
  };
}

/** ECS services that depend on `dataService` (they get its connection settings and its SG admits them). */
export function dependentsOf(model: StackModel, dataService: string): readonly ServiceModel[] {
  return model.ecs.filter((s) => s.dependsOn.includes(dataService));
}
