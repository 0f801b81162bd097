import { ListClustersCommand } from '@aws-sdk/client-ecs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CallStats, createAwsClients, READ_RETRIES, RetryBudget } from '../../../src/aws/index.js';
import type { AwsClients } from '../../../src/aws/types.js';
import {
  type PassScope,
  passBundle,
  ScopedCallStats,
  ScopedRetryBudget,
} from '../../../src/operator/pass-scope.js';
import { cannedHandler } from '../../helpers/canned-http.js';

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
});

afterEach(() => {
  vi.useRealTimers();
});

/** Shared clients whose ECS client answers every attempt with a throttle. */
function throttledShared(): { shared: AwsClients; unscoped: ScopedCallStats; attempts: () => number } {
  const handler = cannedHandler({
    statusCode: 400,
    body: { __type: 'ThrottlingException', message: 'Rate exceeded' },
  });
  const unscoped = new ScopedCallStats();
  const shared = createAwsClients({
    region: 'eu-west-1',
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    maxAttempts: 1,
    stats: unscoped,
    retryBudget: new ScopedRetryBudget(),
  });
  (shared.ecs.config as { requestHandler: unknown }).requestHandler = handler.requestHandler;
  return { shared, unscoped, attempts: handler.attempts };
}

/**
 * Drives the fake clock a second at a time until `promise` settles: the SDK loads modules lazily on a
 * client's first call (real I/O), so the clock cannot be advanced all at once.
 */
async function settle(promise: Promise<unknown>): Promise<unknown> {
  let done = false;
  const outcome = promise.catch((error: unknown) => error);
  void outcome.then(() => {
    done = true;
  });
  for (let s = 0; s < 300 && !done; s++) {
    await vi.advanceTimersByTimeAsync(1_000);
    await new Promise((resolve) => setImmediate(resolve));
  }
  return outcome;
}

const scope = (budget = new RetryBudget()): PassScope => ({
  stats: new CallStats(),
  retryBudget: budget,
  deadlineAt: Date.now() + 3_600_000,
  deadlineMs: 3_600_000,
});

describe('per-pass scope on shared clients', () => {
  it('spends read retries from the budget of the pass that made the call, and counts its throttles there', async () => {
    const { shared, unscoped, attempts } = throttledShared();
    const a = scope();
    const b = scope();
    const outcome = await settle(
      passBundle(shared, a, shared.dynamodb).ecs.send(new ListClustersCommand({})),
    );
    expect(outcome).toMatchObject({ name: 'ThrottlingException' });

    expect(attempts()).toBe(1 + READ_RETRIES);
    expect(a.retryBudget.used).toBe(READ_RETRIES);
    expect(b.retryBudget.used).toBe(0);
    expect(a.stats.totals()).toMatchObject({
      calls: 1,
      errors: 1,
      attempts: 1 + READ_RETRIES,
      throttles: 1 + READ_RETRIES,
    });
    expect(b.stats.totals().calls).toBe(0);
    expect(unscoped.totals().calls).toBe(0);
  });

  it('reports the failure instead of retrying once the pass’s own budget is spent', async () => {
    const { shared, attempts } = throttledShared();
    const spent = new RetryBudget(1);
    const outcome = await settle(
      passBundle(shared, scope(spent), shared.dynamodb).ecs.send(new ListClustersCommand({})),
    );
    expect(outcome).toMatchObject({ code: 'AWS_RETRY_BUDGET_EXHAUSTED' });
    expect(attempts()).toBe(2);
  });

  it('gives the pass bundle the pass’s budget and state client, and the shared clients otherwise', () => {
    const { shared } = throttledShared();
    const s = scope();
    const state = createAwsClients({ region: 'eu-west-1' }).dynamodb;
    const bundle = passBundle(shared, s, state);
    expect(bundle.retryBudget).toBe(s.retryBudget);
    expect(bundle.dynamodb).toBe(state);
    expect(bundle.region).toBe('eu-west-1');
    expect(bundle.ecs.middlewareStack).toBe(shared.ecs.middlewareStack);
  });
});
