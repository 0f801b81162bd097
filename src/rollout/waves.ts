/**
 * Wave planning for `stackctl rollout`: which stacks each wave deploys. A spec like `1,10%,50%,100%`
 * lists cumulative targets (an absolute count or a percentage of the fleet); wave N deploys the stacks
 * between target N-1 and target N of the sorted fleet, so every stack is in exactly one wave and a
 * small canary goes first.
 *
 * Rounding: a percentage rounds up (`ceil`), so 10% of 12 is 2, never 1.2; a target that would add no
 * new stack (10% of 5 after a first wave of 1) still adds one, so no wave is empty; the last wave
 * always reaches the whole fleet, whatever the spec's last step says. Pure.
 *
 * @module
 */
import { StackctlError } from '../errors.js';

/** Error code of a malformed `--waves` value. */
export const WAVES_SPEC_CODE = 'ROLLOUT_WAVES';

/** The wave spec used when `--waves` is absent: a canary, then 10%, half, everyone. */
export const DEFAULT_WAVES_SPEC = '1,10%,50%,100%';

/** One step of a wave spec: a cumulative stack count, or a cumulative share of the fleet. */
export type WaveStep =
  | { readonly kind: 'count'; readonly count: number }
  | { readonly kind: 'percent'; readonly percent: number };

/** A malformed wave spec, naming the bad step. */
export class WaveSpecError extends StackctlError {
  constructor(message: string, options: ErrorOptions = {}) {
    super(WAVES_SPEC_CODE, message, options);
    this.name = 'WaveSpecError';
  }
}

/**
 * Parses `1,10%,50%,100%`: positive integers and percentages in (0, 100].
 *
 * @throws WaveSpecError on an empty spec or a bad step
 */
export function parseWaveSpec(spec: string): readonly WaveStep[] {
  const parts = spec.split(',').map((p) => p.trim());
  if (parts.length === 0 || parts.every((p) => p === ''))
    throw new WaveSpecError('--waves is empty: give cumulative steps like 1,10%,50%,100%');
  return parts.map((part): WaveStep => {
    const percent = /^(\d+(?:\.\d+)?)%$/.exec(part);
    if (percent) {
      const value = Number(percent[1]);
      if (value <= 0 || value > 100)
        throw new WaveSpecError(`--waves step "${part}": a percentage must be above 0% and at most 100%`);
      return { kind: 'percent', percent: value };
    }
    if (/^\d+$/.test(part) && Number(part) > 0) return { kind: 'count', count: Number(part) };
    throw new WaveSpecError(
      `--waves step "${part}" is neither a stack count (1, 5) nor a percentage (10%, 100%)`,
    );
  });
}

/** The cumulative stack count a step asks for in a fleet of `total` (percentages round up). */
export function stepTarget(step: WaveStep, total: number): number {
  const wanted = step.kind === 'count' ? step.count : Math.ceil((step.percent * total) / 100 - 1e-9);
  return Math.min(total, wanted);
}

/**
 * Splits `stacks` (deployed in the given order; callers sort them) into waves by `spec`. Each wave adds
 * at least one stack; steps after the fleet is covered are dropped; the last wave takes whatever the
 * spec left out.
 *
 * @example planWaves(['a', 'b', 'c', 'd'], '1,50%,100%') // [['a'], ['b'], ['c', 'd']]
 * @throws WaveSpecError on a malformed spec
 */
export function planWaves(stacks: readonly string[], spec: string): readonly (readonly string[])[] {
  const steps = parseWaveSpec(spec);
  const waves: string[][] = [];
  let done = 0;
  for (const step of steps) {
    if (done >= stacks.length) break;
    const target = Math.max(done + 1, stepTarget(step, stacks.length));
    waves.push(stacks.slice(done, target));
    done = target;
  }
  if (done < stacks.length) waves.push(stacks.slice(done));
  return waves;
}

/**
 * Turns a `--stacks` pattern (`customer-*`, `eu-?`, a plain name; several separated by commas) into a
 * matcher. `*` matches any run of characters, `?` one character.
 */
export function stackMatcher(pattern: string): (stack: string) => boolean {
  const regexes = pattern
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '')
    .map((p) => {
      const body = p
        .split('')
        .map((ch) => (ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
        .join('');
      return new RegExp(`^${body}$`);
    });
  return (stack) => regexes.some((r) => r.test(stack));
}
