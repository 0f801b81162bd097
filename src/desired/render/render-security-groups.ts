/**
 * Security groups follow compose networks, so whoever could reach a container on a laptop can reach
 * its task, and no one else:
 * - every compose network N an ECS task is on gets a membership group `sg/net/<N>` with no rules; a task
 *   carries its own `sg/svc/<svc>` plus `sg/net/<N>` of each of its networks (Fargate allows 5 groups
 *   per task, so at most 4 networks: validation checks it);
 * - a service admits, from `sg/net/<N>` of every network it is on, each container port it declares
 *   (`ports` targets and `expose`), or every TCP port when it declares none (compose reaches any port;
 *   the resolver warns and suggests `expose`); two services on disjoint networks cannot talk;
 * - managed data (`sg/db/<svc>`, `sg/cache/<svc>`) admits its port the same way, from the networks the
 *   compose data service is on;
 * - the ALB group admits each listener port from anywhere; a service admits from `sg/alb` only the
 *   container ports the ALB routes to it.
 * Egress is AWS's default allow-all and not owned.
 *
 * Membership groups have no rules, so every reference goes net → svc (or alb → svc): no group
 * references itself through a cycle, which no create order could satisfy.
 *
 @module
 */
import type { DesiredResource, SpecValue } from '../resource-types.js';
import { ref } from '../resource-types.js';
import { compareStrings, sortedUnique, stableJson } from './canonical.js';
import { type RenderContext, resource } from './context.js';
import type { PortSpec, ServiceModel } from './model.js';
import { NAME_LIMITS, physicalName } from './naming.js';

/** PostgreSQL's port: RDS instances keep the default. */
export const POSTGRES_PORT = 5432;
/** Redis's port: ElastiCache keeps the default. */
export const REDIS_PORT = 6379;

const ANYWHERE = '0.0.0.0/0';
/** The whole TCP port range, admitted from the networks of a service that declares no port. */
export const ALL_TCP_PORTS = { from: 0, to: 65535 } as const;
/** AWS rejects group names starting with `sg-`. */
const RESERVED_SG_PREFIX = 'sg-';

/** Logical id of the membership group of compose network `network`. */
export function networkSgId(network: string): string {
  return `sg/net/${network}`;
}

interface IngressRule {
  readonly protocol: 'tcp' | 'udp';
  readonly port: number;
  /** Last port of a range; `port` alone when absent. */
  readonly toPort?: number;
  /** A CIDR, or the logical id of the source group. */
  readonly from: { readonly cidrIp: string } | { readonly group: string };
  readonly description: string;
}

function ingressSpec(rules: readonly IngressRule[]): SpecValue[] {
  const entries = rules.map((r) => ({
    protocol: r.protocol,
    fromPort: r.port,
    toPort: r.toPort ?? r.port,
    ...('cidrIp' in r.from ? { cidrIp: r.from.cidrIp } : { sourceSecurityGroupId: ref(r.from.group, 'id') }),
    description: r.description,
  }));
  const source = (e: (typeof entries)[number]) =>
    'cidrIp' in e ? e.cidrIp : stableJson(e.sourceSecurityGroupId);
  return sortedUnique(entries).sort(
    (a, b) =>
      a.fromPort - b.fromPort ||
      a.toPort - b.toPort ||
      compareStrings(source(a), source(b)) ||
      compareStrings(a.protocol, b.protocol),
  );
}

function group(
  ctx: RenderContext,
  logicalId: string,
  readable: string,
  description: string,
  rules: readonly IngressRule[],
): DesiredResource {
  const { model, network } = ctx;
  const kind = logicalId.slice(0, logicalId.lastIndexOf('/'));
  let name = physicalName(
    { project: model.project, stack: model.stack, name: readable, kind },
    NAME_LIMITS['ec2.SecurityGroup'] - 2,
  );
  if (name.startsWith(RESERVED_SG_PREFIX)) name = `sgrp-${name.slice(RESERVED_SG_PREFIX.length)}`;
  const sources = rules.flatMap((r) => ('group' in r.from ? [r.from.group] : []));
  return resource(model, {
    kind: 'ec2.SecurityGroup',
    logicalId,
    name,
    spec: { groupName: name, description, vpcId: network.vpcId, ingress: ingressSpec(rules) },
    dependsOn: [...network.vpcDependsOn, ...sources],
  });
}

const fromGroup = (logicalId: string) => ({ group: logicalId });

/** Logical id of a service's own group. */
export function serviceSgId(service: string): string {
  return `sg/svc/${service}`;
}

/** The groups a task of `svc` carries: its own, and the membership group of each network it shares. */
export function taskSecurityGroups(ctx: RenderContext, svc: ServiceModel): string[] {
  const shared = svc.networks.filter((n) => ctx.model.taskNetworks.includes(n));
  return [serviceSgId(svc.name), ...shared.map(networkSgId)];
}

/** Rules admitting `ports` (or every TCP port) of `callee` from each network it shares with tasks. */
function networkRules(
  ctx: RenderContext,
  callee: ServiceModel,
  ports: readonly PortSpec[] | 'all-tcp',
  what: (port: string) => string,
): IngressRule[] {
  const networks = callee.networks.filter((n) => ctx.model.taskNetworks.includes(n));
  return networks.flatMap((network): IngressRule[] => {
    const from = fromGroup(networkSgId(network));
    if (ports === 'all-tcp') {
      const range = `${ALL_TCP_PORTS.from}-${ALL_TCP_PORTS.to}`;
      return [
        {
          protocol: 'tcp',
          port: ALL_TCP_PORTS.from,
          toPort: ALL_TCP_PORTS.to,
          from,
          description: `${what(`tcp ${range}`)} from network ${network}`,
        },
      ];
    }
    return ports.map((p) => ({
      protocol: p.protocol,
      port: p.port,
      from,
      description: `${what(`${p.protocol} ${p.port}`)} from network ${network}`,
    }));
  });
}

/** Every security group of the stack. */
export function renderSecurityGroups(ctx: RenderContext): DesiredResource[] {
  const { model, routing } = ctx;
  const label = `stackctl ${model.project}/${model.stack}`;
  const out: DesiredResource[] = [];
  if (model.hasAlb) {
    const rules = routing.listeners.map(
      (l): IngressRule => ({
        protocol: 'tcp',
        port: l.port,
        from: { cidrIp: ANYWHERE },
        description: `${l.protocol} ${l.port} from anywhere`,
      }),
    );
    out.push(group(ctx, 'sg/alb', 'alb', `${label} load balancer`, rules));
  }
  for (const network of model.taskNetworks) {
    out.push(group(ctx, networkSgId(network), `net-${network}`, `${label} tasks on network ${network}`, []));
  }
  for (const svc of model.ecs) {
    const routed = routing.routes.filter((r) => r.service === svc.name).map((r) => r.port);
    const rules: IngressRule[] = [
      ...routed.map(
        (port): IngressRule => ({
          protocol: 'tcp',
          port,
          from: fromGroup('sg/alb'),
          description: `port ${port} from the load balancer`,
        }),
      ),
      ...networkRules(ctx, svc, svc.listensOnAnyPort ? 'all-tcp' : svc.internalPorts, (p) => p),
    ];
    out.push(group(ctx, serviceSgId(svc.name), svc.name, `${label} service ${svc.name}`, rules));
  }
  const data = [
    ...model.postgres.map((svc) => ({ svc, prefix: 'sg/db', port: POSTGRES_PORT, what: 'postgres' })),
    ...model.redis.map((svc) => ({ svc, prefix: 'sg/cache', port: REDIS_PORT, what: 'redis' })),
  ];
  for (const { svc, prefix, port, what } of data) {
    const rules = networkRules(ctx, svc, [{ port, protocol: 'tcp' }], () => what);
    out.push(
      group(
        ctx,
        `${prefix}/${svc.name}`,
        `${prefix.slice(3)}-${svc.name}`,
        `${label} ${what} ${svc.name}`,
        rules,
      ),
    );
  }
  return out;
}
