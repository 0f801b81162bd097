import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FARGATE_TIERS, FargateSizeError, fargateSize } from '../../../../src/desired/stack/index.js';

describe('fargateSize', () => {
  it.each([
    { reason: 'the default request is already valid', cpus: 0.25, mem: 512, cpu: 256, memoryMiB: 512 },
    { reason: 'memory rounds up within the tier', cpus: 0.25, mem: 700, cpu: 256, memoryMiB: 1024 },
    { reason: 'odd cpu rounds up to the next tier', cpus: 0.3, mem: 512, cpu: 512, memoryMiB: 1024 },
    { reason: 'memory too big for the cpu raises the cpu', cpus: 0.25, mem: 3000, cpu: 512, memoryMiB: 3072 },
    { reason: 'memory below the tier minimum rises to it', cpus: 1, mem: 512, cpu: 1024, memoryMiB: 2048 },
    { reason: '2 vCPU steps by 1 GiB', cpus: 2, mem: 5000, cpu: 2048, memoryMiB: 5120 },
    { reason: '8 vCPU steps by 4 GiB', cpus: 8, mem: 17000, cpu: 8192, memoryMiB: 20480 },
    { reason: '16 vCPU steps by 8 GiB', cpus: 16, mem: 33000, cpu: 16384, memoryMiB: 40960 },
    { reason: 'very large memory needs 16 vCPU', cpus: 1, mem: 100_000, cpu: 16384, memoryMiB: 106496 },
    { reason: 'the largest size', cpus: 16, mem: 122880, cpu: 16384, memoryMiB: 122880 },
    { reason: 'float noise does not bump the tier', cpus: 1.1 - 0.6, mem: 1024, cpu: 512, memoryMiB: 1024 },
  ])('$reason: ($cpus vCPU, $mem MiB) → ($cpu, $memoryMiB)', ({ cpus, mem, cpu, memoryMiB }) => {
    expect(fargateSize(cpus, mem)).toEqual({ cpu, memoryMiB });
  });

  it.each([
    { reason: 'more than 16 vCPU', cpus: 17, mem: 32768 },
    { reason: 'more than 120 GiB', cpus: 16, mem: 122881 },
    { reason: 'zero cpus', cpus: 0, mem: 512 },
    { reason: 'negative memory', cpus: 1, mem: -1 },
  ])('refuses $reason with FARGATE_SIZE_UNAVAILABLE', ({ cpus, mem }) => {
    expect(() => fargateSize(cpus, mem)).toThrow(FargateSizeError);
    expect(() => fargateSize(cpus, mem)).toThrow(
      expect.objectContaining({ code: 'FARGATE_SIZE_UNAVAILABLE' }),
    );
  });

  it('always returns the smallest valid pair that covers the request', () => {
    const pairs = FARGATE_TIERS.flatMap((t) => t.memoryMiB.map((memoryMiB) => ({ cpu: t.cpu, memoryMiB })));
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 16384 }), fc.integer({ min: 1, max: 122880 }), (units, mem) => {
        const size = fargateSize(units / 1024, mem);
        expect(pairs).toContainEqual(size);
        expect(size.cpu).toBeGreaterThanOrEqual(units);
        expect(size.memoryMiB).toBeGreaterThanOrEqual(mem);
        const smaller = pairs.filter(
          (p) =>
            p.cpu >= units &&
            p.memoryMiB >= mem &&
            p.cpu <= size.cpu &&
            p.memoryMiB <= size.memoryMiB &&
            (p.cpu < size.cpu || p.memoryMiB < size.memoryMiB),
        );
        expect(smaller).toEqual([]);
      }),
    );
  });

  it('holds the documented tier bounds', () => {
    expect(FARGATE_TIERS.map((t) => [t.cpu, t.memoryMiB[0], t.memoryMiB.at(-1), t.memoryMiB.length])).toEqual(
      [
        [256, 512, 2048, 3],
        [512, 1024, 4096, 4],
        [1024, 2048, 8192, 7],
        [2048, 4096, 16384, 13],
        [4096, 8192, 30720, 23],
        [8192, 16384, 61440, 12],
        [16384, 32768, 122880, 12],
      ],
    );
  });
});
