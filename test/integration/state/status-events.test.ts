import { QueryCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LeaseLostError } from '../../../src/state/errors.js';
import { appendEvent, EVENT_TTL_MS, listEvents } from '../../../src/state/events.js';
import { acquireLease } from '../../../src/state/lease.js';
import { nextCondition, readStatus, writeStatus } from '../../../src/state/status-store.js';
import type { StackStatus } from '../../../src/state/types.js';
import { type StateFixture, startStateFixture } from './state-fixture.js';

let fx: StateFixture;

beforeAll(async () => {
  fx = await startStateFixture();
});

afterAll(async () => {
  await fx.moto.stop();
});

const T0 = Date.parse('2025-05-06T07:08:09.000Z');

function status(generation: number, synced: 'True' | 'False'): StackStatus {
  const condition = {
    status: synced,
    reason: synced === 'True' ? 'ReconcileSuccess' : 'ReconcileError',
    message: '',
    lastTransitionTime: '2025-05-06T07:08:09.000Z',
    observedGeneration: generation,
  };
  return {
    observedGeneration: generation,
    conditions: { Synced: condition, Ready: { ...condition, reason: 'Available' } },
    health: 'Healthy',
    lastPass: {
      startedAt: '2025-05-06T07:08:00.000Z',
      finishedAt: '2025-05-06T07:08:09.000Z',
      mutations: 0,
      result: 'success',
    },
    summary: { total: 12, inSync: 12, changed: 0, missing: 0, pending: 0, unmanaged: 0, failed: 0 },
  };
}

describe('stack status', () => {
  it('round-trips a status written by the lease holder', async () => {
    const ref = await fx.freshStack('shop', 'status');
    expect(await readStatus(ref)).toBeUndefined();
    const lease = await acquireLease({ ...ref, owner: 'op-a' });
    if (!lease) throw new Error('expected the lease');
    await writeStatus({ ...ref, lease, status: status(3, 'True') });
    expect(await readStatus(ref)).toEqual(status(3, 'True'));
  });

  it('rejects a status from an ex-holder and keeps the newer one', async () => {
    const ref = await fx.freshStack('shop', 'status-fenced');
    let t = T0;
    const old = await acquireLease({ ...ref, owner: 'op-a', durationMs: 1_000, now: () => t });
    t += 2_000;
    const current = await acquireLease({ ...ref, owner: 'op-b', durationMs: 1_000, now: () => t });
    if (!old || !current) throw new Error('expected both leases');
    await writeStatus({ ...ref, lease: current, status: status(4, 'True') });

    await expect(writeStatus({ ...ref, lease: old, status: status(3, 'False') })).rejects.toBeInstanceOf(
      LeaseLostError,
    );
    expect(await readStatus(ref)).toEqual(status(4, 'True'));
  });

  it.each([
    {
      reason: 'keeps the transition time when the status is unchanged',
      from: 'True',
      to: 'True',
      moved: false,
    },
    { reason: 'moves the transition time when the status flips', from: 'True', to: 'False', moved: true },
  ] as const)('nextCondition $reason', ({ from, to, moved }) => {
    const previous = status(1, from).conditions.Synced;
    const next = nextCondition(
      previous,
      { status: to, reason: 'R', message: 'm', observedGeneration: 2 },
      T0 + 60_000,
    );
    expect(next.lastTransitionTime).toBe(moved ? '2025-05-06T07:09:09.000Z' : previous.lastTransitionTime);
    expect(next).toMatchObject({ status: to, reason: 'R', observedGeneration: 2 });
  });
});

describe('events', () => {
  it('lists the newest first, up to a limit', async () => {
    const ref = await fx.freshStack('shop', 'events');
    for (let i = 0; i < 4; i++) {
      const now = () => T0 + i * 1_000;
      await appendEvent({
        ...ref,
        type: 'Normal',
        reason: 'Created',
        message: `created ${i}`,
        logicalId: `r/${i}`,
        now,
      });
    }
    await appendEvent({
      ...ref,
      type: 'Warning',
      reason: 'Conflict',
      message: 'newest',
      now: () => T0 + 4_000,
    });

    const listed = await listEvents({ ...ref, limit: 3, now: () => T0 });

    expect(listed.map((e) => [e.type, e.message])).toEqual([
      ['Warning', 'newest'],
      ['Normal', 'created 3'],
      ['Normal', 'created 2'],
    ]);
    expect(listed[1]).toEqual({
      at: '2025-05-06T07:08:12.000Z',
      type: 'Normal',
      reason: 'Created',
      message: 'created 3',
      logicalId: 'r/3',
    });
  });

  it('keeps two events of the same millisecond', async () => {
    const ref = await fx.freshStack('shop', 'events-same-ms');
    await appendEvent({ ...ref, type: 'Normal', reason: 'A', message: 'a', now: () => T0 });
    await appendEvent({ ...ref, type: 'Normal', reason: 'B', message: 'b', now: () => T0 });
    const listed = await listEvents({ ...ref, now: () => T0 });
    expect(listed.map((e) => e.reason).sort()).toEqual(['A', 'B']);
  });

  it('stores expiresAt (epoch seconds) a week ahead and hides events past it', async () => {
    const ref = await fx.freshStack('shop', 'events-ttl');
    await appendEvent({ ...ref, type: 'Normal', reason: 'Synced', message: 'ok', now: () => T0 });

    const raw = await fx.clients.dynamodb.send(
      new QueryCommand({
        TableName: ref.table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': { S: 'STACK#shop#events-ttl' } },
      }),
    );
    expect(raw.Items?.map((i) => i.expiresAt)).toEqual([{ N: String((T0 + EVENT_TTL_MS) / 1000) }]);
    expect(await listEvents({ ...ref, now: () => T0 + EVENT_TTL_MS - 1_000 })).toHaveLength(1);
    expect(await listEvents({ ...ref, now: () => T0 + EVENT_TTL_MS })).toHaveLength(0);
  });
});
