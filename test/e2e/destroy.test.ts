/**
 * End to end, against a real moto server: `destroy` deletes what one stack owns and nothing of any other
 * stack. The shop's dev stack keeps its database and cache (and what they need) without
 * `--allow-data-loss` and says so; a fixture app without managed data is destroyed completely.
 *
 * (moto cannot finish deleting an ElastiCache replication group nor delete a cache subnet group, so the
 * "nothing left" assertion uses the fixture app, `aws-api-facts.md` §8.)
 */
import { CreateHostedZoneCommand } from '@aws-sdk/client-route-53';
import { GetParameterCommand } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type E2eEnv, startE2e } from './helpers/harness.js';
import { type InventoryItem, inventoryKeys, stackInventory } from './helpers/inventory.js';
import { applyOf, changes, planOf } from './helpers/plan-output.js';
import { affordableStack, removeWorkspaces, SHOP_DIR, writeFixtureApp } from './helpers/workspace.js';

let env: E2eEnv;

beforeAll(async () => {
  // prod runs up to 4 replicas per service; moto must report that many running for them to be healthy.
  env = await startE2e({ runningTasksPerService: 4 });
});
afterAll(async () => {
  await env?.stop();
  await removeWorkspaces();
});

/** What the dev stack keeps without --allow-data-loss: the data stores and everything they stand on. */
const DEV_KEPT = [
  'cache/cache',
  'cache/subnets',
  'db/db',
  'db/subnets',
  'param/db-password',
  'sg/cache/cache',
  'sg/db/db',
  // The data groups admit their ports from the compose network's membership group.
  'sg/net/default',
  'subnet/private-a',
  'subnet/private-b',
  'vpc',
];

describe('the shop: dev destroyed next to prod', () => {
  const shop = (...args: string[]) => env.cliIn(SHOP_DIR)(...args);
  let prodBefore: InventoryItem[];

  beforeAll(async () => {
    await env.reset();
    await env.clients.route53.send(
      new CreateHostedZoneCommand({ Name: 'example.com', CallerReference: `e2e-${Date.now()}` }),
    );
    for (const stack of ['dev', 'prod']) {
      expect((await shop('config', 'set', 'API_TOKEN', '--random', '--stack', stack)).code).toBe(0);
      const res = await shop('reconcile', '--once', '--stack', stack);
      expect(res.code, `${stack}: ${res.out}`).toBe(0);
    }
    prodBefore = await stackInventory(env.clients, 'shop', 'prod');
  }, 240_000);

  it('asks first, and without a terminal to answer deletes nothing', async () => {
    const before = await stackInventory(env.clients, 'shop', 'dev');

    const res = await shop('destroy', '--stack', 'dev');

    expect(res.code).toBe(1);
    expect(res.err).toContain('not confirmed');
    expect(await stackInventory(env.clients, 'shop', 'dev')).toEqual(before);
  });

  it('deletes everything of dev but the data stores and what they need, reports those kept, leaves prod alone', async () => {
    const res = await shop('destroy', '--stack', 'dev', '--yes', '--output', 'json');

    // 2: something was left undone on purpose (kept for data safety).
    expect(res.code).toBe(2);
    const report = applyOf(res);
    const kept = report.results.filter((r) => r.status === 'skipped');
    expect(kept.map((r) => r.logicalId).sort()).toEqual(DEV_KEPT);
    for (const r of kept) expect(r.message).toMatch(/--allow-data-loss|kept/);
    expect(report.results.filter((r) => r.status === 'failed' || r.status === 'blocked')).toEqual([]);
    const left = await stackInventory(env.clients, 'shop', 'dev');
    // The user's own config (`config set`) is not a stack resource: it goes with `config rm`.
    expect(left.filter((i) => i.logicalId === '').map((i) => i.id)).toEqual(['/stackctl/shop/dev/API_TOKEN']);
    expect(
      left
        .filter((i) => i.logicalId !== '')
        .map((i) => i.logicalId)
        .sort(),
    ).toEqual(DEV_KEPT);
    const token = await env.clients.ssm.send(
      new GetParameterCommand({ Name: '/stackctl/shop/prod/API_TOKEN' }),
    );
    expect(token.Parameter?.Version).toBe(1);

    expect(await stackInventory(env.clients, 'shop', 'prod')).toEqual(prodBefore);
    const prodPlan = await shop('plan', '--stack', 'prod', '--output', 'json');
    expect(prodPlan.code).toBe(0);
    expect(changes(planOf(prodPlan))).toEqual([]);
  });
});

describe('an app without managed data, deployed as two stacks', () => {
  it('destroying one leaves nothing tagged with its stack and the other untouched', async () => {
    await env.reset();
    const dir = await writeFixtureApp({
      name: 'fx',
      webServices: 2,
      workers: 1,
      stacks: { blue: affordableStack('10.1.0.0/16'), green: affordableStack('10.2.0.0/16') },
    });
    const fx = env.cliIn(dir);
    for (const stack of ['blue', 'green'])
      expect((await fx('reconcile', '--once', '--stack', stack)).code).toBe(0);
    const blueBefore = await stackInventory(env.clients, 'fx', 'blue');
    const greenBefore = await stackInventory(env.clients, 'fx', 'green');
    expect(inventoryKeys(blueBefore).length).toBeGreaterThan(20);

    const res = await fx('destroy', '--stack', 'blue', '--yes', '--output', 'json');

    expect(res.code, res.out).toBe(0);
    expect(applyOf(res).summary).toMatchObject({ applied: blueBefore.length, failed: 0, skipped: 0 });
    expect(await stackInventory(env.clients, 'fx', 'blue')).toEqual([]);
    expect(await stackInventory(env.clients, 'fx', 'green')).toEqual(greenBefore);
    expect((await fx('plan', '--stack', 'green')).code).toBe(0);
    const again = await fx('destroy', '--stack', 'blue', '--yes', '--output', 'json');
    expect(again.code).toBe(0);
    expect(applyOf(again).summary.applied).toBe(0);
  });
});
