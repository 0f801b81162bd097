/**
 * Plan ordering: the `after` edges of each step and a deterministic topological sort.
 *
 * Creates, updates and replaces wait for their dependencies that actually change. Deletes go in reverse:
 * after the deletes of kinds that use them ({@link KIND_DELETE_ORDER}) and after any step whose observed
 * spec still references them (a service still pointing at a target group must be updated or deleted
 * before the target group can go).
 *
 * @module
 */
import type { ResourceKind, Spec } from '../desired/resource-types.js';
import type { ObservedResource } from '../observed/types.js';
import { isPlainObject } from './canonical-json.js';
import { PlanCycleError } from './errors.js';
import { mustDeleteBefore } from './kind-order.js';
import type { Action } from './types.js';

/** One step as the orderer sees it. */
export interface OrderNode {
  readonly logicalId: string;
  readonly kind: ResourceKind;
  readonly action: Action;
  /** Render-time dependencies (dependsOn and refs); empty for removed resources. */
  readonly deps: readonly string[];
  /** What exists in AWS for this step, if anything. */
  readonly observed?: ObservedResource;
  /** A delete, or a skip standing in for a refused delete: ordered with the deletes. */
  readonly deleteSide: boolean;
}

const RUNS_FORWARD: ReadonlySet<Action['type']> = new Set(['create', 'update', 'replace']);

/** String values another resource would hold to reference this one (ids, ARNs, names). */
function referenceValues(observed: ObservedResource): ReadonlySet<string> {
  const values = new Set<string>([observed.physicalId]);
  for (const v of Object.values(observed.outputs)) if (typeof v === 'string' && v !== '') values.add(v);
  return values;
}

function containsAny(value: unknown, values: ReadonlySet<string>): boolean {
  if (typeof value === 'string') return values.has(value);
  if (Array.isArray(value)) return value.some((v) => containsAny(v, values));
  if (isPlainObject(value)) return Object.values(value).some((v) => containsAny(v, values));
  return false;
}

/** True when `from` already waits, directly or transitively, for `to`. */
function waitsFor(from: string, to: string, after: ReadonlyMap<string, Set<string>>): boolean {
  const stack = [from];
  const seen = new Set<string>();
  while (stack.length > 0) {
    const cur = stack.pop() as string;
    if (cur === to) return true;
    if (seen.has(cur)) continue;
    seen.add(cur);
    for (const next of after.get(cur) ?? []) stack.push(next);
  }
  return false;
}

/** Computes the `after` set of every node. */
export function computeAfter(nodes: readonly OrderNode[]): ReadonlyMap<string, readonly string[]> {
  const byId = new Map(nodes.map((n) => [n.logicalId, n]));
  const after = new Map(nodes.map((n) => [n.logicalId, new Set<string>()]));
  const add = (node: string, waitFor: string): void => {
    after.get(node)?.add(waitFor);
  };
  for (const n of nodes) {
    if (n.deleteSide || !RUNS_FORWARD.has(n.action.type)) continue;
    for (const dep of n.deps) {
      const d = byId.get(dep);
      if (d !== undefined && dep !== n.logicalId && !d.deleteSide && d.action.type !== 'noop')
        add(n.logicalId, dep);
    }
  }
  const deletes = nodes.filter((n) => n.deleteSide);
  for (const d of deletes) {
    // A kept resource (a refused delete) is never deleted: the kind order does not apply to it; what it
    // still uses is kept with it (data-safety.ts), and references below still order the rest.
    for (const e of deletes) {
      if (e !== d && e.action.type === 'delete' && mustDeleteBefore(e.kind, d.kind))
        add(d.logicalId, e.logicalId);
    }
  }
  for (const d of deletes) {
    if (d.observed === undefined) continue;
    const values = referenceValues(d.observed);
    for (const s of nodes) {
      if (s === d || s.observed === undefined || !(s.deleteSide || RUNS_FORWARD.has(s.action.type))) continue;
      if (!containsAny(s.observed.spec as Spec, values)) continue;
      if (!waitsFor(s.logicalId, d.logicalId, after)) add(d.logicalId, s.logicalId);
    }
  }
  return new Map([...after].map(([id, set]) => [id, [...set].sort()]));
}

/**
 * Orders ids so every id comes after everything in its `after` list; among ready ids the smallest
 * logical id goes first, so the same input always gives the same order.
 *
 * @throws PlanCycleError when the edges form a cycle.
 */
export function topoSort(
  ids: readonly string[],
  after: ReadonlyMap<string, readonly string[]>,
): readonly string[] {
  // Kahn's algorithm with the ready ids in a min-heap: the same order as picking the smallest ready id
  // each round, without scanning every remaining id per round (a stack has hundreds of steps).
  const known = new Set(ids);
  const waiting = new Map<string, number>();
  const waitedBy = new Map<string, string[]>();
  for (const id of known) {
    const waits = new Set((after.get(id) ?? []).filter((a) => known.has(a)));
    waiting.set(id, waits.size);
    for (const w of waits) {
      const list = waitedBy.get(w);
      if (list === undefined) waitedBy.set(w, [id]);
      else list.push(id);
    }
  }
  const ready = new MinHeap();
  for (const [id, count] of waiting) if (count === 0) ready.push(id);
  const order: string[] = [];
  for (let next = ready.pop(); next !== undefined; next = ready.pop()) {
    order.push(next);
    waiting.delete(next);
    for (const id of waitedBy.get(next) ?? []) {
      const left = (waiting.get(id) ?? 0) - 1;
      waiting.set(id, left);
      if (left === 0) ready.push(id);
    }
  }
  if (waiting.size > 0) throw new PlanCycleError([...waiting.keys()].sort());
  return order;
}

/** A binary min-heap of strings in code-unit order (`<`), for {@link topoSort}'s ready set. */
class MinHeap {
  readonly #items: string[] = [];

  push(item: string): void {
    const a = this.#items;
    a.push(item);
    let i = a.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!((a[i] as string) < (a[parent] as string))) break;
      [a[i], a[parent]] = [a[parent] as string, a[i] as string];
      i = parent;
    }
  }

  pop(): string | undefined {
    const a = this.#items;
    const top = a[0];
    const last = a.pop();
    if (a.length === 0 || last === undefined) return top;
    a[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let least = i;
      if (l < a.length && (a[l] as string) < (a[least] as string)) least = l;
      if (r < a.length && (a[r] as string) < (a[least] as string)) least = r;
      if (least === i) break;
      [a[i], a[least]] = [a[least] as string, a[i] as string];
      i = least;
    }
    return top;
  }
}
