/**
 * One case of the lost-response suite: on a fresh moto account, `reconcile --once` of the built CLI runs
 * with the response of one operation's first call lost (STACKCTL_FAULT_LOSE_RESPONSE: the server acts,
 * the client sees a reset); then, without faults, a second pass only if the first one failed, a plan
 * that must be empty, and an inventory by raw describe calls that must hold exactly one resource per
 * rendered logical id and nothing else.
 *
 * A case never throws for a broken promise: it returns the problems, so a suite reports every bad
 * operation at once.
 *
 * @module
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FAULT_ENV } from '../../../src/aws/random-faults.js';
import { type CaseTarget, failedSteps, pendingChanges } from './crash-case.js';
import { type CliRun, CONFIG_KEY, type CrashLane } from './crash-lane.js';
import { checkInventory, takeInventory } from './inventory.js';
import type { FoundResource } from './inventory-types.js';

/** Passes a lost response may cost: the pass it happens in, and one more. */
export const MAX_PASSES = 2;

/** What one case found. */
export interface LostResponseOutcome {
  /** `service:Operation` whose first response was lost. */
  readonly operation: string;
  /** Responses the hook really lost (from its report): must be 1, or the case tested nothing. */
  readonly lost: number;
  /** Passes run: 1 when the pass with the lost response converged by itself, else 2. */
  readonly passes: number;
  /** Why the pass with the lost response failed, when it did (the next pass then had to converge). */
  readonly firstPassFailure?: string;
  readonly problems: readonly string[];
  readonly durationMs: number;
}

/** Extra checks a stack needs beyond the shared inventory (kinds it does not list, allowed extras). */
export interface StackChecks {
  /** Desired kinds the shared inventory cannot count; `extra` checks them instead. */
  readonly uncounted?: readonly string[];
  /** Resources of the account that are not a rendered logical id on purpose; checked separately. */
  readonly setAside?: (found: FoundResource) => boolean;
  /** Problems with what was set aside, or with kinds the inventory does not list. */
  readonly extra?: (lane: CrashLane, setAside: readonly FoundResource[]) => Promise<readonly string[]>;
}

/** Sum of `injected.lost` over the report's lines (one per process that armed the hook). */
function lostInReport(file: string): number {
  let text = '';
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return 0;
  }
  return text
    .split('\n')
    .filter(Boolean)
    .reduce(
      (sum, line) => sum + Number((JSON.parse(line) as { injected?: { lost?: number } }).injected?.lost ?? 0),
      0,
    );
}

/**
 * Runs one case on `lane` (whose stack is `target`); `prepare` runs after the account reset (a hosted
 * zone a domain stack needs).
 */
export async function runLostResponseCase(
  lane: CrashLane,
  target: CaseTarget,
  operation: string,
  options: {
    readonly prepare?: (() => Promise<void>) | undefined;
    readonly checks?: StackChecks | undefined;
  } = {},
): Promise<LostResponseOutcome> {
  const started = performance.now();
  const problems: string[] = [];
  await lane.freshAccount();
  await options.prepare?.();
  const dir = mkdtempSync(join(tmpdir(), 'stackctl-lost-'));
  const report = join(dir, 'faults.jsonl');
  const reconcile = ['reconcile', '--once', '--output', 'json'];
  const runs: CliRun[] = [];
  let lost = 0;
  try {
    runs.push(
      await lane.spawnCli(reconcile, { [FAULT_ENV.loseResponse]: operation, [FAULT_ENV.report]: report }),
    );
    lost = lostInReport(report);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  if (lost !== 1) problems.push(`the hook lost ${lost} responses of ${operation}, not 1`);
  // The pass that lost the response may end failed; the next one (no faults) must converge.
  while (runs.at(-1)?.code !== 0 && runs.length < MAX_PASSES) runs.push(await lane.spawnCli(reconcile));
  const firstPassFailure = runs[0]?.code === 0 ? undefined : failedSteps(runs[0] as CliRun);
  if (runs.at(-1)?.code !== 0)
    problems.push(
      `no pass converged within ${MAX_PASSES}: ${runs.map((r, i) => `pass ${i + 1} exit ${r.code}: ${failedSteps(r)}`).join(' / ')}`,
    );

  const plan = await lane.cli(['plan', '--output', 'json']);
  if (plan.code !== 0) problems.push(`plan afterwards exited ${plan.code}: ${pendingChanges(plan)}`);

  problems.push(...(await accountProblems(lane, target, options.checks)));
  return {
    operation,
    lost,
    passes: runs.length,
    ...(firstPassFailure === undefined ? {} : { firstPassFailure }),
    problems,
    durationMs: performance.now() - started,
  };
}

/**
 * What is wrong with the account against `target`: duplicates, missing and orphaned resources by raw
 * describe calls, plus the stack's own `checks` for what the shared inventory does not count.
 */
export async function accountProblems(
  lane: CrashLane,
  target: CaseTarget,
  checks?: StackChecks,
): Promise<readonly string[]> {
  const problems: string[] = [];
  const found = await takeInventory(lane.clients);
  const setAside = found.filter((r) => checks?.setAside?.(r) ?? false);
  const inventory = checkInventory(
    found.filter((r) => !setAside.includes(r)),
    target.resources.filter((r) => !(checks?.uncounted ?? []).includes(r.kind)),
    { allowedIds: [`/stackctl/${target.project}/${target.stack}/${CONFIG_KEY}`] },
  );
  for (const d of inventory.duplicates) problems.push(`duplicate: ${d}`);
  for (const m of inventory.missing) problems.push(`missing: ${m}`);
  for (const o of inventory.orphans) problems.push(`orphan: ${o}`);
  problems.push(...((await checks?.extra?.(lane, setAside)) ?? []));
  return problems;
}

/** One line for a case: the operation, passes, time and what went wrong. */
export function formatLostCase(o: LostResponseOutcome): string {
  const problems = o.problems.length > 0 ? ` ✗ ${o.problems.join(' | ')}` : '';
  const first = o.firstPassFailure === undefined ? '' : ` (pass 1: ${o.firstPassFailure.slice(0, 300)})`;
  return `${o.operation}: lost ${o.lost}, ${o.passes} pass(es), ${(o.durationMs / 1000).toFixed(1)} s${first}${problems}`;
}
