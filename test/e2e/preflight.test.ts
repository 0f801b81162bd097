/**
 * End to end, against a real moto server: preflight (issue 10, item 4). A failure `reconcile` can foresee
 * after observing and planning — a stack `domain` whose Route 53 hosted zone does not exist, a resource
 * with one of our names that the stack does not own — stops the pass before its first write: exit 1, every
 * problem listed at once, and AWS exactly as it was (counted by raw describe calls, not through stackctl).
 * `plan` reports the same problems and exits 1.
 */
import { CreateLogGroupCommand, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  AllocateAddressCommand,
  DescribeAddressesCommand,
  DescribeInternetGatewaysCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcsCommand,
  ReleaseAddressCommand,
} from '@aws-sdk/client-ec2';
import { ListClustersCommand } from '@aws-sdk/client-ecs';
import {
  DescribeLoadBalancersCommand,
  DescribeTargetGroupsCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { ListRolesCommand } from '@aws-sdk/client-iam';
import { CreateHostedZoneCommand, ListHostedZonesCommand } from '@aws-sdk/client-route-53';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import type { AwsClients } from '../../src/aws/types.js';
import type { DesiredStack } from '../../src/desired/resource-types.js';
import { type E2eEnv, parseJson, startE2e } from './helpers/harness.js';
import { stackInventory } from './helpers/inventory.js';
import { nameOf } from './helpers/live-read.js';
import { affordableStack, removeWorkspaces, writeFixtureApp } from './helpers/workspace.js';

let env: E2eEnv;
let app: E2eEnv['cli'];
let desired: DesiredStack;

/** A stack on `nosuch.example` with one HTTPS host: it renders a certificate and Route 53 records. */
const DOMAIN_STACK = `${affordableStack()}domain: nosuch.example\nservices:\n  svc1:\n    domainname: app.nosuch.example\n`;

/** A high-availability stack: one NAT gateway (and so one Elastic IP) per availability zone. */
const HA_STACK = affordableStack().replace('mode: affordable', 'mode: high_availability');

beforeAll(async () => {
  env = await startE2e();
  const dir = await writeFixtureApp({
    name: 'preflight',
    webServices: 1,
    workers: 1,
    stacks: { dev: DOMAIN_STACK, ha: HA_STACK },
  });
  app = env.cliIn(dir);
  desired = parseJson<DesiredStack>(await app('render', '--stack', 'dev', '--output', 'json'));
});
beforeEach(async () => {
  await env.reset();
});
afterAll(async () => {
  await env?.stop();
  await removeWorkspaces();
});

/** How many resources of each type exist in the account, whoever owns them (raw SDK reads). */
async function rawCounts(c: AwsClients): Promise<Record<string, number>> {
  const [vpcs, subnets, igws, sgs, logs, albs, tgs, clusters, roles, zones] = await Promise.all([
    c.ec2.send(new DescribeVpcsCommand({})).then((r) => r.Vpcs?.length ?? 0),
    c.ec2.send(new DescribeSubnetsCommand({})).then((r) => r.Subnets?.length ?? 0),
    c.ec2.send(new DescribeInternetGatewaysCommand({})).then((r) => r.InternetGateways?.length ?? 0),
    c.ec2.send(new DescribeSecurityGroupsCommand({})).then((r) => r.SecurityGroups?.length ?? 0),
    c.logs.send(new DescribeLogGroupsCommand({})).then((r) => r.logGroups?.length ?? 0),
    c.elbv2.send(new DescribeLoadBalancersCommand({})).then((r) => r.LoadBalancers?.length ?? 0),
    c.elbv2.send(new DescribeTargetGroupsCommand({})).then((r) => r.TargetGroups?.length ?? 0),
    c.ecs.send(new ListClustersCommand({})).then((r) => r.clusterArns?.length ?? 0),
    c.iam.send(new ListRolesCommand({})).then((r) => r.Roles?.length ?? 0),
    c.route53.send(new ListHostedZonesCommand({})).then((r) => r.HostedZones?.length ?? 0),
  ]);
  return { vpcs, subnets, igws, sgs, logs, albs, tgs, clusters, roles, zones };
}

it('renders the Route 53 records the preflight must check (the scenario is what it says)', () => {
  const records = desired.resources.filter((r) => r.kind === 'route53.Record');
  expect(records.length).toBeGreaterThan(0);
  for (const r of records) expect(r.spec.hostedZoneName).toBe('nosuch.example.');
});

it('a missing hosted zone and a foreign same-name log group: both listed, nothing created', async () => {
  const logName = nameOf(desired, 'log/svc1');
  await env.clients.logs.send(new CreateLogGroupCommand({ logGroupName: logName }));
  const before = await rawCounts(env.clients);

  const plan = await app('plan', '--stack', 'dev');
  expect(plan.code).toBe(1);
  expect(plan.out).toContain('reconcile would stop before any change (2 problem(s))');
  expect(plan.out).toContain('No Route 53 hosted zone named nosuch.example.');
  expect(plan.out).toMatch(/log\/svc1: .*not owned by stack preflight\/dev/);

  const reconcile = await app('reconcile', '--once', '--stack', 'dev');

  expect(reconcile.code).toBe(1);
  expect(reconcile.err).toContain('nothing was changed in AWS');
  expect(reconcile.err).toContain('No Route 53 hosted zone named nosuch.example.');
  expect(reconcile.err).toMatch(/log\/svc1: .*not owned by stack preflight\/dev/);
  expect(reconcile.err).not.toMatch(/\n\s+at /);
  expect(await rawCounts(env.clients)).toEqual(before);
  expect(await stackInventory(env.clients, 'preflight', 'dev')).toEqual([]);
});

it('a missing hosted zone alone: exit 1 naming the zone, AWS untouched; with the zone it converges', async () => {
  const before = await rawCounts(env.clients);

  const reconcile = await app('reconcile', '--once', '--stack', 'dev', '--output', 'json');

  expect(reconcile.code).toBe(1);
  expect(reconcile.err).toContain('No Route 53 hosted zone named nosuch.example.');
  expect(await rawCounts(env.clients)).toEqual(before);
  expect(await stackInventory(env.clients, 'preflight', 'dev')).toEqual([]);

  await env.clients.route53.send(
    new CreateHostedZoneCommand({ Name: 'nosuch.example', CallerReference: 'preflight-test' }),
  );
  const retry = await app('reconcile', '--once', '--stack', 'dev', '--output', 'json');
  expect(retry.err).not.toContain('hosted zone');
  expect(retry.code).toBe(0);
});

it('more NAT gateways than Elastic IPs left in the quota: listed before any write, AWS untouched', async () => {
  const ha = parseJson<DesiredStack>(await app('render', '--stack', 'ha', '--output', 'json'));
  const nats = ha.resources.filter((r) => r.kind === 'ec2.NatGateway').length;
  expect(nats).toBeGreaterThan(1);
  // moto's quota is AWS's default, 5: leave one address fewer than the stack needs.
  for (let i = 0; i < 5 - nats + 1; i++)
    await env.clients.ec2.send(new AllocateAddressCommand({ Domain: 'vpc' }));
  const addresses = async () =>
    (await env.clients.ec2.send(new DescribeAddressesCommand({}))).Addresses?.length ?? 0;
  const before = { ...(await rawCounts(env.clients)), addresses: await addresses() };

  const plan = await app('plan', '--stack', 'ha');
  expect(plan.code).toBe(1);
  expect(plan.out).toContain(`Elastic IP addresses: the plan allocates ${nats} for NAT gateways`);

  const reconcile = await app('reconcile', '--once', '--stack', 'ha');
  expect(reconcile.code).toBe(1);
  expect(reconcile.err).toContain('nothing was changed in AWS');
  expect(reconcile.err).toContain('Elastic IP addresses');
  expect({ ...(await rawCounts(env.clients)), addresses: await addresses() }).toEqual(before);
  expect(await stackInventory(env.clients, 'preflight', 'ha')).toEqual([]);

  // With one address released there is room for every gateway: no preflight problem is left.
  const [spare] = (await env.clients.ec2.send(new DescribeAddressesCommand({}))).Addresses ?? [];
  await env.clients.ec2.send(new ReleaseAddressCommand({ AllocationId: spare?.AllocationId ?? '' }));
  const replan = await app('plan', '--stack', 'ha');
  expect(replan.out).not.toContain('Elastic IP addresses');
  expect(replan.code).toBe(2);
});
