/**
 * Machine-readable plans: stable (sorted keys, fixed step order), versioned and redacted.
 *
 * @module
 */
import { canonicalJson } from './canonical-json.js';
import type { IgnoredField } from './ignore-changes.js';
import { redactPlan } from './redact-plan.js';
import type { ActionType, FieldDelta, Plan, PlanStep } from './types.js';

/**
 * Bumped on any incompatible change to the JSON shape (a field renamed, retyped or removed). Version 1
 * steps once left out the fields an action does not have; they now carry them as `null`, which only adds
 * keys a reader of version 1 did not look for, so the version stays.
 */
export const PLAN_JSON_SCHEMA_VERSION = 1;

/** One delta in JSON: absent values are `null`. */
export interface PlanJsonDelta {
  readonly path: string;
  readonly desired: unknown;
  readonly observed: unknown;
  readonly replace: boolean;
}

/**
 * One step in JSON. Every step has every key, like every other `--output json` document: a field the
 * step's action does not have is `null`, so a reader never has to tell a missing key from an empty one.
 */
export interface PlanJsonStep {
  readonly logicalId: string;
  readonly kind: string;
  readonly action: ActionType;
  readonly after: readonly string[];
  readonly name: string;
  /** The live resource's id; `null` for a create or a skip (nothing exists yet). */
  readonly physicalId: string | null;
  /** Why a replace, conflict, skip or (sometimes) delete happens; `null` otherwise. */
  readonly reason: string | null;
  /** The field changes of an update or replace; `null` for other actions. */
  readonly deltas: readonly PlanJsonDelta[] | null;
  /** The desired spec of a create; `null` for other actions. */
  readonly spec: unknown;
  /** The tags a create sets; `null` for other actions. */
  readonly tags: Readonly<Record<string, string>> | null;
  /** Fields left at their live values because the stack lets others own them; `null` when none. */
  readonly ignored: readonly IgnoredField[] | null;
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

/** The fields that depend on the action; the ones an action does not name stay `null`. */
type ActionFields = Pick<PlanJsonStep, 'name'> &
  Partial<Pick<PlanJsonStep, 'physicalId' | 'reason' | 'deltas' | 'spec' | 'tags'>>;

function actionFields(step: PlanStep): ActionFields {
  const a = step.action;
  switch (a.type) {
    case 'create':
      return { name: a.desired.name, spec: a.desired.spec, tags: a.desired.tags };
    case 'update':
      return { name: a.desired.name, physicalId: a.observed.physicalId, deltas: a.deltas.map(jsonDelta) };
    case 'replace':
      return {
        name: a.desired.name,
        physicalId: a.observed.physicalId,
        reason: a.reason,
        deltas: a.deltas.map(jsonDelta),
      };
    case 'delete':
      return { name: a.observed.name, physicalId: a.observed.physicalId, reason: a.reason ?? null };
    case 'noop':
      return { name: a.desired.name, physicalId: a.observed.physicalId };
    case 'conflict':
      return { name: a.desired.name, physicalId: a.observed.physicalId, reason: a.reason };
    case 'skip':
      return { name: a.desired.name, reason: a.reason };
  }
}

function jsonStep(step: PlanStep): PlanJsonStep {
  const fields = actionFields(step);
  return {
    logicalId: step.logicalId,
    kind: step.kind,
    action: step.action.type,
    after: step.after,
    name: fields.name,
    physicalId: fields.physicalId ?? null,
    reason: fields.reason ?? null,
    deltas: fields.deltas ?? null,
    spec: fields.spec ?? null,
    tags: fields.tags ?? null,
    ignored: step.ignored ?? null,
  };
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
