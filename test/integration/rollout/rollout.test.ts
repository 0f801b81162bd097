/**
 * `stackctl rollout` over a 12-stack fleet in moto (issue 13 item 2): four waves (1,10%,50%,100% →
 * 1, 1, 4, 6 stacks), one stack of wave 2 made to fail, later waves left on the old image (read from
 * ECS), the failure named, `resume` after the fix completing it; then a runner killed with SIGKILL after
 * its first wave, and `resume` finishing with every stack on the new image and the finished stack not
 * deployed again.
 *
 * Each stack brings its own VPC: moto takes one Cloud Map namespace per VPC.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ListTaskDefinitionsCommand,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RolloutRecord } from '../../../src/rollout/record.js';
import { DEFAULT_TABLE_NAME, listEvents, readRollout } from '../../../src/state/index.js';
import {
  createNetwork,
  type DriftEnv,
  startDriftEnv,
  tinyStackFile,
  writeTinyApp,
} from '../drift/drift-env.js';

const BIN = fileURLToPath(new URL('../../../bin/stackctl.js', import.meta.url));
const STACKS = Array.from({ length: 12 }, (_, i) => `customer-${String(i + 1).padStart(2, '0')}`);
const OLD = 'nginx:1.27-alpine';
const NEW = 'nginx:1.28-alpine';
const NEWER = 'nginx:1.29-alpine';
const CONVERGE_CONCURRENCY = 4;
/** The stack of wave 2 (10% of 12 rounds up to 2: customer-02 alone). */
const FAILING = 'customer-02';

let env: DriftEnv;

/** The image the stack's `web` ECS service runs, as ECS says. */
async function webImage(stack: string): Promise<string | undefined> {
  const svc = await env.clients.ecs.send(
    new DescribeServicesCommand({ cluster: `tiny-${stack}`, services: ['web'] }),
  );
  const taskDefinition = svc.services?.[0]?.taskDefinition;
  const td = await env.clients.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition }));
  return td.taskDefinition?.containerDefinitions?.[0]?.image;
}

async function imagesByStack(): Promise<Record<string, string | undefined>> {
  const out: Record<string, string | undefined> = {};
  for (const s of STACKS) out[s] = await webImage(s);
  return out;
}

function docOf(result: { out: string; err: string; code: number }): {
  phase: string;
  failed: string[];
  failure: string | null;
  waves: { wave: number; status: string; stacks: { stack: string; phase: string; attempts: number }[] }[];
} {
  try {
    return JSON.parse(result.out);
  } catch {
    throw new Error(`not JSON (exit ${result.code}): ${result.err}\n${result.out.slice(0, 500)}`);
  }
}

const stored = (): Promise<RolloutRecord | undefined> =>
  readRollout<RolloutRecord>({ client: env.clients.dynamodb, table: DEFAULT_TABLE_NAME }, 'tiny');

beforeAll(async () => {
  env = await startDriftEnv(null);
  const files: Record<string, string> = {};
  for (const s of STACKS) files[s] = tinyStackFile(await createNetwork(env.clients));
  await writeTinyApp(env.dir, files);
  for (let i = 0; i < STACKS.length; i += CONVERGE_CONCURRENCY) {
    const results = await Promise.all(
      STACKS.slice(i, i + CONVERGE_CONCURRENCY).map((stack) =>
        env.cli(['reconcile', '--once', '--stack', stack]),
      ),
    );
    for (const r of results) expect(r.code, r.err + r.out).toBe(0);
  }
}, 240_000);

afterAll(async () => {
  await env?.stop();
});

describe('rollout over 12 stacks in 4 waves', () => {
  it('stops at the failing wave, names it, leaves waves 3–4 untouched, and resume completes after the fix', async () => {
    const file = join(env.dir, '.stackctl', `${FAILING}.yaml`);
    const good = await readFile(file, 'utf8');
    await writeFile(file, `${good}mode: no-such-mode\n`.replace('mode: affordable\n', ''));
    const first = await env.cli([
      'rollout',
      '--stacks',
      'customer-*',
      '--image',
      `web=${NEW}`,
      '--waves',
      '1,10%,50%,100%',
      '--output',
      'json',
    ]);
    expect(first.code, first.err).toBe(1);
    const doc = docOf(first);
    expect(doc.phase).toBe('failed');
    expect(doc.failed).toEqual([FAILING]);
    expect(doc.failure).toContain(FAILING);
    expect(doc.failure).toContain('mode: must be one of');
    expect(doc.waves.map((w) => [w.wave, w.status, w.stacks.map((s) => s.stack)])).toEqual([
      [1, 'passed', ['customer-01']],
      [2, 'failed', ['customer-02']],
      [3, 'pending', STACKS.slice(2, 6)],
      [4, 'pending', STACKS.slice(6)],
    ]);
    const afterFailure = await imagesByStack();
    expect(afterFailure).toEqual(Object.fromEntries(STACKS.map((s) => [s, s === 'customer-01' ? NEW : OLD])));

    const status = await env.cli(['rollout', 'status']);
    expect(status.code).toBe(2);
    expect(status.out).toContain(`${FAILING}: failed`);

    await writeFile(file, good);
    const resumed = await env.cli(['rollout', 'resume', '--output', 'json']);
    expect(resumed.code, resumed.err + resumed.out).toBe(0);
    const done = docOf(resumed);
    expect(done.phase).toBe('completed');
    expect(done.waves.flatMap((w) => w.stacks.filter((s) => s.stack === 'customer-01'))).toEqual([
      expect.objectContaining({ phase: 'succeeded', attempts: 1 }),
    ]);
    expect(await imagesByStack()).toEqual(Object.fromEntries(STACKS.map((s) => [s, NEW])));
    // Per-stack events in the state table: the failure, then the success on resume.
    const events = await listEvents({
      client: env.clients.dynamodb,
      table: DEFAULT_TABLE_NAME,
      project: 'tiny',
      stack: FAILING,
    });
    const reasons = events.map((e) => e.reason).filter((r) => r.startsWith('Rollout'));
    expect(reasons[0]).toBe('RolloutSucceeded');
    expect(new Set(reasons)).toEqual(new Set(['RolloutStarted', 'RolloutFailed', 'RolloutSucceeded']));
    expect(events.find((e) => e.reason === 'RolloutFailed')?.message).toContain('mode: must be one of');
  }, 240_000);

  it('resumes a rollout whose runner was killed with SIGKILL after wave 1', async () => {
    const lastBefore = await webImage('customer-12');
    const child: ChildProcess = spawn(
      process.execPath,
      [
        BIN,
        '-C',
        env.dir,
        'rollout',
        '--stacks',
        'customer-*',
        '--image',
        `web=${NEWER}`,
        '--endpoint-url',
        env.endpoint,
      ],
      { env: { ...process.env }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    const deadline = Date.now() + 120_000;
    for (;;) {
      const record = await stored();
      if (record && record.images.web === NEWER && record.currentWave >= 1) break;
      if (Date.now() > deadline) throw new Error(`wave 1 never finished: ${stderr}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    child.kill('SIGKILL');
    await exited;
    const killed = await stored();
    expect(killed?.phase).toBe('running');
    expect(killed?.stacks['customer-01']?.phase).toBe('succeeded');
    // The last wave had not started.
    expect(await webImage('customer-12')).toBe(lastBefore);

    const resumed = await env.cli(['rollout', 'resume', '--output', 'json']);
    expect(resumed.code, resumed.err + resumed.out).toBe(0);
    const done = docOf(resumed);
    expect(done.phase).toBe('completed');
    const stacks = done.waves.flatMap((w) => w.stacks);
    expect(stacks.find((s) => s.stack === 'customer-01')?.attempts).toBe(1);
    expect(await imagesByStack()).toEqual(Object.fromEntries(STACKS.map((s) => [s, NEWER])));
    // Exactly one task definition revision of each stack's web runs the new image.
    for (const s of STACKS) {
      const list = await env.clients.ecs.send(
        new ListTaskDefinitionsCommand({ familyPrefix: `tiny-${s}-web` }),
      );
      const images = await Promise.all(
        (list.taskDefinitionArns ?? []).map(
          async (arn) =>
            (await env.clients.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: arn })))
              .taskDefinition?.containerDefinitions?.[0]?.image,
        ),
      );
      expect({ s, newer: images.filter((i) => i === NEWER).length }).toEqual({ s, newer: 1 });
    }
  }, 240_000);

  it('abort returns the failed wave to the images it ran before and leaves later waves alone', async () => {
    const file = join(env.dir, '.stackctl', `${FAILING}.yaml`);
    const good = await readFile(file, 'utf8');
    await writeFile(file, `${good.replace('mode: affordable\n', '')}mode: no-such-mode\n`);
    const failed = await env.cli([
      'rollout',
      '--stacks',
      'customer-*',
      '--image',
      'web=nginx:1.30-alpine',
      '--waves',
      '2,100%',
    ]);
    expect(failed.code, failed.err).toBe(1);
    expect(await webImage('customer-01')).toBe('nginx:1.30-alpine');
    const aborted = await env.cli(['rollout', 'abort', '--output', 'json']);
    expect(aborted.code, aborted.err + aborted.out).toBe(0);
    const doc = docOf(aborted);
    expect(doc.phase).toBe('aborted');
    expect(doc.waves[0]?.stacks.map((s) => [s.stack, s.phase])).toEqual([
      ['customer-01', 'reverted'],
      ['customer-02', 'failed'],
    ]);
    await writeFile(file, good);
    expect(await imagesByStack()).toEqual(Object.fromEntries(STACKS.map((s) => [s, NEWER])));
    // A finished (aborted) rollout makes room for a new one.
    expect((await stored())?.phase).toBe('aborted');
  }, 120_000);
});
