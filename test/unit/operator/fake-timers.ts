/**
 * Hand-driven timers and clock for the queue and watcher tests: time only moves when a test says so.
 *
 * @module
 */
import type { Timers } from '../../../src/operator/work-queue.js';

/** Timers whose clock advances only through {@link ManualTimers.advance}. */
export class ManualTimers implements Timers {
  #now = 0;
  #next = 0;
  readonly #pending = new Map<number, { at: number; fn: () => void }>();

  /** The manual clock, for `now` options. */
  readonly now = (): number => this.#now;

  set(fn: () => void, ms: number): unknown {
    this.#next += 1;
    this.#pending.set(this.#next, { at: this.#now + ms, fn });
    return this.#next;
  }

  clear(handle: unknown): void {
    this.#pending.delete(handle as number);
  }

  /** Timers still scheduled. */
  get pending(): number {
    return this.#pending.size;
  }

  /** Moves time forward by `ms`, firing due timers in order. */
  advance(ms: number): void {
    const target = this.#now + ms;
    for (;;) {
      const due = [...this.#pending.entries()]
        .filter(([, t]) => t.at <= target)
        .sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.#pending.delete(due[0]);
      this.#now = due[1].at;
      due[1].fn();
    }
    this.#now = target;
  }
}
