/**
 * One case of the crash suite: a fresh account, `reconcile --once` killed by SIGKILL right after its Nth
 * mutating call, then a recovery pass, and every check of ARCHITECTURE "Crash safety": the recovery and a
 * following plan succeed with nothing left to do, exactly one resource per logical id, nothing else, and
 * no create left pending in the journal.
 *
 * A case never throws for a broken invariant: it returns the problems, so a sweep reports every bad N.
 *
 * @module
 */
import type { DesiredResource } from '../../../src/desired/resource-types.js';
import { type CliRun, CONFIG_KEY, type CrashLane } from './crash-lane.js';
import { checkInventory, takeInventory } from './inventory.js';

/** What one case found. */
export interface CaseOutcome {
  readonly n: number;
  /** `service:Operation` when only that operation's calls were counted. */
  readonly operation?: string;
  /** The call the child died after, as its fault line names it (`ec2 CreateVpc, ok`). */
  readonly cut: string;
  /** False when the pass made fewer than N mutating calls and finished (only possible at the very end). */
  readonly killed: boolean;
  /** The dead process still held the lease, and a pass right after the crash was refused. */
  readonly leaseWasHeld: boolean;
  readonly problems: readonly string[];
  readonly durationMs: number;
  /** Milliseconds per phase (account reset, killed child, recovery, plan, checks), for the report. */
  readonly phases: Readonly<Record<CasePhase, number>>;
}

/** The timed phases of a case. */
export type CasePhase = 'reset' | 'child' | 'recovery' | 'plan' | 'checks';

/** The stack a case runs against. */
export interface CaseTarget {
  readonly project: string;
  readonly stack: string;
  readonly resources: readonly DesiredResource[];
}

/** Lease time that must be left for the "refused while held" check to be meaningful. */
const LEASE_CHECK_MARGIN_MS = 3_000;

const FAULT_LINE = /fault injection: SIGKILL after mutating call \d+ \(([^)]*)\)/;

interface StatsJson {
  readonly stats?: {
    readonly totals?: { readonly mutates?: number };
    readonly calls?: readonly {
      readonly service: string;
      readonly operation: string;
      readonly kind: string;
    }[];
  };
}

/** Mutating calls a finished `--output json --stats` run reports. */
export function mutatingCalls(run: CliRun): number {
  return (JSON.parse(run.out) as StatsJson).stats?.totals?.mutates ?? Number.NaN;
}

/** `service Operation` of every mutating operation a finished `--output json --stats` run made. */
export function mutatingOperations(run: CliRun): readonly string[] {
  const calls = (JSON.parse(run.out) as StatsJson).stats?.calls ?? [];
  return calls.filter((c) => c.kind === 'mutate').map((c) => `${c.service} ${c.operation}`);
}

/**
 * `logicalId status: message` of every step of a JSON reconcile report that did not succeed; the tail
 * of stderr when the report names none (or is no report).
 */
export function failedSteps(run: CliRun): string {
  try {
    const parsed = JSON.parse(run.out) as {
      results?: { logicalId: string; status: string; message?: string; error?: { message?: string } }[];
    };
    const failed = (parsed.results ?? [])
      .filter((r) => r.status !== 'applied' && r.status !== 'noop')
      .map((r) => `${r.logicalId} ${r.status}: ${r.error?.message ?? r.message ?? ''}`);
    return failed.length > 0 ? failed.join('; ') : run.err.trim().slice(-600);
  } catch {
    return run.err.trim().slice(-600);
  }
}

/** `action logicalId (reason)` of every change a JSON plan still proposes. */
export function pendingChanges(run: CliRun): string {
  try {
    const parsed = JSON.parse(run.out) as {
      steps?: { logicalId: string; action: string; reason?: string }[];
    };
    return (parsed.steps ?? [])
      .filter((s) => s.action !== 'noop')
      .map((s) => `${s.action} ${s.logicalId}${s.reason ? ` (${s.reason})` : ''}`)
      .join(', ');
  } catch {
    return run.err.trim().slice(-600);
  }
}

/**
 * Runs the kill / recover / check sequence for one N on one lane; with `operation` (`service:Operation`),
 * N counts that operation's calls only.
 */
export async function runCrashCase(
  lane: CrashLane,
  n: number,
  target: CaseTarget,
  operation?: string,
): Promise<CaseOutcome> {
  const started = performance.now();
  const problems: string[] = [];
  const phases: Record<CasePhase, number> = { reset: 0, child: 0, recovery: 0, plan: 0, checks: 0 };
  let mark = started;
  const lap = (phase: CasePhase): void => {
    const now = performance.now();
    phases[phase] += now - mark;
    mark = now;
  };
  await lane.freshAccount();
  lap('reset');

  const child = await lane.spawnReconcile(n, operation);
  const cut = FAULT_LINE.exec(child.err)?.[1] ?? '';
  const killed = child.signal === 'SIGKILL';
  if (!killed) {
    const finishedEarly = child.code === 0 && mutatingCalls(child) < n;
    if (!finishedEarly)
      problems.push(
        `child was not killed: exit ${child.code}, signal ${child.signal}: ${failedSteps(child)}`,
      );
  } else if (cut === '') problems.push('child died by SIGKILL without the fault line');
  lap('child');

  // The dead process's lease stays until it expires: a pass right now must be refused. (Checked only
  // with a margin left on the lease, so a slow machine cannot turn this into a race.)
  const lease = await lane.lease();
  const owner = lease?.owner;
  const held = owner !== undefined && (lease?.expiresAtMs ?? 0) > Date.now();
  const leaseWasHeld = held && (lease?.expiresAtMs ?? 0) > Date.now() + LEASE_CHECK_MARGIN_MS;
  if (leaseWasHeld) {
    const early = await lane.cli(['reconcile', '--once']);
    if (early.code !== 1 || !early.err.includes('is being reconciled by'))
      problems.push(`a pass during the dead holder's lease was not refused: exit ${early.code}`);
  }
  if (held && owner !== undefined) await lane.expireLease(owner);

  const recovery = await lane.cli(['reconcile', '--once', '--output', 'json']);
  if (recovery.code !== 0) problems.push(`recovery exited ${recovery.code}: ${failedSteps(recovery)}`);
  lap('recovery');
  const plan = await lane.cli(['plan', '--output', 'json']);
  if (plan.code !== 0) problems.push(`plan after recovery exited ${plan.code}: ${pendingChanges(plan)}`);
  lap('plan');

  const inventory = checkInventory(await takeInventory(lane.clients), target.resources, {
    allowedIds: [`/stackctl/${target.project}/${target.stack}/${CONFIG_KEY}`],
  });
  for (const d of inventory.duplicates) problems.push(`duplicate: ${d}`);
  for (const m of inventory.missing) problems.push(`missing: ${m}`);
  for (const o of inventory.orphans) problems.push(`orphan: ${o}`);

  const wanted = new Set(target.resources.map((r) => r.logicalId));
  for (const entry of await lane.journal()) {
    if (entry.createPending) problems.push(`journal: ${entry.logicalId} still has createPending`);
    if (!wanted.has(entry.logicalId)) problems.push(`journal: ${entry.logicalId} is no desired resource`);
  }
  lap('checks');
  return {
    n,
    ...(operation ? { operation } : {}),
    cut,
    killed,
    leaseWasHeld,
    problems,
    durationMs: performance.now() - started,
    phases,
  };
}
