/**
 * `npm run bench`: how stackctl's cost grows with the size of a stack, measured in one run.
 *
 * Machines here are shared and noisy, so the figures that matter are call counts (exact) and ratios
 * between sizes measured back to back, not absolute times. Prints a table; never asserts.
 *
 * 1. Pure front half: compose load + resolve + render, and plan of an in-sync stack, per service count.
 * 2. Against a local moto server: AWS calls of a converging pass and of a no-op pass, per service count.
 *
 * @module
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { CallStats } from '../src/aws/call-stats.js';
import { createAwsClients } from '../src/aws/clients.js';
import { loadStackProject } from '../src/desired/load-project.js';
import { reconcilePass } from '../src/reconcilers/reconcile-stack.js';
import { startMoto } from '../test/helpers/moto.js';

const SIZES = [2, 10, 30] as const;
const RENDER_REPEATS = 20;
const REGION = 'eu-west-1';

/** Writes a compose app with `n` web services (one ingress port each) and an affordable stack file. */
function writeApp(dir: string, n: number): void {
  const services = Array.from({ length: n }, (_, i) =>
    [
      `  svc${i}:`,
      '    image: nginx:1.27-alpine',
      '    ports:',
      `      - "${8000 + i}:80"`,
      '    environment:',
      `      INDEX: "${i}"`,
    ].join('\n'),
  ).join('\n');
  writeFileSync(join(dir, 'compose.yaml'), `name: bench\nservices:\n${services}\n`);
  mkdirSync(join(dir, '.stackctl'), { recursive: true });
  writeFileSync(join(dir, '.stackctl', 'dev.yaml'), `region: ${REGION}\nmode: affordable\n`);
}

function timeIt(fn: () => void, repeats: number): number {
  const start = performance.now();
  for (let i = 0; i < repeats; i++) fn();
  return (performance.now() - start) / repeats;
}

async function main(): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'stackctl-bench-'));
  const moto = await startMoto();
  const rows: string[][] = [];
  try {
    let base: { render: number; reads: number; mutations: number } | undefined;
    for (const n of SIZES) {
      const dir = join(root, `app-${n}`);
      mkdirSync(dir);
      writeApp(dir, n);
      const load = () => loadStackProject({ cwd: dir, stack: 'dev', env: {} });
      load(); // warm-up: the first call pays for module loading and JIT, not for the stack's size
      const renderMs = timeIt(load, RENDER_REPEATS);
      const { desired, resolved } = load();

      await moto.reset();
      const stats = new CallStats();
      const clients = createAwsClients({
        region: REGION,
        endpoint: moto.endpoint,
        credentials: { accessKeyId: 'bench', secretAccessKey: 'bench' },
        stats,
      });
      const pass = () =>
        reconcilePass({
          desired,
          clients,
          finalSnapshot: resolved.preset.finalSnapshotOnDelete,
          state: { table: 'stackctl-bench' },
        });
      const t0 = performance.now();
      const first = await pass();
      const convergeMs = performance.now() - t0;
      const converge = stats.totals();
      stats.reset();
      const t1 = performance.now();
      const second = await pass();
      const noopMs = performance.now() - t1;
      const noopRows = stats.snapshot().filter((r) => r.service !== 'dynamodb');
      const noopReads = noopRows.filter((r) => r.kind === 'read').reduce((s, r) => s + r.count, 0);
      const noopMutations = noopRows.filter((r) => r.kind === 'mutate').reduce((s, r) => s + r.count, 0);
      if (!first.report.ok || !second.report.ok)
        throw new Error(`bench: the ${n}-service stack did not converge`);
      base ??= { render: renderMs, reads: noopReads, mutations: converge.mutates };
      rows.push([
        String(n),
        String(desired.resources.length),
        `${renderMs.toFixed(1)} ms (×${(renderMs / base.render).toFixed(1)})`,
        `${converge.mutates} (×${(converge.mutates / base.mutations).toFixed(1)})`,
        `${noopReads} (×${(noopReads / base.reads).toFixed(2)})`,
        String(noopMutations),
        `${(convergeMs / 1000).toFixed(1)} s / ${(noopMs / 1000).toFixed(1)} s`,
      ]);
    }
  } finally {
    await moto.stop();
    rmSync(root, { recursive: true, force: true });
  }
  const header = [
    'services',
    'resources',
    'load+render',
    'mutations to converge',
    'no-op pass reads',
    'no-op mutations',
    'converge / no-op wall time (moto)',
  ];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ');
  process.stdout.write(`${line(header)}\n${rows.map(line).join('\n')}\n`);
  process.stdout.write(
    '\nRatios are against the smallest stack, measured in this run. No-op reads exclude the state table.\n',
  );
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
