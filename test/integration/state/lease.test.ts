import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LeaseLostError } from '../../../src/state/errors.js';
import { acquireLease, readLease, releaseLease, renewLease } from '../../../src/state/lease.js';
import { type StateFixture, startStateFixture } from './state-fixture.js';

let fx: StateFixture;

beforeAll(async () => {
  fx = await startStateFixture();
});

afterAll(async () => {
  await fx.moto.stop();
});

/** A settable clock shared by both contenders. */
function clock(start = 1_700_000_000_000): { now: () => number; advance(ms: number): void } {
  let t = start;
  return {
    now: () => t,
    advance(ms) {
      t += ms;
    },
  };
}

const DURATION = 20_000;

describe('leases', () => {
  it('lets exactly one of two owners hold a stack; the other wins after expiry with a higher fence', async () => {
    const ref = await fx.freshStack();
    const time = clock();
    const a = await acquireLease({ ...ref, owner: 'a', durationMs: DURATION, now: time.now });
    const b = await acquireLease({ ...ref, owner: 'b', durationMs: DURATION, now: time.now });
    expect(a?.fence).toBe(1);
    expect(b).toBeUndefined();

    time.advance(DURATION - 1);
    expect(await acquireLease({ ...ref, owner: 'b', durationMs: DURATION, now: time.now })).toBeUndefined();

    time.advance(1);
    const b2 = await acquireLease({ ...ref, owner: 'b', durationMs: DURATION, now: time.now });
    expect(b2?.fence).toBe(2);
    expect(await readLease(ref)).toMatchObject({ owner: 'b', fence: 2, expiresAtMs: time.now() + DURATION });

    // The ex-holder cannot renew: its fence is stale.
    if (!a) throw new Error('a should hold the lease');
    await expect(renewLease(a)).rejects.toMatchObject({
      name: 'LeaseLostError',
      code: 'LEASE_LOST',
      fence: 1,
    });
    await expect(renewLease(a)).rejects.toThrow(/now held by b with fence 2/);
    expect(await readLease(ref)).toMatchObject({ owner: 'b', fence: 2 });
  });

  // Truly concurrent acquirers are not tested here: moto's threaded server does not serialize
  // conditional writes (observed: 4 of 5 parallel acquirers "won"), while DynamoDB does per item.
  it('turns away every other owner while the lease is live', async () => {
    const r = await fx.freshStack('shop', 'many');
    const results = [];
    for (const owner of ['o1', 'o2', 'o3', 'o4'])
      results.push(await acquireLease({ ...r, owner, durationMs: DURATION }));
    expect(results.map((l) => l?.owner)).toEqual(['o1', undefined, undefined, undefined]);
    expect(await readLease(r)).toMatchObject({ owner: 'o1', fence: 1 });
  });

  it('renewal extends the lease and changes the record version, keeping the fence', async () => {
    const r = await fx.freshStack('shop', 'renew');
    const time = clock();
    const lease = await acquireLease({ ...r, owner: 'a', durationMs: DURATION, now: time.now });
    if (!lease) throw new Error('expected the lease');
    time.advance(15_000);
    const renewed = await renewLease(lease);
    expect(renewed).toMatchObject({ fence: lease.fence, expiresAtMs: time.now() + DURATION });
    expect(renewed.rvn).not.toBe(lease.rvn);
    expect(await readLease(r)).toEqual({
      owner: 'a',
      fence: 1,
      rvn: renewed.rvn,
      expiresAtMs: time.now() + DURATION,
    });

    // Past the original expiry but renewed: still ours.
    time.advance(10_000);
    expect(await acquireLease({ ...r, owner: 'b', durationMs: DURATION, now: time.now })).toBeUndefined();
  });

  it('re-acquiring our own lease bumps the fence, cutting off the previous acquisition', async () => {
    const r = await fx.freshStack('shop', 'again');
    const first = await acquireLease({ ...r, owner: 'a' });
    const second = await acquireLease({ ...r, owner: 'a' });
    expect([first?.fence, second?.fence]).toEqual([1, 2]);
    if (!first) throw new Error('expected the lease');
    await expect(renewLease(first)).rejects.toBeInstanceOf(LeaseLostError);
  });

  it('release frees the lease at once and the fence keeps rising', async () => {
    const r = await fx.freshStack('shop', 'release');
    const time = clock();
    const a = await acquireLease({ ...r, owner: 'a', durationMs: DURATION, now: time.now });
    if (!a) throw new Error('expected the lease');
    expect(await releaseLease(a)).toBe(true);
    expect(await readLease(r)).toMatchObject({ owner: undefined, fence: 1 });
    expect(await releaseLease(a)).toBe(false);

    const b = await acquireLease({ ...r, owner: 'b', durationMs: DURATION, now: time.now });
    expect(b?.fence).toBe(2);
    await expect(renewLease(a)).rejects.toThrow(/now held by b/);
  });
});
