/**
 * Reading what `plan`, `reconcile` and `destroy` print with `--output json` (and `--stats`), so tests
 * assert on the documented JSON shapes instead of scraping text.
 *
 * @module
 */
import type { CallStatsRow, CallStatsTotals } from '../../../src/aws/call-stats.js';
import type { PlanJson, PlanJsonStep } from '../../../src/diff/plan-json.js';
import type { ApplyReport } from '../../../src/reconcilers/engine-types.js';
import type { PreflightProblem } from '../../../src/reconcilers/preflight.js';
import { type CliResult, parseJson } from './harness.js';

/** `--stats` as printed inside the JSON document. */
export interface StatsJson {
  readonly totals: CallStatsTotals;
  readonly calls: readonly CallStatsRow[];
}

/** `plan --output json [--stats]`, with the problems that would stop reconcile at preflight. */
export type PlanOutput = PlanJson & {
  readonly stats?: StatsJson;
  readonly preflight?: readonly PreflightProblem[];
};

/** `reconcile|destroy --output json [--stats]`. */
export interface ApplyOutput {
  readonly plan: PlanJson;
  readonly results: ApplyReport['results'];
  readonly summary: ApplyReport['summary'];
  readonly ok: boolean;
  readonly stats?: StatsJson;
}

/** The plan document of a `plan --output json` run. */
export function planOf(result: CliResult): PlanOutput {
  return parseJson<PlanOutput>(result);
}

/** The document of a `reconcile --output json` or `destroy --output json` run. */
export function applyOf(result: CliResult): ApplyOutput {
  return parseJson<ApplyOutput>(result);
}

/** Steps that would do something (everything but noop). */
export function changes(plan: PlanJson): PlanJsonStep[] {
  return plan.steps.filter((s) => s.action !== 'noop');
}

/** A step reduced to what drift tests compare: kind, logical id, action and the delta paths. */
export interface StepShape {
  readonly kind: string;
  readonly logicalId: string;
  readonly action: string;
  readonly paths: readonly string[];
}

/** {@link changes}, each as a {@link StepShape}, sorted by logical id. */
export function changeShapes(plan: PlanJson): StepShape[] {
  return changes(plan)
    .map((s) => ({
      kind: s.kind,
      logicalId: s.logicalId,
      action: s.action,
      paths: (s.deltas ?? []).map((d) => d.path).sort(),
    }))
    .sort((a, b) => a.logicalId.localeCompare(b.logicalId));
}

/** Mutating calls per service, from `--stats`: `{ dynamodb: 2 }`. */
export function mutationsByService(stats: StatsJson): Record<string, number> {
  const out: Record<string, number> = {};
  for (const row of stats.calls) {
    if (row.kind !== 'mutate') continue;
    out[row.service] = (out[row.service] ?? 0) + row.count;
  }
  return out;
}

/** Read calls keyed `service:Operation`, from `--stats`. */
export function readsByOperation(stats: StatsJson): Record<string, number> {
  const out: Record<string, number> = {};
  for (const row of stats.calls) {
    if (row.kind !== 'read') continue;
    const key = `${row.service}:${row.operation}`;
    out[key] = (out[key] ?? 0) + row.count;
  }
  return out;
}
