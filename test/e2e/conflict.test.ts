/**
 * End to end, against a real moto server: a resource that already exists under one of our rendered names
 * but without our ownership tags is a conflict. `plan` and `reconcile` exit 1 naming it, the foreign
 * resource is left exactly as it was, and everything that does not depend on it is still created.
 */
import {
  CreateLogGroupCommand,
  DescribeLogGroupsCommand,
  ListTagsForResourceCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { CreateVpcCommand } from '@aws-sdk/client-ec2';
import {
  CreateTargetGroupCommand,
  DescribeTagsCommand,
  DescribeTargetGroupsCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import type { AwsClients } from '../../src/aws/types.js';
import type { DesiredStack } from '../../src/desired/resource-types.js';
import { type E2eEnv, parseJson, startE2e } from './helpers/harness.js';
import { expectedKeys, inventoryKeys, stackInventory } from './helpers/inventory.js';
import { nameOf } from './helpers/live-read.js';
import { applyOf, planOf } from './helpers/plan-output.js';
import { SHOP_DIR } from './helpers/workspace.js';

let env: E2eEnv;
let shop: E2eEnv['cli'];
let desired: DesiredStack;

beforeAll(async () => {
  env = await startE2e();
  shop = env.cliIn(SHOP_DIR);
  desired = parseJson<DesiredStack>(await shop('render', '--stack', 'dev', '--output', 'json'));
});
beforeEach(async () => {
  await env.reset();
  expect((await shop('config', 'set', 'API_TOKEN', '--random', '--stack', 'dev')).code).toBe(0);
});
afterAll(async () => {
  await env?.stop();
});

interface ConflictCase {
  readonly reason: string;
  readonly logicalId: string;
  /** What depends on it, so reconcile reports it blocked instead of creating it. */
  readonly blocked: readonly string[];
  /** Creates the foreign resource; returns a snapshot function of everything about it. */
  readonly plant: (c: AwsClients) => Promise<() => Promise<unknown>>;
}

const CASES: readonly ConflictCase[] = [
  {
    reason: 'an untagged log group named like the web service log group',
    logicalId: 'log/web',
    blocked: ['service/web', 'taskdef/web'],
    async plant(c) {
      const name = nameOf(desired, 'log/web');
      await c.logs.send(new CreateLogGroupCommand({ logGroupName: name, tags: { owner: 'someone-else' } }));
      return async () => {
        const { logGroups } = await c.logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: name }));
        const g = logGroups?.find((x) => x.logGroupName === name);
        const arn = (g?.arn ?? '').replace(/:\*$/, '');
        const { tags } = await c.logs.send(new ListTagsForResourceCommand({ resourceArn: arn }));
        return { arn, retention: g?.retentionInDays ?? null, tags };
      };
    },
  },
  {
    reason: 'an untagged target group with the rendered web target group name, in another VPC',
    logicalId: 'tg/web-80',
    blocked: ['listener/http', 'service/web'],
    async plant(c) {
      const { Vpc } = await c.ec2.send(new CreateVpcCommand({ CidrBlock: '172.31.0.0/16' }));
      const name = nameOf(desired, 'tg/web-80');
      await c.elbv2.send(
        new CreateTargetGroupCommand({
          Name: name,
          Protocol: 'HTTP',
          Port: 8080,
          VpcId: Vpc?.VpcId,
          TargetType: 'instance',
          HealthCheckPath: '/health',
        }),
      );
      return async () => {
        const { TargetGroups } = await c.elbv2.send(new DescribeTargetGroupsCommand({ Names: [name] }));
        const tg = TargetGroups?.[0];
        const { TagDescriptions } = await c.elbv2.send(
          new DescribeTagsCommand({ ResourceArns: [tg?.TargetGroupArn ?? ''] }),
        );
        return { count: TargetGroups?.length, tg, tags: TagDescriptions?.[0]?.Tags ?? [] };
      };
    },
  },
];

it.each(CASES)('$reason: conflict in plan and reconcile, foreign resource untouched', async (tc) => {
  const snapshot = await tc.plant(env.clients);
  const before = await snapshot();

  const plan = await shop('plan', '--stack', 'dev', '--output', 'json');

  expect(plan.code).toBe(1);
  const planned = planOf(plan);
  const conflicts = planned.steps.filter((s) => s.action === 'conflict');
  expect(conflicts.map((s) => s.logicalId)).toEqual([tc.logicalId]);
  expect(conflicts[0]?.reason).toMatch(/not owned by stack shop\/dev/);
  expect(planned.summary.create).toBe(desired.resources.length - 1);

  const reconcile = await shop('reconcile', '--once', '--stack', 'dev', '--output', 'json');

  expect(reconcile.code).toBe(1);
  const report = applyOf(reconcile);
  const byStatus = (status: string) =>
    report.results
      .filter((r) => r.status === status)
      .map((r) => r.logicalId)
      .sort();
  const blocked = tc.blocked;
  expect(byStatus('conflict')).toEqual([tc.logicalId]);
  expect(byStatus('blocked')).toEqual(blocked);
  expect(byStatus('failed')).toEqual([]);
  expect(report.summary.applied).toBe(desired.resources.length - 1 - blocked.length);
  expect(await snapshot()).toEqual(before);

  const created = desired.resources.filter(
    (r) => r.logicalId !== tc.logicalId && !blocked.includes(r.logicalId),
  );
  const live = inventoryKeys(await stackInventory(env.clients, 'shop', 'dev'));
  for (const key of expectedKeys(created)) expect(live).toContain(key);
  const notCreated = desired.resources.filter(
    (r) => r.logicalId === tc.logicalId || blocked.includes(r.logicalId),
  );
  for (const key of expectedKeys(notCreated)) expect(live).not.toContain(key);
});
