/**
 * The per-resource decision: create, update, replace, noop, conflict, skip or delete.
 *
 * @module
 */
import {
  type DesiredResource,
  type Ref,
  type ResourceKind,
  STATEFUL_KINDS,
} from '../desired/resource-types.js';
import { isOwnedBy } from '../desired/tags.js';
import type { ObservedResource } from '../observed/types.js';
import { diffResource } from './compare.js';
import { DATA_SAFETY_PREFIX, majorUpgradeReason } from './data-safety.js';
import { replaceReason } from './immutable-fields.js';
import { type OutputsByLogicalId, resolveRefsPartial } from './resolve-refs.js';
import { tagDeltas } from './tags.js';
import type { Action, FieldDelta } from './types.js';

/** Kinds whose outputs change on an in-place update: a new task definition revision has a new ARN. */
export const OUTPUTS_CHANGE_ON_UPDATE: ReadonlySet<ResourceKind> = new Set(['ecs.TaskDefinition']);

/** The skip reason of kinds no applier handles yet. */
export const UNSUPPORTED_REASON = 'not yet supported';

/** What the decision needs to know about the rest of the plan. */
export interface DecisionContext {
  readonly project: string;
  readonly stack: string;
  readonly allowDataLoss: boolean;
  readonly unsupportedKinds: ReadonlySet<ResourceKind>;
  /** Outputs of resources whose values are known and will not change in this plan. */
  readonly outputs: OutputsByLogicalId;
  /** Logical ids being created or replaced (or re-revisioned): refs to them are changing fields. */
  readonly changing: ReadonlySet<string>;
}

/**
 * The data-safety refusal shown instead of a replacement, deletion or major version change of a
 * stateful resource; it starts with {@link DATA_SAFETY_PREFIX}.
 */
export function dataSafetyReason(
  kind: ResourceKind,
  what: 'replace' | 'delete' | 'upgrade',
  why = '',
): string {
  const verb =
    what === 'replace'
      ? `would be replaced (${why})`
      : what === 'upgrade'
        ? `would change in place (${why})`
        : 'is no longer rendered and would be deleted';
  const outcome = what === 'delete' ? 'it is kept' : 'it is left as it is';
  return `${DATA_SAFETY_PREFIX} ${kind} ${verb} and holds data; ${outcome}: rerun with --allow-data-loss to allow it`;
}

/**
 * A removed resource dressed as a desired one, for skip actions (which carry a desired resource):
 * it stands for "keep it as it is".
 */
export function keptAsIs(observed: ObservedResource): DesiredResource {
  const { kind, logicalId, name, spec, tags } = observed;
  return { kind, logicalId, name, spec, tags, dependsOn: [] };
}

/**
 * The deltas of an owned resource: spec fields (refs to changing dependencies count as changing, refs to
 * otherwise unknown values are not compared) plus tag deltas.
 */
export function resourceDeltas(
  desired: DesiredResource,
  observed: ObservedResource,
  ctx: Pick<DecisionContext, 'outputs' | 'changing'>,
): readonly FieldDelta[] {
  const { spec } = resolveRefsPartial(desired.spec, ctx.outputs);
  const isRefChanging = (r: Ref): boolean => ctx.changing.has(r.$ref);
  return [
    ...diffResource(spec, observed.spec, desired.kind, { isRefChanging }),
    ...tagDeltas(desired.tags, observed.tags),
  ];
}

/** Decides what to do with one desired resource given its observed counterpart, if any. */
export function decideAction(
  desired: DesiredResource,
  observed: ObservedResource | undefined,
  ctx: DecisionContext,
): Action {
  if (ctx.unsupportedKinds.has(desired.kind)) return { type: 'skip', desired, reason: UNSUPPORTED_REASON };
  if (observed === undefined) return { type: 'create', desired };
  if (!isOwnedBy(observed.tags, ctx.project, ctx.stack)) {
    const reason = `${observed.physicalId} exists but is not owned by stack ${ctx.project}/${ctx.stack} (stackctl:project/stackctl:stack tags missing or different); it will not be modified`;
    return { type: 'conflict', desired, observed, reason };
  }
  const deltas = resourceDeltas(desired, observed, ctx);
  const reason = replaceReason(desired.kind, deltas);
  if (reason !== undefined) {
    if (STATEFUL_KINDS.has(desired.kind) && !ctx.allowDataLoss) {
      return { type: 'skip', desired, reason: dataSafetyReason(desired.kind, 'replace', reason) };
    }
    return { type: 'replace', desired, observed, deltas, reason };
  }
  const upgrade = majorUpgradeReason(desired.kind, deltas);
  if (upgrade !== undefined && !ctx.allowDataLoss) {
    return { type: 'skip', desired, reason: dataSafetyReason(desired.kind, 'upgrade', upgrade) };
  }
  if (deltas.length > 0) return { type: 'update', desired, observed, deltas };
  return { type: 'noop', desired, observed };
}

/** Decides what to do with an owned resource nothing desires any more: delete it, unless refused. */
export function decideRemoval(observed: ObservedResource, ctx: DecisionContext): Action {
  if (ctx.unsupportedKinds.has(observed.kind)) {
    return { type: 'skip', desired: keptAsIs(observed), reason: UNSUPPORTED_REASON };
  }
  if (STATEFUL_KINDS.has(observed.kind) && !ctx.allowDataLoss) {
    return { type: 'skip', desired: keptAsIs(observed), reason: dataSafetyReason(observed.kind, 'delete') };
  }
  return { type: 'delete', observed };
}
