/**
 * Runs the `stackctl` CLI in-process with a captured Io, for unit tests of commands that call no AWS.
 *
 * @module
 */
import { run } from '../../../src/cli/main.js';
import type { Io } from '../../../src/cli/output.js';

/** What one CLI invocation printed and returned. */
export interface CliOutcome {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

/** Runs `stackctl ...argv` with no terminal (confirmations are declined). */
export async function cli(...argv: string[]): Promise<CliOutcome> {
  let out = '';
  let err = '';
  const io: Io = {
    out: (t) => {
      out += t;
    },
    err: (t) => {
      err += t;
    },
    readStdin: async () => '',
    confirm: async () => false,
  };
  const code = await run(argv, io);
  return { code, out, err };
}
