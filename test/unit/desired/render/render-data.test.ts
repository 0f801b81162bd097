import { describe, expect, it } from 'vitest';
import type { ComposeService } from '../../../../src/desired/compose-types.js';
import { renderStack } from '../../../../src/desired/render/index.js';
import { composeService, ingressPort, prov, resolvedStack } from '../../../helpers/resolved-fixture.js';
import { expectInvariants, get, idsOf } from './invariants.js';

const uses = (...deps: string[]) =>
  Object.fromEntries(deps.map((d) => [d, { condition: 'service_healthy' as const, required: true }]));

const stack = (services: ComposeService[], overrides = {}) =>
  renderStack(resolvedStack({ project: 'shop', stack: 'prod', mode: 'balanced', services, overrides }));

const env = (desired: ReturnType<typeof renderStack>, svc: string) => {
  const c = (
    get(desired, `taskdef/${svc}`).spec.containerDefinitions as {
      environment: unknown[];
      secrets: unknown[];
    }[]
  )[0];
  return { environment: c?.environment, secrets: c?.secrets };
};

describe('managed Postgres', () => {
  const services = () => [
    composeService('db', {
      image: 'postgres:15-alpine',
      postgres: { engineVersion: '15' },
      ports: [ingressPort(5432)],
      environment: { POSTGRES_DB: 'orders', POSTGRES_USER: 'shop', POSTGRES_PASSWORD: null },
    }),
    composeService('api', {
      ports: [ingressPort(8080)],
      dependsOn: uses('db'),
      environment: { POSTGRES_HOST: 'db', POSTGRES_PASSWORD: null, OTHER: 'x' },
    }),
    composeService('report', { dependsOn: uses('db') }),
  ];

  it('becomes an RDS instance with a generated password, and no ECS service or target group', () => {
    const desired = stack(services());
    expectInvariants(desired);
    expect(get(desired, 'db/db').spec).toEqual({
      engine: 'postgres',
      engineVersion: '15',
      instanceClass: 'db.t4g.small',
      allocatedStorage: 20,
      multiAz: false,
      backupRetentionPeriod: 7,
      deletionProtection: false,
      dbSubnetGroupName: { $ref: 'db/subnets', attr: 'name' },
      vpcSecurityGroupIds: [{ $ref: 'sg/db/db', attr: 'id' }],
      masterUsername: 'shop',
      dbName: 'orders',
      storageEncrypted: true,
      masterPasswordParameter: { $ref: 'param/db-password', attr: 'name' },
    });
    expect(get(desired, 'db/db').name).toMatch(/^shop-prod-db-[0-9a-f]{6}$/);
    expect(get(desired, 'db/db').dependsOn).toEqual(['db/subnets', 'param/db-password', 'sg/db/db']);
    expect(get(desired, 'param/db-password').spec).toEqual({
      name: '/stackctl/shop/prod/DB_PASSWORD',
      type: 'SecureString',
      generate: 'random',
    });
    expect(idsOf(desired, 'ecs.TaskDefinition')).toEqual(['taskdef/api', 'taskdef/report']);
    expect(idsOf(desired, 'elbv2.TargetGroup')).toEqual(['tg/api-8080']);
  });

  it('admits its port from the networks the data service is on (whoever shares it, as in compose)', () => {
    const desired = stack([...services(), composeService('other')]);
    expect(get(desired, 'sg/db/db').spec.ingress).toEqual([
      {
        protocol: 'tcp',
        fromPort: 5432,
        toPort: 5432,
        sourceSecurityGroupId: { $ref: 'sg/net/default', attr: 'id' },
        description: 'postgres from network default',
      },
    ]);
  });

  it('injects connection settings into dependents, overriding compose literals, and the password as a secret', () => {
    const desired = stack(services());
    expect(env(desired, 'api')).toEqual({
      environment: [
        { name: 'OTHER', value: 'x' },
        { name: 'POSTGRES_DB', value: 'orders' },
        { name: 'POSTGRES_HOST', value: { $ref: 'db/db', attr: 'address' } },
        { name: 'POSTGRES_PORT', value: '5432' },
        { name: 'POSTGRES_USER', value: 'shop' },
      ],
      secrets: [{ name: 'POSTGRES_PASSWORD', valueFrom: '/stackctl/shop/prod/DB_PASSWORD' }],
    });
    expect(get(desired, 'taskdef/api').dependsOn).toEqual(
      expect.arrayContaining(['db/db', 'param/db-password']),
    );
    // The password is generated, so it is not a secret the user must set; the data service's own
    // env is not used at all.
    expect(desired.requiredSecrets).toEqual([]);
  });

  it('keeps a stack-file override of an injected setting', () => {
    const desired = stack(services(), {
      api: { environment: { POSTGRES_HOST: prov('legacy.internal', 'stack-file') } },
    });
    expect(env(desired, 'api').environment).toContainEqual({
      name: 'POSTGRES_HOST',
      value: 'legacy.internal',
    });
  });

  it('defaults to Postgres 16, database "app" and user "postgres"', () => {
    const desired = stack([
      composeService('pg', { postgres: {} }),
      composeService('api', { dependsOn: uses('pg') }),
    ]);
    expect(get(desired, 'db/pg').spec).toMatchObject({
      engineVersion: '16',
      dbName: 'app',
      masterUsername: 'postgres',
    });
  });
});

describe('managed Redis', () => {
  it('becomes a replication group; dependents get REDIS_HOST, REDIS_PORT and REDIS_URL', () => {
    const desired = stack([
      composeService('cache', {
        image: 'redis:7.2',
        redis: { engineVersion: '7.2' },
        ports: [ingressPort(6379)],
      }),
      composeService('worker', { dependsOn: uses('cache') }),
    ]);
    expectInvariants(desired);
    expect(get(desired, 'cache/cache').spec).toEqual({
      engine: 'redis',
      engineVersion: '7.2',
      cacheNodeType: 'cache.t4g.small',
      numCacheClusters: 1,
      automaticFailoverEnabled: false,
      multiAzEnabled: false,
      cacheSubnetGroupName: { $ref: 'cache/subnets', attr: 'name' },
      securityGroupIds: [{ $ref: 'sg/cache/cache', attr: 'id' }],
      description: 'stackctl shop/prod redis cache',
    });
    expect(get(desired, 'cache/cache').name.length).toBeLessThanOrEqual(40);
    expect(env(desired, 'worker').environment).toEqual([
      { name: 'REDIS_HOST', value: { $ref: 'cache/cache', attr: 'primaryEndpoint' } },
      { name: 'REDIS_PORT', value: '6379' },
      { name: 'REDIS_URL', value: { $ref: 'cache/cache', attr: 'url' } },
    ]);
    expect(get(desired, 'sg/cache/cache').spec.ingress).toMatchObject([
      { fromPort: 6379, sourceSecurityGroupId: { $ref: 'sg/net/default', attr: 'id' } },
    ]);
    expect(idsOf(desired, 'elbv2.LoadBalancer')).toEqual([]);
    expect(get(desired, 'cache/subnets').spec.subnetIds).toEqual([
      { $ref: 'subnet/private-a', attr: 'id' },
      { $ref: 'subnet/private-b', attr: 'id' },
    ]);
  });

  it('defaults to Redis 7.1 and turns failover off with a single node', () => {
    const resolved = resolvedStack({
      mode: 'high_availability',
      services: [composeService('cache', { redis: {} })],
    });
    const desired = renderStack({ ...resolved, redis: { ...resolved.redis, nodes: prov(1, 'stack-file') } });
    expect(get(desired, 'cache/cache').spec).toMatchObject({
      engineVersion: '7.1',
      numCacheClusters: 1,
      automaticFailoverEnabled: false,
      multiAzEnabled: false,
    });
  });
});
