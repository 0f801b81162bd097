/**
 * Retries a failed read a few more times, with backoff and jitter, after the SDK's own attempts.
 *
 * Why: a pass reads every kind before it plans; one read that fails after the SDK's 3 attempts used to
 * abort the whole pass (at 30 % injected faults no pass converged). A read can always be sent again, so
 * it is retried here, per call, rather than by re-observing a whole kind: throttles, 5xx and connection
 * resets only. A timeout is not retried (the per-attempt timeout already waited; repeating it turns a
 * hung endpoint into minutes), nor is any answer that says the request itself is wrong.
 *
 * Every retry is taken from the pass's {@link RetryBudget}.
 *
 * @module
 */
import { classifyOperation } from './call-stats.js';
import { classifyAwsError } from './errors.js';
import type { Middleware, StackLike } from './middleware-types.js';
import { type RetryBudget, RetryBudgetExhaustedError } from './retry-budget.js';
import type { AwsClients } from './types.js';

/** Extra tries of one read after the SDK gave up on it. */
export const READ_RETRIES = 4;
/** First backoff delay; doubled per retry, randomized ×1–2, capped at {@link READ_RETRY_MAX_DELAY_MS}. */
export const READ_RETRY_BASE_DELAY_MS = 250;
/** Longest wait between two tries of a read. */
export const READ_RETRY_MAX_DELAY_MS = 5_000;
/** Name of the middleware on every client's stack. */
export const READ_RETRY_MIDDLEWARE = 'stackctlReadRetry';

/** Options for {@link attachReadRetry}; tests shrink the delays. */
export interface ReadRetryOptions {
  readonly budget: RetryBudget;
  /** @default READ_RETRIES */
  readonly retries?: number;
  /** @default READ_RETRY_BASE_DELAY_MS */
  readonly baseDelayMs?: number;
  /** @default a setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
}

/** True when a read that failed this way is worth sending again. */
export function isRetryableRead(err: unknown): boolean {
  const cls = classifyAwsError(err);
  return cls === 'throttle' || cls === 'busy';
}

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Adds the read retry to every client of the bundle; mutating calls pass through untouched. */
export function attachReadRetry(clients: AwsClients, options: ReadRetryOptions): void {
  const retries = options.retries ?? READ_RETRIES;
  const base = options.baseDelayMs ?? READ_RETRY_BASE_DELAY_MS;
  const sleep = options.sleep ?? defaultSleep;
  for (const value of Object.values(clients)) {
    if (typeof value !== 'object' || value === null || !('middlewareStack' in value)) continue;
    const middleware: Middleware = (next, context) => async (args) => {
      const operation = (context.commandName ?? '').replace(/Command$/, '');
      if (classifyOperation(operation) !== 'read') return next(args);
      for (let retry = 0; ; retry++) {
        try {
          return await next(args);
        } catch (err) {
          if (retry >= retries || !isRetryableRead(err)) throw err;
          if (!options.budget.take()) throw new RetryBudgetExhaustedError(options.budget.limit, err);
          const delay = Math.min(READ_RETRY_MAX_DELAY_MS, base * 2 ** retry) * (1 + Math.random());
          await sleep(delay);
        }
      }
    };
    (value.middlewareStack as StackLike).add(middleware, {
      step: 'initialize',
      name: READ_RETRY_MIDDLEWARE,
      priority: 'low',
      override: true,
    });
  }
}
