import { describe, expect, it } from 'vitest';
import type { ComposeService } from '../../../../src/desired/compose-types.js';
import { renderStack } from '../../../../src/desired/render/index.js';
import type { DesiredStack } from '../../../../src/desired/resource-types.js';
import {
  composeService,
  containerOnlyPort,
  hostPort,
  ingressPort,
  resolvedStack,
} from '../../../helpers/resolved-fixture.js';
import { expectInvariants, get, idsOf } from './invariants.js';

interface Rule {
  readonly protocol: string;
  readonly fromPort: number;
  readonly toPort: number;
  readonly sourceSecurityGroupId?: { readonly $ref: string };
  readonly cidrIp?: string;
}

/** `sg/svc/api` admits: `["tcp 8080-8080 <- sg/net/default", …]`. */
function admits(desired: DesiredStack, groupId: string): string[] {
  return (get(desired, groupId).spec.ingress as unknown as Rule[]).map(
    (r) => `${r.protocol} ${r.fromPort}-${r.toPort} <- ${r.sourceSecurityGroupId?.$ref ?? r.cidrIp ?? '?'}`,
  );
}

/** The groups a service's tasks carry. */
function carries(desired: DesiredStack, logicalId: string): string[] {
  const config = get(desired, logicalId).spec.networkConfiguration as {
    securityGroups: { $ref: string }[];
  };
  return config.securityGroups.map((g) => g.$ref);
}

const render = (services: readonly ComposeService[]) => {
  const desired = renderStack(resolvedStack({ services }));
  expectInvariants(desired);
  return desired;
};

describe('security groups follow compose networks', () => {
  it.each([
    {
      reason: 'a shared network admits the callee’s declared ports from that network’s group',
      services: [composeService('api', { expose: [9100], ports: [hostPort(9090)] }), composeService('web')],
      group: 'sg/svc/api',
      expected: ['tcp 9090-9090 <- sg/net/default', 'tcp 9100-9100 <- sg/net/default'],
    },
    {
      reason: 'a published port is also reachable on its container port from the network, and from the ALB',
      services: [
        composeService('api', { ports: [ingressPort(80, { published: 8080 })] }),
        composeService('web'),
      ],
      group: 'sg/svc/api',
      expected: ['tcp 80-80 <- sg/alb', 'tcp 80-80 <- sg/net/default'],
    },
    {
      reason: 'a container-only port is private: admitted from the network only',
      services: [
        composeService('kv', { image: 'redis:7', ports: [containerOnlyPort(6379)] }),
        composeService('web'),
      ],
      group: 'sg/svc/kv',
      expected: ['tcp 6379-6379 <- sg/net/default'],
    },
    {
      reason: 'a service declaring no port is admitted on every TCP port from its networks',
      services: [composeService('worker'), composeService('web', { networks: ['default', 'back'] })],
      group: 'sg/svc/worker',
      expected: ['tcp 0-65535 <- sg/net/default'],
    },
    {
      reason: 'a one-off task declaring no port admits nothing: it runs to completion and serves nobody',
      services: [
        composeService('migrate', { restart: 'no' }),
        composeService('web', {
          dependsOn: { migrate: { condition: 'service_completed_successfully', required: true } },
        }),
      ],
      group: 'sg/svc/migrate',
      expected: [],
    },
    {
      reason: 'udp container ports are admitted as udp',
      services: [composeService('dns', { ports: [hostPort(53, 'udp')] }), composeService('web')],
      group: 'sg/svc/dns',
      expected: ['udp 53-53 <- sg/net/default'],
    },
    {
      reason: 'a service on two networks admits from both',
      services: [
        composeService('api', { expose: [8080], networks: ['back', 'front'] }),
        composeService('web', { networks: ['front'] }),
        composeService('jobs', { networks: ['back'] }),
      ],
      group: 'sg/svc/api',
      expected: ['tcp 8080-8080 <- sg/net/back', 'tcp 8080-8080 <- sg/net/front'],
    },
    {
      reason: 'membership groups have no rules of their own',
      services: [
        composeService('api', { expose: [8080], networks: ['back', 'front'] }),
        composeService('web', { expose: [80], networks: ['front'] }),
      ],
      group: 'sg/net/front',
      expected: [],
    },
  ])('$reason', ({ services, group, expected }) => {
    expect(admits(render(services), group)).toEqual(expected);
  });

  it('services on disjoint networks cannot reach each other: neither carries a group the other admits', () => {
    const desired = render([
      composeService('a', { expose: [8080], networks: ['red'] }),
      composeService('b', { expose: [8080], networks: ['blue'] }),
      composeService('c', { expose: [8080], networks: ['red'] }),
    ]);
    expect(carries(desired, 'service/a')).toEqual(['sg/net/red', 'sg/svc/a']);
    expect(carries(desired, 'service/c')).toEqual(['sg/net/red', 'sg/svc/c']);
    // b is alone on blue: it carries no membership group and admits nobody.
    expect(carries(desired, 'service/b')).toEqual(['sg/svc/b']);
    expect(admits(desired, 'sg/svc/a')).toEqual(['tcp 8080-8080 <- sg/net/red']);
    expect(admits(desired, 'sg/svc/b')).toEqual([]);
    expect(idsOf(desired, 'ec2.SecurityGroup')).not.toContain('sg/net/blue');
  });

  it('every task carries its own group plus one per network; there is no stack-wide tasks group', () => {
    const desired = render([
      composeService('api', { expose: [8080], networks: ['back', 'front'] }),
      composeService('cache', { expose: [6379], networks: ['back'] }),
      composeService('web', { ports: [ingressPort(80)], networks: ['front'] }),
    ]);
    expect(carries(desired, 'service/api')).toEqual(['sg/net/back', 'sg/net/front', 'sg/svc/api']);
    expect(carries(desired, 'service/web')).toEqual(['sg/net/front', 'sg/svc/web']);
    expect(idsOf(desired, 'ec2.SecurityGroup')).toEqual([
      'sg/alb',
      'sg/net/back',
      'sg/net/front',
      'sg/svc/api',
      'sg/svc/cache',
      'sg/svc/web',
    ]);
    expect(get(desired, 'service/api').dependsOn).toEqual(
      expect.arrayContaining(['sg/net/back', 'sg/net/front', 'sg/svc/api']),
    );
  });

  it('managed data admits its port from the networks the data service is on, not only from dependents', () => {
    const desired = render([
      composeService('db', { postgres: {}, networks: ['back'] }),
      composeService('cache', { redis: {}, networks: ['back', 'front'] }),
      composeService('api', { dependsOn: {}, networks: ['back'], expose: [8080] }),
      composeService('web', { networks: ['front'], expose: [80] }),
    ]);
    expect(admits(desired, 'sg/db/db')).toEqual(['tcp 5432-5432 <- sg/net/back']);
    expect(admits(desired, 'sg/cache/cache')).toEqual([
      'tcp 6379-6379 <- sg/net/back',
      'tcp 6379-6379 <- sg/net/front',
    ]);
  });

  it('the ALB admits each listener port from anywhere; services admit from it only routed container ports', () => {
    const desired = render([
      composeService('web', { ports: [ingressPort(80), ingressPort(9000)] }),
      composeService('api', { ports: [ingressPort(80, { published: 8080 }), containerOnlyPort(9100)] }),
    ]);
    expect(admits(desired, 'sg/alb')).toEqual([
      'tcp 80-80 <- 0.0.0.0/0',
      'tcp 8080-8080 <- 0.0.0.0/0',
      'tcp 9000-9000 <- 0.0.0.0/0',
    ]);
    expect(admits(desired, 'sg/svc/api')).toEqual([
      'tcp 80-80 <- sg/alb',
      'tcp 80-80 <- sg/net/default',
      'tcp 9100-9100 <- sg/net/default',
    ]);
  });

  it('no group references itself through a cycle: references only go from membership groups and the ALB', () => {
    const desired = render([
      composeService('a', { expose: [1], networks: ['x', 'y'] }),
      composeService('b', { networks: ['y'] }),
      composeService('c', { ports: [ingressPort(80)], networks: ['x'] }),
    ]);
    for (const id of idsOf(desired, 'ec2.SecurityGroup')) {
      const sources = (get(desired, id).spec.ingress as unknown as Rule[]).flatMap((r) =>
        r.sourceSecurityGroupId ? [r.sourceSecurityGroupId.$ref] : [],
      );
      for (const source of sources) {
        expect(source === 'sg/alb' || source.startsWith('sg/net/'), `${id} <- ${source}`).toBe(true);
        // A source group itself references no group: the ALB admits CIDRs only, membership groups nothing.
        expect(admits(desired, source).filter((r) => r.includes('<- sg/'))).toEqual([]);
      }
    }
  });
});
