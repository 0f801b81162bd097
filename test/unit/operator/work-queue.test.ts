import { describe, expect, it } from 'vitest';
import { Backoff } from '../../../src/operator/backoff.js';
import { WorkQueue } from '../../../src/operator/work-queue.js';
import { ManualTimers } from './fake-timers.js';

function queue(options: { baseMs?: number; maxMs?: number } = {}) {
  const timers = new ManualTimers();
  const q = new WorkQueue({ backoff: new Backoff(options), timers, now: timers.now });
  return { q, timers };
}

/** Takes a key if one is ready right now (get() would wait otherwise). */
async function take(q: WorkQueue): Promise<string | undefined> {
  if (q.length === 0) return undefined;
  return q.get();
}

describe('Backoff', () => {
  it.each([
    {
      reason: 'starts at the base and doubles',
      base: 1_000,
      max: 300_000,
      failures: 4,
      want: [1_000, 2_000, 4_000, 8_000],
    },
    {
      reason: 'caps at the maximum (1 s → 5 min)',
      base: 1_000,
      max: 300_000,
      failures: 11,
      want: [1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 64_000, 128_000, 256_000, 300_000, 300_000],
    },
    {
      reason: 'stays finite after many failures',
      base: 1_000,
      max: 300_000,
      failures: 2_000,
      want: undefined,
    },
  ])('$reason', ({ base, max, failures, want }) => {
    const b = new Backoff({ baseMs: base, maxMs: max });
    const got = Array.from({ length: failures }, () => b.next('k'));
    if (want) expect(got).toEqual(want);
    else expect(got.at(-1)).toBe(max);
    expect(b.failures('k')).toBe(failures);
  });

  it('keeps keys apart and starts over after forget', () => {
    const b = new Backoff({ baseMs: 100, maxMs: 10_000 });
    b.next('a');
    b.next('a');
    expect(b.next('b')).toBe(100);
    expect(b.next('a')).toBe(400);
    b.forget('a');
    expect(b.next('a')).toBe(100);
  });
});

describe('WorkQueue', () => {
  it('de-duplicates keys waiting in the queue', async () => {
    const { q } = queue();
    q.add('a');
    q.add('b');
    q.add('a');
    expect(q.length).toBe(2);
    expect([await take(q), await take(q), await take(q)]).toEqual(['a', 'b', undefined]);
  });

  it('never hands out a key being processed; a re-add in flight runs again after done', async () => {
    const { q } = queue();
    q.add('a');
    expect(await take(q)).toBe('a');
    q.add('a');
    q.add('a');
    expect(await take(q)).toBeUndefined(); // still processing
    q.done('a');
    expect(await take(q)).toBe('a'); // once, not twice
    q.done('a');
    expect(await take(q)).toBeUndefined();
  });

  it('hands a key to a waiting worker as soon as it is added', async () => {
    const { q } = queue();
    const waiting = q.get();
    q.add('x');
    expect(await waiting).toBe('x');
    expect(q.processingCount).toBe(1);
  });

  it('delays adds and keeps the earliest wake-up per key', async () => {
    const { q, timers } = queue();
    q.addAfter('a', 5_000);
    q.addAfter('a', 2_000);
    q.addAfter('a', 9_000);
    expect(q.delayedCount).toBe(1);
    timers.advance(1_999);
    expect(q.length).toBe(0);
    timers.advance(1);
    expect(await take(q)).toBe('a');
    q.done('a');
    timers.advance(10_000);
    expect(q.length).toBe(0); // the later wake-ups were merged away
  });

  it('backs a failing key off exponentially while other keys run at once', async () => {
    const { q, timers } = queue({ baseMs: 1_000, maxMs: 300_000 });
    const delays: number[] = [];
    const ran: string[] = [];
    q.add('bad');
    for (let round = 0; round < 5; round += 1) {
      const key = await take(q);
      expect(key).toBe('bad');
      q.done('bad');
      delays.push(q.addRateLimited('bad'));
      q.add('good'); // another stack, added meanwhile
      expect(await take(q)).toBe('good');
      ran.push('good');
      q.done('good');
      timers.advance((delays.at(-1) ?? 0) - 1);
      expect(await take(q)).toBeUndefined(); // still backing off
      timers.advance(1);
    }
    expect(delays).toEqual([1_000, 2_000, 4_000, 8_000, 16_000]);
    expect(ran).toHaveLength(5);
    q.forget('bad');
    expect(q.addRateLimited('bad')).toBe(1_000);
  });

  it('on shutdown hands nothing more out and cancels delayed adds', async () => {
    const { q, timers } = queue();
    const waiting = q.get();
    q.addAfter('later', 1_000);
    q.shutDown();
    expect(await waiting).toBeUndefined();
    q.add('a');
    expect(await q.get()).toBeUndefined();
    expect(timers.pending).toBe(0);
    expect(q.shuttingDown).toBe(true);
  });

  it('drops a cancelled delayed add', async () => {
    const { q, timers } = queue();
    q.addAfter('gone', 1_000);
    q.cancelDelayed('gone');
    timers.advance(5_000);
    expect(q.length).toBe(0);
  });
});
