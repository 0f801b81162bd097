import { describe, expect, it } from 'vitest';
import {
  aborted,
  failedStacks,
  newRollout,
  type RolloutRecord,
  RolloutStateError,
  resumed,
  stackFinished,
  stackReverted,
  stackStarted,
  stacksToRevert,
  stacksToRun,
  waveFinished,
} from '../../../src/rollout/record.js';

const AT = '2026-12-06T00:00:00.000Z';
const OLD = { web: 'nginx:1.27' };

function rollout(maxFailures = 0): RolloutRecord {
  return newRollout({
    id: 'ro-1',
    project: 'tiny',
    images: { web: 'nginx:1.28' },
    waves: [['a'], ['b', 'c'], ['d']],
    wavesSpec: '1,50%,100%',
    pauseSeconds: 0,
    maxFailures,
    at: AT,
  });
}

/** Runs every stack of the current wave to the given outcome and ends the wave. */
function runWave(r: RolloutRecord, failing: readonly string[] = []): RolloutRecord {
  let next = r;
  for (const s of stacksToRun(next, next.currentWave)) {
    next = stackStarted(next, s, OLD, AT);
    next = stackFinished(next, s, failing.includes(s) ? { ok: false, reason: 'boom' } : { ok: true }, AT);
  }
  return waveFinished(next, AT);
}

describe('rollout state machine', () => {
  it('walks wave by wave to completed', () => {
    let r = rollout();
    expect(Object.values(r.stacks).map((s) => s.phase)).toEqual(['pending', 'pending', 'pending', 'pending']);
    r = runWave(r);
    expect([r.phase, r.currentWave]).toEqual(['running', 1]);
    r = runWave(runWave(r));
    expect([r.phase, r.currentWave, r.finishedAt]).toEqual(['completed', 3, AT]);
    expect(Object.values(r.stacks).every((s) => s.phase === 'succeeded' && s.attempts === 1)).toBe(true);
  });

  it.each([
    { reason: 'one failure with none allowed stops the rollout', maxFailures: 0, phase: 'failed', wave: 1 },
    {
      reason: 'one failure within --max-failures 1 lets the rollout go on',
      maxFailures: 1,
      phase: 'running',
      wave: 2,
    },
  ])('$reason', ({ maxFailures, phase, wave }) => {
    const r = runWave(runWave(rollout(maxFailures)), ['b']);
    expect([r.phase, r.currentWave]).toEqual([phase, wave]);
    expect(failedStacks(r).map((s) => [s.stack, s.reason])).toEqual([['b', 'boom']]);
    if (phase === 'failed') expect(r.failure).toBe('wave 2 failed: b (boom)');
    // Later waves are untouched.
    expect(r.stacks.d?.phase).toBe('pending');
  });

  it('resume retries only what did not succeed, and keeps the images from before the rollout', () => {
    const failed = runWave(runWave(rollout()), ['b']);
    const again = resumed(failed, AT);
    expect([again.phase, again.failure]).toEqual(['running', undefined]);
    expect(stacksToRun(again, again.currentWave)).toEqual(['b']);
    const retried = stackStarted(again, 'b', { web: 'nginx:1.28' }, AT);
    expect(retried.stacks.b).toMatchObject({ phase: 'reconciling', attempts: 2, previousImages: OLD });
    expect(retried.stacks.b?.reason).toBeUndefined();
  });

  it('keeps no previous images when they could not be read, and takes them once they can', () => {
    const unread = stackStarted(rollout(), 'a', undefined, AT);
    expect(unread.stacks.a?.previousImages).toBeUndefined();
    expect(stackStarted(unread, 'a', OLD, AT).stacks.a?.previousImages).toEqual(OLD);
  });

  it('abort reverts the touched stacks of the current wave only', () => {
    const failed = runWave(runWave(rollout()), ['b']);
    expect(stacksToRevert(failed).map((s) => s.stack)).toEqual(['b', 'c']);
    let r = aborted(failed, AT);
    expect(r.phase).toBe('aborted');
    r = stackReverted(r, 'b', { ok: true }, AT);
    r = stackReverted(r, 'c', { ok: false, reason: 'denied' }, AT);
    expect([r.stacks.b?.phase, r.stacks.c?.phase, r.stacks.c?.reason]).toEqual([
      'reverted',
      'succeeded',
      'revert failed: denied',
    ]);
    expect([r.stacks.a?.phase, r.stacks.d?.phase]).toEqual(['succeeded', 'pending']);
    // c's revert failed: a second abort is allowed and keeps the outcome, with only c left to revert.
    const again = aborted(r, AT);
    expect([again.phase, again.failure]).toEqual(['aborted', r.failure]);
    expect(stacksToRevert(again).map((s) => s.stack)).toEqual(['c']);
    const done = stackReverted(again, 'c', { ok: true }, AT);
    expect(() => aborted(done, AT)).toThrow(RolloutStateError);
  });

  it.each([
    {
      reason: 'a completed rollout cannot resume',
      make: () => runWave(runWave(runWave(rollout()))),
      act: resumed,
    },
    {
      reason: 'a completed rollout cannot be aborted',
      make: () => runWave(runWave(runWave(rollout()))),
      act: aborted,
    },
    { reason: 'an aborted rollout cannot resume', make: () => aborted(rollout(), AT), act: resumed },
    {
      reason: 'an aborted rollout with nothing left to revert cannot be aborted again',
      make: () => aborted(rollout(), AT),
      act: aborted,
    },
  ])('$reason', ({ make, act }) => {
    expect(() => act(make(), AT)).toThrow(RolloutStateError);
  });

  it('refuses a stack the rollout does not have', () => {
    expect(() => stackStarted(rollout(), 'zz', OLD, AT)).toThrow(RolloutStateError);
  });
});
