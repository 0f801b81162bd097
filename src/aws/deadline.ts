/**
 * A deadline for a whole command: once it has passed, no AWS call of the client bundle starts, and a call
 * still waiting fails at that moment, with an error naming the call (`ec2:DescribeVpcs`) and the deadline.
 *
 * Why at the client and not in each pass: per-attempt timeouts bound one call (`CALL_WORST_CASE_MS`), but
 * a pass makes hundreds of calls, many in sequence, and the observe phase takes no AbortSignal. A
 * middleware on every client is the one place every call of every phase (observe, preflight, apply,
 * journal, status) passes through, so a command can never outlive its deadline by more than the time it
 * takes to print the error.
 *
 * @module
 */
import { StackctlError } from '../errors.js';
import { formatCallName } from './call-site.js';
import type { Middleware, StackLike } from './middleware-types.js';
import type { AwsClients } from './types.js';

/** Name of the middleware on every client (also the key to remove it by). */
export const DEADLINE_MIDDLEWARE = 'stackctlDeadline';

/** The command ran past its deadline; the call named was refused or cut off. Not retried by any layer. */
export class DeadlineExceededError extends StackctlError {
  /** `service:Operation` of the call that hit the deadline. */
  readonly call: string;
  readonly deadlineMs: number;

  constructor(service: string, operation: string, deadlineMs: number) {
    const call = formatCallName({ service, operation });
    super(
      'DEADLINE_EXCEEDED',
      `${call} stopped: the command's deadline of ${Math.round(deadlineMs / 1000)} s has passed`,
    );
    this.name = 'DeadlineExceededError';
    this.call = call;
    this.deadlineMs = deadlineMs;
  }
}

/** Options for {@link attachDeadline}. */
export interface DeadlineOptions {
  /** How long from now every call of the bundle may still run. */
  readonly deadlineMs: number;
  /** Clock; injectable so tests drive time. @default Date.now */
  readonly now?: () => number;
}

/** Where a call stands against its deadline, for {@link raceDeadline}. */
export interface DeadlineRace {
  readonly service: string;
  readonly operation: string;
  /** Epoch ms at which the call fails. */
  readonly deadlineAt: number;
  /** The whole deadline, for the message. */
  readonly deadlineMs: number;
  readonly now: () => number;
}

/**
 * Runs `call` unless the deadline has passed, and fails it with a {@link DeadlineExceededError} when the
 * deadline passes first. Shared by the command deadline here and the operator's per-pass deadline.
 */
export async function raceDeadline<T>(call: () => Promise<T>, d: DeadlineRace): Promise<T> {
  const exceeded = (): DeadlineExceededError =>
    new DeadlineExceededError(d.service, d.operation, d.deadlineMs);
  const remaining = d.deadlineAt - d.now();
  if (remaining <= 0) throw exceeded();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(exceeded()), remaining);
    // The deadline alone must never keep a finished command's process alive.
    timer.unref?.();
  });
  try {
    return await Promise.race([call(), expired]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Adds the deadline middleware to every client of the bundle (outermost, in `initialize`), so the SDK's
 * own retries are inside it: a call's retries cannot carry it past the deadline either.
 *
 * @example attachDeadline(clients, { deadlineMs: 60 * 60_000 });
 */
export function attachDeadline(clients: AwsClients, options: DeadlineOptions): void {
  const now = options.now ?? Date.now;
  const deadlineAt = now() + options.deadlineMs;
  for (const [service, value] of Object.entries(clients)) {
    if (typeof value !== 'object' || value === null || !('middlewareStack' in value)) continue;
    const middleware: Middleware = (next, context) => async (args) =>
      raceDeadline(() => next(args), {
        service,
        operation: (context.commandName ?? 'unknown').replace(/Command$/, ''),
        deadlineAt,
        deadlineMs: options.deadlineMs,
        now,
      });
    (value.middlewareStack as StackLike).add(middleware, {
      step: 'initialize',
      name: DEADLINE_MIDDLEWARE,
      priority: 'high',
      override: true,
    });
  }
}
