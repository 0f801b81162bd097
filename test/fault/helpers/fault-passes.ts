/**
 * The fault suite's unit of work: run one CLI command (reconcile, destroy) as a child of the built CLI
 * with the random-fault hook armed (src/aws/random-faults.ts), again and again until a run exits 0 or
 * the pass limit is reached, and add up what the runs did: passes, AWS calls and attempts (`--stats`),
 * faults injected by kind (`STACKCTL_FAULT_REPORT`), duplicates the passes found and deleted.
 *
 * The hook arms only in the child: the test process and its in-process `cli()` runs never see the
 * variables, so the checks after the passes (plan, inventory) read AWS without faults.
 *
 * @module
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { FAULT_ENV, FAULT_KINDS, type FaultKind } from '../../../src/aws/random-faults.js';
import type { CliRun, CrashLane } from './crash-lane.js';

/** How a case's runs are faulted. */
export interface FaultSettings {
  /** Share of HTTP attempts that fail, 0..1 (0 arms the hook to count attempts only). */
  readonly rate: number;
  /** Seed of the first run; run k uses `seed + k - 1` so a retry does not replay the same draws. */
  readonly seed: number;
}

/** What the runs of one command added up to. */
export interface PassesOutcome {
  /** Runs made (the last one exited 0 when `converged`). */
  readonly passes: number;
  readonly converged: boolean;
  /** Logical AWS calls over every run (`--stats` totals). */
  readonly calls: number;
  /** HTTP attempts over every run, SDK and read retries included. */
  readonly attempts: number;
  /** Faults injected over every run, by kind. */
  readonly injected: Readonly<Record<FaultKind, number>>;
  /** Steps that deleted a duplicate found by observation (`logicalId#physicalId`). */
  readonly duplicatesDeleted: number;
  /** Per failed run: its exit code and what failed (`logicalId status: message`, or stderr's tail). */
  readonly failures: readonly string[];
  readonly durationMs: number;
}

/** Options of {@link runUntilSuccess}. */
export interface RunUntilSuccessOptions {
  /** The command and its flags; `--output json --stats` are added. */
  readonly argv: readonly string[];
  readonly faults: FaultSettings;
  readonly maxPasses: number;
  /** A file the hook appends its tally to (removed first). */
  readonly reportFile: string;
  /** A run still going after this long is killed and counts as a failed pass (a hang shows its log). */
  readonly runTimeoutMs: number;
}

interface JsonReport {
  readonly results?: readonly {
    readonly logicalId: string;
    readonly status: string;
    readonly message?: string;
    readonly error?: { readonly message?: string };
  }[];
  readonly stats?: { readonly totals?: { readonly calls?: number; readonly attempts?: number } };
}

/** The JSON a run printed, or undefined when it printed none (a command that failed before its report). */
function parseReport(run: CliRun): JsonReport | undefined {
  try {
    return JSON.parse(run.out) as JsonReport;
  } catch {
    return undefined;
  }
}

/** `logicalId status: message` of every step that did not succeed, else the tail of stderr. */
export function describeFailure(run: CliRun): string {
  const steps = (parseReport(run)?.results ?? [])
    .filter((r) => r.status !== 'applied' && r.status !== 'noop')
    .map((r) => `${r.logicalId} ${r.status}: ${r.error?.message ?? r.message ?? ''}`);
  const why = steps.length > 0 ? steps.join('; ') : run.err.trim().slice(-800);
  return `exit ${run.code}${run.signal ? ` (${run.signal})` : ''}: ${why}`;
}

/** Sums the tallies the hook appended, one JSON line per process. */
function readTallies(file: string): Record<FaultKind, number> {
  const sum = Object.fromEntries(FAULT_KINDS.map((k) => [k, 0])) as Record<FaultKind, number>;
  if (!existsSync(file)) return sum;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (line.trim() === '') continue;
    const { injected } = JSON.parse(line) as { injected: Partial<Record<FaultKind, number>> };
    for (const k of FAULT_KINDS) sum[k] += injected[k] ?? 0;
  }
  return sum;
}

/** Runs the command under faults until a run exits 0, at most `maxPasses` times. */
export async function runUntilSuccess(
  lane: CrashLane,
  options: RunUntilSuccessOptions,
): Promise<PassesOutcome> {
  const started = performance.now();
  rmSync(options.reportFile, { force: true });
  const failures: string[] = [];
  let calls = 0;
  let attempts = 0;
  let duplicatesDeleted = 0;
  let passes = 0;
  let converged = false;
  while (!converged && passes < options.maxPasses) {
    passes += 1;
    const run = await lane.spawnCli(
      [...options.argv, '--output', 'json', '--stats'],
      {
        [FAULT_ENV.rate]: String(options.faults.rate),
        [FAULT_ENV.seed]: String(options.faults.seed + passes - 1),
        [FAULT_ENV.report]: options.reportFile,
      },
      options.runTimeoutMs,
    );
    const report = parseReport(run);
    calls += report?.stats?.totals?.calls ?? 0;
    attempts += report?.stats?.totals?.attempts ?? 0;
    duplicatesDeleted += (report?.results ?? []).filter(
      (r) => r.logicalId.includes('#') && r.status === 'applied',
    ).length;
    converged = run.code === 0;
    if (!converged) failures.push(`pass ${passes}: ${describeFailure(run)}`);
  }
  return {
    passes,
    converged,
    calls,
    attempts,
    injected: readTallies(options.reportFile),
    duplicatesDeleted,
    failures,
    durationMs: performance.now() - started,
  };
}

/** Total faults of a tally. */
export function totalInjected(injected: Readonly<Record<FaultKind, number>>): number {
  return FAULT_KINDS.reduce((acc, k) => acc + injected[k], 0);
}
