import { describe, expect, it } from 'vitest';
import { renderStack } from '../../../../src/desired/render/index.js';
import type { Mode } from '../../../../src/desired/stack-types.js';
import { composeService, resolvedStack, typicalServices } from '../../../helpers/resolved-fixture.js';
import { expectInvariants, get, idsOf } from './invariants.js';

const withData = () => [
  ...typicalServices().map((s) =>
    s.name === 'api'
      ? {
          ...s,
          dependsOn: {
            db: { condition: 'service_healthy' as const, required: true },
            cache: { condition: 'service_started' as const, required: true },
          },
        }
      : s,
  ),
  composeService('db', { image: 'postgres:16', postgres: { engineVersion: '16' } }),
  composeService('cache', { image: 'redis:7', redis: {} }),
];

const render = (mode: Mode) => renderStack(resolvedStack({ mode, services: withData() }));

describe('renderStack per mode', () => {
  it.each([
    {
      reason: 'affordable: two AZs, no NAT, tasks in public subnets on Spot',
      mode: 'affordable' as const,
      azs: ['a', 'b'],
      nats: [],
      privateRoutes: { 'rt/private-a': undefined, 'rt/private-b': undefined },
      capacityProvider: 'FARGATE_SPOT',
      assignPublicIp: 'ENABLED',
      taskTier: 'public',
      rollout: { minimumHealthyPercent: 0, maximumPercent: 100 },
      retention: 1,
      deregistration: 0,
    },
    {
      reason: 'balanced: two AZs, one shared NAT, tasks in private subnets',
      mode: 'balanced' as const,
      azs: ['a', 'b'],
      nats: ['nat/a'],
      privateRoutes: { 'rt/private-a': 'nat/a', 'rt/private-b': 'nat/a' },
      capacityProvider: 'FARGATE',
      assignPublicIp: 'DISABLED',
      taskTier: 'private',
      rollout: { minimumHealthyPercent: 100, maximumPercent: 200 },
      retention: 7,
      deregistration: 30,
    },
    {
      reason: 'high_availability: three AZs, a NAT per AZ',
      mode: 'high_availability' as const,
      azs: ['a', 'b', 'c'],
      nats: ['nat/a', 'nat/b', 'nat/c'],
      privateRoutes: { 'rt/private-a': 'nat/a', 'rt/private-b': 'nat/b', 'rt/private-c': 'nat/c' },
      capacityProvider: 'FARGATE',
      assignPublicIp: 'DISABLED',
      taskTier: 'private',
      rollout: { minimumHealthyPercent: 100, maximumPercent: 200 },
      retention: 30,
      deregistration: 60,
    },
  ])('$reason', (c) => {
    const desired = render(c.mode);
    expectInvariants(desired);
    expect(desired.mode).toBe(c.mode);
    expect(idsOf(desired, 'ec2.Subnet')).toEqual([
      ...c.azs.map((az) => `subnet/private-${az}`),
      ...c.azs.map((az) => `subnet/public-${az}`),
    ]);
    expect(get(desired, 'subnet/public-b').spec).toMatchObject({
      availabilityZone: 'eu-west-1b',
      mapPublicIpOnLaunch: true,
    });
    expect(get(desired, 'subnet/private-a').spec).toMatchObject({ mapPublicIpOnLaunch: false });
    expect(idsOf(desired, 'ec2.NatGateway')).toEqual(c.nats);
    for (const [rt, nat] of Object.entries(c.privateRoutes)) {
      const routes = get(desired, rt).spec.routes;
      expect(routes, rt).toEqual(
        nat === undefined
          ? []
          : [{ destinationCidrBlock: '0.0.0.0/0', natGatewayId: { $ref: nat, attr: 'id' } }],
      );
    }
    const service = get(desired, 'service/api').spec;
    expect(service.capacityProviderStrategy).toEqual([{ capacityProvider: c.capacityProvider, weight: 1 }]);
    expect(service.networkConfiguration).toMatchObject({
      assignPublicIp: c.assignPublicIp,
      subnets: c.azs.map((az) => ({ $ref: `subnet/${c.taskTier}-${az}`, attr: 'id' })),
    });
    expect(service.deploymentConfiguration).toEqual({
      ...c.rollout,
      deploymentCircuitBreaker: { enable: true, rollback: true },
    });
    for (const id of idsOf(desired, 'logs.LogGroup'))
      expect(get(desired, id).spec.retentionInDays).toBe(c.retention);
    expect(get(desired, 'tg/api-8080').spec.deregistrationDelaySeconds).toBe(c.deregistration);
    // Data always sits in private subnets, whatever the mode.
    expect(get(desired, 'db/subnets').spec.subnetIds).toEqual(
      c.azs.map((az) => ({ $ref: `subnet/private-${az}`, attr: 'id' })),
    );
  });

  it.each([
    {
      reason: 'affordable',
      mode: 'affordable' as const,
      db: {
        instanceClass: 'db.t4g.micro',
        multiAz: false,
        backupRetentionPeriod: 1,
        deletionProtection: false,
      },
      cache: {
        cacheNodeType: 'cache.t4g.micro',
        numCacheClusters: 1,
        automaticFailoverEnabled: false,
        multiAzEnabled: false,
      },
    },
    {
      reason: 'balanced',
      mode: 'balanced' as const,
      db: {
        instanceClass: 'db.t4g.small',
        multiAz: false,
        backupRetentionPeriod: 7,
        deletionProtection: false,
      },
      cache: {
        cacheNodeType: 'cache.t4g.small',
        numCacheClusters: 1,
        automaticFailoverEnabled: false,
        multiAzEnabled: false,
      },
    },
    {
      reason: 'high_availability: Multi-AZ, deletion protection, Redis failover',
      mode: 'high_availability' as const,
      db: {
        instanceClass: 'db.r6g.large',
        multiAz: true,
        backupRetentionPeriod: 30,
        deletionProtection: true,
      },
      cache: {
        cacheNodeType: 'cache.r6g.large',
        numCacheClusters: 2,
        automaticFailoverEnabled: true,
        multiAzEnabled: true,
      },
    },
  ])('data settings: $reason', ({ mode, db, cache }) => {
    const desired = render(mode);
    expect(get(desired, 'db/db').spec).toMatchObject({ ...db, storageEncrypted: true, engine: 'postgres' });
    expect(get(desired, 'cache/cache').spec).toMatchObject({ ...cache, engine: 'redis' });
  });

  it('affordable without data has no private subnets, NAT or private route tables', () => {
    const desired = renderStack(resolvedStack({ mode: 'affordable', services: typicalServices() }));
    expectInvariants(desired);
    expect(idsOf(desired, 'ec2.Subnet')).toEqual(['subnet/public-a', 'subnet/public-b']);
    expect(idsOf(desired, 'ec2.NatGateway')).toEqual([]);
    expect(idsOf(desired, 'ec2.RouteTable')).toEqual(['rt/public']);
  });

  it('balanced without data still has private subnets behind the NAT', () => {
    const desired = renderStack(resolvedStack({ mode: 'balanced', services: typicalServices() }));
    expect(idsOf(desired, 'ec2.RouteTable')).toEqual(['rt/private-a', 'rt/private-b', 'rt/public']);
    expect(get(desired, 'nat/a').spec).toEqual({ subnetId: { $ref: 'subnet/public-a', attr: 'id' } });
    expect(get(desired, 'nat/a').dependsOn).toEqual(['rt/public', 'subnet/public-a']);
  });
});
