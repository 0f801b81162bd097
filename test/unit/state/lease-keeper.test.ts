import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LeaseLostError } from '../../../src/state/errors.js';
import type { Lease } from '../../../src/state/lease.js';
import { keepLeaseAlive } from '../../../src/state/lease-keeper.js';

const HEARTBEAT = 5_000;
const DURATION = 20_000;

function lease(): Lease {
  return {
    client: {} as Lease['client'],
    table: 't',
    project: 'shop',
    stack: 'prod',
    owner: 'op-a',
    fence: 7,
    rvn: 'rvn-0',
    durationMs: DURATION,
    expiresAtMs: Date.now() + DURATION,
    now: () => Date.now(),
  };
}

/** A renew that extends the lease by the clock, or fails as scripted. */
function renewer(failures: Record<number, unknown> = {}) {
  let calls = 0;
  const renew = vi.fn(async (l: Lease): Promise<Lease> => {
    calls += 1;
    const failure = failures[calls];
    if (failure !== undefined) throw failure;
    return { ...l, rvn: `rvn-${calls}`, expiresAtMs: l.now() + l.durationMs };
  });
  return renew;
}

beforeEach(() => {
  vi.useFakeTimers();
  vi.setSystemTime(Date.parse('2025-01-01T00:00:00Z'));
});

afterEach(() => {
  vi.useRealTimers();
});

describe('keepLeaseAlive', () => {
  it('renews every heartbeat and exposes the latest lease', async () => {
    const renew = renewer();
    const release = vi.fn(async () => true);
    const keeper = keepLeaseAlive(lease(), { heartbeatMs: HEARTBEAT, renew, release });

    await vi.advanceTimersByTimeAsync(3 * HEARTBEAT);

    expect(renew).toHaveBeenCalledTimes(3);
    expect(keeper.current().rvn).toBe('rvn-3');
    expect(keeper.signal.aborted).toBe(false);
    await keeper.stop();
    expect(release).toHaveBeenCalledWith(expect.objectContaining({ rvn: 'rvn-3' }));
    await vi.advanceTimersByTimeAsync(3 * HEARTBEAT);
    expect(renew).toHaveBeenCalledTimes(3);
  });

  it('aborts at once when another owner took the lease, and does not release it', async () => {
    const lost = new LeaseLostError('shop', 'prod', 7, 'now held by op-b');
    const renew = renewer({ 2: lost });
    const release = vi.fn(async () => true);
    const keeper = keepLeaseAlive(lease(), { heartbeatMs: HEARTBEAT, renew, release });

    await vi.advanceTimersByTimeAsync(2 * HEARTBEAT);

    expect(keeper.signal.aborted).toBe(true);
    expect(keeper.signal.reason).toBe(lost);
    await vi.advanceTimersByTimeAsync(5 * HEARTBEAT);
    expect(renew).toHaveBeenCalledTimes(2);
    await keeper.stop();
    expect(release).not.toHaveBeenCalled();
  });

  it('rides out transient renewal errors while the lease is still valid', async () => {
    const throttle = Object.assign(new Error('slow down'), { name: 'ThrottlingException' });
    const renew = renewer({ 1: throttle, 2: throttle });
    const onRenewError = vi.fn();
    const keeper = keepLeaseAlive(lease(), { heartbeatMs: HEARTBEAT, renew, onRenewError });

    await vi.advanceTimersByTimeAsync(3 * HEARTBEAT);

    expect(onRenewError).toHaveBeenCalledTimes(2);
    expect(keeper.signal.aborted).toBe(false);
    expect(keeper.current().rvn).toBe('rvn-3');
    await keeper.stop({ release: false });
  });

  it('gives up before the lease can expire unrenewed', async () => {
    const down = new Error('network down');
    const renew = renewer({ 1: down, 2: down, 3: down, 4: down });
    const keeper = keepLeaseAlive(lease(), { heartbeatMs: HEARTBEAT, renew });

    await vi.advanceTimersByTimeAsync(2 * HEARTBEAT);
    expect(keeper.signal.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(HEARTBEAT);

    expect(keeper.signal.aborted).toBe(true);
    expect(keeper.signal.reason).toBeInstanceOf(LeaseLostError);
    expect(String((keeper.signal.reason as Error).message)).toContain('could not renew it before it expired');
    await keeper.stop();
  });
});
