/**
 * Per-stack exponential backoff: a failing stack waits 1 s, 2 s, 4 s … up to 5 min between passes,
 * while every other stack keeps its own (usually zero) delay. client-go's per-item rate limiter, with
 * crossplane's 1 s floor and ARCHITECTURE's 5 min cap.
 *
 * @module
 */
import { DEFAULT_BACKOFF_BASE_MS, DEFAULT_BACKOFF_MAX_MS } from './config.js';

/** Options for {@link Backoff}. */
export interface BackoffOptions {
  /** @default DEFAULT_BACKOFF_BASE_MS */
  readonly baseMs?: number;
  /** @default DEFAULT_BACKOFF_MAX_MS */
  readonly maxMs?: number;
}

/**
 * Counts consecutive failures per key and turns them into delays. Pure bookkeeping: it never waits,
 * so the queue decides how to wait and tests need no clock at all.
 *
 * @example
 * const backoff = new Backoff();
 * backoff.next('shop/dev'); // 1000
 * backoff.next('shop/dev'); // 2000
 * backoff.forget('shop/dev'); // after a successful pass
 */
export class Backoff {
  readonly #baseMs: number;
  readonly #maxMs: number;
  readonly #failures = new Map<string, number>();

  constructor(options: BackoffOptions = {}) {
    this.#baseMs = options.baseMs ?? DEFAULT_BACKOFF_BASE_MS;
    this.#maxMs = options.maxMs ?? DEFAULT_BACKOFF_MAX_MS;
  }

  /** Records one more failure of `key` and returns how long to wait before its next try. */
  next(key: string): number {
    const n = this.#failures.get(key) ?? 0;
    this.#failures.set(key, n + 1);
    // 2^n overflows to Infinity long after the cap; Math.min keeps the result finite.
    return Math.min(this.#baseMs * 2 ** n, this.#maxMs);
  }

  /** Consecutive failures recorded for `key`. */
  failures(key: string): number {
    return this.#failures.get(key) ?? 0;
  }

  /** Clears `key`'s failures: its next failure waits `baseMs` again. */
  forget(key: string): void {
    this.#failures.delete(key);
  }
}
