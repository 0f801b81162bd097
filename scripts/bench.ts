/**
 * `npm run bench`: every row of issue 11's performance table, measured in one run, written to
 * `bench/RESULTS.md` and `bench/results.json`.
 *
 * Machines here are shared and noisy, so the headline figures are call counts (exact) and ratios (time
 * in calls over the fixed per-call delay, converge time over the critical path), never absolute-time
 * assertions. Phases run one after another, each on its own moto, so none slows another:
 *
 * 1. shop (scripts/bench/shop.ts): no-op reads, time in AWS calls and longest call chain, converge ratio;
 * 2. fleet (fleet.ts): reads per additional stack of `drift --all`;
 * 3. operator (operator.ts): SDK clients per pass, reads per stack per resync;
 * 4. cpu (cpu.ts): render + diff of 1,000 stacks × 20 services in a child process;
 * 5. terraform (terraform.ts): the peer's no-op refresh through the same latency proxy.
 *
 * Rows that need `../shared` (the latency proxy, the terraform harness) or terraform are skipped with a
 * message when those are absent.
 *
 * @module
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { progress } from './bench/cli.js';
import { measureCpu } from './bench/cpu.js';
import { measureFleet } from './bench/fleet.js';
import { measureOperator } from './bench/operator.js';
import { type BenchFigures, resultRows, resultsJson, resultsMarkdown } from './bench/report.js';
import { measureShop } from './bench/shop.js';
import { measureTerraform } from './bench/terraform.js';

/** Where the results go: `bench/` at the repository root. */
const OUT_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'bench');

async function main(): Promise<void> {
  const started = performance.now();
  progress('phase 1/5: shop dev (no-op reads, latency, converge)');
  const shop = await measureShop();
  progress('phase 2/5: drift --all fleet');
  const fleet = await measureFleet();
  progress('phase 3/5: operator');
  const operator = await measureOperator();
  progress('phase 4/5: render + diff CPU');
  const cpu = await measureCpu();
  progress('phase 5/5: terraform peer');
  const terraform = await measureTerraform();
  const figures: BenchFigures = {
    shop,
    fleet,
    operator,
    cpu,
    terraform,
    runSeconds: (performance.now() - started) / 1000,
  };
  const at = new Date();
  const rows = resultRows(figures);
  mkdirSync(OUT_DIR, { recursive: true });
  writeFileSync(join(OUT_DIR, 'RESULTS.md'), resultsMarkdown(figures, rows, at));
  writeFileSync(
    join(OUT_DIR, 'results.json'),
    `${JSON.stringify(resultsJson(figures, rows, at), null, 2)}\n`,
  );
  process.stdout.write('\n');
  for (const r of rows)
    process.stdout.write(
      `${r.goalMet === undefined ? '    ' : r.goalMet ? 'MET ' : 'NOT '} ${r.figure}: ${r.measured}\n`,
    );
  progress(`wrote ${join(OUT_DIR, 'RESULTS.md')} and results.json in ${figures.runSeconds.toFixed(0)} s`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
