/**
 * Row 4 of the table: what each additional stack costs `drift --all`. The tiny two-service app
 * of the drift tests, each stack in a VPC made beforehand (so stacks stay small and moto's memory
 * bounded), converged as `FLEET_SIZE` stacks; `drift --all` then runs once over a project with one stack file and once over
 * the same project with all of them.
 *
 * @module
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { motoClients } from '../../test/helpers/aws.js';
import { startMoto } from '../../test/helpers/moto.js';
import { createNetwork, tinyStackFile, writeTinyApp } from '../../test/integration/drift/drift-env.js';
import { immediateTasks, mustRun, progress, scopeCliEnv } from './cli.js';

/** Stacks in the larger sweep; the smaller has one. Small, so moto stays well under a gigabyte. */
export const FLEET_SIZE = 4;

/** What the fleet phase measured. */
export interface FleetFigures {
  readonly stacks: number;
  readonly readsOneStack: number;
  readonly readsAllStacks: number;
  /** (reads(N) − reads(1)) ÷ (N − 1). */
  readonly readsPerAdditionalStack: number;
  readonly resourcesPerStack: number;
}

/** `drift --all --output json` in `dir`; the report's `readCalls` (every read of the sweep). */
async function driftReads(dir: string, endpoint: string): Promise<{ reads: number; resources: number }> {
  const result = await mustRun(
    ['-C', dir, 'drift', '--all', '--output', 'json', '--endpoint-url', endpoint],
    [0, 2],
  );
  const report = JSON.parse(result.out) as {
    readCalls: number;
    sync: string;
    stacks: readonly { resources: readonly unknown[] }[];
  };
  if (report.sync !== 'Synced') progress(`fleet: warning: drift --all reports ${report.sync}`);
  return { reads: report.readCalls, resources: report.stacks[0]?.resources.length ?? 0 };
}

/** Runs the fleet phase. */
export async function measureFleet(): Promise<FleetFigures> {
  const moto = await startMoto();
  const restoreEnv = scopeCliEnv();
  const one = await mkdtemp(join(tmpdir(), 'stackctl-bench-fleet1-'));
  const all = await mkdtemp(join(tmpdir(), 'stackctl-bench-fleetN-'));
  try {
    await immediateTasks(moto.endpoint);
    const names = Array.from({ length: FLEET_SIZE }, (_, i) => `s${i + 1}`);
    // Each stack brings its own VPC: moto takes one Cloud Map namespace per VPC (AWS takes one per name).
    const files: Record<string, string> = {};
    for (const n of names) files[n] = tinyStackFile(await createNetwork(motoClients(moto.endpoint)));
    await writeTinyApp(all, files);
    await writeTinyApp(one, { [names[0] as string]: files[names[0] as string] as string });
    for (const name of names) {
      const r = await mustRun([
        '-C',
        all,
        'reconcile',
        '--once',
        '--stack',
        name,
        '--endpoint-url',
        moto.endpoint,
      ]);
      progress(`fleet: converged tiny stack ${name} in ${r.seconds.toFixed(1)} s`);
    }
    const single = await driftReads(one, moto.endpoint);
    const many = await driftReads(all, moto.endpoint);
    const figures: FleetFigures = {
      stacks: FLEET_SIZE,
      readsOneStack: single.reads,
      readsAllStacks: many.reads,
      readsPerAdditionalStack: (many.reads - single.reads) / (FLEET_SIZE - 1),
      resourcesPerStack: single.resources,
    };
    progress(
      `fleet: drift --all reads ${single.reads} (1 stack), ${many.reads} (${FLEET_SIZE} stacks): ` +
        `${figures.readsPerAdditionalStack.toFixed(1)} per additional stack`,
    );
    return figures;
  } finally {
    restoreEnv();
    await moto.stop();
    await rm(one, { recursive: true, force: true });
    await rm(all, { recursive: true, force: true });
  }
}
