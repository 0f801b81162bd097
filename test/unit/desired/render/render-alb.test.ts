import { describe, expect, it } from 'vitest';
import type { ComposeHealthcheck } from '../../../../src/desired/compose-types.js';
import { renderStack } from '../../../../src/desired/render/index.js';
import { healthCheckPath } from '../../../../src/desired/render/render-alb.js';
import { composeService, ingressPort, prov, resolvedStack } from '../../../helpers/resolved-fixture.js';
import { expectInvariants, get, idsOf } from './invariants.js';

const three = () => [
  composeService('web', { ports: [ingressPort(80)] }),
  composeService('api', { ports: [ingressPort(8080)] }),
  composeService('admin', { ports: [ingressPort(3000)] }),
];

const rule = (desired: ReturnType<typeof renderStack>, id: string) => {
  const spec = get(desired, id).spec;
  return { priority: spec.priority, conditions: spec.conditions, listener: spec.listenerArn };
};

describe('ALB routing', () => {
  it('without a domain: catch-all for the first service, /<svc>/* for the others, HTTP only', () => {
    const desired = renderStack(resolvedStack({ services: three() }));
    expectInvariants(desired);
    const http = { $ref: 'listener/http', attr: 'arn' };
    expect(rule(desired, 'rule/http/admin-3000')).toEqual({
      priority: 50000,
      conditions: [{ field: 'path-pattern', values: ['/*'] }],
      listener: http,
    });
    expect(rule(desired, 'rule/http/api-8080')).toEqual({
      priority: 10,
      conditions: [{ field: 'path-pattern', values: ['/api/*'] }],
      listener: http,
    });
    expect(rule(desired, 'rule/http/web-80')).toMatchObject({ priority: 20 });
    expect(get(desired, 'listener/http').spec.defaultAction).toEqual({
      type: 'fixed-response',
      statusCode: '404',
      contentType: 'text/plain',
      messageBody: 'not found',
    });
    expect(idsOf(desired, 'acm.Certificate')).toEqual([]);
    expect(idsOf(desired, 'elbv2.Listener')).toEqual(['listener/http']);
    expect(get(desired, 'sg/alb').spec.ingress).toEqual([
      { protocol: 'tcp', fromPort: 80, toPort: 80, cidrIp: '0.0.0.0/0', description: 'HTTP from anywhere' },
    ]);
  });

  it('with a domain: host rules on HTTPS, a certificate for every host, alias records, HTTP redirects', () => {
    const desired = renderStack(
      resolvedStack({
        domain: 'example.com',
        services: three(),
        overrides: { web: { domainname: prov('Shop.Example.com', 'stack-file') } },
      }),
    );
    expectInvariants(desired);
    const https = { $ref: 'listener/https', attr: 'arn' };
    expect(rule(desired, 'rule/https/admin-3000')).toMatchObject({ priority: 50000, listener: https });
    expect(rule(desired, 'rule/https/api-8080')).toEqual({
      priority: 10,
      conditions: [{ field: 'host-header', values: ['api.example.com'] }],
      listener: https,
    });
    expect(rule(desired, 'rule/https/web-80')).toEqual({
      priority: 20,
      conditions: [{ field: 'host-header', values: ['shop.example.com'] }],
      listener: https,
    });
    expect(get(desired, 'cert').spec).toEqual({
      domainName: 'api.example.com',
      subjectAlternativeNames: ['shop.example.com'],
      validationMethod: 'DNS',
    });
    expect(get(desired, 'listener/http').spec.defaultAction).toMatchObject({
      type: 'redirect',
      protocol: 'HTTPS',
    });
    expect(get(desired, 'listener/https').spec).toMatchObject({
      port: 443,
      protocol: 'HTTPS',
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
    expect(get(desired, 'dns/validation').spec).toMatchObject({
      type: 'CNAME',
      name: { $ref: 'cert', attr: 'validationRecordName' },
      values: [{ $ref: 'cert', attr: 'validationRecordValue' }],
    });
    // ACM issues the certificate once every name it holds is validated: one record per name.
    expect(get(desired, 'dns/validation/shop.example.com').spec).toMatchObject({
      type: 'CNAME',
      name: { $ref: 'cert', attr: 'validationRecordName1' },
      values: [{ $ref: 'cert', attr: 'validationRecordValue1' }],
    });
    expect((get(desired, 'sg/alb').spec.ingress as { fromPort: number }[]).map((r) => r.fromPort)).toEqual([
      80, 443,
    ]);
  });

  it('routes extra ingress ports by path, ahead of host-only rules', () => {
    const desired = renderStack(
      resolvedStack({
        domain: 'example.com',
        services: [
          composeService('api', { ports: [ingressPort(9090), ingressPort(8080), ingressPort(8080)] }),
          composeService('web', { ports: [ingressPort(80)], domainname: 'example.com' }),
        ],
      }),
    );
    expectInvariants(desired);
    expect(idsOf(desired, 'elbv2.TargetGroup')).toEqual(['tg/api-8080', 'tg/api-9090', 'tg/web-80']);
    expect(rule(desired, 'rule/https/api-9090')).toMatchObject({
      priority: 10,
      conditions: [{ field: 'path-pattern', values: ['/api-9090/*'] }],
    });
    expect(rule(desired, 'rule/https/api-8080')).toMatchObject({ priority: 50000 });
    expect(rule(desired, 'rule/https/web-80')).toMatchObject({
      priority: 20,
      conditions: [{ field: 'host-header', values: ['example.com'] }],
    });
    expect(get(desired, 'service/api').spec.loadBalancers).toEqual([
      { containerName: 'api', containerPort: 8080, targetGroupArn: { $ref: 'tg/api-8080', attr: 'arn' } },
      { containerName: 'api', containerPort: 9090, targetGroupArn: { $ref: 'tg/api-9090', attr: 'arn' } },
    ]);
    expect(get(desired, 'service/api').dependsOn).toEqual(
      expect.arrayContaining(['listener/https', 'rule/https/api-8080', 'rule/https/api-9090', 'tg/api-9090']),
    );
  });

  it('a domain with no host to serve stays HTTP-only (no certificate can be requested)', () => {
    const desired = renderStack(
      resolvedStack({
        domain: 'example.com',
        services: [composeService('web', { ports: [ingressPort(80)] })],
      }),
    );
    expectInvariants(desired);
    expect(idsOf(desired, 'acm.Certificate')).toEqual([]);
    expect(idsOf(desired, 'elbv2.ListenerRule')).toEqual(['rule/http/web-80']);
  });

  it('renders no ALB when no service has an ingress port', () => {
    const desired = renderStack(resolvedStack({ services: [composeService('worker', { expose: [9000] })] }));
    expectInvariants(desired);
    for (const kind of ['elbv2.LoadBalancer', 'elbv2.TargetGroup', 'elbv2.Listener'] as const) {
      expect(idsOf(desired, kind)).toEqual([]);
    }
    expect(idsOf(desired, 'ec2.SecurityGroup')).toEqual(['sg/svc/worker', 'sg/tasks']);
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
