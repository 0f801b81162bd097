/**
 * One operator, one worker: an out-of-band change is corrected within one resync under
 * `driftPolicy: correct` and only reported under `warn`; a stack whose passes keep failing (a missing
 * config key) backs off exponentially and never delays the others, even with a single worker.
 */
import { DescribeLogGroupsCommand, PutRetentionPolicyCommand } from '@aws-sdk/client-cloudwatch-logs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AwsClients } from '../../../src/aws/types.js';
import type { Operator } from '../../../src/operator/operator.js';
import { parsePassTrailer } from '../../../src/operator/pass-record.js';
import { listEvents, readStatus, type StackRef } from '../../../src/state/index.js';
import { motoClients } from '../../helpers/aws.js';
import { type MotoServer, startMoto } from '../../helpers/moto.js';
import {
  cli,
  converged,
  memoryLogger,
  passesOf,
  push,
  testConfig,
  testOperator,
  useMotoEnvironment,
  waitFor,
  writeProject,
} from './operator-fixture.js';

const TABLE = 'drift-state';
const PROJECT = 'drift';
/** Short enough to watch several resyncs; the jitter is the default 10 %. */
const RESYNC_MS = 4_000;
const BACKOFF_BASE_MS = 400;

let moto: MotoServer;
let clients: AwsClients;
let operator: Operator;
const logs = memoryLogger();

function ref(stack: string): StackRef {
  return { client: clients.dynamodb, table: TABLE, project: PROJECT, stack };
}

async function retention(stack: string): Promise<number | undefined> {
  const name = `/stackctl/${PROJECT}/${stack}/app`;
  const out = await clients.logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: name }));
  return out.logGroups?.find((g) => g.logGroupName === name)?.retentionInDays;
}

async function tamper(stack: string): Promise<void> {
  await clients.logs.send(
    new PutRetentionPolicyCommand({ logGroupName: `/stackctl/${PROJECT}/${stack}/app`, retentionInDays: 30 }),
  );
}

beforeAll(async () => {
  moto = await startMoto();
  clients = motoClients(moto.endpoint);
  useMotoEnvironment(moto.endpoint);
  const dir = writeProject(
    PROJECT,
    { fixed: { driftPolicy: 'correct' }, watched: { driftPolicy: 'warn' }, broken: {} },
    { secret: true },
  );
  for (const stack of ['fixed', 'watched']) {
    const set = await cli(['config', 'set', 'TOKEN', '--random', '--stack', stack, '-C', dir], TABLE);
    expect(set.code, set.err).toBe(0);
  }
  for (const stack of ['fixed', 'watched', 'broken']) await push(dir, stack, TABLE);
  operator = testOperator(
    moto.endpoint,
    testConfig(TABLE, {
      owner: 'drift-op',
      concurrency: 1,
      resyncMs: RESYNC_MS,
      backoffBaseMs: BACKOFF_BASE_MS,
      backoffMaxMs: 20_000,
    }),
    { logger: logs },
  );
  await operator.start();
  await converged(ref('fixed'), 1, 90_000);
  await converged(ref('watched'), 1, 90_000);
}, 180_000);

afterAll(async () => {
  await operator?.stop();
  await moto?.stop();
});

describe('drift', () => {
  it('corrects an out-of-band change within one resync under driftPolicy correct', async () => {
    expect(await retention('fixed')).toBe(1);
    await tamper('fixed');
    const changedAt = Date.now();
    await waitFor('the retention to be put back', async () => (await retention('fixed')) === 1, 60_000, 100);
    // The pass that fixed it commits its status and event right after.
    const corrected = await waitFor('the DriftCorrected event', async () =>
      (await listEvents({ ...ref('fixed'), limit: 50 })).find((e) => e.reason === 'DriftCorrected'),
    );
    expect(corrected.message).toContain('log/app (update)');
    // No whole pass of the stack ran between the change and the fix: it was corrected by the next
    // resync (or by one already observing when the change landed).
    const fixer = parsePassTrailer(corrected.message);
    const missed = (await passesOf(ref('fixed'))).filter(
      (r) =>
        Date.parse(r.startedAt) >= changedAt &&
        r.finishedAt <= (fixer?.startedAt ?? '') &&
        r.fence !== fixer?.fence,
    );
    expect(missed).toEqual([]);
    expect(Date.parse(fixer?.startedAt ?? '') - changedAt).toBeLessThan(RESYNC_MS * 1.1 + 15_000);
    expect((await readStatus(ref('fixed')))?.conditions.Synced.status).toBe('True');
  }, 120_000);

  it('only reports it under driftPolicy warn', async () => {
    expect(await retention('watched')).toBe(1);
    await tamper('watched');
    const changedAt = Date.now();
    const status = await waitFor(
      'the drift to be reported',
      async () => {
        const s = await readStatus(ref('watched'));
        return s?.conditions.Synced.reason === 'DriftDetected' ? s : undefined;
      },
      RESYNC_MS * 1.1 + 40_000,
    );
    expect(status.conditions.Synced.status).toBe('False');
    expect(status.conditions.Synced.message).toContain('log/app (update)');
    expect(status.summary?.changed).toBe(1);
    const events = await listEvents({ ...ref('watched'), limit: 50 });
    expect(events.some((e) => e.reason === 'DriftDetected' && Date.parse(e.at) >= changedAt)).toBe(true);
    // A further resync leaves it in place too.
    const before = (await passesOf(ref('watched'))).length;
    await waitFor(
      'another resync',
      async () => (await passesOf(ref('watched'))).length > before,
      RESYNC_MS * 2 + 40_000,
    );
    expect(await retention('watched')).toBe(30);
  }, 120_000);
});

describe('a stack that keeps failing', () => {
  it('backs off exponentially while the other stacks keep passing on the single worker', async () => {
    const failures = await waitFor(
      'six failed passes of the broken stack',
      async () => {
        const records = await passesOf(ref('broken'));
        return records.length >= 6 ? records : undefined;
      },
      120_000,
      500,
    );
    const status = await readStatus(ref('broken'));
    expect(status?.conditions.Synced.reason).toBe('ReconcileError');
    expect(status?.conditions.Synced.message).toContain('TOKEN');
    expect(status?.lastPass?.result).toBe('error');
    const starts = failures.map((r) => Date.parse(r.startedAt));
    const gaps = starts.slice(1).map((t, i) => t - (starts[i] ?? t));
    // The wait after the n-th failure is 400 ms × 2^(n-1); a gap also holds the pass itself and, with
    // one worker, the other stacks' passes, so each gap is at least its backoff delay...
    gaps.forEach((gap, i) => {
      expect(gap, `gaps ${gaps.join(', ')}`).toBeGreaterThanOrEqual(BACKOFF_BASE_MS * 2 ** i * 0.95);
    });
    // ...and the last one is the longest delay so far, not a fixed long wait.
    const lastDelay = BACKOFF_BASE_MS * 2 ** (gaps.length - 1);
    expect(gaps.at(-1)).toBeLessThan(lastDelay + 15_000);
    // While it backed off, the only worker kept passing the other stacks.
    const first = starts[0] ?? 0;
    const last = starts.at(-1) ?? 0;
    const others = [...(await passesOf(ref('fixed'))), ...(await passesOf(ref('watched')))].filter((r) => {
      const t = Date.parse(r.startedAt);
      return t > first && t < last;
    });
    expect(others.length, logs.lines.join('\n')).toBeGreaterThanOrEqual(2);
    expect(operator.queue.failures(`${PROJECT}/broken`)).toBeGreaterThanOrEqual(6);
  }, 150_000);
});
