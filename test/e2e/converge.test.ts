/**
 * End to end, against a real moto server, through the CLI: the example shop's dev stack converges from
 * an empty account in one `reconcile --once`; a second pass changes nothing but the state table's lease;
 * `plan` then reports no changes. Invalid input (a missing config key, an invalid stack file) stops the
 * command before anything in AWS changes.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DesiredStack } from '../../src/desired/resource-types.js';
import { type E2eEnv, parseJson, runCli, startE2e } from './helpers/harness.js';
import { expectedKeys, inventoryKeys, stackInventory } from './helpers/inventory.js';
import { applyOf, changes, mutationsByService, planOf } from './helpers/plan-output.js';
import { startRecordingEndpoint } from './helpers/recording-endpoint.js';
import { copyShop, editFile, removeWorkspaces, SHOP_DIR } from './helpers/workspace.js';

let env: E2eEnv;
let shop: E2eEnv['cli'];

beforeAll(async () => {
  env = await startE2e();
  shop = env.cliIn(SHOP_DIR);
});
afterAll(async () => {
  await env?.stop();
  await removeWorkspaces();
});

describe('invalid input changes nothing in AWS', () => {
  it.each([
    { reason: 'plan names the missing config key', argv: ['plan', '--stack', 'dev'] },
    { reason: 'reconcile names the missing config key', argv: ['reconcile', '--once', '--stack', 'dev'] },
  ])('$reason and creates no resource', async ({ argv }) => {
    const res = await shop(...argv);

    expect(res.code).toBe(1);
    expect(res.err).toContain('API_TOKEN');
    expect(res.err).toContain('config set');
    expect(await stackInventory(env.clients, 'shop', 'dev')).toEqual([]);
  });

  it('rejects an invalid stack file with file:line before making any AWS call', async () => {
    const dir = await copyShop();
    const stackFile = join(dir, '.stackctl', 'dev.yaml');
    await editFile(stackFile, (t) => t.replace('  api:\n', '  api:\n    replicas: -1\n'));
    const recorder = await startRecordingEndpoint();
    try {
      for (const argv of [
        ['plan', '--stack', 'dev'],
        ['reconcile', '--once', '--stack', 'dev'],
        ['config', 'set', 'API_TOKEN', '--random', '--stack', 'dev'],
        ['destroy', '--stack', 'dev', '--yes'],
      ]) {
        const res = await runCli(['-C', dir, ...argv, '--endpoint-url', recorder.endpoint]);

        expect(res.code, argv.join(' ')).toBe(1);
        expect(res.err).toMatch(
          new RegExp(`${stackFile.replace(/[.]/g, '\\.')}:11:\\d+: services\\.api\\.replicas`),
        );
      }
      expect(recorder.requests).toEqual([]);
    } finally {
      await recorder.stop();
    }
  });
});

describe('the dev stack from an empty account', () => {
  it('converges in one pass, then a second pass only touches the state table, then plan is clean', async () => {
    const rendered = parseJson<DesiredStack>(await shop('render', '--stack', 'dev', '--output', 'json'));
    expect((await shop('config', 'set', 'API_TOKEN', '--random', '--stack', 'dev')).code).toBe(0);

    const first = await shop('reconcile', '--once', '--stack', 'dev', '--output', 'json');

    const report = applyOf(first);
    expect(first.code, first.out).toBe(0);
    expect(report.ok).toBe(true);
    expect(report.summary).toMatchObject({ applied: rendered.resources.length, failed: 0, conflict: 0 });
    const live = await stackInventory(env.clients, 'shop', 'dev');
    const keys = inventoryKeys(live);
    for (const key of expectedKeys(rendered.resources)) expect(keys).toContain(key);
    // Everything live is rendered, plus the API_TOKEN parameter `config set` created.
    expect(keys.filter((k) => !expectedKeys(rendered.resources).includes(k))).toEqual(['ssm:parameter ']);

    const second = await shop('reconcile', '--once', '--stack', 'dev', '--stats', '--output', 'json');

    const again = applyOf(second);
    expect(second.code).toBe(0);
    expect(again.summary).toMatchObject({ applied: 0, noop: rendered.resources.length });
    expect(changes(again.plan)).toEqual([]);
    expect(again.stats).toBeDefined();
    // The only writes left are the lease's acquire and release on the state table.
    expect(Object.keys(mutationsByService(again.stats!))).toEqual(['dynamodb']);
    expect(await stackInventory(env.clients, 'shop', 'dev')).toEqual(live);

    const plan = await shop('plan', '--stack', 'dev');
    expect(plan.code).toBe(0);
    expect(plan.out).toContain('No changes');
    const planJson = await shop('plan', '--stack', 'dev', '--output', 'json');
    expect(planJson.code).toBe(0);
    expect(changes(planOf(planJson))).toEqual([]);
  });
});
