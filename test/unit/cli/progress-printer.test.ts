import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Flags } from '../../../src/cli/args.js';
import { progressPrinter } from '../../../src/cli/commands/aws-context.js';
import { isLiveTerminal } from '../../../src/cli/commands/progress-printer.js';
import type { Io } from '../../../src/cli/output.js';
import type { ProgressEvent } from '../../../src/reconcilers/engine-types.js';
import { STEP_HEARTBEAT_MS } from '../../../src/reconcilers/running-steps.js';

const db = { logicalId: 'db', kind: 'rds.DBInstance', action: 'create' } as const;
const api = { logicalId: 'service/api', kind: 'ecs.Service', action: 'update' } as const;

function capture(terminal?: { columns: number }): { readonly io: Io; readonly err: string[] } {
  const err: string[] = [];
  const io: Io = {
    out: () => undefined,
    err: (t) => void err.push(t),
    readStdin: async () => '',
    confirm: async () => false,
    ...(terminal ? { errTerminal: terminal } : {}),
  };
  return { io, err };
}

describe('progressPrinter heartbeat (CI logs of long steps)', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('lists a step still running every 30 s with what it waits on, and stops once nothing runs', () => {
    const { io, err } = capture();
    const print = progressPrinter(io, { color: false } as Flags);
    print({ ...db, type: 'start' });
    vi.advanceTimersByTime(STEP_HEARTBEAT_MS - 1);
    expect(err.filter((l) => l.includes('still running'))).toEqual([]);
    print({
      ...db,
      type: 'retry',
      message: 'attempt 1 failed (not-ready): DB instance is still creating',
      retryReason: 'not-ready',
      error: { name: 'NotReadyError', message: 'DB instance is still creating' },
    });
    vi.advanceTimersByTime(1 + STEP_HEARTBEAT_MS);
    expect(err.filter((l) => l.includes('still running'))).toEqual([
      '  … create  rds.DBInstance db still running (30s; waiting on not-ready: DB instance is still creating)\n',
      '  … create  rds.DBInstance db still running (60s; waiting on not-ready: DB instance is still creating)\n',
    ]);
    print({ ...db, type: 'done' });
    expect(err.at(-1)).toBe('  ✓ create  rds.DBInstance db (60.0s)\n');
    expect(vi.getTimerCount()).toBe(0);
    const before = err.length;
    vi.advanceTimersByTime(5 * STEP_HEARTBEAT_MS);
    expect(err.length).toBe(before);
  });
});

describe('progressPrinter without a terminal: exactly one line per finished resource', () => {
  const clock = { t: 0 };
  const now = (): number => clock.t;

  it.each<{ reason: string; events: ProgressEvent[]; lines: string[] }>([
    {
      reason: 'a start and a retry print nothing; the finish prints one line with the duration',
      events: [
        { ...db, type: 'start' },
        { ...db, type: 'retry', retryReason: 'throttle', message: 'attempt 1 failed (throttle)' },
        { ...db, type: 'done' },
      ],
      lines: ['  ✓ create  rds.DBInstance db (0.0s)\n'],
    },
    {
      reason: 'a failure prints its message once',
      events: [
        { ...api, type: 'start' },
        { ...api, type: 'failed', message: 'ecs:UpdateService failed: AccessDenied' },
      ],
      lines: ['  ✗ update  ecs.Service service/api: ecs:UpdateService failed: AccessDenied\n'],
    },
    {
      reason: 'a blocked step (never started) prints why',
      events: [{ ...api, type: 'blocked', message: 'blocked by db (failed)' }],
      lines: ['  - update  ecs.Service service/api: blocked by db (failed)\n'],
    },
    {
      reason: 'two resources in flight at once: one line each, in the order they finish',
      events: [
        { ...db, type: 'start' },
        { ...api, type: 'start' },
        { ...api, type: 'done' },
        { ...db, type: 'done' },
      ],
      lines: ['  ✓ update  ecs.Service service/api (0.0s)\n', '  ✓ create  rds.DBInstance db (0.0s)\n'],
    },
  ])('$reason', ({ events, lines }) => {
    const { io, err } = capture();
    const print = progressPrinter(io, { color: false } as Flags, { now });
    for (const e of events) print(e);
    expect(err).toEqual(lines);
  });
});

describe('progressPrinter on a terminal: a live block redrawn in place', () => {
  const UP_CLEAR = (n: number): string => `\u001b[${n}A\u001b[J`;

  it.each<{ reason: string; events: ProgressEvent[]; writes: string[] }>([
    {
      reason: 'a started step appears as a running row; its finish replaces the row with a permanent line',
      events: [
        { ...db, type: 'start' },
        { ...db, type: 'done' },
      ],
      writes: [
        '  … create  rds.DBInstance db running (0s)\n',
        `${UP_CLEAR(1)}  ✓ create  rds.DBInstance db (0.0s)\n`,
      ],
    },
    {
      reason: 'a retry redraws the row with what the step waits on; the other row stays',
      events: [
        { ...db, type: 'start' },
        { ...api, type: 'start' },
        {
          ...db,
          type: 'retry',
          retryReason: 'not-ready',
          error: { name: 'NotReadyError', message: 'still creating' },
        },
        { ...api, type: 'failed', message: 'boom' },
      ],
      writes: [
        '  … create  rds.DBInstance db running (0s)\n',
        `${UP_CLEAR(1)}  … create  rds.DBInstance db running (0s)\n  … update  ecs.Service service/api running (0s)\n`,
        `${UP_CLEAR(2)}  … create  rds.DBInstance db running (0s; waiting on not-ready: still creating)\n  … update  ecs.Service service/api running (0s)\n`,
        `${UP_CLEAR(2)}  ✗ update  ecs.Service service/api: boom\n  … create  rds.DBInstance db running (0s; waiting on not-ready: still creating)\n`,
      ],
    },
  ])('$reason', ({ events, writes }) => {
    const { io, err } = capture({ columns: 200 });
    const print = progressPrinter(io, { color: false } as Flags, { now: () => 0, live: true });
    for (const e of events) print(e);
    expect(err).toEqual(writes);
  });

  it('cuts a running row to the terminal width so the redraw never miscounts wrapped lines', () => {
    const { io, err } = capture({ columns: 30 });
    const print = progressPrinter(io, { color: false } as Flags, { now: () => 0, live: true });
    print({ ...db, type: 'start' });
    print({ ...db, type: 'done' });
    expect(err[0]).toBe('  … create  rds.DBInstance d…\n');
    expect((err[0] ?? '').length - 1).toBeLessThan(30);
  });

  it.each([
    { reason: 'a terminal outside CI is live', terminal: true, env: {}, live: true },
    { reason: 'CI runners fake a terminal: lines instead', terminal: true, env: { CI: 'true' }, live: false },
    { reason: 'a pipe or a file is never live', terminal: false, env: {}, live: false },
  ])('$reason', ({ terminal, env, live }) => {
    const { io } = capture(terminal ? { columns: 80 } : undefined);
    expect(isLiveTerminal(io, env)).toBe(live);
  });
});
