/**
 * Orphans and adoption on the example shop's dev stack in a real moto: resources tagged for the stack
 * that it no longer renders are `unmanaged` and `prune` deletes exactly them (another stack's resources
 * stay); resources with our names but without our tags are `conflict`s that `adopt` takes over in place.
 */
import { readFile, writeFile } from 'node:fs/promises';
import {
  CreateLogGroupCommand,
  DeleteLogGroupCommand,
  DescribeLogGroupsCommand,
  ListTagsForResourceCommand,
  PutRetentionPolicyCommand,
  UntagResourceCommand as UntagLogGroupCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AwsClients } from '../../../src/aws/types.js';
import type { DesiredStack } from '../../../src/desired/resource-types.js';
import { ownershipTags } from '../../../src/desired/tags.js';
import { DEFAULT_TABLE_NAME, Journal } from '../../../src/state/index.js';
import { ADOPT_CASES, OWNERSHIP_KEYS } from './adopt-cases.js';
import { type DriftEnv, drifted, reportOf, startDriftEnv } from './drift-env.js';

let env: DriftEnv;
let stack: DesiredStack;
const drift = () => env.cli(['drift', '--stack', 'dev', '--output', 'json']);

beforeAll(async () => {
  env = await startDriftEnv();
  stack = JSON.parse((await env.cli(['render', '--stack', 'dev', '--output', 'json'])).out) as DesiredStack;
  expect((await env.cli(['config', 'set', 'API_TOKEN', '--random', '--stack', 'dev'])).code).toBe(0);
  const first = await env.cli(['reconcile', '--once', '--stack', 'dev']);
  expect(first.code, first.err + first.out).toBe(0);
}, 180_000);

afterAll(async () => {
  await env?.stop();
});

async function logGroup(c: AwsClients, name: string) {
  const out = await c.logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: name }));
  return out.logGroups?.find((g) => g.logGroupName === name);
}

async function journalEntry(logicalId: string) {
  const journal = new Journal({
    client: env.clients.dynamodb,
    table: DEFAULT_TABLE_NAME,
    project: 'shop',
    stack: 'dev',
    lease: { owner: 'test-reader', fence: 0 },
  });
  return (await journal.list()).find((e) => e.logicalId === logicalId);
}

describe('orphans', () => {
  it('a tagged leftover is unmanaged; prune asks, then deletes it and nothing of another stack', async () => {
    const leftover = '/stackctl/shop/dev/old';
    const otherStacks = '/stackctl/shop/qa/old';
    await env.clients.logs.send(
      new CreateLogGroupCommand({ logGroupName: leftover, tags: ownershipTags('shop', 'dev', 'log/old') }),
    );
    await env.clients.logs.send(
      new CreateLogGroupCommand({ logGroupName: otherStacks, tags: ownershipTags('shop', 'qa', 'log/old') }),
    );
    const before = await drift();
    expect(before.code).toBe(2);
    expect(drifted(reportOf(before))).toEqual(['unmanaged logs.LogGroup log/old']);
    expect(reportOf(before).stacks[0]?.summary.coverage).toBeLessThan(100);

    const refused = await env.cli(['prune', '--stack', 'dev']);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('not confirmed');
    expect(await logGroup(env.clients, leftover)).toBeDefined();

    const pruned = await env.cli(['prune', '--stack', 'dev'], true);
    expect(pruned.code, pruned.err + pruned.out).toBe(0);
    expect(pruned.out).toContain('Pruned in ');
    expect(pruned.out).toContain(': 1 deleted, 0 updated, 0 failed (0 kept).');
    expect(await logGroup(env.clients, leftover)).toBeUndefined();
    expect(await logGroup(env.clients, otherStacks)).toBeDefined();
    const after = await drift();
    expect(after.code, drifted(reportOf(after)).join()).toBe(0);
    expect((await env.cli(['prune', '--stack', 'dev', '--yes'])).out).toContain('Nothing to prune');
  }, 90_000);

  it('a service removed from compose leaves unmanaged resources that prune --yes deletes', async () => {
    const compose = `${env.dir}/compose.yaml`;
    const original = await readFile(compose, 'utf8');
    await writeFile(compose, original.replace(/\n {2}worker:\n(?: {4}.*\n| {6}.*\n)+/, '\n'));
    try {
      const report = reportOf(await drift());
      const unmanaged = drifted(report).filter((d) => d.startsWith('unmanaged'));
      expect(unmanaged).toEqual([
        'unmanaged ec2.SecurityGroup sg/svc/worker',
        'unmanaged ecs.Service service/worker',
        'unmanaged ecs.TaskDefinition taskdef/worker',
        'unmanaged logs.LogGroup log/worker',
        // Its DNS name in the stack's namespace (A records ECS registered the worker's tasks under).
        'unmanaged servicediscovery.Service dns/worker',
      ]);
      const pruned = await env.cli(['prune', '--stack', 'dev', '--yes']);
      expect(pruned.code, pruned.err + pruned.out).toBe(0);
      const after = reportOf(await drift());
      expect(drifted(after).filter((d) => d.startsWith('unmanaged') || d.startsWith('missing'))).toEqual([]);
      expect(await logGroup(env.clients, '/stackctl/shop/dev/worker')).toBeUndefined();
      expect(await logGroup(env.clients, '/stackctl/shop/dev/web')).toBeDefined();
    } finally {
      await writeFile(compose, original);
    }
    const restored = await env.cli(['reconcile', '--once', '--stack', 'dev']);
    expect(restored.code, restored.err + restored.out).toBe(0);
    const converged = await env.cli(['drift', '--stack', 'dev']);
    expect(converged.code, converged.out).toBe(0);
  }, 120_000);
});

describe('adoption', () => {
  const foreign = '/stackctl/shop/qa/foreign';
  beforeAll(async () => {
    await env.clients.logs.send(
      new CreateLogGroupCommand({ logGroupName: foreign, tags: ownershipTags('shop', 'qa', 'log/worker') }),
    );
  });

  it.each(ADOPT_CASES)(
    '$reason: conflict → adopt (after confirmation) → in sync, same resource',
    async ({ ref, strip }) => {
      const logicalId = ref.slice(ref.indexOf('/') + 1);
      const id = await strip(env.clients, stack);
      const conflict = await drift();
      expect(drifted(reportOf(conflict))).toEqual([
        `conflict ${ref.slice(0, ref.indexOf('/'))} ${logicalId}`,
      ]);

      const declined = await env.cli(['adopt', '--stack', 'dev', ref, id]);
      expect(declined.code).toBe(1);
      expect(declined.err).toContain('not confirmed');
      expect((await drift()).code).toBe(2);

      const adopted = await env.cli(['adopt', '--stack', 'dev', ref, id], true);
      expect(adopted.code, adopted.err + adopted.out).toBe(0);
      const after = await drift();
      expect(after.code, drifted(reportOf(after)).join()).toBe(0);
      const resource = reportOf(after).stacks[0]?.resources.find((r) => r.logicalId === logicalId);
      expect(resource?.status).toBe('in-sync');
      expect([resource?.physicalId, resource?.name]).toContain(id);
      expect((await journalEntry(logicalId))?.physicalId).toBe(resource?.physicalId);
    },
    60_000,
  );

  it('a hand-made log group with our name is adopted in place; its differences are applied by reconcile', async () => {
    const name = '/stackctl/shop/dev/web';
    await env.clients.logs.send(new DeleteLogGroupCommand({ logGroupName: name }));
    await env.clients.logs.send(new CreateLogGroupCommand({ logGroupName: name }));
    await env.clients.logs.send(new PutRetentionPolicyCommand({ logGroupName: name, retentionInDays: 7 }));
    const handMade = await logGroup(env.clients, name);
    const arn = handMade?.logGroupArn ?? (handMade?.arn ?? '').replace(/:\*$/, '');
    // moto keeps a deleted group's tags for a same-named new one; AWS would not.
    await env.clients.logs.send(new UntagLogGroupCommand({ resourceArn: arn, tagKeys: OWNERSHIP_KEYS }));
    const conflict = await drift();
    expect(drifted(reportOf(conflict))).toEqual(['conflict logs.LogGroup log/web']);

    const adopted = await env.cli(['adopt', '--stack', 'dev', 'logs.LogGroup/log/web', name, '--yes']);
    expect(adopted.code, adopted.err).toBe(0);
    expect(adopted.out).toMatch(/retentionInDays: 7 → 1/);
    const tags =
      (await env.clients.logs.send(new ListTagsForResourceCommand({ resourceArn: arn }))).tags ?? {};
    expect(tags).toMatchObject(ownershipTags('shop', 'dev', 'log/web'));
    const report = reportOf(await drift());
    expect(drifted(report)).toEqual(['changed logs.LogGroup log/web']);

    expect((await env.cli(['reconcile', '--once', '--stack', 'dev'])).code).toBe(0);
    expect((await drift()).code).toBe(0);
    const now = await logGroup(env.clients, name);
    expect(now?.creationTime).toBe(handMade?.creationTime);
    expect(now?.retentionInDays).toBe(1);
    const events = await env.cli(['events', '--stack', 'dev']);
    expect(events.out).toMatch(
      /Adopted +log\/web: adopted logs\.LogGroup \/stackctl\/shop\/dev\/web as log\/web/,
    );
  }, 60_000);

  it.each([
    {
      reason: 'a kind that cannot be adopted',
      args: ['ecs.TaskDefinition/taskdef/web', 'shop-dev-web'],
      error: /ecs\.TaskDefinition cannot be adopted .*adoptable kinds: .*logs\.LogGroup/,
    },
    {
      reason: 'a logical id the stack does not render',
      args: ['logs.LogGroup/log/nope', 'x'],
      error: /renders no logs\.LogGroup log\/nope/,
    },
    {
      reason: 'a resource of another stack',
      args: ['logs.LogGroup/log/worker', foreign],
      error: /managed by stackctl stack shop\/qa/,
    },
    {
      reason: 'a resource that does not exist',
      args: ['logs.LogGroup/log/worker', '/nowhere'],
      error: /no logs\.LogGroup "\/nowhere" found/,
    },
  ])('refuses $reason and changes nothing', async ({ args, error }) => {
    const result = await env.cli(['adopt', '--stack', 'dev', ...args, '--yes']);
    expect(result.code).toBe(1);
    expect(result.err).toMatch(error);
    expect((await drift()).code).toBe(0);
  });

  it('refuses a resource whose name differs, since managing it would replace it', async () => {
    await env.clients.logs.send(new DeleteLogGroupCommand({ logGroupName: '/stackctl/shop/dev/worker' }));
    await env.clients.logs.send(new CreateLogGroupCommand({ logGroupName: '/legacy/worker' }));
    const result = await env.cli([
      'adopt',
      '--stack',
      'dev',
      'logs.LogGroup/log/worker',
      '/legacy/worker',
      '--yes',
    ]);
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/would not keep it: logGroupName cannot change in place/);
    const tags = await env.clients.logs.send(
      new ListTagsForResourceCommand({
        resourceArn: 'arn:aws:logs:eu-west-1:123456789012:log-group:/legacy/worker',
      }),
    );
    expect(tags.tags ?? {}).toEqual({});
    expect((await env.cli(['reconcile', '--once', '--stack', 'dev'])).code).toBe(0);
  });
});
