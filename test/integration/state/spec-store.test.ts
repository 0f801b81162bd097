import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CallStats } from '../../../src/aws/call-stats.js';
import { attachCallStatsToClient } from '../../../src/aws/call-stats-middleware.js';
import { SpecConflictError, SpecTooLargeError, StackDeletingError } from '../../../src/state/errors.js';
import { listSpecs } from '../../../src/state/spec-record.js';
import { deleteSpec, getSpec, markForDeletion, putSpec, setPaused } from '../../../src/state/spec-store.js';
import { type StateFixture, startStateFixture } from './state-fixture.js';

let fx: StateFixture;

beforeAll(async () => {
  fx = await startStateFixture();
});

afterAll(async () => {
  await fx.moto.stop();
});

const T0 = Date.parse('2025-03-04T05:06:07.000Z');
const spec = { services: { web: { image: 'nginx:1.27', replicas: 2 } }, mode: 'affordable' } as const;

describe('stack specs', () => {
  it('creates at generation 1, then bumps the generation on each accepted write', async () => {
    const ref = await fx.freshStack('shop', 'prod');
    const created = await putSpec({ ...ref, spec, expectedGeneration: 0, updatedBy: 'alice', now: () => T0 });
    expect(created).toEqual({
      project: 'shop',
      stack: 'prod',
      spec,
      generation: 1,
      paused: false,
      updatedAt: '2025-03-04T05:06:07.000Z',
      updatedBy: 'alice',
    });
    const next = { ...spec, mode: 'balanced' };
    const updated = await putSpec({ ...ref, spec: next, expectedGeneration: 1 });
    expect(updated).toMatchObject({ generation: 2, spec: next });
    expect(await getSpec(ref)).toMatchObject({ generation: 2, spec: next });
  });

  it.each([
    { reason: 'a stale generation', expected: 1, actual: 2 },
    { reason: 'a generation from the future', expected: 5, actual: 2 },
    { reason: 'create over an existing spec', expected: 0, actual: 2 },
  ])('rejects $reason and keeps the stored spec', async ({ expected, actual }) => {
    const ref = await fx.freshStack('shop', 'occ');
    await putSpec({ ...ref, spec, expectedGeneration: 0 });
    await putSpec({ ...ref, spec, expectedGeneration: 1 });
    const before = await getSpec(ref);

    const err = await putSpec({ ...ref, spec: { other: true }, expectedGeneration: expected }).catch(
      (e: unknown) => e,
    );

    expect(err).toBeInstanceOf(SpecConflictError);
    expect(err).toMatchObject({
      code: 'SPEC_CONFLICT',
      expectedGeneration: expected,
      actualGeneration: actual,
    });
    expect(await getSpec(ref)).toEqual(before);
  });

  it('rejects an update of a spec that does not exist', async () => {
    const ref = await fx.freshStack('shop', 'none');
    await expect(putSpec({ ...ref, spec, expectedGeneration: 3 })).rejects.toMatchObject({
      code: 'SPEC_CONFLICT',
      actualGeneration: undefined,
    });
    expect(await getSpec(ref)).toBeUndefined();
  });

  it('refuses a spec that cannot fit one item, before calling DynamoDB', async () => {
    const ref = await fx.freshStack('shop', 'huge');
    await expect(
      putSpec({ ...ref, spec: { blob: 'x'.repeat(400_000) }, expectedGeneration: 0 }),
    ).rejects.toBeInstanceOf(SpecTooLargeError);
    expect(await getSpec(ref)).toBeUndefined();
  });

  it('pauses, resumes and keeps paused across pushes, bumping the generation', async () => {
    const ref = await fx.freshStack('shop', 'pause');
    await putSpec({ ...ref, spec, expectedGeneration: 0 });
    expect(await setPaused({ ...ref, paused: true, expectedGeneration: 1 })).toMatchObject({
      paused: true,
      generation: 2,
    });
    expect(await putSpec({ ...ref, spec, expectedGeneration: 2 })).toMatchObject({
      paused: true,
      generation: 3,
    });
    await expect(setPaused({ ...ref, paused: false, expectedGeneration: 2 })).rejects.toBeInstanceOf(
      SpecConflictError,
    );
    expect(await setPaused({ ...ref, paused: false, expectedGeneration: 3 })).toMatchObject({
      paused: false,
    });
  });

  it('marks for deletion, refuses pushes meanwhile, then deletes on the read generation', async () => {
    const ref = await fx.freshStack('shop', 'gone');
    await putSpec({ ...ref, spec, expectedGeneration: 0 });
    const marked = await markForDeletion({ ...ref, expectedGeneration: 1, now: () => T0 });
    expect(marked).toMatchObject({ generation: 2, deletionRequestedAt: '2025-03-04T05:06:07.000Z' });

    await expect(putSpec({ ...ref, spec, expectedGeneration: 2 })).rejects.toBeInstanceOf(StackDeletingError);
    await expect(deleteSpec({ ...ref, expectedGeneration: 1 })).rejects.toBeInstanceOf(SpecConflictError);
    expect(await getSpec(ref)).toMatchObject({ generation: 2 });

    expect(await deleteSpec({ ...ref, expectedGeneration: 2 })).toBe(true);
    expect(await getSpec(ref)).toBeUndefined();
    expect(await deleteSpec({ ...ref, expectedGeneration: 2 })).toBe(false);
    expect(await putSpec({ ...ref, spec, expectedGeneration: 0 })).toMatchObject({ generation: 1 });
  });

  it('lists specs over several pages, sorted, optionally for one project', async () => {
    const ref = await fx.freshStack('shop', 'unused');
    const stacks = [
      ['shop', 'prod'],
      ['shop', 'dev'],
      ['shop', 'pr-12'],
      ['blog', 'prod'],
      ['shopping', 'prod'],
    ] as const;
    for (const [project, stack] of stacks) {
      await putSpec({ client: ref.client, table: ref.table, project, stack, spec, expectedGeneration: 0 });
    }
    const stats = new CallStats();
    attachCallStatsToClient(ref.client, stats, 'dynamodb');

    const all = await listSpecs({ client: ref.client, table: ref.table, pageSize: 2 });
    expect(all.map((s) => `${s.project}/${s.stack}`)).toEqual([
      'blog/prod',
      'shop/dev',
      'shop/pr-12',
      'shop/prod',
      'shopping/prod',
    ]);
    expect(stats.snapshot().find((r) => r.operation === 'Query')?.count).toBeGreaterThanOrEqual(3);

    const shop = await listSpecs({ client: ref.client, table: ref.table, project: 'shop', pageSize: 2 });
    expect(shop.map((s) => s.stack)).toEqual(['dev', 'pr-12', 'prod']);
    expect(shop.every((s) => s.generation === 1 && s.paused === false)).toBe(true);
  });
});
