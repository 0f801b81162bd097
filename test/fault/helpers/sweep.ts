/**
 * Runs crash cases over several lanes (one moto server each) and summarises them: how long the sweep
 * and each case took, where the time went, and which calls the passes were cut after.
 *
 * @module
 */
import { type CaseOutcome, type CasePhase, type CaseTarget, runCrashCase } from './crash-case.js';
import type { CrashLane } from './crash-lane.js';

/** A finished sweep. */
export interface SweepResult {
  /** One per N, sorted by N. */
  readonly outcomes: readonly CaseOutcome[];
  readonly totalMs: number;
}

/** Options for {@link runSweep}. */
export interface SweepOptions {
  readonly lanes: readonly CrashLane[];
  /** The cases: N, or N of one operation's calls (`service:Operation`). */
  readonly cases: readonly { readonly n: number; readonly operation?: string }[];
  readonly target: CaseTarget;
  /** Called after each case, in completion order, with how many cases are done. */
  readonly onCase?: (outcome: CaseOutcome, done: number) => void;
}

/** Runs every N once; each lane takes the next N as soon as its previous case ends. */
export async function runSweep(options: SweepOptions): Promise<SweepResult> {
  const queue = [...options.cases];
  const outcomes: CaseOutcome[] = [];
  const started = performance.now();
  await Promise.all(
    options.lanes.map(async (lane) => {
      for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
        const outcome = await runCrashCase(lane, next.n, options.target, next.operation);
        outcomes.push(outcome);
        options.onCase?.(outcome, outcomes.length);
      }
    }),
  );
  const order = (o: CaseOutcome): string => `${o.operation ?? ''}#${String(o.n).padStart(6, '0')}`;
  return {
    outcomes: outcomes.sort((a, b) => order(a).localeCompare(order(b))),
    totalMs: performance.now() - started,
  };
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

/** One line for a case: where it was cut, how long it took, what went wrong. */
export function formatCase(o: CaseOutcome): string {
  const problems = o.problems.length > 0 ? ` ✗ ${o.problems.join(' | ')}` : '';
  const n = o.operation ? `N=${o.n} of ${o.operation}` : `N=${o.n}`;
  return `${n} after ${o.cut || '(not killed)'} in ${seconds(o.durationMs)}${problems}`;
}

/** `dynamodb TransactWriteItems ×84, ec2 CreateVpc ×1, …`: which calls the sweep cut a pass after. */
function cutHistogram(outcomes: readonly CaseOutcome[]): string {
  const counts = new Map<string, number>();
  for (const o of outcomes) {
    const call = o.cut.replace(/, (ok|error)$/, '') || '(not killed)';
    counts.set(call, (counts.get(call) ?? 0) + 1);
  }
  return [...counts]
    .sort((a, b) => b[1] - a[1])
    .map(([call, n]) => `${call} ×${n}`)
    .join(', ');
}

/** `reset 0.9 s, child 16.0 s, …`: where a case's time goes on average. */
function phaseMeans(outcomes: readonly CaseOutcome[]): string {
  const first = outcomes[0];
  if (!first) return '';
  return (Object.keys(first.phases) as CasePhase[])
    .map(
      (phase) =>
        `${phase} ${seconds(outcomes.reduce((acc, o) => acc + o.phases[phase], 0) / outcomes.length)}`,
    )
    .join(', ');
}

/** `service Operation` of `operations` that no case of the sweep was cut right after. */
export function neverCutAfter(outcomes: readonly CaseOutcome[], operations: readonly string[]): string[] {
  const cut = new Set(outcomes.map((o) => o.cut.replace(/, (ok|error)$/, '')));
  return operations.filter((op) => !cut.has(op));
}

/**
 * The sweep's report: totals, per-case cost, phases, cut points, and every failing case. `operations`
 * (`service Operation` of every mutating call of a clean pass) adds the ones no case was cut after: steps
 * run concurrently, so which call is the Nth varies from run to run, and a sweep over every N need not
 * cut after every operation.
 */
export function formatSweepReport(
  result: SweepResult,
  header: string,
  operations: readonly string[] = [],
): string {
  const { outcomes, totalMs } = result;
  const neverCut = neverCutAfter(outcomes, operations);
  const per = outcomes.map((o) => o.durationMs);
  const mean = per.reduce((a, b) => a + b, 0) / Math.max(1, per.length);
  return [
    header,
    `total ${seconds(totalMs)}; per case mean ${seconds(mean)}, max ${seconds(Math.max(0, ...per))}`,
    `mean per phase: ${phaseMeans(outcomes)}`,
    `killed ${outcomes.filter((o) => o.killed).length}; lease still held by the dead process ${outcomes.filter((o) => o.leaseWasHeld).length}`,
    `cut after: ${cutHistogram(outcomes)}`,
    ...(operations.length > 0 ? [`never cut after (this run): ${neverCut.join(', ') || 'none'}`] : []),
    ...outcomes.filter((o) => o.problems.length > 0).map((o) => `  ✗ ${formatCase(o)}`),
  ].join('\n');
}
