import { describe, expect, it } from 'vitest';
import { jsonLogger, type LogLevel } from '../../../src/operator/logger.js';
import { STEP_HEARTBEAT_MS, startStepHeartbeat } from '../../../src/operator/step-heartbeat.js';
import type { ProgressEvent } from '../../../src/reconcilers/engine-types.js';
import { ManualTimers } from './fake-timers.js';

const db = { logicalId: 'db', kind: 'rds.DBInstance', action: 'create' } as const;
const svc = { logicalId: 'svc-web', kind: 'ecs.Service', action: 'update' } as const;

/** A heartbeat over hand-driven time, with every line it writes parsed. */
function harness(level: LogLevel = 'debug') {
  const timers = new ManualTimers();
  const lines: string[] = [];
  const logger = jsonLogger({ level, write: (l) => lines.push(l), now: timers.now });
  const heartbeat = startStepHeartbeat({
    stack: 'shop/dev',
    logger,
    fields: { fence: 7 },
    timers,
    now: timers.now,
  });
  const entries = (): Record<string, unknown>[] => lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  const send = (e: ProgressEvent): void => heartbeat.onProgress(e);
  return { timers, heartbeat, entries, send, lines };
}

describe('startStepHeartbeat', () => {
  it('lists every step still running, how long for and what it waits on, every 30 s', () => {
    const h = harness('info');
    h.send({ ...db, type: 'start' });
    h.timers.advance(10_000);
    h.send({ ...svc, type: 'start' });
    h.send({
      ...db,
      type: 'retry',
      message: 'attempt 1 failed (not-ready): DB instance shop-dev-db is still creating',
      retryReason: 'not-ready',
      error: {
        name: 'NotReadyError',
        code: 'NOT_READY',
        message: 'DB instance shop-dev-db is still creating',
      },
    });
    h.send({
      ...svc,
      type: 'retry',
      message: 'attempt 1 failed (throttle): ecs:UpdateService failed: Rate exceeded',
      retryReason: 'throttle',
      error: { name: 'ThrottlingException', message: 'Rate exceeded', call: 'ecs:UpdateService' },
    });
    h.timers.advance(STEP_HEARTBEAT_MS - 10_000);
    const beats = h.entries().filter((e) => e.msg === 'pass still running');
    expect(beats).toEqual([
      {
        time: new Date(STEP_HEARTBEAT_MS).toISOString(),
        level: 'info',
        msg: 'pass still running',
        stack: 'shop/dev',
        fence: 7,
        passRunningForMs: 30_000,
        steps: [
          {
            kind: 'rds.DBInstance',
            logicalId: 'db',
            action: 'create',
            runningForMs: 30_000,
            waitingOn: 'not-ready: DB instance shop-dev-db is still creating',
          },
          {
            kind: 'ecs.Service',
            logicalId: 'svc-web',
            action: 'update',
            runningForMs: 20_000,
            waitingOn: 'throttle on ecs:UpdateService',
          },
        ],
      },
    ]);
  });

  it('keeps beating while the pass runs, dropping finished steps, and says when none is running', () => {
    const h = harness('info');
    h.send({ ...db, type: 'start' });
    h.timers.advance(STEP_HEARTBEAT_MS);
    h.send({ ...db, type: 'done' });
    h.timers.advance(STEP_HEARTBEAT_MS);
    const beats = h.entries().filter((e) => e.msg === 'pass still running');
    expect(beats.map((b) => [b.passRunningForMs, b.steps])).toEqual([
      [30_000, [{ kind: 'rds.DBInstance', logicalId: 'db', action: 'create', runningForMs: 30_000 }]],
      [60_000, []],
    ]);
  });

  it('writes nothing after the pass ends: stop clears the timer and mutes late events', () => {
    const h = harness();
    h.send({ ...db, type: 'start' });
    h.heartbeat.stop();
    expect(h.timers.pending).toBe(0);
    const before = h.lines.length;
    h.send({ ...db, type: 'done' });
    h.timers.advance(10 * STEP_HEARTBEAT_MS);
    expect(h.lines.length).toBe(before);
    h.heartbeat.stop();
  });

  it.each([
    {
      reason: 'a start is the pass changing something: info, with the engine note',
      events: [{ ...db, type: 'start', message: 'deleting replaced db-old' }],
      want: {
        level: 'info',
        msg: 'step started',
        kind: 'rds.DBInstance',
        logicalId: 'db',
        action: 'create',
        note: 'deleting replaced db-old',
      },
    },
    {
      reason: 'a finished step says how long it took',
      events: [
        { ...db, type: 'start' },
        { ...db, type: 'done' },
      ],
      want: { level: 'info', msg: 'step finished', logicalId: 'db', durationMs: 5_000 },
    },
    {
      reason: 'a failed step is a warning carrying the redacted error and its call',
      events: [
        { ...db, type: 'start' },
        {
          ...db,
          type: 'failed',
          message: 'rds:CreateDBInstance failed: quota exceeded',
          error: {
            name: 'AwsCallError',
            code: 'InstanceQuotaExceeded',
            message: 'rds:CreateDBInstance failed: quota exceeded',
            call: 'rds:CreateDBInstance',
          },
        },
      ],
      want: {
        level: 'warn',
        msg: 'step failed',
        logicalId: 'db',
        durationMs: 5_000,
        error: {
          name: 'AwsCallError',
          code: 'InstanceQuotaExceeded',
          message: 'rds:CreateDBInstance failed: quota exceeded',
          call: 'rds:CreateDBInstance',
        },
      },
    },
    {
      reason: 'a retry is detail (the heartbeat summarises it): debug, with what it waits on',
      events: [
        { ...db, type: 'start' },
        {
          ...db,
          type: 'retry',
          message: 'attempt 2 failed (busy): x',
          retryReason: 'busy',
          error: { name: 'InvalidDBInstanceState', message: 'x' },
        },
      ],
      want: { level: 'debug', msg: 'step retrying', logicalId: 'db', waitingOn: 'busy' },
    },
    {
      reason: 'a step blocked by a failed dependency says why, at info (the failure itself warned)',
      events: [{ ...svc, type: 'blocked', message: 'waiting on db (failed)' }],
      want: { level: 'info', msg: 'step blocked', logicalId: 'svc-web', reason: 'waiting on db (failed)' },
    },
  ] as const)('$reason', ({ events, want }) => {
    const h = harness();
    for (const e of events) {
      h.send(e as ProgressEvent);
      h.timers.advance(5_000);
    }
    const last = h.entries().at(-1);
    expect(last).toMatchObject({ stack: 'shop/dev', fence: 7, ...want });
  });

  it('never writes a spec value: lines carry identities, durations and error text only', () => {
    const h = harness();
    const secretish = { ...db, type: 'start', spec: { MasterUserPassword: 'hunter2' } };
    h.send(secretish as unknown as ProgressEvent);
    h.timers.advance(STEP_HEARTBEAT_MS);
    expect(h.lines.join('\n')).not.toContain('hunter2');
    expect(h.lines).toHaveLength(2);
  });
});
