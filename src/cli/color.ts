/**
 * Whether output is coloured, decided per stream: stdout and stderr can each be a terminal, a pipe or a
 * file on their own (`stackctl plan | less` keeps coloured progress on the terminal and plain text in the
 * pipe), so the decision is made for the stream a text is written to, never for one and applied to both.
 *
 * Precedence (flags > environment > default): `--no-color`, then `NO_COLOR` (set and non-empty, see
 * no-color.org), then `FORCE_COLOR` (set and non-empty; `0` or `false` turn colour off), then `TERM=dumb`,
 * then whether the stream is a terminal. An explicit "no colour" wins over "force colour": a user who
 * asked for plain output never gets escape codes because a CI runner exports FORCE_COLOR.
 *
 * @module
 */
import type { Io } from './output.js';

/** The environment variables colour depends on. */
export type ColorEnv = Readonly<Record<string, string | undefined>>;

/** What decides colour for one stream. */
export interface ColorInputs {
  /** The stream is an interactive terminal. */
  readonly isTerminal: boolean;
  /** `--no-color` was given. */
  readonly noColorFlag: boolean;
  readonly env: ColorEnv;
}

/** Values of `FORCE_COLOR` that mean "no colour" (Node and chalk read it the same way). */
const FORCE_COLOR_OFF: ReadonlySet<string> = new Set(['0', 'false']);

/** Whether text written to one stream is coloured ({@link ColorInputs}, precedence in the module doc). */
export function colorFor({ isTerminal, noColorFlag, env }: ColorInputs): boolean {
  if (noColorFlag) return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined && force !== '') return !FORCE_COLOR_OFF.has(force.toLowerCase());
  if (env.TERM === 'dumb') return false;
  return isTerminal;
}

/** The colour decision for each of the CLI's two output streams. */
export interface StreamColors {
  readonly out: boolean;
  readonly err: boolean;
}

/** Decides colour for stdout and stderr of `io` ({@link colorFor}). */
export function streamColors(io: Io, noColorFlag: boolean, env: ColorEnv): StreamColors {
  return {
    out: colorFor({ isTerminal: io.outTerminal !== undefined, noColorFlag, env }),
    err: colorFor({ isTerminal: io.errTerminal !== undefined, noColorFlag, env }),
  };
}

/** SGR escape sequences (`ESC [ … m`): the only escapes `paint` writes. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching the escape character is the point
const SGR = /\u001b\[[0-9;]*m/g;

/** `text` without colour codes. */
export function stripColor(text: string): string {
  return text.replace(SGR, '');
}

/**
 * `io` with colour codes removed from each stream whose {@link StreamColors} is off. Commands paint
 * whenever any stream takes colour (`flags.color`); this makes the stream decide, so no command has to
 * know which stream is a terminal. Cursor movement of the live progress block is left alone.
 */
export function colorFilteredIo(io: Io, colors: StreamColors): Io {
  if (colors.out && colors.err) return io;
  return {
    ...io,
    out: colors.out ? (t) => io.out(t) : (t) => io.out(stripColor(t)),
    err: colors.err ? (t) => io.err(t) : (t) => io.err(stripColor(t)),
    readStdin: () => io.readStdin(),
    confirm: (q) => io.confirm(q),
  };
}
