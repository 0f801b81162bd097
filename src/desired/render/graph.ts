/**
 * The dependency graph of a rendered stack: the engine walks `dependsOn` to order creates (and, in
 * reverse, deletes), and resolves {@link Ref}s against resources it has already applied. Both only work
 * when every edge points at a resource of the stack, every ref is also an edge, and there is no cycle.
 *
 * @module
 */
import type { DesiredResource, Ref, SpecValue } from '../resource-types.js';
import { isRef } from '../resource-types.js';
import { RenderError, type RenderProblem } from './errors.js';

/** Every {@link Ref} inside `value`, depth first, in document order. */
export function collectRefs(value: SpecValue | undefined): Ref[] {
  const out: Ref[] = [];
  const walk = (v: SpecValue | undefined): void => {
    if (v === null || v === undefined || typeof v !== 'object') return;
    if (isRef(v)) out.push(v);
    else if (Array.isArray(v)) for (const item of v as readonly SpecValue[]) walk(item);
    else for (const key in v) walk((v as { readonly [key: string]: SpecValue })[key]);
  };
  walk(value);
  return out;
}

/**
 * Throws {@link RenderError} unless logical ids are unique, every `dependsOn` and every ref names a
 * resource of `resources`, every ref is also in `dependsOn`, and the graph is acyclic.
 *
 * @example
 * validateGraph(renderStack(resolved).resources); // the renderer's own invariant
 */
export function validateGraph(resources: readonly DesiredResource[]): void {
  const problems: RenderProblem[] = [];
  const byId = new Map<string, DesiredResource>();
  for (const r of resources) {
    if (byId.has(r.logicalId)) problems.push({ field: r.logicalId, message: 'duplicate logical id' });
    byId.set(r.logicalId, r);
  }
  for (const r of resources) {
    for (const dep of r.dependsOn) {
      if (!byId.has(dep))
        problems.push({ field: `${r.logicalId}.dependsOn`, message: `unknown resource "${dep}"` });
    }
    for (const target of new Set(collectRefs(r.spec).map((x) => x.$ref))) {
      if (!byId.has(target))
        problems.push({ field: `${r.logicalId}.spec`, message: `ref to unknown resource "${target}"` });
      else if (!r.dependsOn.includes(target)) {
        problems.push({
          field: `${r.logicalId}.spec`,
          message: `refers to "${target}" without depending on it`,
        });
      }
    }
  }
  problems.push(...findCycles(resources, byId));
  if (problems.length > 0) throw new RenderError(problems);
}

function findCycles(
  resources: readonly DesiredResource[],
  byId: ReadonlyMap<string, DesiredResource>,
): RenderProblem[] {
  const state = new Map<string, 'open' | 'done'>();
  const problems: RenderProblem[] = [];
  // Iterative DFS: stacks can hold thousands of resources, recursion depth must not depend on that.
  for (const root of resources) {
    if (state.has(root.logicalId)) continue;
    const path: string[] = [];
    const stack: { id: string; next: number }[] = [{ id: root.logicalId, next: 0 }];
    state.set(root.logicalId, 'open');
    path.push(root.logicalId);
    while (stack.length > 0) {
      const top = stack[stack.length - 1] as { id: string; next: number };
      const deps = byId.get(top.id)?.dependsOn ?? [];
      const dep = deps[top.next];
      top.next += 1;
      if (dep === undefined) {
        state.set(top.id, 'done');
        stack.pop();
        path.pop();
      } else if (byId.has(dep)) {
        const seen = state.get(dep);
        if (seen === 'open') {
          const cycle = [...path.slice(path.indexOf(dep)), dep];
          problems.push({ field: `${top.id}.dependsOn`, message: `dependency cycle: ${cycle.join(' -> ')}` });
        } else if (seen === undefined) {
          state.set(dep, 'open');
          path.push(dep);
          stack.push({ id: dep, next: 0 });
        }
      }
    }
  }
  return problems;
}
