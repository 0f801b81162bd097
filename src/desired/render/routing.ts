/**
 * The public entry follows the published ports, as on a laptop: `ports: ["8080:80"]` answers at
 * `http://<load balancer>:8080/` and reaches container port 80. Nothing is invented: no path prefixes,
 * no catch-all rule.
 *
 * - One ALB listener per distinct published port P: `listener/http` for 80, `listener/http-<P>`
 *   otherwise, its default action forwarding to the target group `tg/<svc>-<target>`. Two services
 *   publishing the same port is an error, as docker refuses it ("port is already allocated").
 * - HTTPS: in a stack with a `domain` where some service has a `domainname`, the ALB also gets the
 *   certificate and `listener/https` (443) with one host rule per host (`rule/https/<svc>-<target>`,
 *   priorities 10, 20, … by service name), and `listener/http` redirects every request to HTTPS.
 *   A `domainname` service's host forwards to its port published on 443, else on 80, else its lowest
 *   published port.
 * - Port 80 (or 443) of a service without `domainname` in such an HTTPS stack cannot keep a plain
 *   listener (80 redirects, 443 is the TLS listener), so the service gets its own host in the zone,
 *   `<svc>.<domain>`, on the certificate: `https://<svc>.<domain>/`. Its other published ports keep
 *   their plain listeners.
 * - Without HTTPS, 443 is a plain HTTP listener like any other port (`listener/http-443`): there is
 *   no certificate to serve.
 *
 * @module
 */
import { compareStrings } from './canonical.js';
import type { RenderProblem } from './errors.js';
import type { ServiceModel, StackModel } from './model.js';
import { cleanName } from './naming.js';

/** Priority step between host rules, leaving room to insert rules by hand while debugging. */
export const RULE_PRIORITY_STEP = 10;
/** The plain HTTP port: its listener redirects to HTTPS in a stack that serves its own host names. */
export const HTTP_PORT = 80;
/** The HTTPS port: the TLS listener's, in a stack that serves its own host names. */
export const HTTPS_PORT = 443;

/** What a listener does with a request no rule matched. */
export type ListenerAction =
  | { readonly kind: 'forward'; readonly targetGroupId: string }
  | { readonly kind: 'redirect-https' }
  | { readonly kind: 'not-found' };

/** One ALB listener. */
export interface ListenerPlan {
  /** `listener/http`, `listener/https` or `listener/http-<port>`. */
  readonly id: string;
  readonly port: number;
  readonly protocol: 'HTTP' | 'HTTPS';
  readonly defaultAction: ListenerAction;
}

/** One host rule of the HTTPS listener. */
export interface HostRule {
  readonly ruleId: string;
  readonly host: string;
  readonly priority: number;
  readonly targetGroupId: string;
}

/** One target group: a service's container port behind the ALB, and what attaches it to the ALB. */
export interface Route {
  readonly service: string;
  /** Container port. */
  readonly port: number;
  readonly targetGroupId: string;
  /**
   * Logical ids of the listeners and rules forwarding to it, sorted. ECS refuses a target group that is
   * attached to no load balancer, so the ECS service waits for these.
   */
  readonly attachments: readonly string[];
}

/** Where one container port answers on the internet. */
export interface PublicEndpoint {
  readonly service: string;
  readonly containerPort: number;
  /** The port the URL uses: the listener's (443 for HTTPS). */
  readonly publishedPort: number;
  readonly protocol: 'http' | 'https';
  /** The host name for HTTPS entries; plain entries answer on the load balancer's own name. */
  readonly host?: string;
}

/** The routing of the whole stack. */
export interface Routing {
  /** Sorted by port. */
  readonly listeners: readonly ListenerPlan[];
  /** Host rules of `listener/https`, by priority. */
  readonly rules: readonly HostRule[];
  /** Target groups, by service and port. */
  readonly routes: readonly Route[];
  /** Every host name routed (lowercase, sorted): certificate names and alias records. */
  readonly hosts: readonly string[];
  /** HTTPS (certificate, 443 listener, HTTP→HTTPS redirect) when the stack has a domain and a host. */
  readonly https: boolean;
  /** Every public entry, by service, container port, protocol. */
  readonly endpoints: readonly PublicEndpoint[];
  /** Ports published twice, host names routed twice: reported by validation. */
  readonly problems: readonly RenderProblem[];
}

/** Logical id of the target group of `service`'s container `port`. */
export function targetGroupId(service: string, port: number): string {
  return `tg/${service}-${port}`;
}

/** Logical id of the listener on `port` (`https` only when the stack serves HTTPS). */
export function listenerId(port: number, https: boolean): string {
  if (port === HTTP_PORT) return 'listener/http';
  if (port === HTTPS_PORT && https) return 'listener/https';
  return `listener/http-${port}`;
}

/** The published port whose target a host forwards to: 443, else 80, else the lowest. */
function hostPort(svc: ServiceModel) {
  const byPort = (p: number) => svc.publicPorts.find((x) => x.published === p);
  return byPort(HTTPS_PORT) ?? byPort(HTTP_PORT) ?? svc.publicPorts[0];
}

/** The field a published port was written at, for problems. */
function portField(svc: ServiceModel, published: number): string {
  const port = svc.resolved.compose.ports.find((p) => p.published === published);
  return port?.source ?? `services.${svc.name}.ports`;
}

/** Computes listeners, rules and target groups of `model`; `domain` is the stack's zone, if any. */
export function computeRouting(model: StackModel, domain: string | undefined): Routing {
  const ingress = model.ecs.filter((s) => s.publicPorts.length > 0);
  const problems: RenderProblem[] = [];

  // Who publishes each port: the first one (by service name) keeps it, the others are reported.
  const publishers = new Map<number, { svc: ServiceModel; target: number }>();
  for (const svc of ingress) {
    for (const { published, target } of svc.publicPorts) {
      const holder = publishers.get(published);
      if (holder === undefined) {
        publishers.set(published, { svc, target });
        continue;
      }
      const who =
        holder.svc.name === svc.name
          ? `service "${svc.name}" publishes port ${published} twice (to ${holder.target} and ${target})`
          : `port ${published} is published by both service "${holder.svc.name}" and service "${svc.name}"`;
      problems.push({
        message: `${who}; docker would refuse it too ("port is already allocated"): publish one on another host port`,
        field: portField(svc, published),
      });
    }
  }

  // Host names: `domainname`, or `<svc>.<domain>` for a plain service whose 80/443 the HTTPS listener takes.
  const named = domain === undefined ? [] : ingress.filter((s) => s.resolved.domainname !== undefined);
  const https = named.length > 0;
  const hostOf = new Map<string, { host: string; target: number }>();
  const owners = new Map<string, string>();
  for (const svc of ingress) {
    const explicit = domain === undefined ? undefined : svc.resolved.domainname?.value.toLowerCase();
    const web = hostPort(svc);
    const webIsHttpPort = web !== undefined && (web.published === HTTP_PORT || web.published === HTTPS_PORT);
    const host =
      explicit ?? (https && webIsHttpPort ? `${cleanName(svc.name)}.${domain as string}` : undefined);
    if (host === undefined || web === undefined) continue;
    const owner = owners.get(host);
    if (owner !== undefined) {
      problems.push({
        message: `host name "${host}" is already routed to service "${owner}"`,
        field: `services.${svc.name}.domainname`,
        ...(svc.resolved.domainname?.location ? { location: svc.resolved.domainname.location } : {}),
      });
      continue;
    }
    owners.set(host, svc.name);
    hostOf.set(svc.name, { host, target: web.target });
  }

  const listeners: ListenerPlan[] = [];
  const endpoints: PublicEndpoint[] = [];
  for (const [published, { svc, target }] of [...publishers].sort((a, b) => a[0] - b[0])) {
    if (https && (published === HTTP_PORT || published === HTTPS_PORT)) continue;
    listeners.push({
      id: listenerId(published, https),
      port: published,
      protocol: 'HTTP',
      defaultAction: { kind: 'forward', targetGroupId: targetGroupId(svc.name, target) },
    });
    endpoints.push({ service: svc.name, containerPort: target, publishedPort: published, protocol: 'http' });
  }
  const rules: HostRule[] = [];
  if (https) {
    listeners.push(
      { id: 'listener/http', port: HTTP_PORT, protocol: 'HTTP', defaultAction: { kind: 'redirect-https' } },
      { id: 'listener/https', port: HTTPS_PORT, protocol: 'HTTPS', defaultAction: { kind: 'not-found' } },
    );
    const hosted = [...hostOf].sort((a, b) => compareStrings(a[0], b[0]));
    hosted.forEach(([service, { host, target }], i) => {
      rules.push({
        ruleId: `rule/https/${service}-${target}`,
        host,
        priority: (i + 1) * RULE_PRIORITY_STEP,
        targetGroupId: targetGroupId(service, target),
      });
      endpoints.push({ service, containerPort: target, publishedPort: HTTPS_PORT, protocol: 'https', host });
    });
  }
  listeners.sort((a, b) => a.port - b.port);

  const routes: Route[] = [];
  for (const svc of ingress) {
    for (const port of svc.albPorts) {
      const id = targetGroupId(svc.name, port);
      const attachments = [
        ...listeners.filter((l) => forwardsTo(l.defaultAction, id)).map((l) => l.id),
        ...rules.filter((r) => r.targetGroupId === id).map((r) => r.ruleId),
      ].sort(compareStrings);
      // A target nothing forwards to (its port lost a duplicate, or 80 in an HTTPS stack with no host).
      if (attachments.length > 0) routes.push({ service: svc.name, port, targetGroupId: id, attachments });
    }
  }
  endpoints.sort(
    (a, b) =>
      compareStrings(a.service, b.service) ||
      a.containerPort - b.containerPort ||
      compareStrings(a.protocol, b.protocol),
  );
  const hosts = [...owners.keys()].sort(compareStrings);
  return { listeners, rules, routes, hosts: https ? hosts : [], https, endpoints, problems };
}

function forwardsTo(action: ListenerAction, id: string): boolean {
  return action.kind === 'forward' && action.targetGroupId === id;
}
