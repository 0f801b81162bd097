/**
 * The per-resource decision: create, update, replace, noop, conflict, skip or delete.
 *
 * @module
 */
import {
  type DesiredResource,
  MANAGED_BY,
  type Ref,
  type ResourceKind,
  STATEFUL_KINDS,
  TAG_KEYS,
} from '../desired/resource-types.js';
import { ownershipOf } from '../desired/tags.js';
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
 * Why an extra copy of an owned resource is deleted (observed/duplicates.ts): `keptPhysicalId` names the
 * copy the stack goes on with.
 *
 * @example duplicateReason('vpc-2') // 'duplicate of vpc-2 (made by a lost response)'
 */
export function duplicateReason(keptPhysicalId: string): string {
  return `duplicate of ${keptPhysicalId} (made by a lost response)`;
}

/**
 * The data-safety refusal shown instead of a replacement, deletion or major version change of a
 * stateful resource; it starts with {@link DATA_SAFETY_PREFIX}. For `duplicate`, `why` is the kept
 * copy's physical id: an extra database is still data, so it is kept and reported like a removed one.
 */
export function dataSafetyReason(
  kind: ResourceKind,
  what: 'replace' | 'delete' | 'upgrade' | 'duplicate',
  why = '',
): string {
  const verb =
    what === 'replace'
      ? `would be replaced (${why})`
      : what === 'upgrade'
        ? `would change in place (${why})`
        : what === 'duplicate'
          ? `is a ${duplicateReason(why)} and would be deleted`
          : 'is no longer rendered and would be deleted';
  const outcome = what === 'delete' || what === 'duplicate' ? 'it is kept' : 'it is left as it is';
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
  const ownership = ownershipOf(observed.tags, ctx.project, ctx.stack);
  if (ownership.kind === 'foreign')
    return { type: 'conflict', desired, observed, reason: foreignReason(observed, ctx) };
  if (ownership.kind === 'partial') {
    return {
      type: 'conflict',
      desired,
      observed,
      reason: partialOwnershipReason(observed, ownership.missing),
    };
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

/**
 * Why a resource with our name that is not this stack's is left alone. When another stackctl stack owns
 * it, the reason names that stack and suggests nothing that would take it (no `adopt`).
 */
function foreignReason(observed: ObservedResource, ctx: DecisionContext): string {
  const project = observed.tags[TAG_KEYS.project];
  const stack = observed.tags[TAG_KEYS.stack];
  if (project !== undefined && stack !== undefined && observed.tags[TAG_KEYS.managedBy] === MANAGED_BY) {
    const by =
      observed.kind === 'route53.Record' ? 'its _stackctl TXT ownership marker' : 'its ownership tags';
    return `${observed.physicalId} belongs to stackctl stack ${project}/${stack} (${by}); it will not be modified or taken from that stack`;
  }
  return `${observed.physicalId} exists but is not owned by stack ${ctx.project}/${ctx.stack} (stackctl:project/stackctl:stack tags missing or different); it will not be modified`;
}

/**
 * Why a resource carrying this stack's project and stack tags but not every ownership tag is left alone
 * (docs/RELIABILITY.md "Ownership"): it may be hand-made, so neither a reconcile nor a prune may act on it.
 */
export function partialOwnershipReason(observed: ObservedResource, missing: readonly string[]): string {
  return `${observed.physicalId} carries this stack's stackctl:project and stackctl:stack tags but not ${missing.join(' or ')}, so it is not known to be stackctl's; it is reported and never modified or deleted (\`stackctl adopt\` completes its tags if it should be managed)`;
}

/**
 * Decides what to do with a resource of this stack nothing desires any more, or an extra copy of one
 * (`duplicateOf`): delete it when it carries every ownership tag, unless refused; report it (skip) when
 * it carries only some of them.
 */
export function decideRemoval(observed: ObservedResource, ctx: DecisionContext): Action {
  const ownership = ownershipOf(observed.tags, ctx.project, ctx.stack);
  if (ownership.kind !== 'owned') {
    const reason =
      ownership.kind === 'partial'
        ? partialOwnershipReason(observed, ownership.missing)
        : `${observed.physicalId} is not owned by stack ${ctx.project}/${ctx.stack}; it is never modified or deleted`;
    return { type: 'skip', desired: keptAsIs(observed), reason };
  }
  if (ctx.unsupportedKinds.has(observed.kind)) {
    return { type: 'skip', desired: keptAsIs(observed), reason: UNSUPPORTED_REASON };
  }
  const kept = observed.duplicateOf;
  if (STATEFUL_KINDS.has(observed.kind) && !ctx.allowDataLoss) {
    const reason =
      kept === undefined
        ? dataSafetyReason(observed.kind, 'delete')
        : dataSafetyReason(observed.kind, 'duplicate', kept);
    return { type: 'skip', desired: keptAsIs(observed), reason };
  }
  return kept === undefined
    ? { type: 'delete', observed }
    : { type: 'delete', observed, reason: duplicateReason(kept) };
}
