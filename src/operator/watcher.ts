/**
 * The level-triggered watch of the state table (reconciler-anchors P19): poll the spec index every
 * 10 s and enqueue every stack whose spec generation differs from the generation its status last
 * reported as observed (new pushes, pauses, deletions, passes another replica never finished).
 * The queue de-duplicates, so a stack enqueued on every poll still gets one pass at a time.
 *
 * The resync timer lives in the queue: after each pass the worker re-adds the stack at its next
 * resync slot (`nextResyncDelayMs`, resync-schedule.ts: every 5 min, at an offset fixed per stack key),
 * which is what catches out-of-band changes.
 *
 * @module
 */
import type { StackSpecRecord } from '../state/index.js';
import type { Logger } from './logger.js';
import { stackKey } from './stack-key.js';
import type { Timers, WorkQueue } from './work-queue.js';

/**
 * The resync period with random jitter: uniformly within `base × (1 ± jitter)`. The operator now uses
 * the deterministic per-stack slots of `nextResyncDelayMs` (resync-schedule.ts), which spread a fleet
 * evenly even right after a restart; kept for callers that want a plain jittered period.
 *
 * @example resyncDelay(300_000, 0.1, Math.random) // 270_000 … 330_000
 */
export function resyncDelay(baseMs: number, jitter: number, random: () => number = Math.random): number {
  return Math.round(baseMs * (1 - jitter + 2 * jitter * random()));
}

/** Options for {@link Watcher}. */
export interface WatcherOptions {
  /** Lists every spec (`listSpecs`). */
  readonly list: () => Promise<readonly StackSpecRecord[]>;
  readonly queue: WorkQueue;
  readonly pollMs: number;
  readonly logger: Logger;
  readonly timers: Timers;
  /** Called after every successful poll (readiness, the stacks gauge). */
  readonly onPoll?: (specs: readonly StackSpecRecord[]) => void;
}

/**
 * Polls specs and enqueues stacks that need a pass. Workers report back the observed generation they
 * read or wrote ({@link observed}), so the watcher needs no status reads of its own.
 */
export class Watcher {
  readonly #o: WatcherOptions;
  readonly #observed = new Map<string, number>();
  #timer: unknown;
  #stopped = true;
  #polling: Promise<void> = Promise.resolve();

  constructor(options: WatcherOptions) {
    this.#o = options;
  }

  /** Records the observed generation a pass saw for `key` (undefined: the stack has no status yet). */
  observed(key: string, generation: number | undefined): void {
    if (generation === undefined) this.#observed.delete(key);
    else this.#observed.set(key, generation);
  }

  /** Forgets a removed stack. */
  forget(key: string): void {
    this.#observed.delete(key);
  }

  /** Polls once now, then every `pollMs` until {@link stop}. */
  start(): void {
    this.#stopped = false;
    this.#tick();
  }

  /** Stops polling; resolves when a poll in progress has ended. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#o.timers.clear(this.#timer);
    await this.#polling;
  }

  #tick(): void {
    if (this.#stopped) return;
    this.#polling = this.pollOnce()
      .catch((error: unknown) => this.#o.logger.warn('polling specs failed', { error }))
      .finally(() => {
        if (!this.#stopped) this.#timer = this.#o.timers.set(() => this.#tick(), this.#o.pollMs);
      });
  }

  /** One poll: enqueue every stack whose generation is not the observed one. */
  async pollOnce(): Promise<void> {
    const specs = await this.#o.list();
    const seen = new Set<string>();
    for (const spec of specs) {
      const key = stackKey(spec.project, spec.stack);
      seen.add(key);
      if (this.#observed.get(key) !== spec.generation) this.#o.queue.add(key);
    }
    for (const key of this.#observed.keys()) if (!seen.has(key)) this.#observed.delete(key);
    this.#o.onPoll?.(specs);
  }
}
