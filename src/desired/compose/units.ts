/**
 * Compose's duration, memory and CPU notations, turned into the units the model uses
 * (seconds, MiB, vCPU).
 *
 * Exported so the stack-file parser can accept the same spellings (`2GiB`, `1m30s`).
 *
 * @module
 */

const DURATION_UNITS_SECONDS: Readonly<Record<string, number>> = {
  ns: 1e-9,
  us: 1e-6,
  µs: 1e-6,
  μs: 1e-6,
  ms: 1e-3,
  s: 1,
  m: 60,
  h: 3600,
};

const DURATION_PART = /^(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/;

/**
 * Parses a Go-style duration (`1m30s`, `10s`, `500ms`, `1.5h`) into seconds. A bare number is seconds.
 * Returns `undefined` when the text is not a duration.
 *
 * @example
 * parseDurationSeconds('1m30s') // 90
 */
export function parseDurationSeconds(input: string | number): number | undefined {
  if (typeof input === 'number') return Number.isFinite(input) && input >= 0 ? input : undefined;
  const text = input.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Number(text);
  if (text === '') return undefined;
  let rest = text;
  let total = 0;
  while (rest !== '') {
    const m = DURATION_PART.exec(rest);
    if (!m) return undefined;
    total += Number(m[1]) * (DURATION_UNITS_SECONDS[m[2] ?? ''] ?? Number.NaN);
    rest = rest.slice(m[0].length);
  }
  // Round away float noise (0.1 + 0.2) to whole nanoseconds.
  return Number.isFinite(total) ? Math.round(total * 1e9) / 1e9 : undefined;
}

const BYTES_PER_MIB = 1024 * 1024;
const MEMORY_POWERS: Readonly<Record<string, number>> = { '': 0, k: 1, m: 2, g: 3, t: 4, p: 5 };
const MEMORY = /^(\d+(?:\.\d+)?)\s*([kmgtp]?)(?:i?b)?$/i;

/**
 * Parses a compose memory size (`512M`, `1g`, `2GiB`, `1GB`, or a plain byte count) into whole MiB,
 * rounded up. Like docker, `k`/`m`/`g` are powers of 1024 with or without `i`/`b`.
 *
 * @example
 * parseMemoryMiB('2GiB') // 2048
 */
export function parseMemoryMiB(input: string | number): number | undefined {
  if (typeof input === 'number')
    return Number.isFinite(input) && input >= 0 ? Math.ceil(input / BYTES_PER_MIB) : undefined;
  const m = MEMORY.exec(input.trim());
  if (!m) return undefined;
  const power = MEMORY_POWERS[(m[2] ?? '').toLowerCase()] ?? 0;
  const bytes = Number(m[1]) * 1024 ** power;
  return Math.ceil(bytes / BYTES_PER_MIB);
}

/**
 * Parses `cpus` (`"0.5"`, `2`, `1.5`) into vCPU; `undefined` unless it is a positive number.
 *
 * @example
 * parseCpus('0.25') // 0.25
 */
export function parseCpus(input: string | number): number | undefined {
  const n = typeof input === 'number' ? input : Number(input.trim());
  return typeof input === 'string' && input.trim() === ''
    ? undefined
    : Number.isFinite(n) && n > 0
      ? n
      : undefined;
}
