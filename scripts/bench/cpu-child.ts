/**
 * Child process of the CPU row (run by cpu.ts, so its memory is its own): renders `STACKS` stacks of a
 * `SERVICES`-service app from disk and plans each against an in-sync observed copy, as a fleet sweep
 * would, keeping each plan's summary (what a sweep reports; the plans themselves are dropped, as the
 * operator drops a pass's plan once it is applied). Prints one JSON line: CPU seconds spent in render + diff (the in-sync copy
 * is built outside the measured spans), peak RSS and peak heap.
 *
 * usage: cpu-child.ts STACKS SERVICES
 *
 * @module
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadStackProject } from '../../src/desired/load-project.js';
import { type DesiredResource, RESOURCE_OUTPUTS } from '../../src/desired/resource-types.js';
import { planStack } from '../../src/diff/plan-stack.js';
import { resolveRefsPartial } from '../../src/diff/resolve-refs.js';
import type { Plan } from '../../src/diff/types.js';
import type { ObservedResource } from '../../src/observed/types.js';

/** A compose app of `n` services: half web services with a port, half workers. */
function composeOf(n: number): string {
  const services = Array.from({ length: n }, (_, i) =>
    i % 2 === 0
      ? [
          `  web${i}:`,
          '    image: nginx:1.27-alpine',
          '    ports:',
          `      - "${8000 + i}:80"`,
          '    environment:',
          `      INDEX: "${i}"`,
        ]
      : [
          `  worker${i}:`,
          '    image: busybox:1.36',
          '    command: ["sh", "-c", "sleep 3600"]',
          '    environment:',
          `      INDEX: "${i}"`,
        ],
  )
    .flat()
    .join('\n');
  return `name: cpubench\nservices:\n${services}\n`;
}

/** What AWS would show for a converged stack: the desired resources, refs resolved, owned and healthy. */
function inSync(resources: readonly DesiredResource[]): ObservedResource[] {
  const outputs = new Map(
    resources.map((r) => [
      r.logicalId,
      Object.fromEntries((RESOURCE_OUTPUTS[r.kind] ?? []).map((k) => [k, `${r.logicalId}:${k}`])),
    ]),
  );
  return resources.map((r) => ({
    kind: r.kind,
    logicalId: r.logicalId,
    name: r.name,
    physicalId: `phys-${r.logicalId}`,
    spec: resolveRefsPartial(r.spec, outputs).spec,
    tags: r.tags,
    outputs: outputs.get(r.logicalId) ?? {},
    health: 'Healthy',
  }));
}

const cpuSeconds = (u: NodeJS.CpuUsage): number => (u.user + u.system) / 1e6;

function main(): void {
  const stacks = Number(process.argv[2] ?? 1000);
  const services = Number(process.argv[3] ?? 20);
  const dir = mkdtempSync(join(tmpdir(), 'stackctl-bench-cpu-'));
  try {
    writeFileSync(join(dir, 'compose.yaml'), composeOf(services));
    mkdirSync(join(dir, '.stackctl'));
    const names = Array.from({ length: stacks }, (_, i) => `s${String(i).padStart(4, '0')}`);
    for (const name of names)
      writeFileSync(
        join(dir, '.stackctl', `${name}.yaml`),
        'region: eu-west-1\nmode: affordable\nnetwork:\n  vpc: create\n',
      );
    const summaries: Plan['summary'][] = [];
    let cpu = 0;
    let peakHeap = 0;
    let resources = 0;
    const noop = { noop: 0, other: 0 };
    for (const stack of names) {
      let t = process.cpuUsage();
      const { desired } = loadStackProject({ cwd: dir, stack, env: {} });
      cpu += cpuSeconds(process.cpuUsage(t));
      const observed = inSync(desired.resources);
      t = process.cpuUsage();
      const plan = planStack({ project: desired.project, stack, desired: desired.resources, observed });
      cpu += cpuSeconds(process.cpuUsage(t));
      summaries.push(plan.summary);
      resources += desired.resources.length;
      noop.noop += plan.summary.noop;
      noop.other += plan.steps.length - plan.summary.noop;
      peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
    }
    process.stdout.write(
      `${JSON.stringify({
        stacks,
        services,
        resources,
        plannedNoop: noop.noop,
        plannedOther: noop.other,
        cpuSeconds: cpu,
        peakRssMb: process.resourceUsage().maxRSS / 1024,
        peakHeapMb: peakHeap / 2 ** 20,
        summariesKept: summaries.length,
      })}\n`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main();
