/**
 * The "stingy" work queue of client-go (reconciler-anchors P20), for stack keys:
 * - a key waiting in the queue is never queued twice (adds merge);
 * - a key being processed is never handed out again until `done`, so one replica never runs two
 *   passes of one stack at once (the lease covers other replicas);
 * - a key added while in flight is handed out again right after `done` (nothing is lost);
 * - delayed adds (`addAfter`, `addRateLimited`) keep the earliest wake-up per key.
 *
 * @module
 */
import { Backoff } from './backoff.js';

/** Timer functions, injected so tests drive time by hand. */
export interface Timers {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

/** The real timers; delayed adds never keep the process alive on their own. */
export const SYSTEM_TIMERS: Timers = {
  set: (fn, ms) => setTimeout(fn, ms).unref(),
  clear: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

/** Options for {@link WorkQueue}. */
export interface WorkQueueOptions {
  /** @default a Backoff with the default 1 s → 5 min */
  readonly backoff?: Backoff;
  /** @default SYSTEM_TIMERS */
  readonly timers?: Timers;
  /** Monotonic-enough clock for comparing wake-ups. @default Date.now */
  readonly now?: () => number;
}

interface Delayed {
  readonly at: number;
  readonly handle: unknown;
}

/**
 * A de-duplicating queue of keys with per-key delays and backoff.
 *
 * @example
 * const queue = new WorkQueue();
 * queue.add('shop/dev');
 * const key = await queue.get(); // 'shop/dev'
 * try { await pass(key); queue.forget(key); } catch { queue.addRateLimited(key); } finally { queue.done(key); }
 */
export class WorkQueue {
  readonly #backoff: Backoff;
  readonly #timers: Timers;
  readonly #now: () => number;
  readonly #queue: string[] = [];
  /** Keys that need a pass: queued, or re-added while processing. */
  readonly #dirty = new Set<string>();
  readonly #processing = new Set<string>();
  readonly #delayed = new Map<string, Delayed>();
  readonly #waiters: ((key: string | undefined) => void)[] = [];
  #shuttingDown = false;

  constructor(options: WorkQueueOptions = {}) {
    this.#backoff = options.backoff ?? new Backoff();
    this.#timers = options.timers ?? SYSTEM_TIMERS;
    this.#now = options.now ?? Date.now;
  }

  /** Marks `key` as needing a pass now. A no-op when it is already queued or after shutdown. */
  add(key: string): void {
    if (this.#shuttingDown || this.#dirty.has(key)) return;
    this.#dirty.add(key);
    if (this.#processing.has(key)) return;
    this.#push(key);
  }

  /** Adds `key` after `ms`, unless it already has an earlier wake-up. */
  addAfter(key: string, ms: number): void {
    if (this.#shuttingDown) return;
    if (ms <= 0) {
      this.add(key);
      return;
    }
    const at = this.#now() + ms;
    const existing = this.#delayed.get(key);
    if (existing && existing.at <= at) return;
    if (existing) this.#timers.clear(existing.handle);
    const handle = this.#timers.set(() => {
      if (this.#delayed.get(key)?.handle !== handle) return;
      this.#delayed.delete(key);
      this.add(key);
    }, ms);
    this.#delayed.set(key, { at, handle });
  }

  /** Adds `key` after its next backoff delay (a failure); returns that delay. */
  addRateLimited(key: string): number {
    const delay = this.#backoff.next(key);
    this.addAfter(key, delay);
    return delay;
  }

  /** Forgets `key`'s failures (after a success) so its next failure waits the base delay again. */
  forget(key: string): void {
    this.#backoff.forget(key);
  }

  /** Drops a pending delayed add of `key` (the stack was deleted). */
  cancelDelayed(key: string): void {
    const existing = this.#delayed.get(key);
    if (existing) this.#timers.clear(existing.handle);
    this.#delayed.delete(key);
  }

  /** Consecutive failures recorded for `key`. */
  failures(key: string): number {
    return this.#backoff.failures(key);
  }

  /**
   * The next key to process; waits while the queue is empty. Resolves `undefined` once the queue is
   * shut down, even for keys still queued: those are handed back (another replica takes them).
   */
  async get(): Promise<string | undefined> {
    if (this.#shuttingDown) return undefined;
    const key = this.#queue.shift();
    if (key !== undefined) return this.#start(key);
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** Ends processing of `key`; if it was re-added meanwhile, queues it again. */
  done(key: string): void {
    this.#processing.delete(key);
    if (this.#dirty.has(key) && !this.#shuttingDown) this.#push(key);
  }

  /** Stops handing out keys: pending `get`s resolve `undefined`, delayed adds are cancelled. */
  shutDown(): void {
    this.#shuttingDown = true;
    for (const d of this.#delayed.values()) this.#timers.clear(d.handle);
    this.#delayed.clear();
    for (const w of this.#waiters.splice(0)) w(undefined);
  }

  /** True once {@link shutDown} was called. */
  get shuttingDown(): boolean {
    return this.#shuttingDown;
  }

  /** Keys ready to be handed out (the `/metrics` queue depth). */
  get length(): number {
    return this.#queue.length;
  }

  /** Keys waiting on a delay (resync, backoff, progress). */
  get delayedCount(): number {
    return this.#delayed.size;
  }

  /** Keys being processed right now. */
  get processingCount(): number {
    return this.#processing.size;
  }

  #push(key: string): void {
    const waiter = this.#waiters.shift();
    if (waiter) waiter(this.#start(key));
    else this.#queue.push(key);
  }

  #start(key: string): string {
    this.#dirty.delete(key);
    this.#processing.add(key);
    return key;
  }
}
