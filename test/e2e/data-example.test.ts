/**
 * End to end, real moto, through the CLI: the whole example app, both stacks, from an empty account.
 * dev (affordable, no domain) and prod (high_availability, domain example.com, whose public zone exists
 * as in a real account) each converge in one `reconcile --once`, with managed Postgres and Redis sized
 * by the mode table and wired into the services that depend on them, and HTTPS for prod's hosts; a
 * second pass of each makes no mutating call but the state table's lease writes.
 */
import {
  DescribeListenersCommand,
  DescribeLoadBalancersCommand,
  DescribeRulesCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { GetParameterCommand } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DesiredStack } from '../../src/desired/resource-types.js';
import { createPublicZone, type DataEnv, stackMutations, startDataE2e } from './data-helpers/data-env.js';
import {
  liveCache,
  liveCertificates,
  liveDb,
  liveEcsService,
  liveSecurityGroup,
  liveTaskDefinition,
  renderedName,
  zoneRecords,
} from './data-helpers/live-data.js';
import { parseJson } from './helpers/harness.js';
import { applyOf, changes } from './helpers/plan-output.js';
import { SHOP_DIR } from './helpers/workspace.js';

const CONVERGE_TIMEOUT_MS = 240_000;

let env: DataEnv;
let shop: ReturnType<DataEnv['cliIn']>;

beforeAll(async () => {
  env = await startDataE2e();
  shop = env.cliIn(SHOP_DIR);
  await createPublicZone(env.clients, 'example.com');
});
afterAll(async () => {
  await env?.stop();
});

/** Converges `stack` from empty, checks the idle second pass, and returns the rendered stack. */
async function convergeTwice(stack: string): Promise<{ rendered: DesiredStack; out: string }> {
  const rendered = parseJson<DesiredStack>(await shop('render', '--stack', stack, '--output', 'json'));
  expect((await shop('config', 'set', 'API_TOKEN', '--random', '--stack', stack)).code).toBe(0);

  const first = await shop('reconcile', '--once', '--stack', stack, '--output', 'json');
  expect(first.code, first.out + first.err).toBe(0);
  expect(applyOf(first).summary).toMatchObject({
    applied: rendered.resources.length,
    failed: 0,
    blocked: 0,
    skipped: 0,
  });

  const second = await shop('reconcile', '--once', '--stack', stack, '--stats', '--output', 'json');
  const again = applyOf(second);
  expect(second.code).toBe(0);
  expect(changes(again.plan)).toEqual([]);
  expect(again.summary).toMatchObject({ applied: 0, noop: rendered.resources.length });
  expect(stackMutations(again.stats)).toEqual({});
  return { rendered, out: first.out + first.err + second.out + second.err };
}

describe('the example app from an empty account', () => {
  it(
    'dev converges with the affordable data services, wired into their dependents; the second pass is idle',
    async () => {
      const { rendered } = await convergeTwice('dev');

      const db = await liveDb(env.clients, renderedName(rendered, 'db/db'));
      expect(db).toMatchObject({
        DBInstanceClass: 'db.t4g.micro',
        MultiAZ: false,
        BackupRetentionPeriod: 1,
        DeletionProtection: false,
        Engine: 'postgres',
        DBName: 'shop',
        MasterUsername: 'shop',
        PubliclyAccessible: false,
      });
      expect(db?.EngineVersion?.split('.')[0]).toBe('16');
      const cache = await liveCache(env.clients, renderedName(rendered, 'cache/cache'));
      expect(cache).toMatchObject({ CacheNodeType: 'cache.t4g.micro', AutomaticFailover: 'disabled' });
      expect(cache?.MemberClusters).toHaveLength(1);
      // No domain: plain HTTP on the load balancer's own name at the published ports, no certificate.
      const listeners = await listenersOf(renderedName(rendered, 'alb'));
      expect(listeners.map((l) => [l.Port, l.Protocol])).toEqual([
        [80, 'HTTP'],
        [8080, 'HTTP'],
      ]);
    },
    CONVERGE_TIMEOUT_MS,
  );

  it(
    'prod converges with high-availability data, HTTPS on its own hosts and alias records; the second pass is idle',
    async () => {
      const { rendered, out } = await convergeTwice('prod');

      const dbId = renderedName(rendered, 'db/db');
      const db = await liveDb(env.clients, dbId);
      expect(db).toMatchObject({
        DBInstanceClass: 'db.r6g.large',
        MultiAZ: true,
        BackupRetentionPeriod: 30,
        DeletionProtection: true,
        AllocatedStorage: 50,
        StorageEncrypted: true,
        PubliclyAccessible: false,
      });
      // The database admits 5432 from the compose network it is on (default), whose group every task carries.
      const dbSg = await liveSecurityGroup(env.clients, renderedName(rendered, 'sg/db/db'));
      expect(db?.VpcSecurityGroups?.map((g) => g.VpcSecurityGroupId)).toEqual([dbSg?.GroupId]);
      const sources = dbSg?.IpPermissions?.flatMap((p) => [
        p.FromPort,
        ...(p.UserIdGroupPairs ?? []).map((g) => g.GroupId),
        ...(p.IpRanges ?? []).map((r) => r.CidrIp),
      ]);
      const network = await liveSecurityGroup(env.clients, renderedName(rendered, 'sg/net/default'));
      expect(new Set(sources)).toEqual(new Set([5432, network?.GroupId]));
      const apiService = await liveEcsService(env.clients, 'shop-prod', 'api');
      expect(apiService?.networkConfiguration?.awsvpcConfiguration?.securityGroups).toContain(
        network?.GroupId,
      );
      const cache = await liveCache(env.clients, renderedName(rendered, 'cache/cache'));
      expect(cache).toMatchObject({
        CacheNodeType: 'cache.r6g.large',
        AutomaticFailover: 'enabled',
        MultiAZ: 'enabled',
      });
      expect(cache?.MemberClusters).toHaveLength(2);

      // The api's task definition gets the connection settings; the password only as an SSM reference.
      const api = await liveEcsService(env.clients, 'shop-prod', 'api');
      const container = (await liveTaskDefinition(env.clients, api?.taskDefinition ?? ''))
        .containerDefinitions?.[0];
      const envOf = Object.fromEntries((container?.environment ?? []).map((e) => [e.name, e.value]));
      const endpoint = cache?.NodeGroups?.[0]?.PrimaryEndpoint;
      expect(envOf).toMatchObject({
        POSTGRES_HOST: db?.Endpoint?.Address,
        POSTGRES_PORT: '5432',
        POSTGRES_USER: 'shop',
        POSTGRES_DB: 'shop',
        REDIS_URL: `redis://${endpoint?.Address}:${endpoint?.Port}`,
      });
      expect(container?.secrets).toContainEqual({
        name: 'POSTGRES_PASSWORD',
        valueFrom: '/stackctl/shop/prod/DB_PASSWORD',
      });
      const password = await env.clients.ssm.send(
        new GetParameterCommand({ Name: '/stackctl/shop/prod/DB_PASSWORD', WithDecryption: true }),
      );
      expect(password.Parameter?.Value?.length).toBeGreaterThanOrEqual(16);
      expect(out).not.toContain(password.Parameter?.Value);

      // One DNS-validated certificate for both hosts, its validation record, HTTPS, redirect, host rules.
      const certs = await liveCertificates(env.clients);
      expect(certs.map((c) => [c.DomainName, c.Status])).toEqual([['api.example.com', 'ISSUED']]);
      const cert = certs[0];
      expect(cert?.SubjectAlternativeNames).toEqual(expect.arrayContaining(['shop.example.com']));
      // ACM issues a certificate once every name resolves: one validation record per name.
      const records = await zoneRecords(env.clients, 'example.com');
      const validations = cert?.DomainValidationOptions ?? [];
      expect(validations.map((v) => v.DomainName).sort()).toEqual(['api.example.com', 'shop.example.com']);
      for (const { ResourceRecord: validation } of validations) {
        expect(records).toContainEqual(
          expect.objectContaining({
            Name: validation?.Name,
            Type: 'CNAME',
            ResourceRecords: [{ Value: validation?.Value }],
          }),
        );
      }
      const albName = renderedName(rendered, 'alb');
      const alb = (await env.clients.elbv2.send(new DescribeLoadBalancersCommand({ Names: [albName] })))
        .LoadBalancers?.[0];
      for (const host of ['api.example.com.', 'shop.example.com.']) {
        const alias = records.find((r) => r.Name === host && r.Type === 'A');
        expect(alias?.AliasTarget?.DNSName?.replace(/\.$/, '').toLowerCase()).toBe(
          alb?.DNSName?.toLowerCase(),
        );
        expect(alias?.AliasTarget?.HostedZoneId).toBe(alb?.CanonicalHostedZoneId);
      }
      const listeners = await listenersOf(albName);
      const http = listeners.find((l) => l.Port === 80);
      const https = listeners.find((l) => l.Port === 443);
      expect(http?.DefaultActions?.[0]).toMatchObject({
        Type: 'redirect',
        RedirectConfig: { Protocol: 'HTTPS', Port: '443', StatusCode: 'HTTP_301' },
      });
      expect(https).toMatchObject({
        Protocol: 'HTTPS',
        Certificates: [{ CertificateArn: cert?.CertificateArn }],
      });
      const rules = await env.clients.elbv2.send(
        new DescribeRulesCommand({ ListenerArn: https?.ListenerArn }),
      );
      const hosts = (rules.Rules ?? [])
        .flatMap((r) => r.Conditions ?? [])
        .flatMap((c) => c.HostHeaderConfig?.Values ?? c.Values ?? []);
      expect(hosts.sort()).toEqual(['api.example.com', 'shop.example.com']);
    },
    CONVERGE_TIMEOUT_MS,
  );
});

async function listenersOf(albName: string) {
  const alb = (await env.clients.elbv2.send(new DescribeLoadBalancersCommand({ Names: [albName] })))
    .LoadBalancers?.[0];
  const res = await env.clients.elbv2.send(
    new DescribeListenersCommand({ LoadBalancerArn: alb?.LoadBalancerArn }),
  );
  return (res.Listeners ?? []).sort((a, b) => (a.Port ?? 0) - (b.Port ?? 0));
}
