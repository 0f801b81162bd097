/**
 * Data safety in the plan: what a pass refuses to do to stateful resources (RDS, ElastiCache) without
 * `--allow-data-loss`, and what it must then keep around them.
 *
 * - A replacement or deletion of a stateful resource is refused (plan-action.ts).
 * - So is a major engine-version change: RDS applies it in place, but it cannot be undone and needs a
 *   parameter-group and client review; a typo in an image tag must not start one.
 * - A refused deletion keeps the resource, and a kept resource keeps what it still uses: a database
 *   kept after its service left compose keeps its subnet group, its security group (and the groups that
 *   group admits, which AWS would not let go while referenced), their subnets and VPC, and the generated
 *   secrets (its master password: deleting it would lock the kept database away from the app if the
 *   service comes back). Found by value: a leftover whose id, ARN or name appears in a kept resource's
 *   observed spec is kept too, transitively.
 *
 * @module
 */
import { COMPOSED_PARAMETER_PREFIX } from '../desired/render/render-composed.js';
import { type ResourceKind, STATEFUL_KINDS } from '../desired/resource-types.js';
import type { ObservedResource } from '../observed/types.js';
import { isPlainObject } from './canonical-json.js';
import type { Action, FieldDelta } from './types.js';

/** Every data-safety refusal's reason starts with this, so outputs can single them out (in red). */
export const DATA_SAFETY_PREFIX = 'data safety:';

/** Kinds whose `engineVersion` major is guarded like a replacement. */
const VERSIONED_STATEFUL_KINDS: ReadonlySet<ResourceKind> = STATEFUL_KINDS;

/** Leftover kinds kept whenever any stateful resource is kept: generated secrets (database passwords). */
const SECRETS_OF_DATA: ReadonlySet<ResourceKind> = new Set(['ssm.Parameter']);

/**
 * A generated secret a kept database still needs (its password). A composed parameter (a connection
 * string built from such a secret for a service) is not: it is rebuilt from its sources when the stack
 * comes back, so it goes with the service.
 */
function isSecretOfData(r: ObservedResource): boolean {
  return SECRETS_OF_DATA.has(r.kind) && !r.logicalId.startsWith(COMPOSED_PARAMETER_PREFIX);
}

/** True when `action` is a data-safety refusal (a skip whose reason says so). */
export function isDataSafetyRefusal(action: Action): boolean {
  return action.type === 'skip' && action.reason.startsWith(DATA_SAFETY_PREFIX);
}

/**
 * The major version of an engine version of `kind`. Postgres (RDS): the first component from 10 on
 * (`16.3` → `16`), the first two before (`9.6.24` → `9.6`). Redis (ElastiCache): the first component
 * (`7.1` → `7`).
 *
 * @example majorVersion('16.3') // '16'
 */
export function majorVersion(version: string, kind: ResourceKind = 'rds.DBInstance'): string {
  const [first = '', second] = version.split('.');
  if (kind !== 'rds.DBInstance') return first;
  return Number(first) >= 10 || second === undefined ? first : `${first}.${second}`;
}

/**
 * The reason a set of deltas is a major engine-version change of a stateful kind, or `undefined`.
 *
 * @example majorUpgradeReason('rds.DBInstance', [{ path: 'engineVersion', observed: '15', desired: '16', replace: false }])
 * // 'engineVersion 15 → 16 is a major version change, which cannot be undone'
 */
export function majorUpgradeReason(kind: ResourceKind, deltas: readonly FieldDelta[]): string | undefined {
  if (!VERSIONED_STATEFUL_KINDS.has(kind)) return undefined;
  const d = deltas.find((x) => x.path === 'engineVersion');
  if (d === undefined || typeof d.desired !== 'string' || typeof d.observed !== 'string') return undefined;
  if (majorVersion(d.desired, kind) === majorVersion(d.observed, kind)) return undefined;
  return `engineVersion ${d.observed} → ${d.desired} is a major version change, which cannot be undone`;
}

/** Every non-empty string inside a spec value. */
function stringsIn(value: unknown, into: Set<string>): void {
  if (typeof value === 'string') {
    if (value !== '') into.add(value);
  } else if (Array.isArray(value)) {
    for (const v of value) stringsIn(v, into);
  } else if (isPlainObject(value)) {
    for (const v of Object.values(value)) stringsIn(v, into);
  }
}

/** What another resource would hold to reference `observed`: its id and its string outputs. */
function referenceValues(observed: ObservedResource): string[] {
  const values = [observed.physicalId];
  for (const v of Object.values(observed.outputs)) if (typeof v === 'string' && v !== '') values.push(v);
  return values;
}

/** A removal the planner decided, with what exists in AWS. */
export interface Removal {
  readonly observed: ObservedResource;
  readonly action: Action;
}

/**
 * Turns the deletes of resources a kept stateful resource still uses into skips that say so (see the
 * module doc); returns the removals with their final actions, in the same order. Without a
 * data-safety refusal among them, returns them unchanged.
 */
export function keepWhatKeptDataUses(removals: readonly Removal[]): Removal[] {
  const out = [...removals];
  const keepers = out.filter((r) => isDataSafetyRefusal(r.action));
  if (keepers.length === 0) return out;
  const usedBy = new Map<string, string>();
  const note = (r: Removal): void => {
    const values = new Set<string>();
    stringsIn(r.observed.spec, values);
    for (const v of values) if (!usedBy.has(v)) usedBy.set(v, r.observed.logicalId);
  };
  for (const k of keepers) note(k);
  const keep = (i: number, reason: string): void => {
    const r = out[i] as Removal;
    const { kind, logicalId, name, spec, tags } = r.observed;
    out[i] = {
      ...r,
      action: { type: 'skip', desired: { kind, logicalId, name, spec, tags, dependsOn: [] }, reason },
    };
    note(out[i] as Removal);
  };
  const firstKeeper = (keepers[0] as Removal).observed.logicalId;
  out.forEach((r, i) => {
    if (r.action.type === 'delete' && isSecretOfData(r.observed))
      keep(i, `kept: a generated secret, kept while ${firstKeeper} is kept for data safety`);
  });
  for (let changed = true; changed; ) {
    changed = false;
    out.forEach((r, i) => {
      if (r.action.type !== 'delete') return;
      const user = referenceValues(r.observed)
        .map((v) => usedBy.get(v))
        .find((u) => u !== undefined);
      if (user === undefined) return;
      keep(i, `kept: still used by ${user}, which is kept for data safety`);
      changed = true;
    });
  }
  return out;
}
