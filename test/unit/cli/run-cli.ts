/**
 * Runs the `stackctl` CLI in-process with a captured Io, for unit tests of commands that call no AWS:
 * the end-to-end harness's `runCli` (no terminal, so confirmations are declined), under a short name.
 *
 * @module
 */
import { type CliResult, runCli } from '../../e2e/helpers/harness.js';

/** What one CLI invocation printed and returned. */
export type CliOutcome = CliResult;

/** Runs `stackctl ...argv` with no terminal (confirmations are declined). */
export function cli(...argv: string[]): Promise<CliOutcome> {
  return runCli(argv);
}
