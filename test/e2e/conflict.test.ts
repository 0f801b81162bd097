/**
 * End to end, against a real moto server: a resource that already exists under one of our rendered names
 * but without our ownership tags is a conflict. `plan` and `reconcile` exit 1 naming it, and reconcile
 * stops at preflight, before any write (issue 10: a foreseeable failure leaves AWS untouched): the foreign
 * resource is left exactly as it was and nothing of the stack is created.
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
import { stackInventory } from './helpers/inventory.js';
import { nameOf } from './helpers/live-read.js';
import { planOf } from './helpers/plan-output.js';
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
  /** Creates the foreign resource; returns a snapshot function of everything about it. */
  readonly plant: (c: AwsClients) => Promise<() => Promise<unknown>>;
}

const CASES: readonly ConflictCase[] = [
  {
    reason: 'an untagged log group named like the web service log group',
    logicalId: 'log/web',
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
  // The config key set in beforeEach is the stack's only resource so far.
  const inventoryBefore = await stackInventory(env.clients, 'shop', 'dev');

  const plan = await shop('plan', '--stack', 'dev', '--output', 'json');

  expect(plan.code).toBe(1);
  const planned = planOf(plan);
  const conflicts = planned.steps.filter((s) => s.action === 'conflict');
  expect(conflicts.map((s) => s.logicalId)).toEqual([tc.logicalId]);
  expect(conflicts[0]?.reason).toMatch(/not owned by stack shop\/dev/);
  expect(planned.summary.create).toBe(desired.resources.length - 1);

  expect((planned.preflight ?? []).map((p) => p.type)).toEqual(['conflict']);

  const reconcile = await shop('reconcile', '--once', '--stack', 'dev');

  expect(reconcile.code).toBe(1);
  expect(reconcile.err).toContain('nothing was changed in AWS');
  expect(reconcile.err).toMatch(new RegExp(`${tc.logicalId}: .*not owned by stack shop/dev`));
  expect(await snapshot()).toEqual(before);
  expect(await stackInventory(env.clients, 'shop', 'dev')).toEqual(inventoryBefore);
});
