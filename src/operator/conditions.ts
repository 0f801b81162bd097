/**
 * Turning a pass's outcome into the status item: the `Synced` and `Ready` conditions (crossplane's
 * pair, reconciler-anchors P10), the stack's health rolled up from its resources (gitops-engine's
 * worst-child rule, P24) and the drift-report summary.
 *
 * Pure functions, so every reason/status combination is unit-testable without AWS.
 *
 * @module
 */
import type { Plan } from '../diff/types.js';
import type { Health } from '../observed/types.js';
import type { ApplyReport } from '../reconcilers/engine-types.js';
import {
  type ConditionStatus,
  type LastPass,
  nextCondition,
  type StackStatus,
  type StatusSummary,
} from '../state/index.js';

/** Reasons of the `Synced` condition: did the controller make AWS match the spec? */
export const SYNCED_REASONS = {
  success: 'ReconcileSuccess',
  error: 'ReconcileError',
  paused: 'ReconcilePaused',
  /** `driftPolicy: warn` found differences and left them. */
  drift: 'DriftDetected',
  /** Some changes were refused for data safety (need `--allow-data-loss`). */
  refused: 'ChangesRefused',
  deleting: 'Deleting',
} as const;

/** Reasons of the `Ready` condition: is the app up? */
export const READY_REASONS = {
  available: 'Available',
  /** Changes were just applied; the next pass checks health. */
  progressing: 'Progressing',
  unavailable: 'Unavailable',
  unknown: 'Unknown',
  paused: 'Paused',
  deleting: 'Deleting',
} as const;

/** A `Synced` reason. */
export type SyncedReason = (typeof SYNCED_REASONS)[keyof typeof SYNCED_REASONS];
/** A `Ready` reason. */
export type ReadyReason = (typeof READY_REASONS)[keyof typeof READY_REASONS];

/** Worst first (gitops-engine's order, adapted to our Health values). */
const HEALTH_ORDER: readonly Health[] = ['Degraded', 'Missing', 'Progressing', 'Unknown', 'Healthy'];

/** The worst of `values`; Healthy when empty. */
export function worstHealth(values: Iterable<Health>): Health {
  let worst = HEALTH_ORDER.length - 1;
  for (const h of values) worst = Math.min(worst, HEALTH_ORDER.indexOf(h));
  return HEALTH_ORDER[worst] ?? 'Unknown';
}

/** Health of every still-desired resource as observed before the pass; created ones are Missing. */
export function planHealth(plan: Plan): { readonly health: Health; readonly unhealthy: readonly string[] } {
  const found: Health[] = [];
  const unhealthy: string[] = [];
  for (const step of plan.steps) {
    const a = step.action;
    if (a.type === 'delete') continue;
    const h: Health = a.type === 'create' || a.type === 'skip' ? 'Missing' : a.observed.health;
    found.push(h);
    if (h !== 'Healthy') unhealthy.push(`${step.logicalId} (${h})`);
  }
  return { health: worstHealth(found), unhealthy };
}

/** The drift report's counts for a plan (and, when applied, the failures of its report). */
export function planSummary(plan: Plan, report?: ApplyReport): StatusSummary {
  const s = plan.summary;
  return {
    total: plan.steps.filter((x) => x.action.type !== 'delete').length,
    inSync: s.noop,
    changed: s.update + s.replace,
    missing: s.create,
    pending: s.skip + s.conflict,
    unmanaged: s.delete,
    failed: report ? report.summary.failed + report.summary.blocked : 0,
  };
}

/** Steps of a plan that would change AWS: the drift found on a resync. */
export function changesIn(plan: Plan): readonly string[] {
  return plan.steps
    .filter((x) => ['create', 'update', 'replace', 'delete'].includes(x.action.type))
    .map((x) => `${x.logicalId} (${x.action.type})`);
}

/** One condition's new value, before the transition time is derived. */
export interface ConditionValue<R extends string> {
  readonly status: ConditionStatus;
  readonly reason: R;
  readonly message: string;
}

/** What a pass decided about the stack. */
export interface StatusInput {
  readonly generation: number;
  readonly synced: ConditionValue<SyncedReason>;
  readonly ready: ConditionValue<ReadyReason>;
  readonly health?: Health;
  readonly lastPass?: LastPass;
  readonly summary?: StatusSummary;
}

/** Longest condition message kept; the events and logs have the rest. */
export const MAX_CONDITION_MESSAGE = 500;

/**
 * The next status item, keeping `lastTransitionTime` of conditions whose status did not change, and
 * the previous summary when this pass computed none.
 */
export function buildStatus(
  previous: StackStatus | undefined,
  input: StatusInput,
  nowMs: number,
): StackStatus {
  const cond = <R extends string>(
    prev: StackStatus['conditions']['Synced'] | undefined,
    v: ConditionValue<R>,
  ) =>
    nextCondition(
      prev,
      { ...v, message: v.message.slice(0, MAX_CONDITION_MESSAGE), observedGeneration: input.generation },
      nowMs,
    );
  const health = input.health ?? previous?.health;
  const lastPass = input.lastPass ?? previous?.lastPass;
  const summary = input.summary ?? previous?.summary;
  return {
    observedGeneration: input.generation,
    conditions: {
      Synced: cond(previous?.conditions.Synced, input.synced),
      Ready: cond(previous?.conditions.Ready, input.ready),
    },
    ...(health ? { health } : {}),
    ...(lastPass ? { lastPass } : {}),
    ...(summary ? { summary } : {}),
  };
}

/** True when the status says the spec's generation is applied and the app is up. */
export function isConverged(status: StackStatus | undefined, generation: number): boolean {
  return (
    status !== undefined &&
    status.observedGeneration === generation &&
    status.conditions.Synced.status === 'True' &&
    status.conditions.Ready.status === 'True'
  );
}

/** The previous `Ready` value, carried over by passes that learned nothing new about health. */
export function previousReady(status: StackStatus | undefined): ConditionValue<ReadyReason> {
  const r = status?.conditions.Ready;
  if (!r) return { status: 'Unknown', reason: READY_REASONS.unknown, message: '' };
  return { status: r.status, reason: r.reason as ReadyReason, message: r.message };
}
