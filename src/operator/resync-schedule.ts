/**
 * When each stack's periodic resync falls: at a fixed offset within the resync interval, derived from
 * the stack key, so a fleet's resyncs are spread evenly over the interval instead of bunching.
 *
 * Why deterministic and wall-clock aligned rather than a random delay after each pass: with a random
 * delay, every stack passed at start-up (all of them, after a restart or a deploy) resyncs again within
 * the same ±10 % window, and the fleet's reads arrive in waves that hit AWS's buckets together. With a
 * slot per stack (`phase + k × interval` on the wall clock) the spread is even from the second interval
 * on, survives restarts, and is the same on every replica, so whichever replica holds a stack's lease
 * resyncs it at the same moment.
 *
 * @module
 */

/**
 * FNV-1a over the key, then murmur3's 32-bit finalizer: stable and evenly spread even for keys that
 * differ only in their last characters (`shop/stack-1`, `shop/stack-2`), which plain FNV-1a bunches.
 * No security purpose.
 */
function keyHash32(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
}

/**
 * The stack's offset within the resync interval, in [0, intervalMs): the same for a key on every
 * replica and after every restart.
 *
 * @example resyncPhaseMs('shop/dev', 300_000) // e.g. 187_442, always the same
 */
export function resyncPhaseMs(key: string, intervalMs: number): number {
  return Math.floor((keyHash32(key) / 2 ** 32) * intervalMs);
}

/** Inputs of {@link nextResyncDelayMs}. */
export interface ResyncSlotInput {
  /** Stack key (`project/stack`). */
  readonly key: string;
  /** Wall-clock epoch ms now. */
  readonly nowMs: number;
  readonly intervalMs: number;
  /**
   * Share of the interval a resync may come early (the operator's `resyncJitter`): the next slot is
   * skipped when it is nearer than `intervalMs × (1 − share)`, the same bound `decidePass` uses to call
   * a resync due, so a stack that just had a pass (a push between its slots) is not resynced twice.
   */
  readonly earlyShare: number;
}

/**
 * Milliseconds from now until the stack's next resync slot, at least `intervalMs × (1 − earlyShare)`
 * and less than `intervalMs × (2 − earlyShare)` away.
 *
 * @example nextResyncDelayMs({ key: 'shop/dev', nowMs: Date.now(), intervalMs: 300_000, earlyShare: 0.1 })
 */
export function nextResyncDelayMs(input: ResyncSlotInput): number {
  const { intervalMs } = input;
  const phase = resyncPhaseMs(input.key, intervalMs);
  const offset = (((phase - input.nowMs) % intervalMs) + intervalMs) % intervalMs;
  const minGap = intervalMs * (1 - input.earlyShare);
  return offset < minGap ? offset + intervalMs : offset;
}
