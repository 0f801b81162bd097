import { describe, expect, it } from 'vitest';
import type { ProgressEvent } from '../../../src/reconcilers/engine-types.js';
import { MAX_WAITING_ON_LENGTH, RunningSteps, waitingOnOf } from '../../../src/reconcilers/running-steps.js';

const step = { logicalId: 'db', kind: 'rds.DBInstance', action: 'create' } as const;

describe('waitingOnOf', () => {
  it.each([
    {
      reason: 'not-ready carries the applier reason',
      event: {
        ...step,
        type: 'retry',
        retryReason: 'not-ready',
        error: { name: 'NotReadyError', message: 'NAT gateway nat-1 is still pending' },
      },
      want: 'not-ready: NAT gateway nat-1 is still pending',
    },
    {
      reason: 'an AWS class names the call that answered it',
      event: {
        ...step,
        type: 'retry',
        retryReason: 'throttle',
        error: { name: 'ThrottlingException', message: 'Rate exceeded', call: 'rds:CreateDBInstance' },
      },
      want: 'throttle on rds:CreateDBInstance',
    },
    {
      reason: 'without a call, the class alone',
      event: { ...step, type: 'retry', retryReason: 'busy', error: { name: 'X', message: 'x' } },
      want: 'busy',
    },
    {
      reason: 'a long applier reason is cut to one log line',
      event: {
        ...step,
        type: 'retry',
        retryReason: 'not-ready',
        error: { name: 'NotReadyError', message: 'x'.repeat(500) },
      },
      want: `not-ready: ${'x'.repeat(MAX_WAITING_ON_LENGTH - 12)}…`,
    },
    {
      reason: 'an event without a retry reason says nothing',
      event: { ...step, type: 'retry', message: 'attempt 1 failed' },
      want: undefined,
    },
  ] as const)('$reason', ({ event, want }) => {
    expect(waitingOnOf(event as ProgressEvent)).toBe(want);
  });
});

describe('RunningSteps', () => {
  it('tracks a step from start to end and reports its duration once', () => {
    let now = 1_000;
    const running = new RunningSteps(() => now);
    running.observe({ ...step, type: 'start' });
    now = 4_000;
    expect(running.snapshot()).toEqual([{ ...step, runningForMs: 3_000 }]);
    expect(running.observe({ ...step, type: 'failed', message: 'boom' })).toEqual({ durationMs: 3_000 });
    expect(running.size).toBe(0);
    expect(running.observe({ ...step, type: 'done' })).toBeUndefined();
  });
});
