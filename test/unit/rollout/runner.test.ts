import { describe, expect, it } from 'vitest';
import { newRollout, type RolloutRecord } from '../../../src/rollout/record.js';
import {
  abortRollout,
  type RolloutDeps,
  type RolloutProgress,
  resumeRollout,
  runRollout,
  type StackOutcome,
} from '../../../src/rollout/runner.js';
import { planWaves } from '../../../src/rollout/waves.js';
import { RolloutConflictError } from '../../../src/state/index.js';

const STACKS = Array.from({ length: 12 }, (_, i) => `c${String(i + 1).padStart(2, '0')}`);

/** A fake fleet: images per stack, a store with version checks, a clock and a sleep that only records. */
function world(options: { failing?: Set<string>; pauseSeconds?: number; crashAfterSaves?: number } = {}) {
  const images = new Map(STACKS.map((s) => [s, 'v1']));
  const deploys: string[] = [];
  const sleeps: number[] = [];
  const progress: RolloutProgress[] = [];
  let stored: RolloutRecord | undefined;
  let saves = 0;
  const deps: RolloutDeps = {
    async save(record) {
      if (options.crashAfterSaves !== undefined && saves >= options.crashAfterSaves)
        throw new Error('killed');
      if (stored && stored.version !== record.version)
        throw new RolloutConflictError(`stored ${stored.version}, writer read ${record.version}`);
      saves += 1;
      stored = { ...record, version: record.version + 1 };
      return stored;
    },
    previousImages: async (stack) => ({ web: images.get(stack) ?? '?' }),
    async deploy(stack, want): Promise<StackOutcome> {
      deploys.push(`${stack}=${want.web}`);
      if (options.failing?.has(stack)) return { ok: false, reason: 'web unhealthy' };
      images.set(stack, want.web ?? '?');
      return { ok: true };
    },
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    now: () => 0,
    onProgress: (p) => progress.push(p),
    concurrency: 3,
  };
  const record = newRollout({
    id: 'ro-1',
    project: 'p',
    images: { web: 'v2' },
    waves: planWaves(STACKS, '1,10%,50%,100%'),
    wavesSpec: '1,10%,50%,100%',
    pauseSeconds: options.pauseSeconds ?? 0,
    maxFailures: 0,
    at: 'T',
  });
  return { images, deploys, sleeps, progress, record, deps, stored: () => stored };
}

describe('runRollout', () => {
  it('deploys every stack once, wave by wave, pausing between waves but not after the last', async () => {
    const w = world({ pauseSeconds: 600 });
    const done = await runRollout(w.record, w.deps);
    expect(done.phase).toBe('completed');
    expect([...w.images.values()].every((i) => i === 'v2')).toBe(true);
    expect(w.deploys.sort()).toEqual(STACKS.map((s) => `${s}=v2`));
    expect(w.sleeps).toEqual([600_000, 600_000, 600_000]);
    expect(w.progress.flatMap((p) => (p.type === 'wave-started' ? [p.stacks.length] : []))).toEqual([
      1, 1, 4, 6,
    ]);
  });

  it('stops at a failing wave: later waves untouched, the failure named; resume after the fix completes', async () => {
    const failing = new Set(['c02']);
    const w = world({ failing });
    const failed = await runRollout(w.record, w.deps);
    expect(failed.phase).toBe('failed');
    expect(failed.failure).toBe('wave 2 failed: c02 (web unhealthy)');
    expect(STACKS.filter((s) => w.images.get(s) === 'v2')).toEqual(['c01']);
    failing.clear();
    const done = await resumeRollout(failed, w.deps);
    expect(done.phase).toBe('completed');
    expect(w.deploys.filter((d) => d.startsWith('c01'))).toEqual(['c01=v2']);
    expect(done.stacks.c02).toMatchObject({ phase: 'succeeded', attempts: 2, previousImages: { web: 'v1' } });
  });

  it('abort puts the failed wave back on its previous images and leaves the rest alone', async () => {
    const w = world({ failing: new Set(['c02']) });
    const failed = await runRollout(w.record, w.deps);
    w.deploys.length = 0;
    const done = await abortRollout(failed, {
      ...w.deps,
      deploy: async (s, want) => {
        w.images.set(s, want.web ?? '?');
        w.deploys.push(`${s}=${want.web}`);
        return { ok: true };
      },
    });
    expect(done.phase).toBe('aborted');
    expect(w.deploys).toEqual(['c02=v1']);
    expect(done.stacks.c02?.phase).toBe('reverted');
    expect(w.images.get('c01')).toBe('v2');
  });

  it('a runner that died mid-rollout is resumed from its stored record, skipping finished stacks', async () => {
    const w = world({ crashAfterSaves: 2 }); // c01 done, its wave's end never stored
    await expect(runRollout(w.record, w.deps)).rejects.toThrow('killed');
    const left = w.stored();
    expect(left?.phase).toBe('running');
    const resumed = await resumeRollout(left as RolloutRecord, { ...w.deps, save: world().deps.save });
    expect(resumed.phase).toBe('completed');
    expect(w.deploys.filter((d) => d.startsWith('c01'))).toEqual(['c01=v2']);
    expect(w.progress).toContainEqual({ type: 'stack-skipped', wave: 0, stack: 'c01' });
  });

  it('two runners of one rollout: the second writer loses and stops', async () => {
    const w = world();
    const stored = await w.deps.save(w.record);
    await w.deps.save({ ...stored }); // someone else advanced it
    await expect(runRollout(stored, w.deps)).rejects.toBeInstanceOf(RolloutConflictError);
    expect(w.deploys).toEqual([]);
  });

  it('a stack whose images cannot be read fails without being deployed', async () => {
    const w = world();
    const done = await runRollout(w.record, {
      ...w.deps,
      previousImages: async (s) => {
        if (s === 'c01') throw new Error('stack file c01.yaml is invalid');
        return { web: 'v1' };
      },
    });
    expect(done.failure).toBe('wave 1 failed: c01 (stack file c01.yaml is invalid)');
    expect(w.deploys).toEqual([]);
  });
});
