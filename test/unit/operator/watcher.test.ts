import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/operator/logger.js';
import { resyncDelay, Watcher } from '../../../src/operator/watcher.js';
import { WorkQueue } from '../../../src/operator/work-queue.js';
import type { StackSpecRecord } from '../../../src/state/index.js';
import { ManualTimers } from './fake-timers.js';

const spec = (stack: string, generation: number): StackSpecRecord => ({
  project: 'shop',
  stack,
  spec: {},
  generation,
  paused: false,
  updatedAt: '2026-01-01T00:00:00Z',
});

function setup(initial: StackSpecRecord[]) {
  const timers = new ManualTimers();
  const queue = new WorkQueue({ timers, now: timers.now });
  let specs = initial;
  let polls = 0;
  const watcher = new Watcher({
    list: async () => {
      polls += 1;
      return specs;
    },
    queue,
    pollMs: 10_000,
    logger: silentLogger,
    timers,
  });
  return {
    timers,
    queue,
    watcher,
    setSpecs: (s: StackSpecRecord[]) => {
      specs = s;
    },
    polls: () => polls,
  };
}

async function drain(queue: WorkQueue): Promise<string[]> {
  const keys: string[] = [];
  while (queue.length > 0) {
    const key = await queue.get();
    if (key === undefined) break;
    keys.push(key);
    queue.done(key);
  }
  return keys;
}

describe('Watcher', () => {
  it('enqueues every stack on first sight, then only those whose generation is not the observed one', async () => {
    const w = setup([spec('a', 1), spec('b', 4)]);
    await w.watcher.pollOnce();
    expect(await drain(w.queue)).toEqual(['shop/a', 'shop/b']);
    w.watcher.observed('shop/a', 1);
    w.watcher.observed('shop/b', 4);
    await w.watcher.pollOnce();
    expect(await drain(w.queue)).toEqual([]);
    w.setSpecs([spec('a', 2), spec('b', 4), spec('c', 1)]);
    await w.watcher.pollOnce();
    expect(await drain(w.queue)).toEqual(['shop/a', 'shop/c']);
  });

  it('keeps enqueuing a stack whose status lags its spec (a replica died before finishing)', async () => {
    const w = setup([spec('a', 3)]);
    w.watcher.observed('shop/a', 2);
    await w.watcher.pollOnce();
    await w.watcher.pollOnce();
    expect(await drain(w.queue)).toEqual(['shop/a']); // de-duplicated, but there
  });

  it('polls every pollMs until stopped', async () => {
    const w = setup([]);
    w.watcher.start();
    await new Promise((r) => setImmediate(r));
    expect(w.polls()).toBe(1);
    w.timers.advance(10_000);
    await new Promise((r) => setImmediate(r));
    expect(w.polls()).toBe(2);
    await w.watcher.stop();
    w.timers.advance(60_000);
    expect(w.polls()).toBe(2);
  });
});

describe('resyncDelay', () => {
  it.each([
    { reason: 'lowest random gives base − jitter', random: 0, want: 270_000 },
    { reason: 'middle gives the base', random: 0.5, want: 300_000 },
    { reason: 'highest random stays under base + jitter', random: 0.999_999, want: 330_000 },
  ])('$reason', ({ random, want }) => {
    expect(resyncDelay(300_000, 0.1, () => random)).toBe(want);
  });
});
