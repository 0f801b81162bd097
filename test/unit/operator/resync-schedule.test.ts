import { describe, expect, it } from 'vitest';
import { nextResyncDelayMs, resyncPhaseMs } from '../../../src/operator/resync-schedule.js';

const INTERVAL = 300_000;
const EARLY = 0.1;
/** A fixed wall-clock instant, so every expectation below is exact. */
const NOW = Date.parse('2026-12-06T12:00:00Z');

const fleet = (n: number): string[] => Array.from({ length: n }, (_, i) => `shop/stack-${i}`);

describe('resyncPhaseMs', () => {
  it('gives a key the same offset on every call (every replica, every restart)', () => {
    for (const key of fleet(50)) expect(resyncPhaseMs(key, INTERVAL)).toBe(resyncPhaseMs(key, INTERVAL));
  });

  it.each([
    { reason: '200 stacks over 10 slices of a 5-minute interval', stacks: 200, slices: 10, min: 10, max: 30 },
    { reason: '1,000 stacks over 20 slices', stacks: 1_000, slices: 20, min: 30, max: 70 },
  ])('spreads a fleet evenly: $reason', ({ stacks, slices, min, max }) => {
    const counts = Array<number>(slices).fill(0);
    for (const key of fleet(stacks)) {
      const phase = resyncPhaseMs(key, INTERVAL);
      expect(phase).toBeGreaterThanOrEqual(0);
      expect(phase).toBeLessThan(INTERVAL);
      const slice = Math.floor((phase / INTERVAL) * slices);
      counts[slice] = (counts[slice] ?? 0) + 1;
    }
    expect(Math.min(...counts)).toBeGreaterThanOrEqual(min);
    expect(Math.max(...counts)).toBeLessThanOrEqual(max);
  });

  it('never puts most of a fleet in the same second', () => {
    const seconds = new Map<number, number>();
    for (const key of fleet(200)) {
      const s = Math.floor(resyncPhaseMs(key, INTERVAL) / 1000);
      seconds.set(s, (seconds.get(s) ?? 0) + 1);
    }
    expect(Math.max(...seconds.values())).toBeLessThanOrEqual(4);
  });
});

describe('nextResyncDelayMs', () => {
  const key = 'shop/dev';
  const phase = resyncPhaseMs(key, INTERVAL);
  /** `now` placed `ms` after the key's slot. */
  const afterSlot = (ms: number): number => NOW - (NOW % INTERVAL) + phase + ms;

  it.each([
    {
      reason: 'a pass that ended 2 s after its slot waits for the next slot',
      now: afterSlot(2_000),
      delay: INTERVAL - 2_000,
    },
    {
      reason: 'a pass that ended 25 s after its slot still keeps the slot (within the early share)',
      now: afterSlot(25_000),
      delay: INTERVAL - 25_000,
    },
    {
      reason: 'a pass 2 minutes after the slot (a push) skips the near slot: no second pass so soon',
      now: afterSlot(120_000),
      delay: 2 * INTERVAL - 120_000,
    },
    {
      reason: 'a pass right before its slot skips it: the slot is too near',
      now: afterSlot(-1_000),
      delay: INTERVAL + 1_000,
    },
  ])('$reason', ({ now, delay }) => {
    expect(nextResyncDelayMs({ key, nowMs: now, intervalMs: INTERVAL, earlyShare: EARLY })).toBe(delay);
  });

  it('always lands on the key’s slot, between (1 − early) and (2 − early) intervals away', () => {
    for (const k of fleet(100)) {
      for (const offset of [0, 1, 59_999, 123_456, 299_999]) {
        const nowMs = NOW + offset;
        const delay = nextResyncDelayMs({ key: k, nowMs, intervalMs: INTERVAL, earlyShare: EARLY });
        expect(delay).toBeGreaterThanOrEqual(INTERVAL * (1 - EARLY));
        expect(delay).toBeLessThan(INTERVAL * (2 - EARLY));
        expect((nowMs + delay) % INTERVAL).toBe(resyncPhaseMs(k, INTERVAL));
      }
    }
  });

  it('spreads a fleet that all finished its passes in the same second over the whole interval', () => {
    const wakeUps = fleet(200).map((k) =>
      nextResyncDelayMs({ key: k, nowMs: NOW, intervalMs: INTERVAL, earlyShare: EARLY }),
    );
    const span = Math.max(...wakeUps) - Math.min(...wakeUps);
    expect(span).toBeGreaterThan(INTERVAL * 0.95);
    const perMinute = new Map<number, number>();
    for (const w of wakeUps)
      perMinute.set(Math.floor(w / 60_000), (perMinute.get(Math.floor(w / 60_000)) ?? 0) + 1);
    // 200 stacks over 5 minutes: about 40 a minute, never most of the fleet at once.
    expect(Math.max(...perMinute.values())).toBeLessThanOrEqual(60);
  });
});
