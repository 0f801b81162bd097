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
  /** Reads per `service operation` (state table included) of the one-stack sweep. */
  readonly readsByOperationOneStack: Readonly<Record<string, number>>;
  /** The same for the sweep over all {@link FLEET_SIZE} stacks. */
  readonly readsByOperationAllStacks: Readonly<Record<string, number>>;
  /**
   * Per `service operation`, what each additional stack costs: the operations whose count grows with
   * the stacks (every other read is made once per sweep), for RESULTS.md to say what AWS forces.
   */
  readonly readsPerAdditionalStackByOperation: Readonly<Record<string, number>>;
}

/**
 * Reads per `service operation` from the `--stats` table `drift` prints on stderr (as text, whatever
 * `--output` is), sorted by name like {@link readsByOperation} of cli.ts.
 */
export function readsFromStatsTable(stderr: string): Record<string, number> {
  const rows: [string, number][] = [];
  for (const line of stderr.split('\n')) {
    const m = /^(\S+)\s+(\S+)\s+read\s+(\d+)\s/.exec(line);
    if (m?.[1] && m[2] && m[3]) rows.push([`${m[1]} ${m[2]}`, Number(m[3])]);
  }
  if (rows.length === 0) throw new Error(`drift --stats printed no call table: ${stderr.slice(-2000)}`);
  return Object.fromEntries(rows.sort(([a], [b]) => a.localeCompare(b)));
}

/** Per operation, (reads(N) − reads(1)) ÷ (N − 1), for the operations where it is not 0. */
function perAdditionalStack(
  one: Readonly<Record<string, number>>,
  all: Readonly<Record<string, number>>,
  stacks: number,
): Record<string, number> {
  const ops = [...new Set([...Object.keys(one), ...Object.keys(all)])].sort();
  return Object.fromEntries(
    ops
      .map((op) => [op, ((all[op] ?? 0) - (one[op] ?? 0)) / (stacks - 1)] as const)
      .filter(([, n]) => n !== 0),
  );
}

/**
 * `drift --all --output json --stats` in `dir`: the report's `readCalls` (every read of the sweep) and
 * the call table's reads per operation.
 */
async function driftReads(
  dir: string,
  endpoint: string,
): Promise<{ reads: number; resources: number; byOperation: Record<string, number> }> {
  const result = await mustRun(
    ['-C', dir, 'drift', '--all', '--output', 'json', '--stats', '--endpoint-url', endpoint],
    [0, 2],
  );
  const report = JSON.parse(result.out) as {
    readCalls: number;
    sync: string;
    stacks: readonly { resources: readonly unknown[] }[];
  };
  if (report.sync !== 'Synced') progress(`fleet: warning: drift --all reports ${report.sync}`);
  return {
    reads: report.readCalls,
    resources: report.stacks[0]?.resources.length ?? 0,
    byOperation: readsFromStatsTable(result.err),
  };
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
      readsByOperationOneStack: single.byOperation,
      readsByOperationAllStacks: many.byOperation,
      readsPerAdditionalStackByOperation: perAdditionalStack(
        single.byOperation,
        many.byOperation,
        FLEET_SIZE,
      ),
    };
    progress(
      `fleet: drift --all reads ${single.reads} (1 stack), ${many.reads} (${FLEET_SIZE} stacks): ` +
        `${figures.readsPerAdditionalStack.toFixed(1)} per additional stack: ` +
        Object.entries(figures.readsPerAdditionalStackByOperation)
          .map(([op, n]) => `${op} +${n}`)
          .join(', '),
    );
    return figures;
  } finally {
    restoreEnv();
    await moto.stop();
    await rm(one, { recursive: true, force: true });
    await rm(all, { recursive: true, force: true });
  }
}
