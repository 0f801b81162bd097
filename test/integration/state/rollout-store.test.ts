/**
 * The rollout item against moto's DynamoDB: stored where keys.ts says, one unfinished rollout per
 * project, and writes conditional on the version read, so two runners never both advance a rollout.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aborted, newRollout, type RolloutRecord, waveFinished } from '../../../src/rollout/record.js';
import {
  createRollout,
  RolloutConflictError,
  readRollout,
  saveRollout,
} from '../../../src/state/rollout-store.js';
import type { StateTarget } from '../../../src/state/types.js';
import { type StateFixture, startStateFixture } from './state-fixture.js';

let fx: StateFixture;

beforeAll(async () => {
  fx = await startStateFixture();
});

afterAll(async () => {
  await fx.moto.stop();
});

const AT = '2026-12-06T00:00:00.000Z';

function rollout(id: string): RolloutRecord {
  return newRollout({
    id,
    project: 'shop',
    images: { web: 'nginx:1.28' },
    waves: [['a'], ['b']],
    wavesSpec: '1,100%',
    pauseSeconds: 0,
    maxFailures: 0,
    at: AT,
  });
}

async function freshTarget(): Promise<StateTarget> {
  const ref = await fx.freshStack();
  return { client: ref.client, table: ref.table };
}

describe('rollout store', () => {
  it('stores the record under ROLLOUT#<project> and reads it back whole', async () => {
    const target = await freshTarget();
    const created = await createRollout(target, rollout('ro-1'));
    expect(created.version).toBe(1);
    const raw = await fx.rawItem(target.table, 'ROLLOUT#shop', 'ROLLOUT');
    expect(raw?.phase).toEqual({ S: 'running' });
    expect(await readRollout<RolloutRecord>(target, 'shop')).toEqual(created);
    expect(await readRollout(target, 'other')).toBeUndefined();
  });

  it.each([
    { reason: 'a running rollout blocks a new one', finish: (r: RolloutRecord) => r, refused: true },
    {
      reason: 'a completed rollout makes room',
      finish: (r: RolloutRecord) => waveFinished(waveFinished(r, AT), AT),
      refused: false,
    },
    { reason: 'an aborted rollout makes room', finish: (r: RolloutRecord) => aborted(r, AT), refused: false },
  ])('$reason', async ({ finish, refused }) => {
    const target = await freshTarget();
    const first = await createRollout(target, rollout('ro-1'));
    await saveRollout(target, finish(first));
    const second = createRollout(target, rollout('ro-2'));
    if (refused) {
      await expect(second).rejects.toBeInstanceOf(RolloutConflictError);
      expect((await readRollout<RolloutRecord>(target, 'shop'))?.id).toBe('ro-1');
    } else {
      await expect(second).resolves.toMatchObject({ id: 'ro-2', version: 1 });
    }
  });

  it('lets only one of two writers that read the same version advance the rollout', async () => {
    const target = await freshTarget();
    const read = await createRollout(target, rollout('ro-1'));
    const winner = await saveRollout(target, waveFinished(read, AT));
    expect(winner.version).toBe(2);
    await expect(saveRollout(target, aborted(read, AT))).rejects.toBeInstanceOf(RolloutConflictError);
    const stored = await readRollout<RolloutRecord>(target, 'shop');
    expect([stored?.phase, stored?.currentWave, stored?.version]).toEqual(['running', 1, 2]);
  });
});
