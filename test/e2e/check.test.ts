/**
 * End to end, real moto, through the CLI: `stackctl check` proves a deployed app is wired, and catches
 * each way it can come apart out of band.
 *
 * The app: `web` calls `api` by name (`API_URL: http://api:8080`) on network `front`; `api` uses a
 * managed Postgres `db` (`DATABASE_URL` with `db:5432`) and a plain Redis container `cache` on a second
 * network `back`. After one reconcile, `check` exits 0 with every edge ✓. Then AWS is broken on purpose,
 * one way at a time — the rule admitting `api` from web's network revoked, the Cloud Map record of `db`
 * deleted, the 8080 listener deleted — and each time `check` exits 2 naming that edge, `drift` exits 2
 * naming it, a reconcile restores it (asserted on AWS directly), and `check` exits 0 again.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeSecurityGroupsCommand, RevokeSecurityGroupIngressCommand } from '@aws-sdk/client-ec2';
import {
  DeleteListenerCommand,
  DescribeListenersCommand,
  DescribeLoadBalancersCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import {
  DeleteServiceCommand,
  DeregisterInstanceCommand,
  ListInstancesCommand,
  ListNamespacesCommand,
  ListServicesCommand,
} from '@aws-sdk/client-servicediscovery';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AwsClients } from '../../src/aws/types.js';
import { TAG_KEYS } from '../../src/desired/resource-types.js';
import { type DataEnv, startDataE2e } from './data-helpers/data-env.js';
import { type CliResult, parseJson } from './helpers/harness.js';

const PROJECT = 'wired';
const NAMESPACE = `dev.${PROJECT}.internal`;
const STEP_TIMEOUT_MS = 240_000;

const COMPOSE = `name: ${PROJECT}
services:
  web:
    image: nginx:1.27-alpine
    ports: ["80:80"]
    environment:
      API_URL: http://api:8080
    networks: [front]
  api:
    image: nginx:1.27-alpine
    ports: ["8080:8080"]
    environment:
      DATABASE_URL: postgres://app@db:5432/app
      REDIS_URL: redis://cache:6379/0
      SESSIONS_HOST: sessions
    depends_on: [db]
    networks: [front, back]
  cache:
    image: redis:7
    expose: ["6379"]
    networks: [back]
  db:
    image: postgres:16
    x-stackctl-postgres: {}
    networks: [back]
  sessions:
    image: redis:7
    x-stackctl-redis: {}
    networks: [back]
networks:
  front: {}
  back: {}
`;

const STACK = [
  'region: eu-west-1',
  'mode: affordable',
  'network:',
  '  vpc: create',
  '  cidr: 10.61.0.0/16',
  '',
].join('\n');

interface CheckJson {
  schemaVersion: number;
  ok: boolean;
  summary: { edges: number; wired: number; broken: number };
  edges: {
    name: string;
    kind: string;
    port: number | null;
    ok: boolean;
    resolves: boolean | null;
    admitted: boolean;
    routed: boolean | null;
    reasons: { resolves: string | null; admitted: string; routed: string | null };
  }[];
}

interface DriftJson {
  stacks: {
    sync: string;
    health: string;
    wiring: { edges: number; broken: { edge: string; check: string; reason: string }[] } | null;
  }[];
}

type StatusJson = {
  kind: 'StatusReport';
  stacks: { health: string; publicUrls: string[]; brokenEdges: { edge: string; reason: string }[] }[];
};

let env: DataEnv;
let dir: string;
let cli: (...args: string[]) => Promise<CliResult>;

beforeAll(async () => {
  env = await startDataE2e();
  dir = await mkdtemp(join(tmpdir(), 'stackctl-e2e-check-'));
  await writeFile(join(dir, 'compose.yaml'), COMPOSE);
  await mkdir(join(dir, '.stackctl'));
  await writeFile(join(dir, '.stackctl', 'dev.yaml'), STACK);
  cli = env.cliIn(dir);
});
afterAll(async () => {
  await env?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function check(): Promise<{ res: CliResult; json: CheckJson }> {
  const res = await cli('check', '--stack', 'dev', '--output', 'json');
  return { res, json: parseJson<CheckJson>(res) };
}

async function reconcile(): Promise<CliResult> {
  const res = await cli('reconcile', '--once', '--stack', 'dev', '--output', 'json');
  expect(res.code, `${res.out}\n${res.err}`).toBe(0);
  return res;
}

function edge(json: CheckJson, name: string): CheckJson['edges'][number] {
  const found = json.edges.find((e) => e.name === name);
  if (!found) throw new Error(`no edge ${name} in ${json.edges.map((e) => e.name).join(', ')}`);
  return found;
}

async function groupByLogicalId(c: AwsClients, logicalId: string) {
  const res = await c.ec2.send(
    new DescribeSecurityGroupsCommand({
      Filters: [
        { Name: `tag:${TAG_KEYS.project}`, Values: [PROJECT] },
        { Name: `tag:${TAG_KEYS.logicalId}`, Values: [logicalId] },
      ],
    }),
  );
  const group = res.SecurityGroups?.[0];
  if (!group?.GroupId) throw new Error(`security group ${logicalId} not found`);
  return group;
}

async function apiRuleFromFront(c: AwsClients) {
  const [api, front] = await Promise.all([
    groupByLogicalId(c, 'sg/svc/api'),
    groupByLogicalId(c, 'sg/net/front'),
  ]);
  const rule = api.IpPermissions?.find(
    (p) =>
      p.FromPort === 8080 &&
      p.ToPort === 8080 &&
      p.UserIdGroupPairs?.some((g) => g.GroupId === front.GroupId),
  );
  return { api, front, rule };
}

async function dbRecord(c: AwsClients) {
  const ns = (await c.servicediscovery.send(new ListNamespacesCommand({}))).Namespaces?.find(
    (n) => n.Name === NAMESPACE,
  );
  if (!ns?.Id) throw new Error(`namespace ${NAMESPACE} not found`);
  const services = await c.servicediscovery.send(
    new ListServicesCommand({ Filters: [{ Name: 'NAMESPACE_ID', Values: [ns.Id], Condition: 'EQ' }] }),
  );
  const service = services.Services?.find((s) => s.Name === 'db');
  if (!service?.Id) return { service: undefined, instances: [] };
  const instances =
    (await c.servicediscovery.send(new ListInstancesCommand({ ServiceId: service.Id }))).Instances ?? [];
  return { service, instances };
}

async function listenerPorts(c: AwsClients): Promise<number[]> {
  const lbs = await c.elbv2.send(new DescribeLoadBalancersCommand({}));
  const lb = lbs.LoadBalancers?.find((l) => l.LoadBalancerName?.startsWith(`${PROJECT}-dev`));
  if (!lb?.LoadBalancerArn) throw new Error('load balancer not found');
  const listeners = await c.elbv2.send(new DescribeListenersCommand({ LoadBalancerArn: lb.LoadBalancerArn }));
  return (listeners.Listeners ?? []).map((l) => l.Port ?? 0).sort((a, b) => a - b);
}

async function expectBrokenThenRestored(
  name: string,
  failing: 'resolves' | 'admitted' | 'routed',
  reason: RegExp,
) {
  const broken = await check();
  expect(broken.res.code, broken.res.out).toBe(2);
  expect(broken.json.ok).toBe(false);
  const e = edge(broken.json, name);
  expect(e.ok).toBe(false);
  expect(e[failing]).toBe(false);
  expect(e.reasons[failing]).toMatch(reason);
  expect(broken.json.edges.filter((x) => !x.ok).map((x) => x.name)).toEqual([name]);

  const drift = await cli('drift', '--stack', 'dev', '--output', 'json');
  expect(drift.code).toBe(2);
  const stack = parseJson<DriftJson>(drift).stacks[0];
  expect(stack?.health).toBe('Degraded');
  expect(stack?.wiring?.broken.map((b) => [b.edge, b.check])).toContainEqual([name, failing]);
  const status = await cli('status', '--stack', 'dev', '--output', 'json');
  const row = parseJson<StatusJson>(status).stacks[0];
  expect(row?.health).toBe('Degraded');
  expect(row?.brokenEdges.map((b) => b.edge)).toContain(name);

  await reconcile();
  const again = await check();
  expect(again.res.code, again.res.out).toBe(0);
  expect(edge(again.json, name).ok).toBe(true);
}

describe('stackctl check on a deployed app', () => {
  it(
    'every edge is wired after one reconcile, and reconcile and status print the public URLs',
    async () => {
      const first = await reconcile();
      const urls = parseJson<{ publicUrls: string[] }>(first).publicUrls;
      expect(urls).toHaveLength(2);
      expect(urls.some((u) => /^http:\/\/[^/:]+\/$/.test(u))).toBe(true);
      expect(urls.some((u) => /^http:\/\/[^/:]+:8080\/$/.test(u))).toBe(true);

      const { res, json } = await check();
      expect(res.code, res.out).toBe(0);
      expect(json.schemaVersion).toBe(1);
      expect(json.summary.broken).toBe(0);
      expect(json.edges.map((e) => [e.name, e.ok])).toEqual(
        expect.arrayContaining([
          ['web → api:8080', true],
          ['api → db:5432', true],
          ['api → cache:6379', true],
          ['api → sessions:6379', true],
          ['internet → web:80 (listener 80)', true],
          ['internet → api:8080 (listener 8080)', true],
        ]),
      );
      expect(edge(json, 'web → api:8080')).toMatchObject({
        resolves: true,
        admitted: true,
        routed: null,
        port: 8080,
      });

      const text = await cli('check', '--stack', 'dev');
      expect(text.code).toBe(0);
      expect(text.out).toMatch(/web → api:8080\s+private\s+✓\s+✓\s+-/);

      const status = await cli('status', '--stack', 'dev', '--output', 'json');
      const row = parseJson<StatusJson>(status).stacks[0];
      expect(row?.health).toBe('Healthy');
      expect(row?.publicUrls).toEqual(urls);
      expect(row?.brokenEdges).toEqual([]);
    },
    STEP_TIMEOUT_MS,
  );

  it(
    'a revoked rule admitting api from web’s network: check and drift name the edge, reconcile restores the rule',
    async () => {
      const before = await apiRuleFromFront(env.clients);
      expect(before.rule).toBeDefined();
      // Revoked as described (with its description): moto matches rules on every attribute. AWS groups
      // the sources of one port in one permission; only web's network group is revoked.
      const pairs = before.rule?.UserIdGroupPairs?.filter((g) => g.GroupId === before.front.GroupId);
      await env.clients.ec2.send(
        new RevokeSecurityGroupIngressCommand({
          GroupId: before.api.GroupId,
          IpPermissions: [{ IpProtocol: 'tcp', FromPort: 8080, ToPort: 8080, UserIdGroupPairs: pairs }],
        }),
      );
      expect((await apiRuleFromFront(env.clients)).rule).toBeUndefined();

      await expectBrokenThenRestored(
        'web → api:8080',
        'admitted',
        /has no rule for tcp\/8080 from .*sg\/net\/front/,
      );

      expect((await apiRuleFromFront(env.clients)).rule).toBeDefined();
    },
    STEP_TIMEOUT_MS,
  );

  it(
    'the Cloud Map record of db deleted: check and drift name the edge, reconcile registers it again',
    async () => {
      const before = await dbRecord(env.clients);
      expect(before.instances.map((i) => i.Attributes?.AWS_INSTANCE_CNAME)).toHaveLength(1);
      for (const i of before.instances)
        await env.clients.servicediscovery.send(
          new DeregisterInstanceCommand({ ServiceId: before.service?.Id, InstanceId: i.Id }),
        );
      await env.clients.servicediscovery.send(new DeleteServiceCommand({ Id: before.service?.Id }));
      expect((await dbRecord(env.clients)).service).toBeUndefined();

      await expectBrokenThenRestored('api → db:5432', 'resolves', /no Cloud Map service "db" in namespace/);

      const after = await dbRecord(env.clients);
      expect(after.service).toBeDefined();
      expect(after.instances.map((i) => i.Attributes?.AWS_INSTANCE_CNAME)).toEqual(
        before.instances.map((i) => i.Attributes?.AWS_INSTANCE_CNAME),
      );
    },
    STEP_TIMEOUT_MS,
  );

  it(
    'the 8080 listener deleted: check and drift name the public edge, reconcile recreates it',
    async () => {
      expect(await listenerPorts(env.clients)).toEqual([80, 8080]);
      const lbs = await env.clients.elbv2.send(new DescribeLoadBalancersCommand({}));
      const lb = lbs.LoadBalancers?.find((l) => l.LoadBalancerName?.startsWith(`${PROJECT}-dev`));
      const listeners = await env.clients.elbv2.send(
        new DescribeListenersCommand({ LoadBalancerArn: lb?.LoadBalancerArn }),
      );
      const l8080 = listeners.Listeners?.find((l) => l.Port === 8080);
      await env.clients.elbv2.send(new DeleteListenerCommand({ ListenerArn: l8080?.ListenerArn }));
      expect(await listenerPorts(env.clients)).toEqual([80]);

      await expectBrokenThenRestored(
        'internet → api:8080 (listener 8080)',
        'routed',
        /no listener on port 8080/,
      );

      expect(await listenerPorts(env.clients)).toEqual([80, 8080]);
    },
    STEP_TIMEOUT_MS,
  );
});
