/**
 * Day-2 views against a real moto, on a small two-service app: `events` (one per reconcile pass),
 * `status` (sync, health, generation, last pass, services running/desired; a broken stack file does not
 * hide the others) and `logs` (interleaved by time, filtered by service and `--since`, `--follow`).
 */
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CreateLogStreamCommand, PutLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { run } from '../../../src/cli/main.js';
import type { Io } from '../../../src/cli/output.js';
import { followServiceLogs, type ServiceLogLine } from '../../../src/observed/service-logs.js';
import {
  createNetwork,
  type DriftEnv,
  reportOf,
  startDriftEnv,
  tinyStackFile,
  writeTinyApp,
} from './drift-env.js';

let env: DriftEnv;
const T0 = Date.now() - 60_000;

async function putLog(service: string, stream: string, events: readonly [number, string][]): Promise<void> {
  const logGroupName = `/stackctl/tiny/dev/${service}`;
  await env.clients.logs.send(new CreateLogStreamCommand({ logGroupName, logStreamName: stream }));
  await env.clients.logs.send(
    new PutLogEventsCommand({
      logGroupName,
      logStreamName: stream,
      logEvents: events.map(([timestamp, message]) => ({ timestamp, message })),
    }),
  );
}

beforeAll(async () => {
  env = await startDriftEnv(null);
  await writeTinyApp(env.dir, { dev: tinyStackFile(await createNetwork(env.clients)) });
  for (let pass = 0; pass < 2; pass++) {
    const result = await env.cli(['reconcile', '--once', '--stack', 'dev']);
    expect(result.code, result.err + result.out).toBe(0);
  }
  await putLog('web', 'web/1', [
    [T0, 'GET / 200'],
    [T0 + 2000, 'GET /health 200'],
  ]);
  await putLog('worker', 'worker/1', [
    [T0 - 2 * 3600 * 1000, 'booting (two hours ago)'],
    [T0 + 1000, 'working'],
  ]);
}, 120_000);

afterAll(async () => {
  await env?.stop();
});

describe('events', () => {
  it('lists one event per reconcile pass, oldest first', async () => {
    const text = await env.cli(['events', '--stack', 'dev']);
    expect(text.code).toBe(0);
    const lines = text.out.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/Normal +Reconciled +pass converged \(applied \d+,/);
    expect(lines[1]).toMatch(/Normal +InSync +nothing to change \(applied 0,/);
    const json = JSON.parse((await env.cli(['events', '--stack', 'dev', '--output', 'json'])).out) as {
      schemaVersion: number;
      kind: string;
      events: { reason: string; logicalId: string | null }[];
    };
    expect([json.schemaVersion, json.kind]).toEqual([1, 'EventList']);
    expect(json.events.map((e) => [e.reason, e.logicalId])).toEqual([
      ['Reconciled', null],
      ['InSync', null],
    ]);
  });
});

describe('status', () => {
  it('shows sync, health, generation, last pass and services for the stack', async () => {
    const result = await env.cli(['status', '--stack', 'dev']);
    expect(result.code, result.err).toBe(0);
    const [header, row] = result.out.trim().split('\n');
    expect(header).toMatch(/^STACK +REGION +SYNC +HEALTH +GENERATION +LAST PASS +SERVICES$/);
    expect(row).toMatch(/^dev +eu-west-1 +Synced +Healthy +- +\S+Z InSync +2\/2$/);
  });

  it('follows out-of-band changes and reports a broken stack file without hiding the others', async () => {
    await env.clients.ecs.send(
      new UpdateServiceCommand({ cluster: 'tiny-dev', service: 'worker', desiredCount: 3 }),
    );
    await writeFile(join(env.dir, '.stackctl/broken.yaml'), 'region: eu-west-1\nmode: nonsense\n');
    const result = await env.cli(['status', '--all', '--output', 'json']);
    expect(result.code).toBe(1);
    const doc = JSON.parse(result.out) as {
      schemaVersion: number;
      kind: string;
      stacks: {
        stack: string;
        sync: string;
        services: { running: number; desired: number } | null;
        specGeneration: number | null;
        lastPass: { at: string; result: string } | null;
        error: string | null;
      }[];
    };
    expect([doc.schemaVersion, doc.kind]).toEqual([1, 'StatusReport']);
    const rows = doc.stacks;
    expect(rows.map((r) => [r.stack, r.sync, r.services, r.specGeneration, r.error === null])).toEqual([
      ['broken', 'Unknown', null, null, false],
      ['dev', 'OutOfSync', { running: 4, desired: 4 }, null, true],
    ]);
    expect(rows[0]?.error).toMatch(/mode/);
    expect(rows[0]?.lastPass).toBeNull();
    expect(rows[1]?.lastPass?.at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);

    const drift = await env.cli(['drift', '--all', '--output', 'json']);
    expect(drift.code).toBe(1);
    const report = reportOf(drift);
    expect(report.summary).toMatchObject({ stacks: 2, stacksOutOfSync: 1, stacksWithErrors: 1 });
    expect(
      report.stacks.find((s) => s.stack === 'dev')?.resources.filter((r) => r.status !== 'in-sync'),
    ).toEqual([
      expect.objectContaining({
        logicalId: 'service/worker',
        fields: [expect.objectContaining({ path: 'desiredCount' })],
      }),
    ]);
    await rm(join(env.dir, '.stackctl/broken.yaml'));
    expect((await env.cli(['reconcile', '--once', '--stack', 'dev'])).code).toBe(0);
  });
});

describe('logs', () => {
  it.each([
    {
      reason: 'all services, interleaved by time',
      args: [],
      lines: ['web    | GET / 200', 'worker | working', 'web    | GET /health 200'],
    },
    { reason: 'one service', args: ['worker'], lines: ['worker | working'] },
    {
      reason: 'further back with --since',
      args: ['worker', '--since', '3h'],
      lines: ['worker | booting (two hours ago)', 'worker | working'],
    },
  ])('prints $reason', async ({ args, lines }) => {
    const result = await env.cli(['logs', '--stack', 'dev', ...args]);
    expect(result.code, result.err).toBe(0);
    const printed = result.out
      .trim()
      .split('\n')
      .map((l) => l.replace(/ \d{4}-\d\d-\d\dT\S+Z /, ' '));
    expect(printed).toEqual(lines);
  });

  it('prints JSON lines and refuses an unknown service', async () => {
    const json = await env.cli(['logs', '--stack', 'dev', 'web', '--output', 'json']);
    expect(
      json.out
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { message: string }).message),
    ).toEqual(['GET / 200', 'GET /health 200']);
    const bad = await env.cli(['logs', '--stack', 'dev', 'nope']);
    expect(bad.code).toBe(1);
    expect(bad.err).toContain('no service "nope" (services: web, worker)');
  });

  it('follows: new events once each, until SIGINT', async () => {
    const out: string[] = [];
    const io: Io = {
      out: (t) => void out.push(t),
      err: () => {},
      readStdin: async () => '',
      confirm: async () => false,
    };
    const following = run(
      ['-C', env.dir, 'logs', '--stack', 'dev', 'web', '--follow', '--endpoint-url', env.endpoint],
      io,
    );
    const waitFor = async (needle: string): Promise<void> => {
      for (let i = 0; i < 100 && !out.join('').includes(needle); i++)
        await new Promise((r) => setTimeout(r, 100));
    };
    await waitFor('GET /health 200');
    await putLog('web', 'web/2', [[Date.now(), 'GET /later 200']]);
    await waitFor('GET /later 200');
    process.emit('SIGINT');
    expect(await following).toBe(0);
    const messages = out
      .join('')
      .trim()
      .split('\n')
      .map((l) => l.slice(l.lastIndexOf('Z ') + 2));
    expect(messages).toEqual(['GET / 200', 'GET /health 200', 'GET /later 200']);
  }, 30_000);

  it('following polls from the newest event without repeating one (injected sleep)', async () => {
    const batches: (readonly ServiceLogLine[])[] = [];
    const stop = new AbortController();
    let polls = 0;
    await followServiceLogs({
      clients: env.clients,
      groups: [{ service: 'worker', logGroupName: '/stackctl/tiny/dev/worker' }],
      startTime: T0,
      signal: stop.signal,
      onLines: (lines) => batches.push(lines),
      sleep: async () => {
        polls += 1;
        if (polls === 1) await putLog('worker', 'worker/2', [[T0 + 1000, 'same millisecond, new event']]);
        if (polls === 3) stop.abort();
      },
    });
    expect(batches.map((b) => b.map((l) => l.message))).toEqual([
      ['working'],
      ['same millisecond, new event'],
    ]);
  });
});
