/**
 * The fault suite (issue 10, docs/RELIABILITY.md "Fault suite"): the example app's dev stack is built,
 * updated and destroyed by the compiled CLI with the random-fault hook armed (src/aws/random-faults.ts):
 * a share of every stack service's HTTP attempts fails with the service's own throttling error, a 500, a
 * 503, a connection reset before the server acts, or a lost response after it acted. Runs are repeated
 * until one exits 0 (at most {@link MAX_PASSES}); then, without faults, the end state must be exact:
 * `plan` has nothing to do, raw describe calls find one resource per logical id and nothing else, every
 * task definition family has one ACTIVE revision (two after an update: the previous one is kept by
 * retention), and a destroy leaves nothing carrying the stack's tags.
 *
 * Seeds are fixed, so a run is repeatable in the draws it makes; passes run steps concurrently, so which
 * call a draw hits still varies a little between runs. The figures of every case are printed at the end.
 *
 * Cases run on `STACKCTL_FAULT_LANES` moto servers at once (default 2, one per core).
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAULT_KILL_AFTER_MUTATIONS_ENV } from '../../src/aws/fault-injection.js';
import { FAULT_ENV, FAULT_KINDS } from '../../src/aws/random-faults.js';
import { loadStackProject } from '../../src/desired/load-project.js';
import { type DesiredStack, TAG_KEYS } from '../../src/desired/resource-types.js';
import { type MotoServer, startMoto } from '../helpers/moto.js';
import { type BuiltCli, buildCli, REPO_ROOT } from './helpers/build-cli.js';
import { CONFIG_KEY, CrashLane, MOTO_CREDENTIALS } from './helpers/crash-lane.js';
import {
  describeFailure,
  type PassesOutcome,
  runUntilSuccess,
  totalInjected,
} from './helpers/fault-passes.js';
import { checkInventory, type InventoryProblems, takeInventory } from './helpers/inventory.js';
import type { FoundResource } from './helpers/inventory-types.js';

const STACK = 'dev';
const LANE_COUNT = Math.max(1, Number(process.env.STACKCTL_FAULT_LANES ?? '2') || 2);
/** Runs of one command before a case counts as not converging. */
const MAX_PASSES = 4;
/** Every case of the file, on a shared 2-core machine; the suite itself takes a few minutes. */
const SUITE_TIMEOUT_MS = 10 * 60_000;

/** The stack file edit of the update case: new environment for two services, so two new revisions. */
const STACK_FILE_EDIT = {
  from: '      LOG_LEVEL: debug\ndriftPolicy',
  to: '      LOG_LEVEL: warn\n  worker:\n    environment:\n      QUEUE: orders-v2\ndriftPolicy',
} as const;

/**
 * The compose edit of the destroy case: the cache runs as an ECS service instead of managed Redis. moto
 * keeps a deleted ElastiCache replication group `deleting` for ever and has no DeleteCacheSubnetGroup
 * (aws-api-facts.md §8, test/e2e/destroy.test.ts), so a destroy that waits for the cache to be gone
 * could never finish there; the database (RDS) is still deleted, under `--allow-data-loss`.
 */
const COMPOSE_EDIT_FOR_DESTROY = { from: '    x-stackctl-redis: true\n', to: '' } as const;

/**
 * moto with one fidelity fix (helpers/moto-fidelity/sitecustomize.py): CreateListener is idempotent, as
 * AWS documents it. moto's own check never matches, so a resend after a lost response would make a
 * second listener on one port, which AWS never does.
 */
const MOTO_FIDELITY_PATH = fileURLToPath(new URL('./helpers/moto-fidelity', import.meta.url));

/** A run of the CLI still going after this long is a hang: killed, its log kept as the failure. */
const RUN_TIMEOUT_MS = 150_000;

/** What a case does under faults. */
type CaseKind = 'converge' | 'update' | 'destroy';

/** One row of the suite: what runs under faults, at which rate, from which seed. */
interface FaultCase {
  readonly name: string;
  readonly kind: CaseKind;
  readonly rate: number;
  readonly seed: number;
  readonly reason: string;
}

const CASES: readonly FaultCase[] = [
  {
    name: 'converge 0 %',
    kind: 'converge',
    rate: 0,
    seed: 1,
    reason: 'the baseline: one pass, the calls a clean build needs',
  },
  {
    name: 'converge 10 %',
    kind: 'converge',
    rate: 0.1,
    seed: 7,
    reason: 'occasional throttles, 5xx, resets and lost responses while building from empty',
  },
  {
    name: 'converge 30 %',
    kind: 'converge',
    rate: 0.3,
    seed: 7,
    reason: 'nearly one attempt in three fails while building from empty',
  },
  {
    name: 'update 30 %',
    kind: 'update',
    rate: 0.3,
    seed: 11,
    reason: 'new task definition revisions and service updates under faults, after a clean build',
  },
  {
    name: 'destroy 30 %',
    kind: 'destroy',
    rate: 0.3,
    seed: 13,
    reason:
      'deletes in reverse order under faults, after a clean build (cache as an ECS service: moto cannot delete ElastiCache)',
  },
];

/** What a case found: the faulted runs' figures and the end state read without faults. */
interface CaseResult {
  readonly passes: PassesOutcome;
  /** `plan` after the runs (converge, update): exit code and what it still proposed. */
  readonly plan?: { readonly code: number | null; readonly pending: string };
  readonly inventory?: InventoryProblems;
  /** ACTIVE revisions per task definition family. */
  readonly revisions: Readonly<Record<string, number>>;
  /** Task definition logical ids the update changed (update only). */
  readonly changedTaskDefinitions: readonly string[];
  /** Resources still carrying the stack's project and stack tags (destroy only). */
  readonly leftOver: readonly string[];
  /** Journal entries left after a destroy. */
  readonly journalLeft: readonly string[];
  readonly durationMs: number;
}

/** Makes moto's ECS tasks reach STOPPED on their first describe (as kill9.test.ts does). */
async function fastEcsTasks(moto: MotoServer): Promise<void> {
  const res = await fetch(`${moto.endpoint}/moto-api/state-manager/set-transition`, {
    method: 'POST',
    body: JSON.stringify({ model_name: 'ecs::task', transition: { progression: 'immediate' } }),
  });
  if (!res.ok) throw new Error(`moto state manager: ${res.status}`);
}

/** `family → ACTIVE revisions` from the task definition ARNs the inventory found. */
function revisionsPerFamily(found: readonly FoundResource[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of found) {
    if (r.kind !== 'ecs.TaskDefinition') continue;
    const family = r.id.replace(/^.*:task-definition\//, '').replace(/:\d+$/, '');
    out[family] = (out[family] ?? 0) + 1;
  }
  return out;
}

/** Logical ids of task definitions whose rendered spec differs between two renders of the stack. */
function changedTaskDefinitions(before: DesiredStack, after: DesiredStack): string[] {
  const old = new Map(before.resources.map((r) => [r.logicalId, JSON.stringify(r.spec)]));
  return after.resources
    .filter((r) => r.kind === 'ecs.TaskDefinition' && old.get(r.logicalId) !== JSON.stringify(r.spec))
    .map((r) => r.logicalId)
    .sort();
}

/** Replaces one exact piece of a file; throws when the piece is not there (the example app changed). */
function editFile(file: string, edit: { readonly from: string; readonly to: string }): void {
  const text = readFileSync(file, 'utf8');
  if (!text.includes(edit.from)) throw new Error(`${file} no longer contains ${JSON.stringify(edit.from)}`);
  writeFileSync(file, text.replace(edit.from, edit.to));
}

function render(appDir: string): DesiredStack {
  return loadStackProject({ cwd: appDir, stack: STACK, env: process.env as Record<string, string> }).desired;
}

/** `plan --output json` without faults: exit code and the changes it still proposes. */
async function planAfter(lane: CrashLane): Promise<{ code: number | null; pending: string }> {
  const plan = await lane.cli(['plan', '--output', 'json']);
  let pending = '';
  try {
    const parsed = JSON.parse(plan.out) as { steps?: { logicalId: string; action: string }[] };
    pending = (parsed.steps ?? [])
      .filter((s) => s.action !== 'noop')
      .map((s) => `${s.action} ${s.logicalId}`)
      .join(', ');
  } catch {
    pending = plan.err.trim().slice(-600);
  }
  return { code: plan.code, pending };
}

/** The one extra ACTIVE revision an update leaves per changed family (the previous one, kept by retention). */
function retainedRevisions(r: CaseResult): string[] {
  return r.changedTaskDefinitions.map((id) => `ecs.TaskDefinition ${id} ×2`);
}

/** Duplicates the inventory found beyond the retained revisions: must be 0. */
function extraDuplicates(r: CaseResult): number {
  return (r.inventory?.duplicates ?? []).filter((d) => !retainedRevisions(r).includes(d)).length;
}

/** What the end state of a case got wrong, for the report (the tests assert each part). */
function caseProblems(r: CaseResult): string[] {
  const inv = r.inventory;
  return [
    ...(r.plan && r.plan.code !== 0 ? [`plan exit ${r.plan.code}: ${r.plan.pending}`] : []),
    ...(inv?.duplicates ?? []).filter((d) => !retainedRevisions(r).includes(d)).map((d) => `duplicate ${d}`),
    ...(inv?.missing ?? []).map((d) => `missing ${d}`),
    ...(inv?.orphans ?? []).map((d) => `orphan ${d}`),
    ...r.leftOver.map((d) => `left over ${d}`),
    ...r.journalLeft.map((d) => `journal still has ${d}`),
  ];
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

describe('fault suite: the dev stack converges, updates and is destroyed under injected faults', () => {
  let cli: BuiltCli;
  let baseDir: string;
  let servers: MotoServer[] = [];
  let desired: DesiredStack;
  const results = new Map<string, CaseResult>();
  /** Cases that could not run to their checks (a clean build failed, the example app changed). */
  const caseErrors = new Map<string, string>();
  const workDirs: string[] = [];
  let suiteMs = 0;

  /** A private copy of the example app (the update case edits its stack file). */
  function copyApp(): string {
    const dir = mkdtempSync(join(tmpdir(), 'stackctl-faults-'));
    workDirs.push(dir);
    cpSync(join(REPO_ROOT, 'examples', 'shop'), dir, { recursive: true });
    return dir;
  }

  async function runCase(moto: MotoServer, c: FaultCase): Promise<CaseResult> {
    const started = performance.now();
    const appDir = c.kind === 'converge' ? baseDir : copyApp();
    if (c.kind === 'destroy') editFile(join(appDir, 'compose.yaml'), COMPOSE_EDIT_FOR_DESTROY);
    const lane = new CrashLane({
      moto,
      appDir,
      cliJs: cli.mainJs,
      project: desired.project,
      stack: desired.stack,
    });
    await lane.freshAccount();
    let target = desired;
    let changed: string[] = [];
    if (c.kind !== 'converge') {
      const clean = await lane.cli(['reconcile', '--once', '--output', 'json']);
      if (clean.code !== 0) throw new Error(`${c.name}: the clean build failed: ${describeFailure(clean)}`);
    }
    if (c.kind === 'update') {
      editFile(join(appDir, '.stackctl', `${STACK}.yaml`), STACK_FILE_EDIT);
      target = render(appDir);
      changed = changedTaskDefinitions(desired, target);
    }
    const argv = c.kind === 'destroy' ? ['destroy', '--yes', '--allow-data-loss'] : ['reconcile', '--once'];
    const passes = await runUntilSuccess(lane, {
      argv,
      faults: { rate: c.rate, seed: c.seed },
      maxPasses: MAX_PASSES,
      reportFile: join(appDir, `.faults-${c.seed}-${c.kind}.jsonl`),
      runTimeoutMs: RUN_TIMEOUT_MS,
    });
    const found = await takeInventory(lane.clients);
    const base = {
      passes,
      revisions: revisionsPerFamily(found),
      changedTaskDefinitions: changed,
      durationMs: 0,
    };
    // The user's own config (`config set`) is no stack resource: `config rm` removes it, not destroy.
    const configParameter = `/stackctl/${desired.project}/${desired.stack}/${CONFIG_KEY}`;
    if (c.kind === 'destroy') {
      const ours = (r: FoundResource): boolean =>
        r.tags[TAG_KEYS.project] === desired.project && r.tags[TAG_KEYS.stack] === desired.stack;
      return {
        ...base,
        leftOver: found.filter((r) => ours(r) && r.id !== configParameter).map((r) => `${r.kind} ${r.id}`),
        journalLeft: (await lane.journal()).map((j) => j.logicalId),
        durationMs: performance.now() - started,
      };
    }
    return {
      ...base,
      plan: await planAfter(lane),
      inventory: checkInventory(found, target.resources, {
        allowedIds: [configParameter],
      }),
      leftOver: [],
      journalLeft: [],
      durationMs: performance.now() - started,
    };
  }

  beforeAll(async () => {
    // The hooks must never arm this process: its in-process runs read the end state without faults.
    delete process.env[FAULT_KILL_AFTER_MUTATIONS_ENV];
    for (const name of Object.values(FAULT_ENV)) delete process.env[name];
    Object.assign(process.env, MOTO_CREDENTIALS);
    baseDir = copyApp();
    desired = render(baseDir);
    cli = buildCli();
    const pythonPath = [MOTO_FIDELITY_PATH, process.env.PYTHONPATH].filter(Boolean).join(delimiter);
    servers = await Promise.all(
      Array.from({ length: LANE_COUNT }, () =>
        startMoto({ env: { PYTHONPATH: pythonPath, PYTHONDONTWRITEBYTECODE: '1' } }),
      ),
    );
    await Promise.all(servers.map(fastEcsTasks));
    const started = performance.now();
    const queue = [...CASES];
    await Promise.all(
      servers.map(async (moto) => {
        for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
          try {
            results.set(next.name, await runCase(moto, next));
          } catch (err) {
            caseErrors.set(next.name, err instanceof Error ? (err.stack ?? err.message) : String(err));
          }
        }
      }),
    );
    suiteMs = performance.now() - started;
  }, SUITE_TIMEOUT_MS);

  afterAll(async () => {
    const rows = CASES.map((c) => {
      const r = results.get(c.name);
      if (!r) return `${c.name.padEnd(14)} (did not run: ${caseErrors.get(c.name) ?? 'suite stopped'})`;
      const p = r.passes;
      const kinds = FAULT_KINDS.map((k) => `${k} ${p.injected[k]}`).join(', ');
      return [
        c.name.padEnd(14),
        `seed ${String(c.seed).padEnd(3)}`,
        `faults ${String(totalInjected(p.injected)).padStart(3)} (${kinds})`,
        `passes ${p.passes}${p.converged ? '' : ' ✗'}`,
        `calls ${p.calls}`,
        `attempts ${p.attempts}`,
        `retries ${p.attempts - p.calls}`,
        `duplicates deleted ${p.duplicatesDeleted}, left ${extraDuplicates(r)}`,
        seconds(r.durationMs),
        ...p.failures.map((f) => `\n    ${f}`),
        ...caseProblems(r).map((f) => `\n    ✗ ${f}`),
      ].join(' | ');
    });
    console.log(
      [`fault suite: ${CASES.length} cases on ${servers.length} lanes in ${seconds(suiteMs)}`, ...rows].join(
        '\n',
      ),
    );
    await Promise.all(servers.map((s) => s.stop()));
    cli?.remove();
    for (const dir of workDirs) rmSync(dir, { recursive: true, force: true });
  });

  it.each(CASES.filter((c) => c.kind === 'converge'))(
    '$name converges from empty to exactly the stack ($reason)',
    (c) => {
      const r = results.get(c.name);
      expect(caseErrors.get(c.name)).toBeUndefined();
      expect(r, 'case ran').toBeDefined();
      if (!r) return;
      expect(r.passes.converged, r.passes.failures.join('\n')).toBe(true);
      if (c.rate === 0) expect(r.passes).toMatchObject({ passes: 1, injected: { throttle: 0, lost: 0 } });
      else expect(totalInjected(r.passes.injected)).toBeGreaterThan(0);
      expect(r.plan, r.plan?.pending).toEqual({ code: 0, pending: '' });
      expect(r.inventory).toMatchObject({ duplicates: [], missing: [], orphans: [] });
      const families = desired.resources.filter((d) => d.kind === 'ecs.TaskDefinition').length;
      expect(Object.keys(r.revisions)).toHaveLength(families);
      expect(
        Object.values(r.revisions).every((n) => n === 1),
        JSON.stringify(r.revisions),
      ).toBe(true);
    },
  );

  it.each(CASES.filter((c) => c.kind === 'update'))(
    '$name updates to the new stack: one new revision per changed family, nothing else extra ($reason)',
    (c) => {
      const r = results.get(c.name);
      expect(caseErrors.get(c.name)).toBeUndefined();
      expect(r, 'case ran').toBeDefined();
      if (!r) return;
      expect(r.changedTaskDefinitions, 'the stack file edit changes two task definitions').toHaveLength(2);
      expect(r.passes.converged, r.passes.failures.join('\n')).toBe(true);
      expect(totalInjected(r.passes.injected)).toBeGreaterThan(0);
      expect(r.plan, r.plan?.pending).toEqual({ code: 0, pending: '' });
      // The previous revision of a changed family is kept by retention: that one extra ACTIVE revision
      // is the only "duplicate" allowed.
      expect(r.inventory).toMatchObject({
        duplicates: expect.arrayContaining(retainedRevisions(r)),
        missing: [],
        orphans: [],
      });
      expect(r.inventory?.duplicates).toHaveLength(retainedRevisions(r).length);
      const twos = Object.values(r.revisions).filter((n) => n === 2).length;
      expect(twos, JSON.stringify(r.revisions)).toBe(2);
      expect(
        Object.values(r.revisions).every((n) => n === 1 || n === 2),
        JSON.stringify(r.revisions),
      ).toBe(true);
    },
  );

  it.each(CASES.filter((c) => c.kind === 'destroy'))(
    '$name removes everything carrying the stack tags ($reason)',
    (c) => {
      const r = results.get(c.name);
      expect(caseErrors.get(c.name)).toBeUndefined();
      expect(r, 'case ran').toBeDefined();
      if (!r) return;
      expect(r.passes.converged, r.passes.failures.join('\n')).toBe(true);
      expect(totalInjected(r.passes.injected)).toBeGreaterThan(0);
      expect(r.leftOver).toEqual([]);
      expect(r.revisions).toEqual({});
      expect(r.journalLeft).toEqual([]);
    },
  );
});
