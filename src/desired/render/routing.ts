/**
 * ALB routing: which host names and paths reach which target group, with deterministic priorities.
 *
 * Rules, in order of evaluation:
 * - a service with `domainname` gets a host-header rule for it;
 * - the first ingress service (by name) without `domainname` gets the catch-all `/*` at the lowest
 *   priority, so the app answers on the ALB's own DNS name;
 * - every other service without `domainname` is routed by host `<svc>.<domain>` when the stack has a
 *   domain, else by path `/<svc>/*`;
 * - a service's additional ingress ports are routed by path `/<svc>-<port>/*` (under its host, if any).
 * Rules with a path condition come before host-only rules (a host-only rule would swallow them), then
 * rules are ordered by service name and port: priorities 10, 20, …; the catch-all is 50000.
 *
 * @module
 */
import { compareStrings } from './canonical.js';
import type { RenderProblem } from './errors.js';
import type { StackModel } from './model.js';
import { cleanName } from './naming.js';

/** Priority step between rules, leaving room to insert rules by hand while debugging. */
export const RULE_PRIORITY_STEP = 10;
/** Priority of the catch-all rule: the lowest ALB allows. */
export const CATCH_ALL_PRIORITY = 50_000;

/** One ALB rule condition. */
export interface RouteCondition {
  readonly field: 'host-header' | 'path-pattern';
  readonly values: readonly string[];
}

/** One target group and the rule that sends traffic to it. */
export interface Route {
  readonly service: string;
  readonly port: number;
  readonly targetGroupId: string;
  readonly ruleId: string;
  readonly priority: number;
  readonly conditions: readonly RouteCondition[];
}

/** The routing of the whole stack. */
export interface Routing {
  readonly routes: readonly Route[];
  /** Every host name routed (lowercase, sorted): certificate names and alias records. */
  readonly hosts: readonly string[];
  /** HTTPS (certificate, 443 listener, HTTP→HTTPS redirect) when the stack has a domain and a host. */
  readonly https: boolean;
  /** `http` or `https`: the listener that carries the rules. */
  readonly listener: 'http' | 'https';
  /** Duplicate host names, reported by validation. */
  readonly problems: readonly RenderProblem[];
}

type Draft = Omit<Route, 'priority' | 'ruleId'> & { readonly group: 0 | 1 | 2 };

/** Computes routes for every ALB port of `model`; `domain` is the stack's Route 53 zone, if any. */
export function computeRouting(model: StackModel, domain: string | undefined): Routing {
  const ingress = model.ecs.filter((s) => s.albPorts.length > 0);
  const firstPlain = ingress.find((s) => s.resolved.domainname === undefined)?.name;
  const drafts: Draft[] = [];
  const owners = new Map<string, string>();
  const problems: RenderProblem[] = [];
  for (const svc of ingress) {
    const explicit = svc.resolved.domainname?.value.toLowerCase();
    const host =
      explicit ??
      (domain !== undefined && svc.name !== firstPlain ? `${cleanName(svc.name)}.${domain}` : undefined);
    if (host !== undefined) {
      const owner = owners.get(host);
      if (owner === undefined) owners.set(host, svc.name);
      else
        problems.push({
          message: `host name "${host}" is already routed to service "${owner}"`,
          field: `services.${svc.name}.domainname`,
          ...(svc.resolved.domainname?.location ? { location: svc.resolved.domainname.location } : {}),
        });
    }
    svc.albPorts.forEach((port, i) => {
      const targetGroupId = `tg/${svc.name}-${port}`;
      if (i > 0) {
        const path: RouteCondition = { field: 'path-pattern', values: [`/${svc.name}-${port}/*`] };
        const conditions =
          host === undefined ? [path] : [{ field: 'host-header' as const, values: [host] }, path];
        drafts.push({ service: svc.name, port, targetGroupId, conditions, group: 0 });
      } else if (svc.name === firstPlain) {
        drafts.push({ service: svc.name, port, targetGroupId, conditions: [catchAll()], group: 2 });
      } else if (host !== undefined) {
        const conditions = [{ field: 'host-header' as const, values: [host] }];
        drafts.push({ service: svc.name, port, targetGroupId, conditions, group: 1 });
      } else {
        const conditions = [{ field: 'path-pattern' as const, values: [`/${svc.name}/*`] }];
        drafts.push({ service: svc.name, port, targetGroupId, conditions, group: 0 });
      }
    });
  }
  const hosts = [...owners.keys()].sort(compareStrings);
  const https = domain !== undefined && hosts.length > 0;
  const listener = https ? 'https' : 'http';
  drafts.sort((a, b) => a.group - b.group || compareStrings(a.service, b.service) || a.port - b.port);
  const routes = drafts.map(
    ({ group, ...d }, i): Route => ({
      ...d,
      ruleId: `rule/${listener}/${d.service}-${d.port}`,
      priority: group === 2 ? CATCH_ALL_PRIORITY : (i + 1) * RULE_PRIORITY_STEP,
    }),
  );
  return { routes, hosts, https, listener, problems };
}

function catchAll(): RouteCondition {
  return { field: 'path-pattern', values: ['/*'] };
}
