/**
 * `push --wait`: follow the operator's status for one generation, printing each change, until it is
 * observed, synced and ready, or the timeout passes. Read-only: two GetItems per poll.
 *
 * @module
 */
import { isConverged } from '../../operator/conditions.js';
import { getSpec, readStatus, type StackRef, type StackStatus } from '../../state/index.js';
import type { Io } from '../output.js';

/** Pause between status reads. */
export const WAIT_POLL_MS = 2_000;

/** How waiting ended. */
export interface WaitOutcome {
  readonly converged: boolean;
  /** The last status line printed (or the reason for giving up). */
  readonly last: string;
}

/** One line describing where the operator is with `generation`. */
export function describeProgress(status: StackStatus | undefined, generation: number): string {
  if (!status || status.observedGeneration < generation) {
    const seen = status ? `; it last observed generation ${status.observedGeneration}` : '';
    return `waiting for the operator to pick up generation ${generation}${seen}`;
  }
  const { Synced, Ready } = status.conditions;
  const part = (name: string, c: typeof Synced): string =>
    `${name}=${c.status} (${c.reason}${c.message ? `: ${c.message}` : ''})`;
  return `${part('Synced', Synced)} ${part('Ready', Ready)}`;
}

/** Polls status until `generation` converged, the spec changed under us, or `timeoutMs` passed. */
export async function waitForOperator(options: {
  readonly ref: StackRef;
  readonly generation: number;
  readonly timeoutMs: number;
  readonly io: Io;
  readonly pollMs?: number;
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}): Promise<WaitOutcome> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const deadline = now() + options.timeoutMs;
  let last = '';
  for (;;) {
    const [spec, status] = await Promise.all([getSpec(options.ref), readStatus(options.ref)]);
    if (!spec) return { converged: false, last: 'the stack was removed from the table' };
    if (spec.generation > options.generation && spec.deletionRequestedAt)
      return { converged: false, last: 'the stack was marked for deletion' };
    const line = describeProgress(status, options.generation);
    if (line !== last) options.io.err(`  ${line}\n`);
    last = line;
    if (isConverged(status, spec.generation) && spec.generation >= options.generation) {
      options.io.err(
        `${options.ref.project}/${options.ref.stack} is synced and ready at generation ${spec.generation}\n`,
      );
      return { converged: true, last };
    }
    if (now() >= deadline) {
      options.io.err(`gave up after ${Math.round(options.timeoutMs / 1000)} s: ${last}\n`);
      return { converged: false, last };
    }
    await sleep(options.pollMs ?? WAIT_POLL_MS);
  }
}
