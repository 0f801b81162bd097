import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Flags } from '../../../src/cli/args.js';
import { progressPrinter } from '../../../src/cli/commands/aws-context.js';
import type { Io } from '../../../src/cli/output.js';
import { STEP_HEARTBEAT_MS } from '../../../src/reconcilers/running-steps.js';

const db = { logicalId: 'db', kind: 'rds.DBInstance', action: 'create' } as const;

function capture(): { readonly io: Io; readonly err: string[] } {
  const err: string[] = [];
  const io: Io = {
    out: () => undefined,
    err: (t) => void err.push(t),
    readStdin: async () => '',
    confirm: async () => false,
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
