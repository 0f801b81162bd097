/**
 * The stack's one ALB: a target group per (service, published container port), a listener per
 * published port forwarding to it, and with HTTPS the certificate's 443 listener with one host rule
 * per host name while 80 redirects to HTTPS (see routing.ts for which port goes where).
 *
 @module
 */
import type { ComposeHealthcheck } from '../compose-types.js';
import type { DesiredResource, SpecValue } from '../resource-types.js';
import { ref } from '../resource-types.js';
import { type RenderContext, resource } from './context.js';
import { cleanName, NAME_LIMITS, physicalName } from './naming.js';
import { validationRecordIds } from './render-dns.js';
import type { ListenerAction, ListenerPlan } from './routing.js';

/** Logical id of the HTTPS listener, which carries the host rules. */
const HTTPS_LISTENER_ID = 'listener/https';

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

/** The listener spec's default action. */
function defaultAction(action: ListenerAction): SpecValue {
  switch (action.kind) {
    case 'forward':
      return { type: 'forward', targetGroupArn: ref(action.targetGroupId, 'arn') };
    case 'redirect-https':
      return REDIRECT_TO_HTTPS;
    case 'not-found':
      return NOT_FOUND_ACTION;
  }
}

function renderListener(ctx: RenderContext, listener: ListenerPlan): DesiredResource {
  const { model, routing } = ctx;
  const tls = listener.protocol === 'HTTPS';
  const forward = listener.defaultAction.kind === 'forward' ? [listener.defaultAction.targetGroupId] : [];
  return resource(model, {
    kind: 'elbv2.Listener',
    logicalId: listener.id,
    name: `${model.base}-${listener.id.slice('listener/'.length)}`,
    spec: {
      loadBalancerArn: ref('alb', 'arn'),
      port: listener.port,
      protocol: listener.protocol,
      certificateArn: tls ? ref('cert', 'arn') : undefined,
      sslPolicy: tls ? HTTPS_SSL_POLICY : undefined,
      defaultAction: defaultAction(listener.defaultAction),
    },
    dependsOn: ['alb', ...forward, ...(tls ? ['cert', ...validationRecordIds(routing.hosts)] : [])],
  });
}

/** ALB, target groups, listeners and rules; nothing when no service publishes an HTTP port. */
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
    ...routing.listeners.map((l) => renderListener(ctx, l)),
  ];
  for (const route of routing.routes) {
    const svc = resolved.services[route.service];
    const tgName = physicalName(
      { project: model.project, stack: model.stack, name: `${route.service}-${route.port}`, kind: 'tg' },
      NAME_LIMITS['elbv2.TargetGroup'],
      `HTTP:${route.port}:ip:${network.vpcKey}`,
    );
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
    );
  }
  for (const rule of routing.rules) {
    out.push(
      resource(model, {
        kind: 'elbv2.ListenerRule',
        logicalId: rule.ruleId,
        name: `${model.base}-${cleanName(rule.ruleId.slice('rule/https/'.length))}`,
        spec: {
          listenerArn: ref(HTTPS_LISTENER_ID, 'arn'),
          priority: rule.priority,
          conditions: [{ field: 'host-header', values: [rule.host] }],
          action: { type: 'forward', targetGroupArn: ref(rule.targetGroupId, 'arn') },
        },
        dependsOn: [HTTPS_LISTENER_ID, rule.targetGroupId],
      }),
    );
  }
  return out;
}
