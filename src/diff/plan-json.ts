/**
 * Machine-readable plans: stable (sorted keys, fixed step order), versioned and redacted.
 *
 * @module
 */
import { canonicalJson } from './canonical-json.js';
import type { IgnoredField } from './ignore-changes.js';
import { redactPlan } from './redact-plan.js';
import type { ActionType, FieldDelta, Plan, PlanStep } from './types.js';

/** Bumped on any incompatible change to the JSON shape. */
export const PLAN_JSON_SCHEMA_VERSION = 1;

/** One delta in JSON: absent values are `null`. */
export interface PlanJsonDelta {
  readonly path: string;
  readonly desired: unknown;
  readonly observed: unknown;
  readonly replace: boolean;
}

/** One step in JSON. */
export interface PlanJsonStep {
  readonly logicalId: string;
  readonly kind: string;
  readonly action: ActionType;
  readonly after: readonly string[];
  readonly name: string;
  readonly physicalId?: string;
  readonly reason?: string;
  readonly deltas?: readonly PlanJsonDelta[];
  /** The desired spec of a create. */
  readonly spec?: unknown;
  readonly tags?: Readonly<Record<string, string>>;
  /** Fields left at their live values because the stack lets others own them. */
  readonly ignored?: readonly IgnoredField[];
}

/** The plan document. */
export interface PlanJson {
  readonly schemaVersion: typeof PLAN_JSON_SCHEMA_VERSION;
  readonly project: string;
  readonly stack: string;
  readonly summary: Readonly<Record<ActionType, number>>;
  readonly steps: readonly PlanJsonStep[];
}

function jsonDelta(d: FieldDelta): PlanJsonDelta {
  return { path: d.path, desired: d.desired ?? null, observed: d.observed ?? null, replace: d.replace };
}

function jsonStep(step: PlanStep): PlanJsonStep {
  const base = {
    logicalId: step.logicalId,
    kind: step.kind,
    action: step.action.type,
    after: step.after,
    ...(step.ignored ? { ignored: step.ignored } : {}),
  };
  const a = step.action;
  switch (a.type) {
    case 'create':
      return { ...base, name: a.desired.name, spec: a.desired.spec, tags: a.desired.tags };
    case 'update':
      return {
        ...base,
        name: a.desired.name,
        physicalId: a.observed.physicalId,
        deltas: a.deltas.map(jsonDelta),
      };
    case 'replace':
      return {
        ...base,
        name: a.desired.name,
        physicalId: a.observed.physicalId,
        reason: a.reason,
        deltas: a.deltas.map(jsonDelta),
      };
    case 'delete':
      return {
        ...base,
        name: a.observed.name,
        physicalId: a.observed.physicalId,
        ...(a.reason === undefined ? {} : { reason: a.reason }),
      };
    case 'noop':
      return { ...base, name: a.desired.name, physicalId: a.observed.physicalId };
    case 'conflict':
      return { ...base, name: a.desired.name, physicalId: a.observed.physicalId, reason: a.reason };
    case 'skip':
      return { ...base, name: a.desired.name, reason: a.reason };
  }
}

/** The redacted plan as a JSON value, for embedding into larger documents (drift reports). */
export function planToJsonValue(plan: Plan): PlanJson {
  const redacted = redactPlan(plan);
  return {
    schemaVersion: PLAN_JSON_SCHEMA_VERSION,
    project: plan.project,
    stack: plan.stack,
    summary: plan.summary,
    steps: redacted.steps.map(jsonStep),
  };
}

/**
 * The redacted plan as stable JSON text: same plan, same bytes.
 *
 * @example
 * await writeFile('plan.json', planToJson(plan));
 */
export function planToJson(plan: Plan): string {
  return `${canonicalJson(planToJsonValue(plan), 2)}\n`;
}
