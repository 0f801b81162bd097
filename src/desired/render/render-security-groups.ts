/**
 * Security groups: the ALB is open to the world on 80 (and 443 with HTTPS); a service admits its ALB
 * ports from the ALB and its internal ports from the stack's tasks; a database or cache admits only the
 * services that depend on it. Egress is AWS's default allow-all and not owned.
 *
 * Internal traffic uses a membership group, `sg/tasks`, that every task carries and that has no rules
 * of its own. Admitting "every other service's group" directly would make groups reference each other
 * (a → b → a), a cycle no create order can satisfy.
 *
 * @module
 */
import type { DesiredResource, SpecValue } from '../resource-types.js';
import { ref } from '../resource-types.js';
import { compareStrings, sortedUnique, stableJson } from './canonical.js';
import { type RenderContext, resource } from './context.js';
import { dependentsOf, type ServiceModel } from './model.js';
import { NAME_LIMITS, physicalName } from './naming.js';

/** PostgreSQL's port: RDS instances keep the default. */
export const POSTGRES_PORT = 5432;
/** Redis's port: ElastiCache keeps the default. */
export const REDIS_PORT = 6379;

const ANYWHERE = '0.0.0.0/0';
const HTTP_PORT = 80;
const HTTPS_PORT = 443;
/** AWS rejects group names starting with `sg-`. */
const RESERVED_SG_PREFIX = 'sg-';

/** Logical id of the membership group every task of the stack carries. */
export const TASKS_SG = 'sg/tasks';

interface IngressRule {
  readonly protocol: 'tcp' | 'udp';
  readonly port: number;
  /** A CIDR, or the logical id of the source group. */
  readonly from: { readonly cidrIp: string } | { readonly group: string };
  readonly description: string;
}

function ingressSpec(rules: readonly IngressRule[]): SpecValue[] {
  const entries = rules.map((r) => ({
    protocol: r.protocol,
    fromPort: r.port,
    toPort: r.port,
    ...('cidrIp' in r.from ? { cidrIp: r.from.cidrIp } : { sourceSecurityGroupId: ref(r.from.group, 'id') }),
    description: r.description,
  }));
  const source = (e: (typeof entries)[number]) =>
    'cidrIp' in e ? e.cidrIp : stableJson(e.sourceSecurityGroupId);
  return sortedUnique(entries).sort(
    (a, b) =>
      a.fromPort - b.fromPort ||
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

/** The groups a task of `svc` carries (its own, plus the membership group when the stack has one). */
export function taskSecurityGroups(ctx: RenderContext, svc: ServiceModel): string[] {
  return [serviceSgId(svc.name), ...(ctx.model.hasInternalPorts ? [TASKS_SG] : [])];
}

/** Every security group of the stack. */
export function renderSecurityGroups(ctx: RenderContext): DesiredResource[] {
  const { model, routing } = ctx;
  const label = `stackctl ${model.project}/${model.stack}`;
  const out: DesiredResource[] = [];
  if (model.hasAlb) {
    const web = [HTTP_PORT, ...(routing.https ? [HTTPS_PORT] : [])];
    const rules = web.map(
      (port): IngressRule => ({
        protocol: 'tcp',
        port,
        from: { cidrIp: ANYWHERE },
        description: port === HTTP_PORT ? 'HTTP from anywhere' : 'HTTPS from anywhere',
      }),
    );
    out.push(group(ctx, 'sg/alb', 'alb', `${label} load balancer`, rules));
  }
  if (model.hasInternalPorts) {
    out.push(group(ctx, TASKS_SG, 'tasks', `${label} tasks (admitted on internal ports)`, []));
  }
  for (const svc of model.ecs) {
    const rules: IngressRule[] = [
      ...svc.albPorts.map(
        (port): IngressRule => ({
          protocol: 'tcp',
          port,
          from: fromGroup('sg/alb'),
          description: `port ${port} from the load balancer`,
        }),
      ),
      ...svc.internalPorts.map(
        (p): IngressRule => ({
          protocol: p.protocol,
          port: p.port,
          from: fromGroup(TASKS_SG),
          description: `port ${p.port} from the stack tasks`,
        }),
      ),
    ];
    out.push(group(ctx, serviceSgId(svc.name), svc.name, `${label} service ${svc.name}`, rules));
  }
  const data = [
    ...model.postgres.map((svc) => ({ svc, prefix: 'sg/db', port: POSTGRES_PORT, what: 'postgres' })),
    ...model.redis.map((svc) => ({ svc, prefix: 'sg/cache', port: REDIS_PORT, what: 'redis' })),
  ];
  for (const { svc, prefix, port, what } of data) {
    const rules = dependentsOf(model, svc.name).map(
      (dep): IngressRule => ({
        protocol: 'tcp',
        port,
        from: fromGroup(serviceSgId(dep.name)),
        description: `${what} from service ${dep.name}`,
      }),
    );
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
