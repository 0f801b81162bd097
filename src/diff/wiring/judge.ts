/**
 * Verdicts: does each edge of a stack work in AWS as observed? Pure: the facts come from
 * `observed/wiring-facts.ts`.
 *
 * Per edge up to three checks, each ✓ or ✗ with one line naming the AWS object that decides it:
 * - `resolves` (private edges): the private namespace exists and is associated with the stack VPC, a
 *   Cloud Map service named after the label exists, the callee is registered behind it (ECS
 *   `serviceRegistries`, or a CNAME instance to the callee's name / the database's endpoint), and the
 *   VPC's DHCP search domain lets the short name resolve;
 * - `admitted`: the callee's groups admit the port from one of the caller's groups (or from anywhere);
 *   for a public edge, the ALB group admits the listener port from anywhere and the callee's groups admit
 *   the container port from the ALB group;
 * - `routed` (public edges): a listener at the port (or the 443 host rule) forwards to a target group on
 *   the container port that the callee's ECS service registers.
 *
 * @module
 */
import {
  ALL_PORTS,
  type EdgePort,
  edgeName,
  type PrivateEdge,
  type PublicEdge,
  type WiringEdge,
} from './edges.js';
import type { ObservedGroup, ObservedIngressRule, WiringFacts } from './facts.js';

/** The CIDR that admits everyone. */
export const ANYWHERE_CIDR = '0.0.0.0/0';
/** Logical-id prefix of the network membership groups (contract: `sg/net/<N>`). */
const NETWORK_GROUP_PREFIX = 'sg/net/';
/** The highest TCP port: a rule from 0 (or 1) to it covers "every port". */
const MAX_PORT = 65_535;

/** One check: passed or not, and why, naming the AWS object. */
export interface WiringCheck {
  readonly ok: boolean;
  readonly reason: string;
}

/** The verdict on one edge. */
export interface EdgeVerdict {
  readonly edge: WiringEdge;
  /** {@link edgeName}. */
  readonly name: string;
  /** Private edges only. */
  readonly resolves?: WiringCheck;
  readonly admitted: WiringCheck;
  /** Public edges only. */
  readonly routed?: WiringCheck;
  /** Every check passed. */
  readonly ok: boolean;
}

const pass = (reason: string): WiringCheck => ({ ok: true, reason });
const fail = (reason: string): WiringCheck => ({ ok: false, reason });

function groupLabel(facts: WiringFacts, id: string): string {
  const g = facts.securityGroups[id];
  return g ? `${id} (${g.name})` : id;
}

function groupRef(facts: WiringFacts, id: string): string {
  const g = facts.securityGroups[id];
  return g?.logicalId ?? id;
}

/** A callee's groups worth naming: its own, not the network membership groups (which hold no rules). */
function ownGroups(facts: WiringFacts, ids: readonly string[]): readonly string[] {
  const own = ids.filter((id) => !facts.securityGroups[id]?.logicalId?.startsWith(NETWORK_GROUP_PREFIX));
  return own.length > 0 ? own : ids;
}

function portText(port: EdgePort): string {
  return port === ALL_PORTS ? 'tcp/all' : `tcp/${port}`;
}

function covers(rule: ObservedIngressRule, port: EdgePort): boolean {
  if (rule.protocol === '-1') return true;
  if (rule.protocol !== 'tcp' && rule.protocol !== '6') return false;
  if (port === ALL_PORTS) return rule.fromPort <= 1 && rule.toPort >= MAX_PORT;
  return rule.fromPort <= port && port <= rule.toPort;
}

/** The first group of `calleeGroups` with a rule for `port` from `sources` (or anywhere). */
function admits(
  groups: readonly (ObservedGroup | undefined)[],
  port: EdgePort,
  sources: ReadonlySet<string>,
  fromAnywhereOnly = false,
): ObservedGroup | undefined {
  return groups.find((g) =>
    g?.ingress.some(
      (r) =>
        covers(r, port) &&
        (r.cidrIp === ANYWHERE_CIDR ||
          (!fromAnywhereOnly && r.sourceGroupId !== undefined && sources.has(r.sourceGroupId))),
    ),
  );
}

function calleeGroups(edge: PrivateEdge, facts: WiringFacts): readonly string[] | undefined {
  switch (edge.calleeRole) {
    case 'postgres':
      return facts.databases[edge.callee]?.securityGroupIds;
    case 'redis':
      return facts.caches[edge.callee]?.securityGroupIds;
    default:
      return facts.taskGroupIds[edge.callee];
  }
}

function calleeObject(edge: PrivateEdge): string {
  switch (edge.calleeRole) {
    case 'postgres':
      return `RDS instance of ${edge.callee}`;
    case 'redis':
      return `ElastiCache replication group of ${edge.callee}`;
    case 'one-off':
      return `one-off task ${edge.callee}`;
    default:
      return `ECS service ${edge.callee}`;
  }
}

function admittedPrivate(edge: PrivateEdge, facts: WiringFacts): WiringCheck {
  const targets = calleeGroups(edge, facts);
  if (!targets) return fail(`${calleeObject(edge)} not found`);
  if (targets.length === 0) return fail(`${calleeObject(edge)} has no security group`);
  const callerGroups = facts.taskGroupIds[edge.caller] ?? [];
  const sources = new Set(callerGroups);
  const hit = admits(
    targets.map((id) => facts.securityGroups[id]),
    edge.port,
    sources,
  );
  if (hit) return pass(`${groupLabel(facts, hit.id)} admits ${portText(edge.port)} from ${edge.caller}`);
  const from =
    callerGroups.length === 0
      ? `${edge.caller} (no task groups found)`
      : callerGroups.map((id) => groupRef(facts, id)).join(' or ');
  return fail(
    `${ownGroups(facts, targets)
      .map((id) => groupLabel(facts, id))
      .join(', ')} has no rule for ${portText(edge.port)} from ${from}`,
  );
}

function resolvesPrivate(edge: PrivateEdge, facts: WiringFacts): WiringCheck {
  const ns = facts.namespace;
  if (!ns) return fail(`private namespace ${facts.namespaceName} not found in Cloud Map`);
  // An empty list is moto's (its private zones carry no VPC); AWS never has a private zone without one.
  if (facts.vpcId === undefined || (ns.vpcIds.length > 0 && !ns.vpcIds.includes(facts.vpcId)))
    return fail(`namespace ${ns.name} (${ns.id}) is not associated with the stack VPC ${facts.vpcId ?? '?'}`);
  if (facts.vpcDns !== undefined && !(facts.vpcDns.support && facts.vpcDns.hostnames))
    return fail(
      `VPC ${facts.vpcId} has enableDnsSupport=${facts.vpcDns.support}, enableDnsHostnames=${facts.vpcDns.hostnames}: its private zones (the namespace ${ns.name}) do not answer until both are true`,
    );
  if (edge.calleeRole === 'one-off') return fail(`one-off task ${edge.callee} registers no DNS name`);
  const dns = facts.dnsServices.find((s) => s.name === edge.label);
  if (!dns) return fail(`no Cloud Map service "${edge.label}" in namespace ${ns.name} (${ns.id})`);
  const fqdn = `${edge.label}.${ns.name}`;
  if (edge.calleeRole === 'postgres' || edge.calleeRole === 'redis') {
    const store = edge.calleeRole === 'postgres' ? facts.databases[edge.callee] : facts.caches[edge.callee];
    if (!store?.endpoint) return fail(`${calleeObject(edge)} has no endpoint yet`);
    const target = store.endpoint.toLowerCase();
    if (!dns.instances.some((i) => i.cname?.toLowerCase() === target))
      return fail(`Cloud Map service ${edge.label} (${dns.id}) has no CNAME instance to ${store.endpoint}`);
  } else if (edge.label === edge.callee.toLowerCase()) {
    const ecs = facts.ecsServices[edge.callee];
    if (!ecs) return fail(`ECS service of ${edge.callee} not found`);
    if (!ecs.registryArns.includes(dns.arn))
      return fail(`ECS service ${ecs.name} does not register in Cloud Map service ${edge.label} (${dns.id})`);
  } else {
    const primary = `${edge.callee.toLowerCase()}.${ns.name}`;
    if (!dns.instances.some((i) => i.cname?.toLowerCase() === primary))
      return fail(`Cloud Map service ${edge.label} (${dns.id}) has no CNAME instance to ${primary}`);
  }
  if (!facts.dhcp?.domainNames.includes(ns.name))
    return fail(
      `short name needs the search domain ${ns.name} in the VPC's DHCP options (${facts.dhcp?.id ?? 'none'}); ${fqdn} resolves`,
    );
  return pass(`${fqdn} → ${dns.id}, search domain in ${facts.dhcp.id}`);
}

function routedPublic(edge: PublicEdge, facts: WiringFacts): WiringCheck {
  const lb = facts.loadBalancer;
  if (!lb) return fail('the stack has no load balancer');
  const listener = facts.listeners.find((l) => l.port === edge.listenerPort);
  if (!listener) return fail(`no listener on port ${edge.listenerPort} of ${lb.name}`);
  const forwards = edge.host
    ? listener.rules.filter((r) => r.hosts.includes(edge.host ?? '')).flatMap((r) => r.targetGroupArns)
    : listener.defaultTargetGroupArns;
  const where = edge.host
    ? `listener ${edge.listenerPort} host rule ${edge.host}`
    : `listener ${edge.listenerPort}`;
  if (forwards.length === 0) return fail(`${where} of ${lb.name} forwards to no target group`);
  const onPort = forwards.filter((arn) => facts.targetGroups[arn]?.port === edge.port);
  if (onPort.length === 0) {
    const names = forwards.map((arn) => facts.targetGroups[arn]?.name ?? arn).join(', ');
    return fail(`${where} of ${lb.name} forwards to ${names}, not to port ${edge.port}`);
  }
  const ecs = facts.ecsServices[edge.callee];
  if (!ecs) return fail(`ECS service of ${edge.callee} not found`);
  const registered = onPort.find((arn) =>
    ecs.loadBalancers.some((b) => b.targetGroupArn === arn && b.containerPort === edge.port),
  );
  const tgName = facts.targetGroups[onPort[0] ?? '']?.name ?? onPort[0];
  if (!registered)
    return fail(`ECS service ${ecs.name} does not register target group ${tgName} on port ${edge.port}`);
  return pass(`${where} → ${facts.targetGroups[registered]?.name ?? registered} → ${ecs.name}`);
}

function admittedPublic(edge: PublicEdge, facts: WiringFacts): WiringCheck {
  const lb = facts.loadBalancer;
  if (!lb) return fail('the stack has no load balancer');
  const albGroups = lb.securityGroupIds.map((id) => facts.securityGroups[id]);
  if (!admits(albGroups, edge.listenerPort, new Set(), true))
    return fail(
      `${lb.securityGroupIds.map((id) => groupLabel(facts, id)).join(', ') || lb.name} has no rule for tcp/${edge.listenerPort} from ${ANYWHERE_CIDR}`,
    );
  const targets = facts.taskGroupIds[edge.callee] ?? [];
  const hit = admits(
    targets.map((id) => facts.securityGroups[id]),
    edge.port,
    new Set(lb.securityGroupIds),
  );
  if (!hit)
    return fail(
      `${
        ownGroups(facts, targets)
          .map((id) => groupLabel(facts, id))
          .join(', ') || edge.callee
      } has no rule for tcp/${edge.port} from sg/alb`,
    );
  return pass(
    `load balancer admits tcp/${edge.listenerPort} from ${ANYWHERE_CIDR}; ${groupLabel(facts, hit.id)} admits tcp/${edge.port} from it`,
  );
}

/** The verdict on every edge, in edge order. */
export function judgeEdges(edges: readonly WiringEdge[], facts: WiringFacts): readonly EdgeVerdict[] {
  return edges.map((edge): EdgeVerdict => {
    if (edge.type === 'public') {
      const routed = routedPublic(edge, facts);
      const admitted = admittedPublic(edge, facts);
      return { edge, name: edgeName(edge), admitted, routed, ok: routed.ok && admitted.ok };
    }
    const resolves = resolvesPrivate(edge, facts);
    const admitted = admittedPrivate(edge, facts);
    return { edge, name: edgeName(edge), resolves, admitted, ok: resolves.ok && admitted.ok };
  });
}

/** The first failing check's reason, or the passing reasons joined: the one line a table shows. */
export function verdictReason(v: EdgeVerdict): string {
  const checks = [v.resolves, v.admitted, v.routed].filter((c): c is WiringCheck => c !== undefined);
  const failed = checks.find((c) => !c.ok);
  return failed ? failed.reason : checks.map((c) => c.reason).join('; ');
}
