/**
 * The stack's one ALB: a target group per (service, ingress port), an HTTP listener (redirecting to
 * HTTPS when the stack serves its own host names), an HTTPS listener with the stack's certificate, and
 * one rule per target group (see routing.ts for the order).
 *
 * @module
 */
import type { ComposeHealthcheck } from '../compose-types.js';
import type { DesiredResource, SpecValue } from '../resource-types.js';
import { ref } from '../resource-types.js';
import { compareStrings } from './canonical.js';
import { type RenderContext, resource } from './context.js';
import { cleanName, NAME_LIMITS, physicalName } from './naming.js';
import { validationRecordIds } from './render-dns.js';

/** Target-group health check, tuned for fast rollouts rather than AWS's slower defaults. */
export const TARGET_HEALTH_CHECK = {
  intervalSeconds: 15,
  timeoutSeconds: 5,
  healthyThresholdCount: 2,
  unhealthyThresholdCount: 3,
  matcher: '200-399',
} as const;
/** TLS policy of the HTTPS listener: TLS 1.3 and 1.2 only. */
export const HTTPS_SSL_POLICY = 'ELBSecurityPolicy-TLS13-1-2-2021-06';

const NOT_FOUND_ACTION = {
  type: 'fixed-response',
  statusCode: '404',
  contentType: 'text/plain',
  messageBody: 'not found',
} as const;
const REDIRECT_TO_HTTPS = {
  type: 'redirect',
  protocol: 'HTTPS',
  port: '443',
  statusCode: 'HTTP_301',
} as const;
const DEFAULT_PORT = { 'http:': 80, 'https:': 443 } as const;

/**
 * The HTTP path of a curl/wget health check aimed at `port`, so the ALB probes what the app itself
 * declared healthy; `/` when there is none.
 *
 * @example
 * healthCheckPath({ disable: false, test: ['CMD', 'curl', '-f', 'http://localhost:8080/healthz'] }, 8080); // "/healthz"
 */
export function healthCheckPath(hc: ComposeHealthcheck | undefined, port: number): string {
  if (hc === undefined || hc.disable) return '/';
  const text = hc.test.join(' ');
  if (!/\b(curl|wget)\b/.test(text)) return '/';
  for (const match of text.matchAll(/https?:\/\/[^\s'"]+/g)) {
    let url: URL;
    try {
      url = new URL(match[0]);
    } catch {
      continue;
    }
    const urlPort =
      url.port === '' ? DEFAULT_PORT[url.protocol as keyof typeof DEFAULT_PORT] : Number(url.port);
    if (urlPort === port) return url.pathname;
  }
  return '/';
}

/** ALB, target groups, listeners and rules; nothing when no service has an ingress port. */
export function renderAlb(ctx: RenderContext): DesiredResource[] {
  const { model, network, routing, resolved } = ctx;
  if (!model.hasAlb) return [];
  const albName = physicalName(
    { project: model.project, stack: model.stack, name: 'alb', kind: 'alb' },
    NAME_LIMITS['elbv2.LoadBalancer'],
  );
  const out: DesiredResource[] = [
    resource(model, {
      kind: 'elbv2.LoadBalancer',
      logicalId: 'alb',
      name: albName,
      spec: {
        name: albName,
        scheme: 'internet-facing',
        type: 'application',
        subnets: network.publicSubnets.ids,
        securityGroups: [ref('sg/alb', 'id')],
      },
      dependsOn: [...network.publicSubnets.dependsOn, 'sg/alb'],
    }),
    resource(model, {
      kind: 'elbv2.Listener',
      logicalId: 'listener/http',
      name: `${model.base}-http`,
      spec: {
        loadBalancerArn: ref('alb', 'arn'),
        port: 80,
        protocol: 'HTTP',
        defaultAction: routing.https ? REDIRECT_TO_HTTPS : NOT_FOUND_ACTION,
      },
      dependsOn: ['alb'],
    }),
  ];
  if (routing.https) {
    out.push(
      resource(model, {
        kind: 'elbv2.Listener',
        logicalId: 'listener/https',
        name: `${model.base}-https`,
        spec: {
          loadBalancerArn: ref('alb', 'arn'),
          port: 443,
          protocol: 'HTTPS',
          certificateArn: ref('cert', 'arn'),
          sslPolicy: HTTPS_SSL_POLICY,
          defaultAction: NOT_FOUND_ACTION,
        },
        dependsOn: ['alb', 'cert', ...validationRecordIds(routing.hosts)],
      }),
    );
  }
  const listenerId = `listener/${routing.listener}`;
  for (const route of routing.routes) {
    const svc = resolved.services[route.service];
    const tgName = physicalName(
      { project: model.project, stack: model.stack, name: `${route.service}-${route.port}`, kind: 'tg' },
      NAME_LIMITS['elbv2.TargetGroup'],
      `HTTP:${route.port}:ip:${network.vpcKey}`,
    );
    const conditions: SpecValue[] = [...route.conditions]
      .sort((a, b) => compareStrings(a.field, b.field))
      .map((c) => ({ field: c.field, values: [...c.values].sort(compareStrings) }));
    out.push(
      resource(model, {
        kind: 'elbv2.TargetGroup',
        logicalId: route.targetGroupId,
        name: tgName,
        spec: {
          name: tgName,
          protocol: 'HTTP',
          port: route.port,
          vpcId: network.vpcId,
          targetType: 'ip',
          healthCheck: {
            path: healthCheckPath(svc?.compose.healthcheck, route.port),
            protocol: 'HTTP',
            port: 'traffic-port',
            ...TARGET_HEALTH_CHECK,
          },
          deregistrationDelaySeconds: resolved.preset.deregistrationDelaySeconds,
        },
        dependsOn: [...network.vpcDependsOn],
      }),
      resource(model, {
        kind: 'elbv2.ListenerRule',
        logicalId: route.ruleId,
        name: `${model.base}-${cleanName(route.service)}-${route.port}`,
        spec: {
          listenerArn: ref(listenerId, 'arn'),
          priority: route.priority,
          conditions,
          action: { type: 'forward', targetGroupArn: ref(route.targetGroupId, 'arn') },
        },
        dependsOn: [listenerId, route.targetGroupId],
      }),
    );
  }
  return out;
}
