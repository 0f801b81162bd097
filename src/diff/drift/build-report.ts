/**
 * Builds the drift report from plans: a plan already holds everything drift needs (what is missing,
 * what differs field by field, what is owned but no longer rendered), so drift and reconcile can never
 * disagree about what "in sync" means.
 *
 * Pure: the caller observes and plans (with data-loss allowed, so stateful replacements and orphans show
 * as what they are rather than as refusals) and passes the plans in.
 *
 * @module
 */
import type { Health } from '../../observed/types.js';
import { replaceReason } from '../immutable-fields.js';
import { redactPlan } from '../redact-plan.js';
import type { Action, Plan, PlanStep } from '../types.js';
import type { EdgeVerdict } from '../wiring/index.js';
import { elementChange } from './element-change.js';
import type { IgnoreRule } from './ignore-rules.js';
import { SuppressionCounter } from './suppress.js';
import {
  type BrokenEdge,
  DRIFT_REPORT_SCHEMA_VERSION,
  DRIFTED_STATUSES,
  type DriftReport,
  type DriftSummary,
  type ResourceDrift,
  type StackDrift,
  type StackWiring,
  type SyncStatus,
} from './types.js';

/** Health from best to worst, as `observed/types.ts` orders it for aggregation. */
const HEALTH_ORDER: readonly Health[] = ['Healthy', 'Unknown', 'Progressing', 'Missing', 'Degraded'];

/** The worse of two healths. */
export function worseHealth(a: Health, b: Health): Health {
  return HEALTH_ORDER.indexOf(b) > HEALTH_ORDER.indexOf(a) ? b : a;
}

/** Inputs of {@link buildStackDrift}. */
export interface StackDriftInput {
  /** The stack's plan, computed with `allowDataLoss: true`. */
  readonly plan: Plan;
  readonly region: string;
  /** From `.stackctl/driftignore`. @default none */
  readonly rules?: readonly IgnoreRule[];
  /** The app's edges judged against AWS (`checkWiring`); absent when not checked. */
  readonly wiring?: readonly EdgeVerdict[];
}

/** The broken edges of `verdicts`, one entry per failing check. */
export function stackWiring(verdicts: readonly EdgeVerdict[]): StackWiring {
  const broken = verdicts.flatMap((v) =>
    (['resolves', 'admitted', 'routed'] as const).flatMap((check): BrokenEdge[] => {
      const c = v[check];
      return c && !c.ok ? [{ edge: v.name, check, reason: c.reason }] : [];
    }),
  );
  return { edges: verdicts.length, broken };
}

function fromAction(step: PlanStep, a: Action, counter: SuppressionCounter): ResourceDrift | undefined {
  const base = { kind: step.kind, logicalId: step.logicalId };
  switch (a.type) {
    case 'create':
      return { ...base, name: a.desired.name, status: 'missing', health: 'Missing', fields: [] };
    case 'delete': {
      const o = a.observed;
      return {
        ...base,
        name: o.name,
        physicalId: o.physicalId,
        status: 'unmanaged',
        health: o.health,
        ...(a.reason === undefined ? {} : { reason: a.reason }),
        fields: [],
      };
    }
    case 'conflict':
      return {
        ...base,
        name: a.desired.name,
        physicalId: a.observed.physicalId,
        status: 'conflict',
        health: 'Missing',
        reason: a.reason,
        fields: [],
      };
    case 'skip':
      return {
        ...base,
        name: a.desired.name,
        status: 'unknown',
        health: 'Unknown',
        reason: a.reason,
        fields: [],
      };
    case 'noop':
    case 'update':
    case 'replace': {
      counter.noteObserved(a.desired, a.observed);
      const deltas = a.type === 'noop' ? [] : counter.keptDeltas(step.kind, step.logicalId, a.deltas);
      const live = {
        ...base,
        name: a.desired.name,
        physicalId: a.observed.physicalId,
        health: a.observed.health,
        ...(a.observed.healthReason ? { healthReason: a.observed.healthReason } : {}),
      };
      if (deltas.length === 0) return { ...live, status: 'in-sync', fields: [] };
      const reason = replaceReason(step.kind, deltas);
      return {
        ...live,
        status: 'changed',
        fix: reason === undefined ? 'in-place' : 'replace',
        ...(reason === undefined ? {} : { reason }),
        fields: [...deltas]
          .sort((x, y) => (x.path < y.path ? -1 : x.path > y.path ? 1 : 0))
          .map((d) => {
            const element = elementChange(d.path, a.desired.spec, a.observed.spec);
            return {
              path: d.path,
              desired: d.desired,
              observed: d.observed,
              fix: d.replace ? 'replace' : 'in-place',
              ...(element ? { element } : {}),
            };
          }),
      };
    }
  }
}

/** Counts resources by status; `ignored` is added by the caller. */
export function summarizeResources(resources: readonly ResourceDrift[], ignored: number): DriftSummary {
  const count = (s: ResourceDrift['status']): number => resources.filter((r) => r.status === s).length;
  const inSync = count('in-sync');
  const changed = count('changed');
  const unmanaged = count('unmanaged');
  const managed = inSync + changed;
  const coverage =
    managed + unmanaged === 0 ? 100 : Math.round((managed / (managed + unmanaged)) * 1000) / 10;
  return {
    total: resources.length,
    managed,
    inSync,
    changed,
    missing: count('missing'),
    unmanaged,
    conflict: count('conflict'),
    unknown: count('unknown'),
    ignored,
    coverage,
  };
}

/**
 * One stack's drift, from its plan.
 *
 * @example
 * const { plan } = await planPass({ desired, clients, finalSnapshot: false, allowDataLoss: true });
 * const drift = buildStackDrift({ plan, region: desired.region, rules });
 */
export function buildStackDrift(input: StackDriftInput): StackDrift {
  const plan = redactPlan(input.plan);
  const counter = new SuppressionCounter(input.rules ?? []);
  const resources: ResourceDrift[] = [];
  for (const step of plan.steps) {
    if (step.ignored) counter.noteOwnedElsewhere(step.ignored);
    if (counter.ignoresResource(step.kind, step.logicalId)) continue;
    const r = fromAction(step, step.action, counter);
    if (r !== undefined) resources.push(r);
  }
  resources.sort((a, b) => a.kind.localeCompare(b.kind) || a.logicalId.localeCompare(b.logicalId));
  const wiring = input.wiring === undefined ? undefined : stackWiring(input.wiring);
  const wiringBroken = (wiring?.broken.length ?? 0) > 0;
  const health = resources
    .filter((r) => r.status !== 'unmanaged')
    .reduce<Health>((worst, r) => worseHealth(worst, r.health), wiringBroken ? 'Degraded' : 'Healthy');
  return {
    project: plan.project,
    stack: plan.stack,
    region: input.region,
    sync: wiringBroken || resources.some((r) => DRIFTED_STATUSES.has(r.status)) ? 'OutOfSync' : 'Synced',
    health,
    ...(wiring ? { wiring } : {}),
    summary: summarizeResources(resources, counter.total()),
    ignored: counter.counts(),
    resources,
  };
}

/** The entry of a stack that could not be checked; its message must already be free of secrets. */
export function stackDriftError(project: string, stack: string, region: string, error: string): StackDrift {
  return {
    project,
    stack,
    region,
    sync: 'Unknown',
    health: 'Unknown',
    error,
    summary: summarizeResources([], 0),
    ignored: [],
    resources: [],
  };
}

/** Inputs of {@link buildDriftReport}. */
export interface DriftReportInput {
  readonly project: string;
  readonly stacks: readonly StackDrift[];
  readonly tool: { readonly name: string; readonly version: string };
  readonly generatedAt: string;
  readonly durationMs: number;
  readonly readCalls?: number;
}

/** The whole report over one or many stacks, with totals across them. */
export function buildDriftReport(input: DriftReportInput): DriftReport {
  const all = input.stacks.flatMap((s) => s.resources);
  const ignored = input.stacks.reduce((sum, s) => sum + s.summary.ignored, 0);
  const outOfSync = input.stacks.filter((s) => s.sync === 'OutOfSync').length;
  const errors = input.stacks.filter((s) => s.error !== undefined).length;
  const sync: SyncStatus = outOfSync > 0 ? 'OutOfSync' : errors > 0 ? 'Unknown' : 'Synced';
  return {
    schemaVersion: DRIFT_REPORT_SCHEMA_VERSION,
    tool: input.tool,
    generatedAt: input.generatedAt,
    durationMs: input.durationMs,
    project: input.project,
    sync,
    summary: {
      ...summarizeResources(all, ignored),
      stacks: input.stacks.length,
      stacksOutOfSync: outOfSync,
      stacksWithErrors: errors,
    },
    stacks: [...input.stacks].sort((a, b) => a.stack.localeCompare(b.stack)),
    ...(input.readCalls === undefined ? {} : { readCalls: input.readCalls }),
  };
}

/** terraform's `-detailed-exitcode`: 1 when any stack could not be checked, 2 on drift, else 0. */
export function driftExitCode(report: DriftReport): 0 | 1 | 2 {
  if (report.summary.stacksWithErrors > 0) return 1;
  return report.summary.stacksOutOfSync > 0 ? 2 : 0;
}
