/**
 * A changed secret reaches exactly the services that read it, end to end against moto: a two-service app
 * where only the worker reads API_TOKEN. After `config set`, `plan` shows one `~ restart` line for the
 * worker, `reconcile` makes exactly one mutating AWS call (ecs:UpdateService, a new deployment read back
 * from ECS), the web service is untouched, and a second pass changes nothing. `--no-restart` leaves the
 * restart pending (and `drift` reports it); `--restart` makes it now.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeServicesCommand } from '@aws-sdk/client-ecs';
import { PutParameterCommand } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createNetwork,
  drifted,
  reportOf,
  tinyStackFile,
  writeTinyApp,
} from '../integration/drift/drift-env.js';
import { type E2eEnv, startE2e } from './helpers/harness.js';
import { applyOf, planOf, type StatsJson } from './helpers/plan-output.js';

const CLUSTER = 'tiny-dev';

/**
 * The tiny app with a secret only the worker reads (an environment key without a value), and an api that
 * reads another secret and a URL composed from it (a derived parameter the stack rewrites when its source
 * changes).
 */
const COMPOSE = `name: tiny
services:
  web:
    image: nginx:1.27-alpine
    ports:
      - "80:80"
  worker:
    image: busybox:1.36
    command: ["sh", "-c", "sleep 3600"]
    environment:
      - API_TOKEN
  api:
    image: busybox:1.36
    command: ["sh", "-c", "sleep 3600"]
    environment:
      UPSTREAM_PASSWORD:
      UPSTREAM_URL: "https://svc:\${UPSTREAM_PASSWORD}@upstream.example"
`;

let e2e: E2eEnv;
let dir: string;
let cli: (...args: string[]) => ReturnType<E2eEnv['cli']>;

/** Mutating AWS calls per `service:Operation`, state-table writes (lease, journal) left out. */
function awsMutations(stats: StatsJson): Record<string, number> {
  const out: Record<string, number> = {};
  for (const row of stats.calls) {
    if (row.kind !== 'mutate' || row.service === 'dynamodb') continue;
    const key = `${row.service}:${row.operation}`;
    out[key] = (out[key] ?? 0) + row.count;
  }
  return out;
}

/** Mutating AWS calls per `service:Operation` from the `--stats` table of a text command. */
function awsMutationsInTable(stderr: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of stderr.split('\n')) {
    const [service, operation, kind, count] = line.trim().split(/\s+/);
    if (kind !== 'mutate' || service === 'dynamodb') continue;
    out[`${service}:${operation}`] = Number(count);
  }
  return out;
}

/** Each service's primary deployment id and task definition, read back from ECS. */
async function deployments(): Promise<
  Record<string, { id: string | undefined; taskDefinition: string | undefined }>
> {
  const res = await e2e.clients.ecs.send(
    new DescribeServicesCommand({ cluster: CLUSTER, services: ['web', 'worker', 'api'] }),
  );
  return Object.fromEntries(
    (res.services ?? []).map((s) => {
      const primary = (s.deployments ?? []).find((d) => d.status === 'PRIMARY') ?? s.deployments?.[0];
      return [s.serviceName ?? '', { id: primary?.id, taskDefinition: s.taskDefinition }];
    }),
  );
}

beforeAll(async () => {
  e2e = await startE2e();
  dir = await mkdtemp(join(tmpdir(), 'stackctl-secret-rotation-'));
  await writeTinyApp(dir, { dev: tinyStackFile(await createNetwork(e2e.clients)) });
  await writeFile(join(dir, 'compose.yaml'), COMPOSE);
  cli = (...args) => e2e.cliIn(dir)(...args);
  for (const key of ['API_TOKEN', 'UPSTREAM_PASSWORD']) {
    const set = await cli('config', 'set', key, '--random', '--stack', 'dev');
    expect(set.code, set.err).toBe(0);
  }
  const first = await cli('reconcile', '--once', '--stack', 'dev');
  expect(first.code, first.out + first.err).toBe(0);
}, 240_000);

afterAll(async () => {
  await e2e?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('a changed secret restarts exactly the services that read it', () => {
  it('a converged stack plans nothing: the versions the services were created with are recorded', async () => {
    const plan = await cli('plan', '--stack', 'dev');
    expect(plan.code, plan.out + plan.err).toBe(0);
  });

  it('config set names the services that read the key and says how they restart', async () => {
    const set = await cli('config', 'set', 'API_TOKEN', '--random', '--stack', 'dev');
    expect(set.code, set.err).toBe(0);
    expect(set.out).toContain('version 2)');
    expect(set.out).toContain('run `stackctl reconcile --once --stack dev` to restart worker (');
    expect(set.out).not.toMatch(/restart[^\n]*web/);
  });

  it('plan shows one restart line, for the worker only', async () => {
    const plan = await cli('plan', '--stack', 'dev');
    expect(plan.code, plan.out + plan.err).toBe(2);
    expect(plan.out).toContain('~ restart service/worker (secret API_TOKEN changed: version 1 → 2)');
    const json = planOf(await cli('plan', '--stack', 'dev', '--output', 'json'));
    expect(json.steps.filter((s) => s.action !== 'noop').map((s) => s.logicalId)).toEqual(['service/worker']);
  });

  it('reconcile makes one UpdateService (a new deployment of the worker) and nothing else', async () => {
    const before = await deployments();
    const run = await cli('reconcile', '--once', '--stack', 'dev', '--stats', '--output', 'json');
    expect(run.code, run.out + run.err).toBe(0);
    const doc = applyOf(run);
    expect(doc.ok).toBe(true);
    expect(awsMutations(doc.stats as StatsJson)).toEqual({ 'ecs:UpdateService': 1 });
    const after = await deployments();
    expect(after.worker?.id).toBeDefined();
    expect(after.worker?.id).not.toBe(before.worker?.id);
    expect(after.worker?.taskDefinition).toBe(before.worker?.taskDefinition);
    expect(after.web).toEqual(before.web);
    expect(after.api).toEqual(before.api);
  });

  it('a second pass is a no-op: zero mutating AWS calls', async () => {
    const run = await cli('reconcile', '--once', '--stack', 'dev', '--stats', '--output', 'json');
    expect(run.code, run.out + run.err).toBe(0);
    const doc = applyOf(run);
    expect(doc.plan.steps.filter((s) => s.action !== 'noop')).toEqual([]);
    expect(awsMutations(doc.stats as StatsJson)).toEqual({});
  });

  it('--no-restart only records: the restart stays pending in the plan', async () => {
    const before = await deployments();
    const set = await cli('config', 'set', 'API_TOKEN', '--random', '--no-restart', '--stack', 'dev');
    expect(set.code, set.err).toBe(0);
    expect(set.out).toContain('not restarting worker');
    expect(await deployments()).toEqual(before);
    const plan = await cli('plan', '--stack', 'dev');
    expect(plan.out).toContain('~ restart service/worker (secret API_TOKEN changed: version 2 → 3)');
  });

  it('drift reports the pending restart as drift of the worker only', async () => {
    const drift = await cli('drift', '--stack', 'dev', '--output', 'json');
    const report = reportOf(drift);
    expect(drifted(report)).toEqual(['changed ecs.Service service/worker']);
    const worker = report.stacks[0]?.resources.find((r) => r.logicalId === 'service/worker');
    expect(JSON.stringify(worker)).toContain('secretVersions');
  });

  it('--restart rolls the worker now, with exactly one UpdateService, and leaves nothing to do', async () => {
    const before = await deployments();
    const set = await cli('config', 'set', 'API_TOKEN', '--random', '--restart', '--stack', 'dev', '--stats');
    expect(set.code, set.out + set.err).toBe(0);
    expect(set.out).toContain('restarted worker (secret API_TOKEN changed: version 2 → 4)');
    expect(awsMutationsInTable(set.err)).toEqual({
      'ssm:PutParameter': 1, // the new value
      'ssm:AddTagsToResource': 1, // its ownership tags
      'ecs:UpdateService': 1, // the restart
    });
    const after = await deployments();
    expect(after.worker?.id).not.toBe(before.worker?.id);
    expect(after.web).toEqual(before.web);
    expect(after.api).toEqual(before.api);
    const plan = await cli('plan', '--stack', 'dev');
    expect(plan.code, plan.out).toBe(0);
  });
});

describe('a secret changed out of band', () => {
  it('is seen by plan and restarted by reconcile like one set with config set', async () => {
    await e2e.clients.ssm.send(
      new PutParameterCommand({
        Name: '/stackctl/tiny/dev/API_TOKEN',
        Value: 'rotated-by-another-tool',
        Type: 'SecureString',
        Overwrite: true,
      }),
    );
    const plan = await cli('plan', '--stack', 'dev');
    expect(plan.code, plan.out + plan.err).toBe(2);
    expect(plan.out).toContain('~ restart service/worker (secret API_TOKEN changed: version 4 → 5)');
    expect(plan.out).not.toContain('rotated-by-another-tool');
    const run = await cli('reconcile', '--once', '--stack', 'dev', '--stats', '--output', 'json');
    expect(run.code, run.out + run.err).toBe(0);
    expect(awsMutations(applyOf(run).stats as StatsJson)).toEqual({ 'ecs:UpdateService': 1 });
  });
});

describe('a changed source of a composed secret', () => {
  it('rewrites the composed value and restarts the api once, with both new versions; the next pass is a no-op', async () => {
    const set = await cli('config', 'set', 'UPSTREAM_PASSWORD', '--random', '--stack', 'dev');
    expect(set.code, set.err).toBe(0);
    expect(set.out).toContain('to restart api (');
    const plan = await cli('plan', '--stack', 'dev');
    expect(plan.code, plan.out + plan.err).toBe(2);
    expect(plan.out).toContain('~ update  ssm.Parameter param/composed/api/UPSTREAM_URL');
    expect(plan.out).toContain(
      '~ restart service/api (secret UPSTREAM_PASSWORD changed: version 1 → 2; secret UPSTREAM_URL changed: version 1 → 2)',
    );
    const before = await deployments();
    const run = await cli('reconcile', '--once', '--stack', 'dev', '--stats', '--output', 'json');
    expect(run.code, run.out + run.err).toBe(0);
    expect(awsMutations(applyOf(run).stats as StatsJson)).toEqual({
      'ssm:PutParameter': 1, // the composed value, rewritten from its changed source
      'ecs:UpdateService': 1, // the api's new deployment
    });
    const after = await deployments();
    expect(after.api?.id).not.toBe(before.api?.id);
    expect(after.worker).toEqual(before.worker);
    expect(after.web).toEqual(before.web);
    const again = await cli('reconcile', '--once', '--stack', 'dev', '--stats', '--output', 'json');
    expect(again.code, again.out + again.err).toBe(0);
    expect(awsMutations(applyOf(again).stats as StatsJson)).toEqual({});
  });
});
