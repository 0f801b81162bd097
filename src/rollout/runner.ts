/**
 * Runs a rollout's waves: each wave's stacks deploy in parallel (bounded), each judged Synced, Healthy
 * and wired before it counts as done; a wave with more failures than allowed stops the rollout with
 * later waves untouched. Every step is stored (through `deps.save`, a conditional write) before the
 * next, so a runner killed at any point leaves a record `resume` continues from: the current wave, with
 * its succeeded stacks skipped.
 *
 * How a stack deploys and is judged, where the record lives, how time passes: all injected, so the CLI
 * wires AWS in and tests drive it with fakes.
 *
 * @module
 */
import pLimit from 'p-limit';
import {
  aborted,
  type RolloutRecord,
  resumed,
  stackFinished,
  stackReverted,
  stackStarted,
  stacksToRevert,
  stacksToRun,
  waveFinished,
} from './record.js';

/** Stacks of one wave deployed at once when the caller does not say. */
export const DEFAULT_ROLLOUT_CONCURRENCY = 4;

/** How one stack's deploy ended. */
export type StackOutcome = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/** What the runner reports as it goes (the CLI prints it per wave and per stack). */
export type RolloutProgress =
  | {
      readonly type: 'wave-started';
      readonly wave: number;
      readonly waves: number;
      readonly stacks: readonly string[];
    }
  | { readonly type: 'stack-skipped'; readonly wave: number; readonly stack: string }
  | { readonly type: 'stack-started'; readonly wave: number; readonly stack: string }
  | {
      readonly type: 'stack-finished';
      readonly wave: number;
      readonly stack: string;
      readonly outcome: StackOutcome;
      readonly elapsedMs: number;
    }
  | { readonly type: 'wave-finished'; readonly wave: number; readonly ok: boolean }
  | { readonly type: 'pausing'; readonly seconds: number }
  | { readonly type: 'revert-finished'; readonly stack: string; readonly outcome: StackOutcome };

/** What the runner needs from the world. */
export interface RolloutDeps {
  /** Stores the record as its next version (conditional on the version it carries) and returns it. */
  save(record: RolloutRecord): Promise<RolloutRecord>;
  /** The images `stack` runs now, recorded before its first pass so `abort` can put them back. */
  previousImages(stack: string): Promise<Readonly<Record<string, string>>>;
  /**
   * One reconcile pass of `stack` with `images` over its own, then the wait until it is Synced, Healthy
   * and wired. A thrown error counts as a failure with the error's message.
   */
  deploy(stack: string, images: Readonly<Record<string, string>>): Promise<StackOutcome>;
  /** Appends a per-stack event to the state table (failures ignored by the caller's implementation). */
  event?(stack: string, type: 'Normal' | 'Warning', reason: string, message: string): Promise<void>;
  sleep(ms: number): Promise<void>;
  /** @default Date.now */
  now?(): number;
  onProgress?(progress: RolloutProgress): void;
  /** @default DEFAULT_ROLLOUT_CONCURRENCY */
  readonly concurrency?: number;
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Serialises record updates from parallel stacks: each applies its change to the latest stored record.
 * After a failed save nothing else is written (the record belongs to someone else now).
 */
function recordWriter(deps: RolloutDeps, initial: RolloutRecord) {
  let current = initial;
  let queue: Promise<unknown> = Promise.resolve();
  let failed: unknown;
  return {
    get current(): RolloutRecord {
      return current;
    },
    update(change: (record: RolloutRecord) => RolloutRecord): Promise<RolloutRecord> {
      const next = queue.then(async () => {
        if (failed !== undefined) throw failed;
        try {
          current = await deps.save(change(current));
        } catch (err) {
          failed = err;
          throw err;
        }
        return current;
      });
      queue = next.catch(() => undefined);
      return next;
    },
  };
}

async function deployOne(deps: RolloutDeps, stack: string, images: Readonly<Record<string, string>>) {
  try {
    return await deps.deploy(stack, images);
  } catch (err) {
    return { ok: false, reason: messageOf(err) } as const;
  }
}

async function emitEvent(deps: RolloutDeps, stack: string, ...rest: ['Normal' | 'Warning', string, string]) {
  await deps.event?.(stack, ...rest).catch(() => undefined);
}

/**
 * Runs (or, for a stored record, continues) the rollout until it completes or a wave fails.
 *
 * @returns the stored record at the end: `completed` or `failed`
 * @throws RolloutConflictError (from `deps.save`) when another process changed the rollout
 */
export async function runRollout(record: RolloutRecord, deps: RolloutDeps): Promise<RolloutRecord> {
  const now = deps.now ?? Date.now;
  const at = (): string => new Date(now()).toISOString();
  const writer = recordWriter(deps, record);
  const limit = pLimit(deps.concurrency ?? DEFAULT_ROLLOUT_CONCURRENCY);
  while (writer.current.phase === 'running' && writer.current.currentWave < writer.current.waves.length) {
    const wave = writer.current.currentWave;
    const all = writer.current.waves[wave] ?? [];
    const toRun = stacksToRun(writer.current, wave);
    deps.onProgress?.({ type: 'wave-started', wave, waves: writer.current.waves.length, stacks: all });
    for (const stack of all)
      if (!toRun.includes(stack)) deps.onProgress?.({ type: 'stack-skipped', wave, stack });
    await Promise.all(
      toRun.map((stack) =>
        limit(async () => {
          const t0 = now();
          let previous = writer.current.stacks[stack]?.previousImages;
          let unreadable: StackOutcome | undefined;
          if (previous === undefined) {
            try {
              previous = await deps.previousImages(stack);
            } catch (err) {
              unreadable = { ok: false, reason: messageOf(err) };
            }
          }
          const started = await writer.update((r) => stackStarted(r, stack, previous, at()));
          deps.onProgress?.({ type: 'stack-started', wave, stack });
          await emitEvent(
            deps,
            stack,
            'Normal',
            'RolloutStarted',
            `rollout ${started.id} wave ${wave + 1}: deploying`,
          );
          // A stack whose current images cannot be read (its stack file does not load) is not deployed.
          const outcome = unreadable ?? (await deployOne(deps, stack, started.images));
          await writer.update((r) => stackFinished(r, stack, outcome, at()));
          deps.onProgress?.({ type: 'stack-finished', wave, stack, outcome, elapsedMs: now() - t0 });
          await emitEvent(
            deps,
            stack,
            outcome.ok ? 'Normal' : 'Warning',
            outcome.ok ? 'RolloutSucceeded' : 'RolloutFailed',
            outcome.ok
              ? `rollout ${started.id} wave ${wave + 1}: synced, healthy and wired`
              : `rollout ${started.id} wave ${wave + 1}: ${outcome.reason}`,
          );
        }),
      ),
    );
    const after = await writer.update((r) => waveFinished(r, at()));
    deps.onProgress?.({ type: 'wave-finished', wave, ok: after.phase !== 'failed' });
    if (after.phase === 'running' && after.pauseSeconds > 0) {
      deps.onProgress?.({ type: 'pausing', seconds: after.pauseSeconds });
      await deps.sleep(after.pauseSeconds * 1000);
    }
  }
  return writer.current;
}

/**
 * `rollout resume`: marks a failed (or orphaned running) rollout running again and continues it.
 *
 * @throws RolloutStateError for a completed or aborted rollout
 */
export async function resumeRollout(record: RolloutRecord, deps: RolloutDeps): Promise<RolloutRecord> {
  const now = deps.now ?? Date.now;
  const stored = await deps.save(resumed(record, new Date(now()).toISOString()));
  return runRollout(stored, deps);
}

/**
 * `rollout abort`: stops the rollout (stored at once, so a live runner stops at its next write), then
 * deploys the current wave's touched stacks with the images they ran before. Later waves stay untouched.
 *
 * @throws RolloutStateError for a completed or already aborted rollout
 */
export async function abortRollout(record: RolloutRecord, deps: RolloutDeps): Promise<RolloutRecord> {
  const now = deps.now ?? Date.now;
  const at = (): string => new Date(now()).toISOString();
  const targets = stacksToRevert(record);
  const writer = recordWriter(deps, record);
  await writer.update((r) => aborted(r, at()));
  const limit = pLimit(deps.concurrency ?? DEFAULT_ROLLOUT_CONCURRENCY);
  await Promise.all(
    targets.map((target) =>
      limit(async () => {
        const outcome = await deployOne(deps, target.stack, target.previousImages ?? {});
        await writer.update((r) => stackReverted(r, target.stack, outcome, at()));
        deps.onProgress?.({ type: 'revert-finished', stack: target.stack, outcome });
        await emitEvent(
          deps,
          target.stack,
          outcome.ok ? 'Normal' : 'Warning',
          outcome.ok ? 'RolloutReverted' : 'RolloutRevertFailed',
          outcome.ok
            ? `rollout ${record.id} aborted: previous images restored`
            : `rollout ${record.id} aborted: restoring the previous images failed: ${outcome.reason}`,
        );
      }),
    ),
  );
  return writer.current;
}
