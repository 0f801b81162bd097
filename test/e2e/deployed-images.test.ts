/**
 * End to end, against a real moto server: a `build:` service deployed with `reconcile --image` is
 * remembered in the state table (layer `deployed`), so `plan`, `drift` and `status` without `--image`
 * see the deployed image (no "has no image" failure, no false drift), and `plan --image` with another
 * tag shows exactly that image change. (`--no-build` keeps the build step out: this app has no Dockerfile.)
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_TABLE_NAME, readDeployedImages } from '../../src/state/index.js';
import { type E2eEnv, startE2e } from './helpers/harness.js';
import { changes, planOf } from './helpers/plan-output.js';
import { removeWorkspaces, writeFixtureApp } from './helpers/workspace.js';

let env: E2eEnv;

beforeAll(async () => {
  env = await startE2e();
});
afterAll(async () => {
  await env?.stop();
  await removeWorkspaces();
});

const BUILD_APP = `name: bx
services:
  web:
    build: .
    ports:
      - "8080:80"
`;
const DEPLOYED = 'nginx:1.27-alpine';
const NEXT = 'nginx:1.28-alpine';

describe('a build: service deployed with --image', () => {
  let bx: (...args: string[]) => ReturnType<E2eEnv['cli']>;

  beforeAll(async () => {
    const dir = await writeFixtureApp({ name: 'bx', webServices: 0, workers: 0 });
    await writeFile(join(dir, 'compose.yaml'), BUILD_APP);
    bx = env.cliIn(dir);
  });

  it('has no image before any deploy: plan --no-build says so', async () => {
    const res = await bx('plan', '--stack', 'dev', '--no-build');

    expect(res.code).toBe(1);
    expect(res.err).toContain('has no image');
  });

  it('records the image a successful reconcile deployed', async () => {
    const up = await bx('reconcile', '--once', '--stack', 'dev', '--image', `web=${DEPLOYED}`);

    expect(up.code, up.out + up.err).toBe(0);
    const ref = { client: env.clients.dynamodb, table: DEFAULT_TABLE_NAME, project: 'bx', stack: 'dev' };
    expect(await readDeployedImages(ref)).toEqual({ web: DEPLOYED });
  });

  it.each([
    { reason: 'plan renders the deployed image and finds nothing to change', args: ['plan', '--no-build'] },
    { reason: 'drift compares against the deployed image', args: ['drift'] },
    { reason: 'status reads the stack without repeating --image', args: ['status'] },
    {
      reason: 'a second reconcile redeploys the same image: nothing changes',
      args: ['reconcile', '--once', '--no-build'],
    },
  ])('without --image: $reason', async ({ args }) => {
    const res = await bx(...args, '--stack', 'dev');

    expect(res.code, res.out + res.err).toBe(0);
    expect(res.err).not.toContain('has no image');
  });

  it('without --no-build, plan would build from source and says why it cannot (no Dockerfile), before any AWS call', async () => {
    const res = await bx('plan', '--stack', 'dev');

    expect(res.code).toBe(1);
    expect(res.err).toMatch(/Dockerfile/);
  });

  it('plan --image with another tag shows exactly the image change', async () => {
    const res = await bx('plan', '--stack', 'dev', '--image', `web=${NEXT}`, '--output', 'json');

    expect(res.code, res.out + res.err).toBe(2);
    const changed = changes(planOf(res));
    expect(changed.map((s) => s.logicalId).sort()).toEqual(['service/web', 'taskdef/web']);
    const taskdef = changed.find((s) => s.logicalId === 'taskdef/web');
    expect(taskdef?.deltas?.map((d) => [d.path, d.observed, d.desired])).toEqual([
      ['containerDefinitions[0].image', DEPLOYED, NEXT],
    ]);
  });
});
