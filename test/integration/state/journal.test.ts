import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CallStats } from '../../../src/aws/call-stats.js';
import { attachCallStatsToClient } from '../../../src/aws/call-stats-middleware.js';
import { LeaseLostError } from '../../../src/state/errors.js';
import { Journal } from '../../../src/state/journal.js';
import { acquireLease, type Lease, releaseLease } from '../../../src/state/lease.js';
import type { StackRef } from '../../../src/state/types.js';
import { type StateFixture, startStateFixture } from './state-fixture.js';

let fx: StateFixture;

beforeAll(async () => {
  fx = await startStateFixture();
});

afterAll(async () => {
  await fx.moto.stop();
});

const T0 = Date.parse('2025-01-02T03:04:05.000Z');

async function leased(stack: string, owner = 'op-a'): Promise<{ ref: StackRef; lease: Lease }> {
  const ref = await fx.freshStack('shop', stack);
  const lease = await acquireLease({ ...ref, owner });
  if (!lease) throw new Error('expected the lease');
  return { ref, lease };
}

const intent = { kind: 'ecs.Service', name: 'shop-prod-web', token: 'tok-123' } as const;
const applied = {
  kind: 'ecs.Service',
  name: 'shop-prod-web',
  physicalId: 'arn:aws:ecs:eu-west-1:123456789012:service/shop-prod/web',
  outputs: { arn: 'arn:aws:ecs:eu-west-1:123456789012:service/shop-prod/web' },
  specHash: 'sha256:abc',
} as const;

describe('Journal', () => {
  it('records an intent, then the applied result, clearing createPending', async () => {
    const { ref, lease } = await leased('roundtrip');
    const journal = new Journal({ ...ref, lease, now: () => T0 });

    await journal.recordIntent('service/web', intent);
    expect(await journal.list()).toEqual([
      {
        logicalId: 'service/web',
        kind: 'ecs.Service',
        name: 'shop-prod-web',
        createPending: { token: 'tok-123', at: '2025-01-02T03:04:05.000Z' },
        updatedAt: '2025-01-02T03:04:05.000Z',
      },
    ]);

    await journal.recordApplied('service/web', applied);
    expect(await journal.list()).toEqual([
      { logicalId: 'service/web', ...applied, updatedAt: '2025-01-02T03:04:05.000Z' },
    ]);
    const raw = await fx.rawItem(ref.table, 'STACK#shop#roundtrip', 'RES#service/web');
    expect(raw?.createPending).toBeUndefined();
    expect(raw?.writtenByFence).toEqual({ N: String(lease.fence) });
  });

  it('lists entries of this stack only, sorted by logical id, and forgets them', async () => {
    const { ref, lease } = await leased('listing');
    const journal = new Journal({ ...ref, lease });
    const other = await acquireLease({ ...ref, stack: 'other', owner: 'op-a' });
    if (!other) throw new Error('expected the lease');
    await new Journal({ ...ref, stack: 'other', lease: other }).recordIntent('vpc', {
      ...intent,
      kind: 'ec2.Vpc',
    });

    for (const id of ['tg/web-80', 'sg/alb', 'service/web'])
      await journal.recordIntent(id, { ...intent, token: id });
    expect((await journal.list()).map((e) => e.logicalId)).toEqual(['service/web', 'sg/alb', 'tg/web-80']);

    await journal.forget('sg/alb');
    await journal.forget('never-existed');
    expect((await journal.list()).map((e) => e.logicalId)).toEqual(['service/web', 'tg/web-80']);
  });

  it('rejects a write with a stale fence with LeaseLostError and leaves the item unchanged', async () => {
    const time = { t: T0 };
    const ref = await fx.freshStack('shop', 'fenced');
    const oldLease = await acquireLease({ ...ref, owner: 'op-a', durationMs: 20_000, now: () => time.t });
    if (!oldLease) throw new Error('expected the lease');
    const stale = new Journal({ ...ref, lease: oldLease, now: () => time.t });
    await stale.recordIntent('service/web', intent);
    const before = await fx.rawItem(ref.table, 'STACK#shop#fenced', 'RES#service/web');

    // op-a pauses past its lease; op-b takes over with a higher fence.
    time.t += 25_000;
    const newLease = await acquireLease({ ...ref, owner: 'op-b', durationMs: 20_000, now: () => time.t });
    expect(newLease?.fence).toBe(oldLease.fence + 1);

    await expect(stale.recordApplied('service/web', applied)).rejects.toBeInstanceOf(LeaseLostError);
    await expect(stale.recordIntent('service/api', intent)).rejects.toMatchObject({ code: 'LEASE_LOST' });
    await expect(stale.forget('service/web')).rejects.toBeInstanceOf(LeaseLostError);

    expect(await fx.rawItem(ref.table, 'STACK#shop#fenced', 'RES#service/web')).toEqual(before);
    expect(await fx.rawItem(ref.table, 'STACK#shop#fenced', 'RES#service/api')).toBeUndefined();

    // The new holder writes fine.
    if (!newLease) throw new Error('expected the lease');
    await new Journal({ ...ref, lease: newLease }).recordApplied('service/web', applied);
    expect((await stale.list())[0]).toMatchObject({ physicalId: applied.physicalId });
  });

  it('rejects writes after the lease was released', async () => {
    const { ref, lease } = await leased('released');
    const journal = new Journal({ ...ref, lease });
    await releaseLease(lease);
    await expect(journal.recordIntent('vpc', { ...intent, kind: 'ec2.Vpc' })).rejects.toBeInstanceOf(
      LeaseLostError,
    );
    expect(await journal.list()).toEqual([]);
  });

  it('pages through a journal larger than one DynamoDB page (1 MB)', async () => {
    const { ref, lease } = await leased('big');
    const stats = new CallStats();
    attachCallStatsToClient(ref.client, stats, 'dynamodb');
    const journal = new Journal({ ...ref, lease });
    // 300 KB per entry × 6 entries > 1 MB. Written one by one: moto answers 500 to parallel transactions.
    const outputs = { note: 'x'.repeat(300_000) };
    const ids = Array.from({ length: 6 }, (_, i) => `res/${i}`);
    for (const id of ids) await journal.recordApplied(id, { ...applied, outputs, physicalId: id });
    stats.reset();

    const listed = await journal.list();

    expect(listed.map((e) => e.logicalId)).toEqual(ids);
    expect(stats.snapshot().find((r) => r.operation === 'Query')?.count).toBeGreaterThan(1);
  });
});
