import { ECSClient, ListClustersCommand } from '@aws-sdk/client-ecs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { attachDeadline, DeadlineExceededError } from '../../../src/aws/deadline.js';
import { classifyAwsError } from '../../../src/aws/errors.js';
import type { AwsClients } from '../../../src/aws/types.js';
import { describeError } from '../../../src/cli/output.js';

const DEADLINE_MS = 60_000;

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
});

afterEach(() => {
  vi.useRealTimers();
});

/** An ECS client whose every request hangs forever (a server that never answers, no request timeout). */
function hangingBundle(): { clients: AwsClients; sent: () => number } {
  let sent = 0;
  const ecs = new ECSClient({
    region: 'eu-west-1',
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    requestHandler: {
      handle: () => {
        sent += 1;
        return new Promise(() => {});
      },
      updateHttpClientConfig() {},
      httpHandlerConfigs: () => ({}),
    } as never,
  });
  return { clients: { region: 'eu-west-1', ecs } as unknown as AwsClients, sent: () => sent };
}

async function outcomeAfter(promise: Promise<unknown>, ms: number): Promise<unknown> {
  let result: unknown = 'still pending';
  promise.then(
    () => {
      result = 'resolved';
    },
    (err: unknown) => {
      result = err;
    },
  );
  for (let t = 0; t < ms; t += 1_000) {
    await vi.advanceTimersByTimeAsync(1_000);
    await new Promise((resolve) => setImmediate(resolve));
  }
  return result;
}

describe('attachDeadline', () => {
  it.each([
    { reason: 'a call in flight is cut off at the deadline', startAfterMs: 0 },
    { reason: 'a call started after the deadline is refused at once', startAfterMs: DEADLINE_MS + 1_000 },
  ])('$reason, naming the call', async ({ startAfterMs }) => {
    const { clients, sent } = hangingBundle();
    attachDeadline(clients, { deadlineMs: DEADLINE_MS });
    await vi.advanceTimersByTimeAsync(startAfterMs);

    const first = clients.ecs.send(new ListClustersCommand({}));
    // On a loaded machine the SDK's middleware may take a while to hand the request over: in flight
    // means the handler holds it, so wait (in small fake-time steps) until it does.
    if (startAfterMs === 0) await vi.waitFor(() => expect(sent()).toBe(1), { timeout: 10_000, interval: 10 });
    const before = await outcomeAfter(first, DEADLINE_MS - startAfterMs - 2_000);
    if (startAfterMs === 0) expect(before).toBe('still pending');

    const second = clients.ecs.send(new ListClustersCommand({}));
    if (startAfterMs === 0) await vi.waitFor(() => expect(sent()).toBe(2), { timeout: 10_000, interval: 10 });
    const err = await outcomeAfter(second, DEADLINE_MS + 2_000);
    expect(err).toBeInstanceOf(DeadlineExceededError);
    expect(describeError(err)).toBe("ecs:ListClusters stopped: the command's deadline of 60 s has passed");
    expect(classifyAwsError(err)).toBe('unknown');
    expect(sent()).toBe(startAfterMs === 0 ? 2 : 0);
  });
});
