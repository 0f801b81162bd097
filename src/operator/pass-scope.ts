/**
 * What stays per pass when the SDK clients are shared by the whole process: the pass's call counts,
 * its retry budget and its deadline.
 *
 * Why AsyncLocalStorage, entered at `send`: the shared clients' middlewares are built once, so they
 * cannot hold a pass's CallStats. Each pass instead gets a thin bundle ({@link passBundle}) whose
 * clients are the shared ones behind a proxy that runs every `send` inside the pass's
 * {@link PassScope}; the middlewares on the shared clients ({@link ScopedCallStats},
 * {@link ScopedRetryBudget}, {@link attachPassDeadline}) read the scope of the call they serve. Two
 * passes sending on the same client at the same time each count only their own calls: the scope
 * follows the call through the SDK's retries and backoff timers, and is chosen by the bundle the call
 * was sent on, never by whichever pass happened to be running nearby (the alternative, one set of
 * middlewares per pass on cloned clients, would rebuild exactly what sharing is meant to keep).
 *
 * @module
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { CallStats, RetryBudget, raceDeadline } from '../aws/index.js';
import type { Middleware, StackLike } from '../aws/middleware-types.js';
import type { AwsClients } from '../aws/types.js';

/** The per-pass state the shared clients' middlewares read. */
export interface PassScope {
  /** The pass's own call counts: `lastPass.mutations` stays exact with shared clients. */
  readonly stats: CallStats;
  /** Retries the pass may spend (read retries and step retries). */
  readonly retryBudget: RetryBudget;
  /** Epoch ms after which no call of the pass starts or keeps waiting. */
  readonly deadlineAt: number;
  /** The deadline's length, for the error message. */
  readonly deadlineMs: number;
}

const storage = new AsyncLocalStorage<PassScope>();

/** The scope of the call being served, when it was sent through a pass bundle. */
export function currentPassScope(): PassScope | undefined {
  return storage.getStore();
}

/**
 * Call counts that go to the scope of the call being served; calls outside any pass (none in the
 * operator) are counted here. Given to the shared clients in place of a per-pass CallStats.
 */
export class ScopedCallStats extends CallStats {
  override record(...args: Parameters<CallStats['record']>): void {
    const scoped = currentPassScope()?.stats;
    if (scoped) scoped.record(...args);
    else super.record(...args);
  }

  override recordAttempt(...args: Parameters<CallStats['recordAttempt']>): void {
    const scoped = currentPassScope()?.stats;
    if (scoped) scoped.recordAttempt(...args);
    else super.recordAttempt(...args);
  }
}

/** A retry budget that spends the budget of the pass whose call is being served (read retries). */
export class ScopedRetryBudget extends RetryBudget {
  override get used(): number {
    return currentPassScope()?.retryBudget.used ?? super.used;
  }

  override take(): boolean {
    const scoped = currentPassScope()?.retryBudget;
    return scoped ? scoped.take() : super.take();
  }
}

/** Name of the per-pass deadline middleware on the shared clients. */
export const PASS_DEADLINE_MIDDLEWARE = 'stackctlPassDeadline';

/**
 * The per-pass counterpart of `attachDeadline` for shared clients: outermost in `initialize`, a call
 * of a pass whose deadline has passed is refused, and one still running then is cut off
 * (`DEADLINE_EXCEEDED`, naming the call). Calls outside a pass are untouched.
 */
export function attachPassDeadline(clients: AwsClients, now: () => number = Date.now): void {
  for (const [service, value] of Object.entries(clients)) {
    if (typeof value !== 'object' || value === null || !('middlewareStack' in value)) continue;
    const middleware: Middleware = (next, context) => async (args) => {
      const scope = currentPassScope();
      if (!scope) return next(args);
      return raceDeadline(() => next(args), {
        service,
        operation: (context.commandName ?? 'unknown').replace(/Command$/, ''),
        deadlineAt: scope.deadlineAt,
        deadlineMs: scope.deadlineMs,
        now,
      });
    };
    (value.middlewareStack as StackLike).add(middleware, {
      step: 'initialize',
      name: PASS_DEADLINE_MIDDLEWARE,
      priority: 'high',
      override: true,
    });
  }
}

/** A client whose `send` runs inside `scope`; everything else is the shared client itself. */
function scopedClient<T extends object>(client: T, scope: PassScope): T {
  return new Proxy(client, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (prop !== 'send' || typeof value !== 'function') return value;
      return (...args: unknown[]) => storage.run(scope, () => value.apply(target, args));
    },
  });
}

/**
 * The bundle one pass uses: the shared clients of its region, each `send` running in `scope`, the
 * pass's retry budget, and `state` (the operator's own DynamoDB client) for the state table.
 */
export function passBundle(shared: AwsClients, scope: PassScope, state: AwsClients['dynamodb']): AwsClients {
  const entries = Object.entries(shared).map(([key, value]) => {
    if (key === 'dynamodb') return [key, state];
    if (typeof value === 'object' && value !== null && 'middlewareStack' in value)
      return [key, scopedClient(value, scope)];
    return [key, value];
  });
  return { ...(Object.fromEntries(entries) as unknown as AwsClients), retryBudget: scope.retryBudget };
}
