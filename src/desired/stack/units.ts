/**
 * Units people write in stack files: memory (`512`, `512MiB`, `2GiB`, `1g`, `1024M`) and durations
 * (`30m`, `72h`, `7d`, `1h30m`).
 *
 * Parsers return a number or a reason string, never throw, so the schema validator can collect every
 * problem of a file in one pass.
 *
 * @module
 */

/** A parse result: the value, or why the input was refused (without echoing it). */
export type UnitResult =
  | { readonly ok: true; readonly value: number }
  | { readonly ok: false; readonly reason: string };

/** MiB per unit; the docker/compose convention, where `m`/`MB` mean MiB. Keys are lower-case. */
const MEMORY_UNITS_MIB: Readonly<Record<string, number>> = {
  '': 1,
  m: 1,
  mb: 1,
  mi: 1,
  mib: 1,
  g: 1024,
  gb: 1024,
  gi: 1024,
  gib: 1024,
};

const MEMORY_PATTERN = /^(\d+(?:\.\d+)?)\s*([a-zA-Z]*)$/;

/**
 * Memory in MiB. A bare number is MiB; `k`/`b` sizes are refused because no task is that small and a
 * forgotten unit (`512` meant as bytes) should not silently become 512 MiB's neighbour.
 *
 * @example parseMemoryMiB('2GiB') // { ok: true, value: 2048 }
 */
export function parseMemoryMiB(input: number | string): UnitResult {
  const text = typeof input === 'number' ? String(input) : input.trim();
  const match = MEMORY_PATTERN.exec(text);
  const factor = match ? MEMORY_UNITS_MIB[(match[2] ?? '').toLowerCase()] : undefined;
  if (!match || factor === undefined) {
    return { ok: false, reason: 'must be a size like 512, 512MiB, 1024M, 2GiB or 1g' };
  }
  const value = Number(match[1]) * factor;
  if (!Number.isInteger(value) || value <= 0) {
    return { ok: false, reason: 'must be a positive whole number of MiB' };
  }
  return { ok: true, value };
}

/** Seconds per duration unit. */
const DURATION_UNITS_SECONDS: Readonly<Record<string, number>> = {
  s: 1,
  m: 60,
  h: 3600,
  d: 86_400,
  w: 604_800,
};

const DURATION_PATTERN = /^(?:\d+[smhdw])+$/;
const DURATION_PART = /(\d+)([smhdw])/g;

/**
 * A duration in seconds. A unit is required: a bare `72` is ambiguous between hours and seconds.
 *
 * @example parseDurationSeconds('1h30m') // { ok: true, value: 5400 }
 */
export function parseDurationSeconds(input: string): UnitResult {
  const text = input.trim();
  if (!DURATION_PATTERN.test(text)) {
    return { ok: false, reason: 'must be a duration like 30m, 72h, 7d or 1h30m' };
  }
  let seconds = 0;
  for (const [, amount, unit] of text.matchAll(DURATION_PART)) {
    seconds += Number(amount) * (DURATION_UNITS_SECONDS[unit ?? 's'] ?? 1);
  }
  if (seconds <= 0) return { ok: false, reason: 'must be longer than zero' };
  return { ok: true, value: seconds };
}
