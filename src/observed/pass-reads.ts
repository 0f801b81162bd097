/**
 * Reads shared between the observers of one pass: the first observer to need an answer makes the call,
 * later ones (in the same or a later level) get the same promise.
 *
 * Some reads serve two kinds: every ECS scalable target (the scalable target and scaling policy
 * observers), a listener's rules (the listener observer reads them early so their tags come in the same
 * ELB DescribeTags call as the listeners'; the rule observer then reuses them). Without this each kind
 * would ask again. Answers live for one pass only (observeStack makes one per pass): AWS changes between
 * passes.
 *
 * @module
 */
import type { ObserveContext } from './types.js';

/** One pass's shared reads, by key (`<service>:<what> <id>`). */
export interface PassReads {
  /** The answer of `read` under `key`: made once per pass, failures shared too. */
  once<T>(key: string, read: () => Promise<T>): Promise<T>;
  /** True when `key` was read (or is being read) this pass. */
  has(key: string): boolean;
}

/** A fresh {@link PassReads}. */
export function createPassReads(): PassReads {
  const answers = new Map<string, Promise<unknown>>();
  return {
    once<T>(key: string, read: () => Promise<T>): Promise<T> {
      let pending = answers.get(key) as Promise<T> | undefined;
      if (!pending) {
        pending = read();
        answers.set(key, pending);
      }
      return pending;
    },
    has: (key) => answers.has(key),
  };
}

/** `read` through the pass's shared reads when `ctx` has them, else called directly. */
export function readOnce<T>(ctx: Pick<ObserveContext, 'passReads'>, key: string, read: () => Promise<T>) {
  return ctx.passReads ? ctx.passReads.once(key, read) : read();
}
