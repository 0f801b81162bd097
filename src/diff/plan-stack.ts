/**
 * planStack: the whole plan of one stack from its desired and observed resources.
 *
 * Pure and deterministic: the same inputs give the same steps in the same order, so a plan can be shown
 * in CI, reviewed, and compared between runs.
 *
 * @module
 */
import type { DesiredResource, ResourceKind } from '../desired/resource-types.js';
import { isFullyOwnedBy, isOwnedBy } from '../desired/tags.js';
import type { ObservedResource } from '../observed/types.js';
import { keepWhatKeptDataUses } from './data-safety.js';
import type { IgnoreRule } from './drift/ignore-rules.js';
import { DuplicateLogicalIdError } from './errors.js';
import { applyIgnoreChanges, type IgnoredField } from './ignore-changes.js';
import {
  type DecisionContext,
  decideAction,
  decideRemoval,
  OUTPUTS_CHANGE_ON_UPDATE,
  resourceDeltas,
} from './plan-action.js';
import { computeAfter, type OrderNode, topoSort } from './plan-order.js';
import { collectRefs, type OutputsByLogicalId } from './resolve-refs.js';
import type { Action, ActionType, Plan, PlanStep } from './types.js';

/** Everything {@link planStack} needs. */
export interface PlanInput {
  readonly project: string;
  readonly stack: string;
  readonly desired: readonly DesiredResource[];
  /** What observers found: owned resources, and foreign ones whose names collide with ours. */
  readonly observed: readonly ObservedResource[];
  /** Known outputs (e.g. from the journal); observed outputs of owned resources take precedence. */
  readonly outputs?: OutputsByLogicalId;
  /** Kinds without an applier yet: planned as `skip`. */
  readonly unsupportedKinds?: ReadonlySet<ResourceKind>;
  /** Allows replacing or deleting stateful kinds (`--allow-data-loss`). @default false */
  readonly allowDataLoss?: boolean;
  /**
   * Fields the stack lets others own (the stack file's `ignoreChanges:`): their
   * live values are kept and each step lists them (ignore-changes.ts). @default none
   */
  readonly ignoreChanges?: readonly IgnoreRule[];
}

const ACTION_TYPES: readonly ActionType[] = [
  'create',
  'update',
  'replace',
  'delete',
  'noop',
  'conflict',
  'skip',
];

/** Render-time dependencies: `dependsOn` plus every resource a ref points at. */
function dependenciesOf(d: DesiredResource): readonly string[] {
  const deps = new Set([...d.dependsOn, ...collectRefs(d.spec).map((r) => r.$ref)]);
  deps.delete(d.logicalId);
  return [...deps].sort();
}

/**
 * Picks the observed counterpart of a desired resource: owned with our name, else owned, else any.
 * A duplicate (an extra copy made by a lost response, marked by the observers) is never picked.
 */
function pickObserved(d: DesiredResource, all: readonly ObservedResource[], project: string, stack: string) {
  const candidates = all.filter((o) => o.duplicateOf === undefined);
  const owned = candidates.filter((o) => isFullyOwnedBy(o.tags, project, stack));
  const stacks = candidates.filter((o) => isOwnedBy(o.tags, project, stack));
  return owned.find((o) => o.name === d.name) ?? owned[0] ?? stacks[0] ?? candidates[0];
}

/** Counts steps per action type. */
export function summarize(steps: readonly PlanStep[]): Readonly<Record<ActionType, number>> {
  const summary = Object.fromEntries(ACTION_TYPES.map((t) => [t, 0])) as Record<ActionType, number>;
  for (const s of steps) summary[s.action.type] += 1;
  return summary;
}

/**
 * Plans one stack.
 *
 * Per desired resource: nothing observed → create; observed without this stack's ownership tags →
 * conflict; deltas with an immutable field → replace (or a data-safety skip for stateful kinds);
 * other deltas → update; none → noop. Owned observed resources nothing desires → delete (a stateful one
 * is kept without `allowDataLoss`, and so is what it still uses: data-safety.ts). An observed duplicate
 * (`duplicateOf`, observed/duplicates.ts) is never paired: it is deleted under its own step id
 * `logicalId#physicalId`, with the kept copy named in the reason. Fields that
 * reference a dependency being created or replaced count as changing, so a replaced target group
 * updates the service that points at it.
 *
 * @example
 * const plan = planStack({ project: 'shop', stack: 'prod', desired: stack.resources, observed });
 * console.log(formatPlanText(plan, { color: false }));
 */
export function planStack(input: PlanInput): Plan {
  const { project, stack } = input;
  const desiredById = new Map<string, DesiredResource>();
  for (const d of input.desired) {
    if (desiredById.has(d.logicalId)) throw new DuplicateLogicalIdError(d.logicalId);
    desiredById.set(d.logicalId, d);
  }
  const depsById = new Map([...desiredById.values()].map((d) => [d.logicalId, dependenciesOf(d)]));

  // Observed resources by kind and logical id, in input order: one pass instead of one per desired.
  const byKindAndId = new Map<string, ObservedResource[]>();
  for (const o of input.observed) {
    const key = `${o.kind}\u0000${o.logicalId}`;
    const list = byKindAndId.get(key);
    if (list === undefined) byKindAndId.set(key, [o]);
    else list.push(o);
  }
  const paired = new Map<string, ObservedResource>();
  for (const d of desiredById.values()) {
    const candidates = byKindAndId.get(`${d.kind}\u0000${d.logicalId}`) ?? [];
    const match = pickObserved(d, candidates, project, stack);
    if (match !== undefined) paired.set(d.logicalId, match);
  }
  const pairedSet = new Set(paired.values());

  const outputs = new Map(input.outputs ?? []);
  for (const [id, o] of paired) if (isFullyOwnedBy(o.tags, project, stack)) outputs.set(id, o.outputs);
  const changing = new Set<string>();
  const ctx: DecisionContext = {
    project,
    stack,
    allowDataLoss: input.allowDataLoss ?? false,
    unsupportedKinds: input.unsupportedKinds ?? new Set(),
    outputs,
    changing,
  };

  const nodes: OrderNode[] = [];
  const ignoredById = new Map<string, readonly IgnoredField[]>();
  for (const id of topoSort([...desiredById.keys()], depsById)) {
    const d = desiredById.get(id) as DesiredResource;
    const observed = paired.get(id);
    const { action, ignored } = decideWithIgnores(d, observed, ctx, input.ignoreChanges ?? []);
    if (ignored.length > 0) ignoredById.set(id, ignored);
    noteOutputs(
      action,
      observed !== undefined && isFullyOwnedBy(observed.tags, project, stack),
      outputs,
      changing,
    );
    nodes.push({
      logicalId: id,
      kind: d.kind,
      action,
      deps: depsById.get(id) ?? [],
      deleteSide: false,
      ...(observed ? { observed } : {}),
    });
  }

  const usedIds = new Set(desiredById.keys());
  const leftovers = input.observed
    .filter((o) => !pairedSet.has(o) && isOwnedBy(o.tags, project, stack))
    .sort((a, b) => (a.logicalId + a.physicalId < b.logicalId + b.physicalId ? -1 : 1));
  const removals = keepWhatKeptDataUses(
    leftovers.map((o) => ({ observed: o, action: decideRemoval(o, ctx) })),
  );
  for (const { observed: o, action } of removals) {
    // A duplicate never takes the plain id: its delete must not forget the kept one's journal entry.
    const id =
      usedIds.has(o.logicalId) || o.duplicateOf !== undefined
        ? `${o.logicalId}#${o.physicalId}`
        : o.logicalId;
    usedIds.add(id);
    nodes.push({ logicalId: id, kind: o.kind, action, deps: [], observed: o, deleteSide: true });
  }

  const after = computeAfter(nodes);
  const byId = new Map(nodes.map((n) => [n.logicalId, n]));
  const steps: PlanStep[] = topoSort([...byId.keys()], after).map((id) => {
    const n = byId.get(id) as OrderNode;
    const ignored = ignoredById.get(id);
    return {
      logicalId: id,
      kind: n.kind,
      action: n.action,
      after: after.get(id) ?? [],
      ...(ignored ? { ignored } : {}),
    };
  });
  return { project, stack, steps, summary: summarize(steps) };
}

/**
 * decideAction, after leaving the fields others own at their live values. Only an owned, existing
 * resource can have ignored fields: a create is made as declared, a conflict is never touched.
 */
function decideWithIgnores(
  d: DesiredResource,
  observed: ObservedResource | undefined,
  ctx: DecisionContext,
  rules: readonly IgnoreRule[],
): { readonly action: Action; readonly ignored: readonly IgnoredField[] } {
  const action = decideAction(d, observed, ctx);
  const changes = action.type === 'update' || action.type === 'replace' || action.type === 'skip';
  if (rules.length === 0 || observed === undefined || !changes) return { action, ignored: [] };
  const deltas = action.type === 'skip' ? resourceDeltas(d, observed, ctx) : action.deltas;
  const outcome = applyIgnoreChanges(rules, d, deltas);
  if (outcome.ignored.length === 0) return { action, ignored: [] };
  return { action: decideAction(outcome.desired, observed, ctx), ignored: outcome.ignored };
}

/** Records what a decision means for the refs of later resources. */
function noteOutputs(
  action: Action,
  observedOwned: boolean,
  outputs: Map<string, Readonly<Record<string, string | number>>>,
  changing: Set<string>,
): void {
  const id = action.type === 'delete' ? action.observed.logicalId : action.desired.logicalId;
  const changes =
    action.type === 'create' ||
    action.type === 'replace' ||
    (action.type === 'update' && OUTPUTS_CHANGE_ON_UPDATE.has(action.desired.kind));
  if (changes) {
    changing.add(id);
    outputs.delete(id);
    return;
  }
  // A foreign resource's outputs are never used; a skipped kind's are used only if it exists and is ours.
  if (action.type === 'conflict' || (action.type === 'skip' && !observedOwned)) outputs.delete(id);
}
