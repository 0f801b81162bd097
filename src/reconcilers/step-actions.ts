/**
 * What one plan step does in AWS: create, update, replace or delete through its kind's applier.
 *
 * Refs are resolved here, right before the call, against the outputs of the steps that already ran.
 * Every applier call goes through `attempt` (the retry runner): applier calls are idempotent as a whole,
 * journal writes are made once, outside the retries.
 *
 * @module
 */
import type { DesiredResource } from '../desired/resource-types.js';
import { diffResource } from '../diff/compare.js';
import { replaceReason } from '../diff/immutable-fields.js';
import { resolveRefs } from '../diff/resolve-refs.js';
import { tagDeltas } from '../diff/tags.js';
import type { FieldDelta, PlanStep } from '../diff/types.js';
import type { ObservedResource } from '../observed/types.js';
import { clientToken } from './client-token.js';
import { StalePlanError, UnresolvedRefsError } from './engine-errors.js';
import type { JournalHooks } from './engine-types.js';
import type { Applier, ApplyContext, ApplyResult, ResolvedResource } from './types.js';

/** What a step needs from the engine. */
export interface StepEnv {
  readonly applier: Applier;
  readonly ctx: Omit<ApplyContext, 'clientToken'>;
  readonly outputs: Map<string, Readonly<Record<string, string | number>>>;
  readonly journal?: JournalHooks;
  /** Runs one idempotent applier call with retries. */
  readonly attempt: <T>(fn: () => Promise<T>) => Promise<T>;
  /**
   * Takes a journal write that need not precede the step's dependents (the id after a create or an
   * update): the engine lets dependents start at once and awaits it before the pass ends, failing the
   * step loudly if it failed. Without it the write is awaited in place.
   */
  readonly settleLater?: (logicalId: string, write: Promise<void>) => void;
}

/**
 * Records the id and outputs after a create or update. Off the critical path when the engine takes it:
 * a crash before it lands is already handled, since the next pass finds the resource by its name or
 * tags and settles the pending create (state-hooks.ts settlePendingCreates). The intent write before a
 * create is never deferred: it is what makes a killed create findable at all.
 */
async function recordApplied(step: PlanStep, result: ApplyResult, env: StepEnv): Promise<void> {
  const write = env.journal?.afterApply(step, result);
  if (write === undefined) return;
  if (env.settleLater) env.settleLater(step.logicalId, write);
  else await write;
}

/** How a step that did not throw ended. */
export interface StepOutcome {
  readonly status: 'applied' | 'noop';
  readonly physicalId?: string;
  readonly message?: string;
  /** The old resource of a create-before-delete replace, deleted once its dependents have moved over. */
  readonly replaced?: ObservedResource;
}

function resolve(desired: DesiredResource, env: StepEnv): ResolvedResource {
  const r = resolveRefs(desired.spec, env.outputs);
  if ('missing' in r) throw new UnresolvedRefsError(desired.logicalId, r.missing);
  const { kind, logicalId, name, tags } = desired;
  return { kind, logicalId, name, tags, spec: r.resolved };
}

function withToken(
  env: StepEnv,
  logicalId: string,
  spec: ResolvedResource['spec'],
  generation?: string,
): ApplyContext {
  return {
    ...env.ctx,
    clientToken: clientToken(env.ctx.project, env.ctx.stack, logicalId, spec, generation),
  };
}

async function create(step: PlanStep, resolved: ResolvedResource, env: StepEnv): Promise<ApplyResult> {
  // One generation per create: reused by every retry below and, through the journal, by the next pass.
  const generation = env.journal?.createGeneration?.(step.logicalId);
  const ctx = withToken(env, step.logicalId, resolved.spec, generation);
  await env.journal?.beforeCreate(step, ctx.clientToken, generation);
  const result = await env.attempt(() => env.applier.create(resolved, ctx));
  env.outputs.set(step.logicalId, result.outputs);
  await recordApplied(step, result, env);
  return result;
}

async function remove(step: PlanStep, observed: ObservedResource, env: StepEnv): Promise<void> {
  const ctx = withToken(env, step.logicalId, observed.spec);
  await env.attempt(() => env.applier.delete(observed, ctx));
  env.outputs.delete(step.logicalId);
}

async function update(
  step: PlanStep,
  desired: DesiredResource,
  observed: ObservedResource,
  env: StepEnv,
): Promise<StepOutcome> {
  const resolved = resolve(desired, env);
  // The plan's deltas may hold refs to resources created in this pass: recompute on concrete values.
  const deltas: readonly FieldDelta[] = [
    ...diffResource(resolved.spec, observed.spec, desired.kind),
    ...tagDeltas(desired.tags, observed.tags),
  ];
  if (deltas.length === 0) {
    env.outputs.set(step.logicalId, observed.outputs);
    return { status: 'noop', physicalId: observed.physicalId, message: 'up to date once refs were resolved' };
  }
  const reason = replaceReason(desired.kind, deltas);
  if (reason !== undefined) throw new StalePlanError(step.logicalId, reason);
  const ctx = withToken(env, step.logicalId, resolved.spec);
  const result = await env.attempt(() => env.applier.update(resolved, observed, deltas, ctx));
  env.outputs.set(step.logicalId, result.outputs);
  await recordApplied(step, result, env);
  return { status: 'applied', physicalId: result.physicalId };
}

async function replace(
  step: PlanStep,
  desired: DesiredResource,
  observed: ObservedResource,
  env: StepEnv,
): Promise<StepOutcome> {
  const resolved = resolve(desired, env);
  if (desired.name !== observed.name) {
    // Create before delete: dependents switch to the new one first; the engine deletes the old one after.
    const result = await create(step, resolved, env);
    return { status: 'applied', physicalId: result.physicalId, replaced: observed };
  }
  // Same name: AWS would refuse a second one, so the old one has to go first.
  await remove(step, observed, env);
  await env.journal?.afterDelete(step, observed);
  const result = await create(step, resolved, env);
  return { status: 'applied', physicalId: result.physicalId };
}

/** Runs one runnable step (create, update, replace or delete). */
export async function runStepAction(step: PlanStep, env: StepEnv): Promise<StepOutcome> {
  const a = step.action;
  switch (a.type) {
    case 'create': {
      const result = await create(step, resolve(a.desired, env), env);
      return { status: 'applied', physicalId: result.physicalId };
    }
    case 'update':
      return update(step, a.desired, a.observed, env);
    case 'replace':
      return replace(step, a.desired, a.observed, env);
    case 'delete':
      await remove(step, a.observed, env);
      await env.journal?.afterDelete(step, a.observed);
      return { status: 'applied', physicalId: a.observed.physicalId };
    case 'noop':
    case 'conflict':
    case 'skip':
      return { status: 'noop' };
  }
}

/** Deletes the old resource of a create-before-delete replace. */
export async function deleteReplaced(step: PlanStep, old: ObservedResource, env: StepEnv): Promise<void> {
  const ctx = withToken(env, step.logicalId, old.spec);
  await env.attempt(() => env.applier.delete(old, ctx));
}
