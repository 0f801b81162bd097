/**
 * `drift --all` over 20 stacks of one app in one moto: one report, each stack judged on its own (a drift
 * in one stack never shows in another), and read calls that do not grow per stack beyond what the APIs
 * force. Project-wide lists (EC2 describes, tagging, log groups, roles, families, clusters…) are made
 * once for all stacks; only per-resource and per-parent calls scale with the stacks.
 */
import { CreateLogGroupCommand } from '@aws-sdk/client-cloudwatch-logs';
import { UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CallStats, createAwsClients } from '../../../src/aws/index.js';
import { loadStackProject } from '../../../src/desired/load-project.js';
import { ownershipTags } from '../../../src/desired/tags.js';
import { driftStacks } from '../../../src/reconcilers/drift-pass.js';
import {
  createNetwork,
  type DriftEnv,
  drifted,
  reportOf,
  startDriftEnv,
  tinyStackFile,
  writeTinyApp,
} from './drift-env.js';

const STACKS = 20;
const CONVERGE_CONCURRENCY = 4;
const names = Array.from({ length: STACKS }, (_, i) => `s${String(i).padStart(2, '0')}`);

/** Read calls made once per project and region, however many stacks: what sharing must keep flat. */
const PROJECT_WIDE = new Set([
  'acm ListCertificates',
  'autoscaling DescribeScalableTargets',
  'ec2 DescribeDhcpOptions',
  'ec2 DescribeInternetGateways',
  'ec2 DescribeNatGateways',
  'ec2 DescribeRouteTables',
  'ec2 DescribeSecurityGroups',
  'ec2 DescribeSubnets',
  'ec2 DescribeVpcs',
  'ecs DescribeClusters',
  'ecs ListClusters',
  'ecs ListTaskDefinitionFamilies',
  'elbv2 DescribeLoadBalancers',
  'elbv2 DescribeTargetGroups',
  'iam GetAccountAuthorizationDetails',
  'logs DescribeLogGroups',
  'servicediscovery ListNamespaces',
  'servicediscovery ListServices',
  'ssm DescribeParameters',
  'tagging GetResources',
]);

let env: DriftEnv;

/** Runs the drift library over `stacks` and returns read calls per `service operation`. */
async function readsFor(stacks: readonly string[], share = true): Promise<Map<string, number>> {
  const stats = new CallStats();
  await driftStacks({
    project: 'tiny',
    shareReads: share,
    stacks: stacks.map((stack) => {
      const { desired } = loadStackProject({ cwd: env.dir, stack, env: {}, cli: { images: {} } });
      return { stack, region: desired.region, desired };
    }),
    clientsFor: (region) =>
      createAwsClients({
        region,
        endpoint: env.endpoint,
        credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
        stats,
      }),
  });
  return new Map(
    stats
      .snapshot()
      .filter((r) => r.kind === 'read')
      .map((r) => [`${r.service} ${r.operation}`, r.count]),
  );
}

const total = (m: ReadonlyMap<string, number>): number => [...m.values()].reduce((a, b) => a + b, 0);

beforeAll(async () => {
  env = await startDriftEnv(null);
  // Each stack brings its own VPC: moto takes one Cloud Map namespace per VPC (AWS takes one per name).
  const files: Record<string, string> = {};
  for (const n of names) files[n] = tinyStackFile(await createNetwork(env.clients));
  await writeTinyApp(env.dir, files);
  for (let i = 0; i < names.length; i += CONVERGE_CONCURRENCY) {
    const batch = names.slice(i, i + CONVERGE_CONCURRENCY);
    const results = await Promise.all(
      batch.map((stack) => env.cli(['reconcile', '--once', '--stack', stack])),
    );
    for (const r of results) expect(r.code, r.err + r.out).toBe(0);
  }
}, 600_000);

afterAll(async () => {
  await env?.stop();
});

describe(`drift --all over ${STACKS} stacks`, () => {
  it('produces one report of every stack, in sync', async () => {
    const result = await env.cli(['drift', '--all', '--output', 'json']);
    expect(result.code, result.err).toBe(0);
    const report = reportOf(result);
    expect(report.stacks.map((s) => [s.stack, s.sync])).toEqual(names.map((n) => [n, 'Synced']));
    expect(report.summary.stacks).toBe(STACKS);
    expect(report.readCalls).toBeGreaterThan(0);
  }, 120_000);

  it('keeps project-wide reads flat: only per-resource and per-parent calls grow with the stacks', async () => {
    const one = await readsFor(names.slice(0, 1));
    const all = await readsFor(names);
    for (const [op, count] of all) {
      const single = one.get(op) ?? 0;
      if (PROJECT_WIDE.has(op)) expect({ op, count }).toEqual({ op, count: single });
      else expect({ op, count }).toEqual({ op, count: single * STACKS });
    }
    const perStackForced = total(new Map([...one].filter(([op]) => !PROJECT_WIDE.has(op))));
    expect(total(all)).toBe(total(one) + (STACKS - 1) * perStackForced);
    const unshared = await readsFor(names, false);
    expect(total(all)).toBeLessThan(total(unshared));
    console.info(
      `drift --all read calls: 1 stack ${total(one)}, ${STACKS} stacks ${total(all)} (${perStackForced} per extra stack), without sharing ${total(unshared)}`,
    );
  }, 180_000);

  it('judges each stack on its own: drift in two stacks shows only there', async () => {
    await env.clients.ecs.send(
      new UpdateServiceCommand({ cluster: 'tiny-s07', service: 'worker', desiredCount: 2 }),
    );
    await env.clients.logs.send(
      new CreateLogGroupCommand({
        logGroupName: '/stackctl/tiny/s13/old',
        tags: ownershipTags('tiny', 's13', 'log/old'),
      }),
    );
    const result = await env.cli(['drift', '--all', '--output', 'json']);
    expect(result.code).toBe(2);
    const report = reportOf(result);
    expect(
      report.stacks
        .filter((s) => s.sync !== 'Synced')
        .map((s) => [s.stack, drifted({ ...report, stacks: [s] })]),
    ).toEqual([
      ['s07', ['changed ecs.Service service/worker']],
      ['s13', ['unmanaged logs.LogGroup log/old']],
    ]);
    expect(report.summary).toMatchObject({ stacksOutOfSync: 2, changed: 1, unmanaged: 1 });
  }, 120_000);
});
