/**
 * Row 6 of the table: render + diff of a fleet with no AWS, in a child process so its CPU time
 * and peak memory are its own and not the bench's (moto clients, earlier phases).
 *
 * @module
 */
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { progress } from './cli.js';

/** Stacks and services per stack of the figure. */
export const CPU_STACKS = 1000;
export const CPU_SERVICES = 20;

/** What the child measured. */
export interface CpuFigures {
  readonly stacks: number;
  readonly services: number;
  readonly resources: number;
  /** Plan steps that came out noop (the in-sync copy matched) and those that did not. */
  readonly plannedNoop: number;
  readonly plannedOther: number;
  readonly cpuSeconds: number;
  readonly peakRssMb: number;
  readonly peakHeapMb: number;
}

/** Runs cpu-child.ts under tsx and parses its JSON line. */
export async function measureCpu(stacks = CPU_STACKS, services = CPU_SERVICES): Promise<CpuFigures> {
  const child = join(dirname(fileURLToPath(import.meta.url)), 'cpu-child.ts');
  progress(`cpu: rendering and planning ${stacks} stacks × ${services} services in a child process`);
  const out = await new Promise<string>((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', 'tsx', child, String(stacks), String(services)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let text = '';
    p.stdout.on('data', (d: Buffer) => {
      text += d.toString();
    });
    p.on('error', reject);
    p.on('exit', (code) => (code === 0 ? resolve(text) : reject(new Error(`cpu child exited ${code}`))));
  });
  const line = out.trim().split('\n').pop() ?? '';
  const figures = JSON.parse(line) as CpuFigures;
  progress(
    `cpu: ${figures.cpuSeconds.toFixed(2)} CPU-s, peak RSS ${figures.peakRssMb.toFixed(0)} MB, ` +
      `peak heap ${figures.peakHeapMb.toFixed(0)} MB (${figures.resources} resources, ${figures.plannedOther} not noop)`,
  );
  return figures;
}
