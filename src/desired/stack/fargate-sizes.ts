/**
 * The (cpu, memory) pairs Fargate accepts, and rounding a request up to the smallest one that fits.
 *
 * ECS rejects a task definition with any other pair, so compose's free-form `cpus: 0.3` /
 * `memory: 700M` must become a real size before rendering; rounding *up* never starves the container.
 *
 * @module
 */
import { FargateSizeError } from './errors.js';

/** One Fargate CPU tier: CPU units and the memory sizes (MiB) allowed with it, ascending. */
export interface FargateTier {
  readonly cpu: number;
  readonly memoryMiB: readonly number[];
}

/** Fargate CPU units per vCPU. */
export const CPU_UNITS_PER_VCPU = 1024;

function steps(from: number, to: number, step: number): number[] {
  const out: number[] = [];
  for (let m = from; m <= to; m += step) out.push(m);
  return out;
}

/** The Fargate size table (Linux tasks), ascending by CPU. Source: ECS task definition docs. */
export const FARGATE_TIERS: readonly FargateTier[] = [
  { cpu: 256, memoryMiB: [512, 1024, 2048] },
  { cpu: 512, memoryMiB: steps(1024, 4096, 1024) },
  { cpu: 1024, memoryMiB: steps(2048, 8192, 1024) },
  { cpu: 2048, memoryMiB: steps(4096, 16384, 1024) },
  { cpu: 4096, memoryMiB: steps(8192, 30720, 1024) },
  { cpu: 8192, memoryMiB: steps(16384, 61440, 4096) },
  { cpu: 16384, memoryMiB: steps(32768, 122880, 8192) },
];

/** A valid Fargate task size. */
export interface FargateSize {
  /** CPU units (1024 = 1 vCPU). */
  readonly cpu: number;
  readonly memoryMiB: number;
}

/** Tolerance for float noise in `cpus * 1024` (e.g. 0.1 * 1024). */
const CPU_EPSILON = 1e-9;

/**
 * The smallest valid Fargate size with at least `cpus` vCPU and `memMiB` MiB.
 *
 * The smallest CPU tier that can hold the memory wins, so a memory-heavy request raises CPU only as far
 * as Fargate demands. Throws {@link FargateSizeError} when the request exceeds the largest size.
 *
 * @example
 * fargateSize(0.25, 512);  // { cpu: 256, memoryMiB: 512 }
 * fargateSize(0.3, 700);   // { cpu: 512, memoryMiB: 1024 }
 * fargateSize(0.25, 3000); // { cpu: 512, memoryMiB: 3072 }
 */
export function fargateSize(cpus: number, memMiB: number): FargateSize {
  if (!(cpus > 0) || !(memMiB > 0)) {
    throw new FargateSizeError(`cpus and memory must be positive (got ${cpus} vCPU, ${memMiB} MiB)`);
  }
  const units = Math.ceil(cpus * CPU_UNITS_PER_VCPU - CPU_EPSILON);
  for (const tier of FARGATE_TIERS) {
    if (tier.cpu < units) continue;
    const memoryMiB = tier.memoryMiB.find((m) => m >= memMiB);
    if (memoryMiB !== undefined) return { cpu: tier.cpu, memoryMiB };
  }
  const largest = FARGATE_TIERS[FARGATE_TIERS.length - 1]!;
  throw new FargateSizeError(
    `no Fargate size has ${cpus} vCPU and ${memMiB} MiB (the largest is ` +
      `${largest.cpu / CPU_UNITS_PER_VCPU} vCPU / ${largest.memoryMiB[largest.memoryMiB.length - 1]} MiB)`,
  );
}
