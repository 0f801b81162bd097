import { describe, expect, it } from 'vitest';
import { parseWaveSpec, planWaves, stackMatcher, WaveSpecError } from '../../../src/rollout/waves.js';

const fleet = (n: number): string[] =>
  Array.from({ length: n }, (_, i) => `s${String(i + 1).padStart(2, '0')}`);

describe('planWaves', () => {
  it.each([
    {
      reason: 'the issue’s example: 10% of 12 rounds up to 2, 50% is 6',
      n: 12,
      spec: '1,10%,50%,100%',
      sizes: [1, 1, 4, 6],
    },
    {
      reason: 'a step adding nobody still adds one stack (10% of 5 is 1, after a canary of 1)',
      n: 5,
      spec: '1,10%,50%,100%',
      sizes: [1, 1, 1, 2],
    },
    { reason: 'steps after the fleet is covered are dropped', n: 2, spec: '1,10%,50%,100%', sizes: [1, 1] },
    { reason: 'a spec that stops short still ends with everyone', n: 10, spec: '2,50%', sizes: [2, 3, 5] },
    { reason: 'absolute counts are cumulative', n: 10, spec: '1,3,10', sizes: [1, 2, 7] },
    { reason: 'a count above the fleet takes the rest', n: 3, spec: '1,100', sizes: [1, 2] },
    { reason: 'one stack is one wave', n: 1, spec: '1,10%,50%,100%', sizes: [1] },
    { reason: 'a single 100% step is one wave of everyone', n: 7, spec: '100%', sizes: [7] },
    { reason: 'an empty fleet has no waves', n: 0, spec: '1,100%', sizes: [] },
  ])('$reason', ({ n, spec, sizes }) => {
    const stacks = fleet(n);
    const waves = planWaves(stacks, spec);
    expect(waves.map((w) => w.length)).toEqual(sizes);
    // Every stack exactly once, in the given order.
    expect(waves.flat()).toEqual(stacks);
  });

  it.each([
    { reason: 'empty', spec: '' },
    { reason: 'zero stacks', spec: '0,100%' },
    { reason: 'above 100%', spec: '1,150%' },
    { reason: 'zero percent', spec: '0%' },
    { reason: 'not a number', spec: '1,half' },
    { reason: 'negative', spec: '-1' },
  ])('refuses a malformed spec: $reason', ({ spec }) => {
    expect(() => parseWaveSpec(spec)).toThrow(WaveSpecError);
  });
});

describe('stackMatcher', () => {
  it.each([
    { reason: 'a prefix glob', pattern: 'customer-*', stack: 'customer-07', matches: true },
    { reason: 'glob anchored at both ends', pattern: 'customer-*', stack: 'old-customer-07', matches: false },
    { reason: '? is one character', pattern: 'eu-?', stack: 'eu-1', matches: true },
    { reason: '? is exactly one character', pattern: 'eu-?', stack: 'eu-12', matches: false },
    { reason: 'comma-separated alternatives', pattern: 'eu-*, us-1', stack: 'us-1', matches: true },
    { reason: 'a plain name matches only itself', pattern: 'prod', stack: 'prod-2', matches: false },
    { reason: 'regex characters are literal', pattern: 'a.b', stack: 'axb', matches: false },
  ])('$reason', ({ pattern, stack, matches }) => {
    expect(stackMatcher(pattern)(stack)).toBe(matches);
  });
});
