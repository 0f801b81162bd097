import { describe, expect, it } from 'vitest';
import type { ComposeHealthcheck } from '../../../../src/desired/compose-types.js';
import { renderStack } from '../../../../src/desired/render/index.js';
import { healthCheckPath } from '../../../../src/desired/render/render-alb.js';
import {
  composeService,
  containerOnlyPort,
  ingressPort,
  prov,
  resolvedStack,
} from '../../../helpers/resolved-fixture.js';
import { expectInvariants, get, idsOf } from './invariants.js';

const three = () => [
  composeService('web', { ports: [ingressPort(80)] }),
  composeService('api', { ports: [ingressPort(80, { published: 8080 })] }),
  composeService('admin', { ports: [ingressPort(3000)] }),
];

type Desired = ReturnType<typeof renderStack>;

const listeners = (desired: Desired) =>
  Object.fromEntries(
    desired.resources
      .filter((r) => r.kind === 'elbv2.Listener')
      .map((r) => [
        r.logicalId,
        { port: r.spec.port, protocol: r.spec.protocol, defaultAction: r.spec.defaultAction },
      ]),
  );

const forward = (tg: string) => ({ type: 'forward', targetGroupArn: { $ref: tg, attr: 'arn' } });
const albPorts = (desired: Desired) =>
  (get(desired, 'sg/alb').spec.ingress as { fromPort: number; cidrIp: string }[]).map((r) => [
    r.fromPort,
    r.cidrIp,
  ]);

describe('ALB: the public entry follows the published ports', () => {
  it.each([
    {
      reason: 'one listener per published port, each forwarding to its target group; 8080:80 reaches 80',
      services: three(),
      listeners: {
        'listener/http': { port: 80, protocol: 'HTTP', defaultAction: forward('tg/web-80') },
        'listener/http-3000': { port: 3000, protocol: 'HTTP', defaultAction: forward('tg/admin-3000') },
        'listener/http-8080': { port: 8080, protocol: 'HTTP', defaultAction: forward('tg/api-80') },
      },
      targetGroups: ['tg/admin-3000', 'tg/api-80', 'tg/web-80'],
    },
    {
      reason: 'without a certificate, 443 is a plain HTTP listener like any other port',
      services: [composeService('web', { ports: [ingressPort(8443, { published: 443 })] })],
      listeners: {
        'listener/http-443': { port: 443, protocol: 'HTTP', defaultAction: forward('tg/web-8443') },
      },
      targetGroups: ['tg/web-8443'],
    },
    {
      reason: 'one service publishing two ports gets two listeners and two target groups',
      services: [composeService('api', { ports: [ingressPort(9090), ingressPort(8080), ingressPort(8080)] })],
      listeners: {
        'listener/http-8080': { port: 8080, protocol: 'HTTP', defaultAction: forward('tg/api-8080') },
        'listener/http-9090': { port: 9090, protocol: 'HTTP', defaultAction: forward('tg/api-9090') },
      },
      targetGroups: ['tg/api-8080', 'tg/api-9090'],
    },
    {
      reason: 'two published ports to one container port share its target group',
      services: [composeService('web', { ports: [ingressPort(80), ingressPort(80, { published: 8080 })] })],
      listeners: {
        'listener/http': { port: 80, protocol: 'HTTP', defaultAction: forward('tg/web-80') },
        'listener/http-8080': { port: 8080, protocol: 'HTTP', defaultAction: forward('tg/web-80') },
      },
      targetGroups: ['tg/web-80'],
    },
    {
      reason: 'a container-only port is private: no load balancer at all',
      services: [composeService('cache', { image: 'redis:7', ports: [containerOnlyPort(6379)] })],
      listeners: {},
      targetGroups: [],
    },
    {
      reason: 'a stack-file private override keeps a published port off the load balancer',
      services: [composeService('web', { ports: [ingressPort(80), ingressPort(9000)] })],
      overrides: { web: { portOverrides: { '9000': 'private' as const } } },
      listeners: { 'listener/http': { port: 80, protocol: 'HTTP', defaultAction: forward('tg/web-80') } },
      targetGroups: ['tg/web-80'],
    },
    {
      reason: 'a stack-file http override serves a port the data-image heuristic would refuse',
      services: [composeService('kv', { image: 'redis:7', ports: [ingressPort(6379)] })],
      overrides: { kv: { portOverrides: { '6379': 'http' as const } } },
      listeners: {
        'listener/http-6379': { port: 6379, protocol: 'HTTP', defaultAction: forward('tg/kv-6379') },
      },
      targetGroups: ['tg/kv-6379'],
    },
    {
      reason: 'an http app_protocol is served',
      services: [composeService('ws', { ports: [ingressPort(3000, { appProtocol: 'ws' })] })],
      listeners: {
        'listener/http-3000': { port: 3000, protocol: 'HTTP', defaultAction: forward('tg/ws-3000') },
      },
      targetGroups: ['tg/ws-3000'],
    },
  ])('$reason', ({ services, overrides, listeners: expected, targetGroups }) => {
    const desired = renderStack(resolvedStack({ services, ...(overrides ? { overrides } : {}) }));
    expectInvariants(desired);
    expect(listeners(desired)).toEqual(expected);
    expect(idsOf(desired, 'elbv2.TargetGroup')).toEqual(targetGroups);
    expect(idsOf(desired, 'elbv2.ListenerRule')).toEqual([]);
    expect(idsOf(desired, 'acm.Certificate')).toEqual([]);
    if (targetGroups.length > 0) {
      const ports = Object.values(expected).map((l) => [l.port, '0.0.0.0/0']);
      expect(albPorts(desired)).toEqual(ports);
    }
  });

  it('the ECS service waits for the listener that attaches its target group, and routes the container port', () => {
    const desired = renderStack(resolvedStack({ services: three() }));
    expect(get(desired, 'service/api').spec.loadBalancers).toEqual([
      { containerName: 'api', containerPort: 80, targetGroupArn: { $ref: 'tg/api-80', attr: 'arn' } },
    ]);
    expect(get(desired, 'service/api').dependsOn).toEqual(
      expect.arrayContaining(['listener/http-8080', 'tg/api-80']),
    );
    expect(get(desired, 'listener/http-8080').dependsOn).toEqual(['alb', 'tg/api-80']);
    expect(get(desired, 'tg/api-80').spec).toMatchObject({ port: 80, protocol: 'HTTP' });
  });

  it('with a domain: host rules on HTTPS, a certificate for every host, alias records, HTTP redirects', () => {
    const desired = renderStack(
      resolvedStack({
        domain: 'example.com',
        services: three(),
        overrides: {
          web: { domainname: prov('Shop.Example.com', 'stack-file') },
          api: { domainname: prov('api.example.com', 'stack-file') },
        },
      }),
    );
    expectInvariants(desired);
    const https = { $ref: 'listener/https', attr: 'arn' };
    const rule = (id: string) => {
      const spec = get(desired, id).spec;
      return { priority: spec.priority, conditions: spec.conditions, listener: spec.listenerArn };
    };
    // api's host forwards to its only published port (8080:80); web's to its port 80.
    expect(rule('rule/https/api-80')).toEqual({
      priority: 10,
      conditions: [{ field: 'host-header', values: ['api.example.com'] }],
      listener: https,
    });
    expect(rule('rule/https/web-80')).toEqual({
      priority: 20,
      conditions: [{ field: 'host-header', values: ['shop.example.com'] }],
      listener: https,
    });
    expect(idsOf(desired, 'elbv2.ListenerRule')).toEqual(['rule/https/api-80', 'rule/https/web-80']);
    expect(listeners(desired)).toEqual({
      'listener/http': {
        port: 80,
        protocol: 'HTTP',
        defaultAction: { type: 'redirect', protocol: 'HTTPS', port: '443', statusCode: 'HTTP_301' },
      },
      'listener/http-3000': { port: 3000, protocol: 'HTTP', defaultAction: forward('tg/admin-3000') },
      'listener/http-8080': { port: 8080, protocol: 'HTTP', defaultAction: forward('tg/api-80') },
      'listener/https': {
        port: 443,
        protocol: 'HTTPS',
        defaultAction: {
          type: 'fixed-response',
          statusCode: '404',
          contentType: 'text/plain',
          messageBody: 'not found',
        },
      },
    });
    expect(get(desired, 'cert').spec).toEqual({
      domainName: 'api.example.com',
      subjectAlternativeNames: ['shop.example.com'],
      validationMethod: 'DNS',
    });
    expect(get(desired, 'listener/https').spec).toMatchObject({
      certificateArn: { $ref: 'cert', attr: 'arn' },
    });
    expect(get(desired, 'listener/https').dependsOn).toEqual([
      'alb',
      'cert',
      'dns/validation',
      'dns/validation/shop.example.com',
    ]);
    expect(idsOf(desired, 'route53.Record')).toEqual([
      'dns/api.example.com',
      'dns/shop.example.com',
      'dns/validation',
      'dns/validation/shop.example.com',
    ]);
    expect(get(desired, 'dns/shop.example.com').spec).toEqual({
      hostedZoneName: 'example.com.',
      name: 'shop.example.com.',
      type: 'A',
      aliasTarget: {
        dnsName: { $ref: 'alb', attr: 'dnsName' },
        hostedZoneId: { $ref: 'alb', attr: 'canonicalHostedZoneId' },
        evaluateTargetHealth: false,
      },
    });
    expect(get(desired, 'dns/validation/shop.example.com').spec).toMatchObject({
      type: 'CNAME',
      name: { $ref: 'cert', attr: 'validationRecordName1' },
      values: [{ $ref: 'cert', attr: 'validationRecordValue1' }],
    });
    expect(albPorts(desired).map(([port]) => port)).toEqual([80, 443, 3000, 8080]);
    expect(get(desired, 'service/web').dependsOn).toEqual(
      expect.arrayContaining(['rule/https/web-80', 'tg/web-80']),
    );
  });

  it.each([
    {
      reason: 'a plain service publishing 80 in an HTTPS stack gets its own host in the zone',
      ports: [ingressPort(8080, { published: 80 })],
      rules: { 'rule/https/admin-8080': 'admin.example.com' },
      listeners: ['listener/http', 'listener/https'],
    },
    {
      reason: 'a plain service publishing another port keeps its plain listener and gets no host',
      ports: [ingressPort(3000)],
      rules: {},
      listeners: ['listener/http', 'listener/http-3000', 'listener/https'],
    },
  ])('$reason', ({ ports, rules, listeners: expected }) => {
    const desired = renderStack(
      resolvedStack({
        domain: 'example.com',
        services: [
          composeService('web', { ports: [ingressPort(443)], domainname: 'example.com' }),
          composeService('admin', { ports }),
        ],
      }),
    );
    expectInvariants(desired);
    expect(idsOf(desired, 'elbv2.Listener')).toEqual(expected);
    const hosts = Object.fromEntries(
      desired.resources
        .filter((r) => r.kind === 'elbv2.ListenerRule' && r.logicalId.startsWith('rule/https/admin'))
        .map((r) => [r.logicalId, (r.spec.conditions as { values: string[] }[])[0]?.values[0]]),
    );
    expect(hosts).toEqual(rules);
  });

  it('a domain with no domainname to serve stays HTTP-only (no certificate to request)', () => {
    const desired = renderStack(
      resolvedStack({
        domain: 'example.com',
        services: [composeService('web', { ports: [ingressPort(80)] })],
      }),
    );
    expectInvariants(desired);
    expect(idsOf(desired, 'acm.Certificate')).toEqual([]);
    expect(idsOf(desired, 'elbv2.ListenerRule')).toEqual([]);
    expect(listeners(desired)).toEqual({
      'listener/http': { port: 80, protocol: 'HTTP', defaultAction: forward('tg/web-80') },
    });
  });

  it('renders no ALB when no service publishes a port', () => {
    const desired = renderStack(resolvedStack({ services: [composeService('worker', { expose: [9000] })] }));
    expectInvariants(desired);
    for (const kind of ['elbv2.LoadBalancer', 'elbv2.TargetGroup', 'elbv2.Listener'] as const) {
      expect(idsOf(desired, kind)).toEqual([]);
    }
    // A lone service shares no network with anyone: no membership group.
    expect(idsOf(desired, 'ec2.SecurityGroup')).toEqual(['sg/svc/worker']);
    expect(get(desired, 'service/worker').spec).not.toHaveProperty('healthCheckGracePeriodSeconds');
  });

  it('target groups carry the health-check path and the fixed check settings', () => {
    const desired = renderStack(
      resolvedStack({
        services: [
          composeService('api', {
            ports: [ingressPort(8080)],
            healthcheck: {
              disable: false,
              test: ['CMD-SHELL', 'wget -qO- http://127.0.0.1:8080/ready || exit 1'],
            },
          }),
        ],
      }),
    );
    expect(get(desired, 'tg/api-8080').spec).toMatchObject({
      protocol: 'HTTP',
      port: 8080,
      targetType: 'ip',
      healthCheck: {
        path: '/ready',
        protocol: 'HTTP',
        port: 'traffic-port',
        matcher: '200-399',
        intervalSeconds: 15,
        timeoutSeconds: 5,
        healthyThresholdCount: 2,
        unhealthyThresholdCount: 3,
      },
    });
    expect(get(desired, 'tg/api-8080').name.length).toBeLessThanOrEqual(32);
  });
});

describe('healthCheckPath', () => {
  const cmd = (...test: string[]): ComposeHealthcheck => ({ disable: false, test });
  it.each([
    {
      reason: 'curl URL on the port',
      hc: cmd('CMD', 'curl', '-f', 'http://localhost:8080/healthz'),
      port: 8080,
      path: '/healthz',
    },
    {
      reason: 'wget in a shell',
      hc: cmd('CMD-SHELL', 'wget -q -O /dev/null http://localhost:8080/up?x=1'),
      port: 8080,
      path: '/up',
    },
    {
      reason: 'URL without a port means 80',
      hc: cmd('CMD', 'curl', 'http://localhost/status'),
      port: 80,
      path: '/status',
    },
    {
      reason: 'URL on another port',
      hc: cmd('CMD', 'curl', 'http://localhost:9000/metrics'),
      port: 8080,
      path: '/',
    },
    {
      reason: 'the second URL matches',
      hc: cmd('CMD-SHELL', 'curl http://a:1/x && curl http://a:8080/y'),
      port: 8080,
      path: '/y',
    },
    {
      reason: 'not curl or wget',
      hc: cmd('CMD', 'check', 'http://localhost:8080/healthz'),
      port: 8080,
      path: '/',
    },
    { reason: 'disabled', hc: { disable: true } as const, port: 8080, path: '/' },
    { reason: 'no health check', hc: undefined, port: 8080, path: '/' },
  ])('$reason → $path', ({ hc, port, path }) => {
    expect(healthCheckPath(hc, port)).toBe(path);
  });
});
