/**
 * Crash safety, for real: `reconcile --once` of the example app's dev stack is SIGKILLed right after its
 * Nth mutating AWS call, for every N of a clean pass, and another pass must then converge with no
 * duplicate, no orphan and no create left pending (ARCHITECTURE "Crash safety").
 *
 * How it stays fast enough to sweep every N (see the report printed at the end):
 * - the killed child runs the CLI compiled to JS once (build-cli.ts), the recovery runs in-process;
 * - cases are spread over `STACKCTL_KILL9_LANES` moto servers (default 2, one per core);
 * - moto's ECS tasks go straight to STOPPED (its state manager), so the migration one-off task does not
 *   wait 4 polls of 5 s; nothing else of moto is changed;
 * - the dead process's lease is not waited out in every case: its expiry is moved to the past, which is
 *   what the clock does within the lease duration; the last test waits it out in real time once.
 *
 * Which call is the Nth varies between runs (steps run concurrently), so after the sweep every mutating
 * operation no case happened to cut after gets one more case, cut right after its first call
 * (STACKCTL_FAULT_KILL_OPERATION): every N and every operation is a crash point of each run.
 *
 * `STACKCTL_KILL9_STRIDE=k` (default 1: every N) runs every k-th N only, for a quick local look; CI runs
 * the default, the full sweep.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateSecurityGroupCommand, CreateVpcCommand } from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAULT_KILL_AFTER_MUTATIONS_ENV } from '../../src/aws/fault-injection.js';
import { loadStackProject } from '../../src/desired/load-project.js';
import type { DesiredStack } from '../../src/desired/resource-types.js';
import { DEFAULT_LEASE_MS } from '../../src/state/index.js';
import { type MotoServer, startMoto } from '../helpers/moto.js';
import { type BuiltCli, buildCli, REPO_ROOT } from './helpers/build-cli.js';
import { type CaseOutcome, mutatingCalls, mutatingOperations } from './helpers/crash-case.js';
import { type CliRun, CONFIG_KEY, CrashLane, MOTO_CREDENTIALS } from './helpers/crash-lane.js';
import { checkInventory, takeInventory } from './helpers/inventory.js';
import { formatCase, formatSweepReport, neverCutAfter, runSweep } from './helpers/sweep.js';

const STACK = 'dev';
const STRIDE = Math.max(1, Number(process.env.STACKCTL_KILL9_STRIDE ?? '1') || 1);
const LANE_COUNT = Math.max(1, Number(process.env.STACKCTL_KILL9_LANES ?? '2') || 2);
/** Generous: a full sweep is about 160 cases of a few seconds each, on a shared 2-core machine. */
const SWEEP_TIMEOUT_MS = 90 * 60_000;

/** Makes moto's ECS tasks reach STOPPED on their first describe (moto's state manager). */
async function fastEcsTasks(moto: MotoServer): Promise<void> {
  const res = await fetch(`${moto.endpoint}/moto-api/state-manager/set-transition`, {
    method: 'POST',
    body: JSON.stringify({ model_name: 'ecs::task', transition: { progression: 'immediate' } }),
  });
  if (!res.ok) throw new Error(`moto state manager: ${res.status}`);
}

/** A progress line every this many cases (a full sweep runs for many minutes). */
const PROGRESS_EVERY = 20;

describe('kill -9 of reconcile --once after its Nth mutating call, then another pass', () => {
  let cli: BuiltCli;
  let appDir: string;
  let servers: MotoServer[] = [];
  let lanes: CrashLane[] = [];
  let desired: DesiredStack;
  let mutations = 0;
  let clean: CliRun;

  beforeAll(async () => {
    // The hook must never arm this process: it would SIGKILL the test worker.
    delete process.env[FAULT_KILL_AFTER_MUTATIONS_ENV];
    Object.assign(process.env, MOTO_CREDENTIALS);
    appDir = mkdtempSync(join(tmpdir(), 'stackctl-kill9-'));
    cpSync(join(REPO_ROOT, 'examples', 'shop'), appDir, { recursive: true });
    desired = loadStackProject({
      cwd: appDir,
      stack: STACK,
      env: process.env as Record<string, string>,
    }).desired;
    cli = buildCli();
    servers = await Promise.all(Array.from({ length: LANE_COUNT }, () => startMoto()));
    await Promise.all(servers.map(fastEcsTasks));
    lanes = servers.map(
      (moto) =>
        new CrashLane({ moto, appDir, cliJs: cli.mainJs, project: desired.project, stack: desired.stack }),
    );
    // M: the mutating calls of a full clean pass, every service (the state table's writes included).
    const lane = lanes[0] as CrashLane;
    await lane.freshAccount();
    clean = await lane.spawnReconcile();
    mutations = clean.code === 0 ? mutatingCalls(clean) : 0;
  }, 180_000);

  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    cli?.remove();
    if (appDir) rmSync(appDir, { recursive: true, force: true });
  });

  it('a clean pass of the built CLI builds exactly the stack; its mutating calls set the sweep', async () => {
    const lane = lanes[0] as CrashLane;
    expect(clean.code, clean.err).toBe(0);
    expect(mutations).toBeGreaterThan(desired.resources.length);
    const inventory = checkInventory(await takeInventory(lane.clients), desired.resources, {
      allowedIds: [`/stackctl/${desired.project}/${desired.stack}/${CONFIG_KEY}`],
    });
    expect(inventory).toMatchObject({ duplicates: [], missing: [], orphans: [] });
    expect((await lane.cli(['plan'])).code).toBe(0);
  }, 120_000);

  it('the inventory would see a duplicate and an untagged leak (so its empty verdicts mean something)', async () => {
    const lane = lanes[0] as CrashLane;
    const vpc = desired.resources.find((r) => r.logicalId === 'vpc');
    const tags = Object.entries(vpc?.tags ?? {}).map(([Key, Value]) => ({ Key, Value }));
    const extra = await lane.clients.ec2.send(
      new CreateVpcCommand({
        CidrBlock: '10.99.0.0/16',
        TagSpecifications: [{ ResourceType: 'vpc', Tags: tags }],
      }),
    );
    await lane.clients.ec2.send(
      new CreateSecurityGroupCommand({
        GroupName: 'leak',
        Description: 'untagged',
        VpcId: extra.Vpc?.VpcId,
      }),
    );
    const inventory = checkInventory(await takeInventory(lane.clients), desired.resources, {
      allowedIds: [`/stackctl/${desired.project}/${desired.stack}/${CONFIG_KEY}`],
    });
    expect(inventory.duplicates).toEqual(['ec2.Vpc vpc ×2']);
    expect(inventory.orphans).toEqual([expect.stringMatching(/^ec2\.SecurityGroup sg-\w+ \(untagged\)$/)]);
    expect(inventory.missing).toEqual([]);
  });

  it(
    'for every N: the recovery pass converges, with exactly one of each resource, nothing orphaned and no pending create',
    async () => {
      expect(clean.code, clean.err).toBe(0);
      const ns = Array.from({ length: mutations }, (_, i) => i + 1).filter((n) => (n - 1) % STRIDE === 0);
      const operations = mutatingOperations(clean);
      const progress = (total: number) => (outcome: CaseOutcome, done: number) => {
        if (outcome.problems.length > 0 || done % PROGRESS_EVERY === 0)
          console.log(`kill -9 case ${done}/${total}: ${formatCase(outcome)}`);
      };
      const sweep = await runSweep({
        lanes,
        cases: ns.map((n) => ({ n })),
        target: desired,
        onCase: progress(ns.length),
      });
      // Steps run concurrently, so the Nth call varies between runs: cut once more right after the first
      // call of every operation the sweep happened not to cut after, so each one is a crash point too.
      const missed = STRIDE === 1 ? neverCutAfter(sweep.outcomes, operations) : [];
      const targeted = await runSweep({
        lanes,
        cases: missed.map((op) => ({ n: 1, operation: op.replace(' ', ':') })),
        target: desired,
        onCase: progress(missed.length),
      });
      const all = [...sweep.outcomes, ...targeted.outcomes];
      console.log(
        formatSweepReport(
          { outcomes: all, totalMs: sweep.totalMs + targeted.totalMs },
          `kill -9 sweep: M=${mutations} mutating calls, ${ns.length} cases (stride ${STRIDE}) + ${missed.length} after one operation, ${lanes.length} lanes`,
          operations,
        ),
      );
      expect(sweep.outcomes.map((o) => o.n)).toEqual(ns);
      expect(all.filter((o) => o.problems.length > 0).map(formatCase)).toEqual([]);
      // Every N inside the pass really cut it: only the last few (lease heartbeats vary the count by
      // one or two) may outrun a pass that made fewer mutating calls this time.
      expect(sweep.outcomes.filter((o) => !o.killed && o.n < mutations - 2).map((o) => o.n)).toEqual([]);
      expect(targeted.outcomes.filter((o) => !o.killed).map(formatCase)).toEqual([]);
      if (STRIDE === 1) expect(neverCutAfter(all, operations)).toEqual([]);
    },
    SWEEP_TIMEOUT_MS,
  );

  it('without touching the clock, the dead holder lease is taken over once it expires, within one lease duration', async () => {
    const lane = lanes[0] as CrashLane;
    await lane.freshAccount();
    const child = await lane.spawnReconcile(Math.ceil(mutations / 2));
    expect(child.signal).toBe('SIGKILL');
    const lease = await lane.lease();
    expect(lease?.owner).toBeDefined();
    const refused = await lane.cli(['reconcile', '--once']);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('is being reconciled by');
    // A user retries until the lease lapses; it must not take longer than one lease duration.
    const retryFrom = Date.now();
    let recovery = refused;
    while (recovery.code === 1 && recovery.err.includes('is being reconciled by')) {
      expect(Date.now() - retryFrom).toBeLessThan(DEFAULT_LEASE_MS + 5_000);
      await new Promise((r) => setTimeout(r, 1_000));
      recovery = await lane.cli(['reconcile', '--once']);
    }
    expect(recovery.code, recovery.err).toBe(0);
    expect(Date.now()).toBeGreaterThanOrEqual(lease?.expiresAtMs ?? 0);
    expect((await lane.cli(['plan'])).code).toBe(0);
    const inventory = checkInventory(await takeInventory(lane.clients), desired.resources, {
      allowedIds: [`/stackctl/${desired.project}/${desired.stack}/${CONFIG_KEY}`],
    });
    expect(inventory).toMatchObject({ duplicates: [], missing: [], orphans: [] });
  }, 120_000);
});
