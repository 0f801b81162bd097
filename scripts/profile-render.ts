// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are compose templates, not JS template literals.
/**
 * `npx tsx scripts/profile-render.ts [stacks] [services]`: the pure CPU of a fleet's in-sync pass, no AWS.
 *
 * Writes one compose app with `services` services (default 20) and `stacks` stack files (default 1,000),
 * then, for every stack, loads + resolves + renders it (`loadStackProject`) and plans it against its own
 * rendered resources made to look live (every ref resolved, ownership tags present), so every step is a
 * noop: what the operator's resync does for a fleet whose stacks are in sync. Prints CPU seconds (user +
 * system), wall time and peak heap, for a first pass (process-wide caches empty) and the next one; run under `node --cpu-prof` (see the end of this comment) to find where
 * the time goes. Asserts only that every plan is all-noop, so a change that breaks the "look live"
 * mapping cannot pass for a speed-up.
 *
 *   node --expose-gc --import tsx scripts/profile-render.ts 1000 20
 *   node --cpu-prof --cpu-prof-dir=/tmp/prof --import tsx scripts/profile-render.ts 200 20
 *
 * @module
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { loadStackProject } from '../src/desired/load-project.js';
import { type DesiredResource, isRef, type SpecValue } from '../src/desired/resource-types.js';
import { planStack } from '../src/diff/plan-stack.js';
import { resolveRefsPartial } from '../src/diff/resolve-refs.js';
import type { ObservedResource } from '../src/observed/types.js';

const DEFAULT_STACKS = 1000;
const DEFAULT_SERVICES = 20;
const REGION = 'eu-west-1';

/** One web service per index, with ports, environment, a health check and a dependency: a typical app. */
function serviceYaml(i: number): string {
  return [
    `  svc${i}:`,
    '    image: nginx:1.27-alpine',
    '    ports:',
    `      - "${8000 + i}:80"`,
    '    environment:',
    `      INDEX: "${i}"`,
    '      LOG_LEVEL: ${LOG_LEVEL:-info}',
    `      PEER_URL: http://svc${(i + 1) % 20}:80`,
    '    healthcheck:',
    '      test: ["CMD-SHELL", "wget -q -O- http://localhost:80/ || exit 1"]',
    '      interval: 15s',
    ...(i > 0 ? ['    depends_on:', '      - svc0'] : []),
    '    deploy:',
    '      resources:',
    '        reservations:',
    '          cpus: "0.25"',
    '          memory: 512M',
  ].join('\n');
}

/** Writes the compose file and `stacks` stack files, each with its own small differences. */
function writeApp(dir: string, stacks: number, services: number): void {
  const body = Array.from({ length: services }, (_, i) => serviceYaml(i)).join('\n');
  writeFileSync(join(dir, 'compose.yaml'), `name: fleet\nservices:\n${body}\n`);
  mkdirSync(join(dir, '.stackctl'), { recursive: true });
  for (let s = 0; s < stacks; s++) {
    writeFileSync(
      join(dir, '.stackctl', `s${s}.yaml`),
      [
        `region: ${REGION}`,
        'mode: affordable',
        'env:',
        `  LOG_LEVEL: ${s % 2 === 0 ? 'debug' : 'info'}`,
        'services:',
        '  svc0:',
        `    replicas: ${1 + (s % 3)}`,
        '',
      ].join('\n'),
    );
  }
}

/** A stand-in output value for every ref the stack's resources make. */
function fakeOutputs(resources: readonly DesiredResource[]): Map<string, Record<string, string>> {
  const outputs = new Map<string, Record<string, string>>();
  const visit = (v: SpecValue): void => {
    if (isRef(v)) {
      const entry = outputs.get(v.$ref) ?? {};
      entry[v.attr] = `${v.$ref}:${v.attr}`;
      outputs.set(v.$ref, entry);
    } else if (Array.isArray(v)) for (const x of v as readonly SpecValue[]) visit(x);
    else if (typeof v === 'object' && v !== null) for (const x of Object.values(v)) visit(x as SpecValue);
  };
  for (const r of resources) visit(r.spec);
  return outputs;
}

/** The rendered resources as an observer would return them for a stack that is in sync. */
function lookLive(resources: readonly DesiredResource[]): ObservedResource[] {
  const outputs = fakeOutputs(resources);
  return resources.map((r) => ({
    kind: r.kind,
    logicalId: r.logicalId,
    name: r.name,
    physicalId: `${r.logicalId}-live`,
    spec: resolveRefsPartial(r.spec, outputs).spec,
    tags: r.tags,
    outputs: outputs.get(r.logicalId) ?? {},
    health: 'Healthy',
  }));
}

/** One in-sync pass over every stack: load + resolve + render, then plan against the live copy. */
function pass(root: string, live: ReadonlyMap<string, readonly ObservedResource[]>): Measured {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let resources = 0;
  let peakHeap = 0;
  for (const [stack, observed] of live) {
    const { desired } = loadStackProject({ cwd: root, stack, env: {} });
    const plan = planStack({
      project: desired.project,
      stack: desired.stack,
      desired: desired.resources,
      observed,
    });
    resources += desired.resources.length;
    if (plan.summary.noop !== plan.steps.length) {
      const other = plan.steps.find((st) => st.action.type !== 'noop');
      throw new Error(`stack ${stack}: not in sync: ${other?.logicalId} ${other?.action.type}`);
    }
    if (resources % 50 === 0) peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
  }
  const cpu = process.cpuUsage(cpu0);
  return {
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    wallSeconds: (performance.now() - t0) / 1000,
    peakHeapMB: Math.max(peakHeap, process.memoryUsage().heapUsed) / 1024 / 1024,
    resources,
  };
}

interface Measured {
  readonly cpuSeconds: number;
  readonly wallSeconds: number;
  readonly peakHeapMB: number;
  readonly resources: number;
}

/** Empties the process-wide caches of the desired side, where this version of the code has them. */
async function clearCaches(): Promise<void> {
  const mod = (await import('../src/desired/load-project.js')) as { clearDesiredCaches?: () => void };
  mod.clearDesiredCaches?.();
}

async function main(): Promise<void> {
  const stacks = Number(process.argv[2] ?? DEFAULT_STACKS);
  const services = Number(process.argv[3] ?? DEFAULT_SERVICES);
  const root = mkdtempSync(join(tmpdir(), 'stackctl-profile-'));
  try {
    writeApp(root, stacks, services);
    // The observed side is built before the clock starts: it stands for what observers return.
    const live = new Map<string, ObservedResource[]>();
    for (let s = 0; s < stacks; s++) {
      const { desired } = loadStackProject({ cwd: root, stack: `s${s}`, env: {} });
      live.set(`s${s}`, lookLive(desired.resources));
    }
    await clearCaches();
    globalThis.gc?.();
    const base = process.memoryUsage().heapUsed / 1024 / 1024;
    const show = (name: string, m: Measured) =>
      `${name}: cpu ${m.cpuSeconds.toFixed(2)} s, wall ${m.wallSeconds.toFixed(2)} s, ` +
      `peak heap ${m.peakHeapMB.toFixed(0)} MB (${(m.peakHeapMB - base).toFixed(0)} MB above the observed set)`;
    const cold = pass(root, live);
    const warm = pass(root, live);
    globalThis.gc?.();
    // What stays after the passes (the caches): measured only when run with --expose-gc.
    const retainedMB = globalThis.gc ? process.memoryUsage().heapUsed / 1024 / 1024 - base : undefined;
    process.stdout.write(
      `${stacks} stacks × ${services} services, ${cold.resources} resources; observed set ${base.toFixed(0)} MB\n` +
        `${show('first pass (caches empty)', cold)}\n${show('next pass', warm)}\n` +
        (retainedMB === undefined ? '' : `retained after both passes: ${retainedMB.toFixed(0)} MB\n`) +
        `JSON ${JSON.stringify({ stacks, services, base, cold, warm, retainedMB })}\n`,
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
