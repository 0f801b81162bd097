import { describe, expect, it } from 'vitest';
import { parseDurationSeconds, parseMemoryMiB } from '../../../../src/desired/stack/index.js';

describe('parseMemoryMiB', () => {
  it.each([
    { reason: 'bare number is MiB', input: 512, mib: 512 },
    { reason: 'numeric string is MiB', input: '512', mib: 512 },
    { reason: 'MiB suffix', input: '512MiB', mib: 512 },
    { reason: 'docker M suffix', input: '1024M', mib: 1024 },
    { reason: 'lower-case m', input: '768m', mib: 768 },
    { reason: 'MB treated as MiB, like docker', input: '256MB', mib: 256 },
    { reason: 'GiB suffix', input: '2GiB', mib: 2048 },
    { reason: 'docker g suffix', input: '1g', mib: 1024 },
    { reason: 'fractional GiB that is whole MiB', input: '1.5GiB', mib: 1536 },
    { reason: 'space before the unit', input: '4 GiB', mib: 4096 },
  ])('$reason: $input → $mib MiB', ({ input, mib }) => {
    expect(parseMemoryMiB(input)).toEqual({ ok: true, value: mib });
  });

  it.each([
    { reason: 'terabytes are not a task size', input: '2TB' },
    { reason: 'kilobytes are not a task size', input: '512k' },
    { reason: 'no number', input: 'GiB' },
    { reason: 'zero', input: 0 },
    { reason: 'not whole MiB', input: '0.5m' },
    { reason: 'negative', input: '-1g' },
    { reason: 'words', input: 'lots' },
  ])('refuses $reason ($input)', ({ input }) => {
    expect(parseMemoryMiB(input)).toEqual({ ok: false, reason: expect.any(String) });
  });
});

describe('parseDurationSeconds', () => {
  it.each([
    { input: '45s', seconds: 45 },
    { input: '30m', seconds: 1800 },
    { input: '72h', seconds: 259_200 },
    { input: '7d', seconds: 604_800 },
    { input: '2w', seconds: 1_209_600 },
    { input: '1h30m', seconds: 5400 },
  ])('$input → $seconds s', ({ input, seconds }) => {
    expect(parseDurationSeconds(input)).toEqual({ ok: true, value: seconds });
  });

  it.each([
    { reason: 'no unit', input: '72' },
    { reason: 'unknown unit', input: '3y' },
    { reason: 'spelled out', input: '3 days' },
    { reason: 'zero', input: '0h' },
    { reason: 'empty', input: '' },
  ])('refuses $reason ($input)', ({ input }) => {
    expect(parseDurationSeconds(input)).toEqual({ ok: false, reason: expect.any(String) });
  });
});
