import { CreateServiceCommand, ECSClient } from '@aws-sdk/client-ecs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { attachCallSiteToClient } from '../../../src/aws/call-site.js';
import { SDK_MAX_ATTEMPTS } from '../../../src/aws/clients.js';
import { classifyAwsError, isServerFault, ServerFaultLimitError } from '../../../src/aws/errors.js';
import { DEFAULT_STEP_SERVER_FAULT_RETRIES, retryStep } from '../../../src/aws/retry.js';
import { describeError } from '../../../src/cli/output.js';
import { type CannedResponse, cannedHandler } from '../../helpers/canned-http.js';

beforeEach(() => {
  // Only the timers the backoffs use: setImmediate stays real so settle() can let promise work run.
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
});

afterEach(() => {
  vi.useRealTimers();
});

/** Fake seconds the test clock may advance before a test gives up on a step settling. */
const MAX_FAKE_SECONDS = 600;

/**
 * Runs `promise` to its end while driving the fake clock (SDK backoff and step backoff both). The SDK
 * also awaits real I/O-free promises between timers (lazy imports on a client's first call), so the clock
 * is advanced a second at a time until the step settles rather than all at once.
 */
async function settle<T>(
  promise: Promise<T>,
): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
  let done = false;
  const outcome = promise.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
  void outcome.then(() => {
    done = true;
  });
  for (let s = 0; s < MAX_FAKE_SECONDS && !done; s++) {
    await vi.advanceTimersByTimeAsync(1_000);
    // Let promise-only work (module loading) run between ticks.
    await new Promise((resolve) => setImmediate(resolve));
  }
  if (!done) return { ok: false, error: new Error(`still retrying after ${MAX_FAKE_SECONDS} fake seconds`) };
  return outcome;
}

function named(name: string, status?: number): Error {
  return Object.assign(new Error(`${name} from a test`), {
    name,
    ...(status ? { $metadata: { httpStatusCode: status } } : {}),
  });
}

describe('a step that keeps getting 5xx is retried a bounded number of times', () => {
  it.each([
    {
      reason: 'ECS ServerException (modeled 500)',
      answer: { statusCode: 500, body: { __type: 'ServerException', message: 'injected' } },
    },
    {
      reason: 'ServiceUnavailable (503)',
      answer: { statusCode: 503, body: { __type: 'ServiceUnavailable', message: 'injected' } },
    },
    { reason: 'a bare 502 with no body', answer: { statusCode: 502 } },
  ] satisfies { reason: string; answer: CannedResponse }[])('$reason', async ({ answer }) => {
    const handler = cannedHandler(answer);
    const ecs = new ECSClient({
      region: 'eu-west-1',
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
      maxAttempts: SDK_MAX_ATTEMPTS,
      requestHandler: handler.requestHandler,
    });
    attachCallSiteToClient(ecs, 'ecs');
    const send = () =>
      ecs.send(new CreateServiceCommand({ cluster: 'c', serviceName: 'web', taskDefinition: 'td:1' }));

    const result = await settle(retryStep(send));

    expect(result.ok).toBe(false);
    const error = (result as { error: unknown }).error;
    expect(error).toBeInstanceOf(ServerFaultLimitError);
    const tries = DEFAULT_STEP_SERVER_FAULT_RETRIES + 1;
    expect(handler.attempts()).toBe(tries * SDK_MAX_ATTEMPTS);
    expect(describeError(error)).toMatch(
      new RegExp(
        `^ecs:CreateService failed after ${SDK_MAX_ATTEMPTS} attempts \\(https://ecs\\.eu-west-1\\.amazonaws\\.com\\): AWS kept failing on its side .*gave up after ${tries} tries of the step$`,
      ),
    );
    expect((error as ServerFaultLimitError).call).toBe('ecs:CreateService');
    // Given up means given up: no outer retry layer starts the same retries again.
    expect(classifyAwsError(error)).toBe('unknown');
  });

  it.each([
    {
      reason: 'a busy conflict clears when the other operation ends',
      err: named('ConcurrentModificationException', 400),
    },
    { reason: 'a throttle sent as 503 is a throttle, not a server fault', err: named('SlowDown', 503) },
    { reason: 'a dependency wait is not a server fault', err: named('DependencyViolation', 400) },
  ])('is not applied to other retryable failures: $reason', async ({ err }) => {
    expect(isServerFault(err)).toBe(false);
    let calls = 0;
    const failures = DEFAULT_STEP_SERVER_FAULT_RETRIES + 3;
    const fn = async (): Promise<string> => {
      calls += 1;
      if (calls <= failures) throw err;
      return 'done';
    };
    const result = await settle(retryStep(fn));
    expect(result).toEqual({ ok: true, value: 'done' });
    expect(calls).toBe(failures + 1);
  });

  it('counts server faults per step and succeeds when AWS recovers within the bound', async () => {
    let calls = 0;
    const fn = async (): Promise<string> => {
      calls += 1;
      if (calls <= DEFAULT_STEP_SERVER_FAULT_RETRIES) throw named('InternalFailure', 500);
      return 'done';
    };
    const result = await settle(retryStep(fn, { serverFaultRetries: DEFAULT_STEP_SERVER_FAULT_RETRIES }));
    expect(result).toEqual({ ok: true, value: 'done' });
  });
});
