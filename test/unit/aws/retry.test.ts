import { ServiceNotFoundException } from '@aws-sdk/client-ecs';
import { describe, expect, it, vi } from 'vitest';
import { type RetryAttemptInfo, type RetryStepOptions, retryStep } from '../../../src/aws/retry.js';
import { NotReadyError } from '../../../src/reconcilers/errors.js';

/** Tiny real delays (≤ 3 ms) so tests stay fast without faking p-retry's timers. */
const FAST: RetryStepOptions = { minTimeoutMs: 1, maxTimeoutMs: 3, maxRetryTimeMs: 2_000 };

function named(name: string, message = name): Error {
  return Object.assign(new Error(message), { name });
}

/** A step that fails with `errors` in order, then resolves 'done'; counts its calls. */
function flaky(errors: readonly unknown[]): { fn: () => Promise<string>; calls: () => number } {
  let calls = 0;
  return {
    fn: async () => {
      const err = errors[calls];
      calls += 1;
      if (err !== undefined) throw err;
      return 'done';
    },
    calls: () => calls,
  };
}

describe('retryStep', () => {
  it.each([
    { reason: 'throttle', err: named('ThrottlingException'), want: 'throttle' },
    { reason: 'busy', err: named('PriorRequestNotComplete'), want: 'busy' },
    { reason: 'dependency', err: named('DependencyViolation'), want: 'dependency' },
    { reason: 'a thrown plain object', err: { name: 'Throttling' }, want: 'throttle' },
  ])('retries $reason until the step succeeds', async ({ err, want }) => {
    const step = flaky([err, err]);
    const seen: RetryAttemptInfo[] = [];
    const result = await retryStep(step.fn, { ...FAST, onFailedAttempt: (i) => seen.push(i) });
    expect(result).toBe('done');
    expect(step.calls()).toBe(3);
    expect(seen.map((i) => [i.reason, i.attemptNumber])).toEqual([
      [want, 1],
      [want, 2],
    ]);
    expect(seen[0]?.error).toBe(err);
  });

  it.each([
    { reason: 'permanent (validation)', err: named('ValidationException') },
    { reason: 'permanent (quota LimitExceeded)', err: named('LimitExceededException') },
    { reason: 'not found', err: new ServiceNotFoundException({ message: 'gone', $metadata: {} }) },
    { reason: 'already exists', err: named('InvalidGroup.Duplicate') },
    { reason: 'unknown (a bug)', err: new TypeError('x is undefined') },
    { reason: 'a thrown plain permanent object', err: { name: 'AccessDeniedException' } },
  ])('fails at once, with the original error, on $reason', async ({ err }) => {
    const step = flaky([err, err]);
    const onFailedAttempt = vi.fn();
    await expect(retryStep(step.fn, { ...FAST, onFailedAttempt })).rejects.toBe(err);
    expect(step.calls()).toBe(1);
    expect(onFailedAttempt).not.toHaveBeenCalled();
  });

  it('stops on a permanent error that follows retryable ones', async () => {
    const fatal = named('ValidationException');
    const step = flaky([named('Throttling'), fatal, undefined]);
    await expect(retryStep(step.fn, FAST)).rejects.toBe(fatal);
    expect(step.calls()).toBe(2);
  });

  it('gives up after maxRetryTime with the last error', async () => {
    const err = named('DependencyViolation');
    let calls = 0;
    const started = performance.now();
    const run = retryStep(
      async () => {
        calls += 1;
        throw err;
      },
      { minTimeoutMs: 1, maxTimeoutMs: 5, maxRetryTimeMs: 40 },
    );
    await expect(run).rejects.toBe(err);
    expect(calls).toBeGreaterThan(1);
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('gives up after the retry budget', async () => {
    const err = named('Throttling');
    const step = flaky([err, err, err, err]);
    await expect(retryStep(step.fn, { ...FAST, retries: 2 })).rejects.toBe(err);
    expect(step.calls()).toBe(3);
  });

  it('waits a NotReadyError retryAfterMs through the injected sleep, without backoff', async () => {
    const step = flaky([new NotReadyError('ALB provisioning', 15_000), new NotReadyError('still', 7_000)]);
    const sleeps: number[] = [];
    const seen: string[] = [];
    const result = await retryStep(step.fn, {
      ...FAST,
      maxRetryTimeMs: 60_000,
      minTimeoutMs: 30_000, // would hang the test if backoff applied to not-ready
      sleep: async (ms) => {
        sleeps.push(ms);
      },
      onFailedAttempt: (i) => seen.push(i.reason),
    });
    expect(result).toBe('done');
    expect(sleeps).toEqual([15_000, 7_000]);
    expect(seen).toEqual(['not-ready', 'not-ready']);
  });

  it('honours retryOn', async () => {
    const err = named('InvalidGroup.Duplicate');
    const step = flaky([err]);
    await expect(retryStep(step.fn, { ...FAST, retryOn: new Set(['already-exists']) })).resolves.toBe('done');
    expect(step.calls()).toBe(2);
  });

  it('stops when the signal aborts, rejecting with its reason', async () => {
    const controller = new AbortController();
    const reason = new Error('shutting down');
    let calls = 0;
    const run = retryStep(
      async () => {
        calls += 1;
        if (calls === 2) controller.abort(reason);
        throw named('Throttling');
      },
      { ...FAST, signal: controller.signal },
    );
    await expect(run).rejects.toBe(reason);
    expect(calls).toBe(2);
  });

  it('does not start when the signal is already aborted', async () => {
    const controller = new AbortController();
    controller.abort(new Error('cancelled'));
    const fn = vi.fn(async () => 'never');
    await expect(retryStep(fn, { ...FAST, signal: controller.signal })).rejects.toThrow('cancelled');
    expect(fn).not.toHaveBeenCalled();
  });
});
