/**
 * The shape of one CLI command.
 *
 * @module
 */
import type { ParsedArgs } from '../args.js';
import type { ExitCode, Io } from '../output.js';

/** One command: the words that select it, its help, and what it does. */
export interface Command {
  /** `['validate']`, `['stacks', 'ls']`. */
  readonly words: readonly string[];
  readonly usage: string;
  readonly summary: string;
  run(args: ParsedArgs, io: Io): Promise<ExitCode>;
}
