/**
 * Colour decided per stream: the precedence of `--no-color`, NO_COLOR, FORCE_COLOR and the terminal, and
 * the Io filter that keeps colour codes off a stream that is not coloured.
 */
import { describe, expect, it } from 'vitest';
import { colorFilteredIo, colorFor, stripColor } from '../../../src/cli/color.js';
import { type Io, paint } from '../../../src/cli/output.js';

describe('colorFor', () => {
  it.each([
    { isTerminal: true, noColorFlag: false, env: {}, want: true, reason: 'a terminal, nothing set' },
    { isTerminal: false, noColorFlag: false, env: {}, want: false, reason: 'a pipe or a file' },
    { isTerminal: true, noColorFlag: true, env: {}, want: false, reason: '--no-color' },
    { isTerminal: true, noColorFlag: false, env: { NO_COLOR: '1' }, want: false, reason: 'NO_COLOR set' },
    {
      isTerminal: true,
      noColorFlag: false,
      env: { NO_COLOR: '' },
      want: true,
      reason: 'NO_COLOR empty counts as unset',
    },
    {
      isTerminal: false,
      noColorFlag: false,
      env: { FORCE_COLOR: '1' },
      want: true,
      reason: 'FORCE_COLOR in a pipe',
    },
    {
      isTerminal: false,
      noColorFlag: false,
      env: { FORCE_COLOR: 'true' },
      want: true,
      reason: 'FORCE_COLOR=true',
    },
    {
      isTerminal: true,
      noColorFlag: false,
      env: { FORCE_COLOR: '0' },
      want: false,
      reason: 'FORCE_COLOR=0 turns it off',
    },
    {
      isTerminal: false,
      noColorFlag: false,
      env: { FORCE_COLOR: '' },
      want: false,
      reason: 'FORCE_COLOR empty is unset',
    },
    {
      isTerminal: false,
      noColorFlag: false,
      env: { FORCE_COLOR: '1', NO_COLOR: '1' },
      want: false,
      reason: 'no colour wins over forced colour',
    },
    { isTerminal: false, noColorFlag: true, env: { FORCE_COLOR: '1' }, want: false, reason: 'the flag wins' },
    { isTerminal: true, noColorFlag: false, env: { TERM: 'dumb' }, want: false, reason: 'TERM=dumb' },
    {
      isTerminal: false,
      noColorFlag: false,
      env: { TERM: 'dumb', FORCE_COLOR: '1' },
      want: true,
      reason: 'forced beats dumb',
    },
  ])('$reason', ({ isTerminal, noColorFlag, env, want }) => {
    expect(colorFor({ isTerminal, noColorFlag, env })).toBe(want);
  });
});

function recordingIo(): { io: Io; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: {
      out: (t) => out.push(t),
      err: (t) => err.push(t),
      readStdin: async () => '',
      confirm: async () => false,
    },
    out,
    err,
  };
}

describe('colorFilteredIo', () => {
  const red = paint(true).red('✗ failed');

  it.each([
    {
      colors: { out: true, err: false },
      out: red,
      err: '✗ failed',
      reason: 'stdout a terminal, stderr piped',
    },
    {
      colors: { out: false, err: true },
      out: '✗ failed',
      err: red,
      reason: 'stdout piped, stderr a terminal',
    },
    { colors: { out: false, err: false }, out: '✗ failed', err: '✗ failed', reason: 'neither' },
    { colors: { out: true, err: true }, out: red, err: red, reason: 'both' },
  ])('writes colour only to a coloured stream ($reason)', ({ colors, out, err }) => {
    const rec = recordingIo();
    const io = colorFilteredIo(rec.io, colors);

    io.out(red);
    io.err(red);

    expect({ out: rec.out, err: rec.err }).toEqual({ out: [out], err: [err] });
  });

  it('keeps cursor movement (the live progress block) while removing colour', () => {
    expect(stripColor('\u001b[2A\u001b[J\u001b[32m✓\u001b[0m done')).toBe('\u001b[2A\u001b[J✓ done');
  });
});
