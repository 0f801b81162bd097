/**
 * Ref resolution: replaces `{ $ref, attr }` leaves with the outputs of resources that already exist.
 *
 * Rendering stays pure because values such as a VPC id are written as refs; the planner resolves them
 * against observed outputs, and the engine resolves them again at apply time against the outputs of
 * the steps that just ran.
 *
 * @module
 */
import { isRef, type Ref, type Spec, type SpecValue } from '../desired/resource-types.js';
import { isPlainObject } from './canonical-json.js';

/** Outputs by logical id: what refs resolve against. */
export type OutputsByLogicalId = ReadonlyMap<string, Readonly<Record<string, string | number>>>;

/** A ref whose target output is not known yet (the dependency is not created yet). */
export interface MissingRef {
  readonly logicalId: string;
  readonly attr: string;
}

/** Either the fully resolved spec or every ref that could not be resolved. */
export type ResolveResult = { readonly resolved: Spec } | { readonly missing: readonly MissingRef[] };

/** A spec where resolvable refs are replaced and the others are left in place, plus what is missing. */
export interface PartialResolution {
  readonly spec: Spec;
  readonly missing: readonly MissingRef[];
}

function lookup(r: Ref, outputs: OutputsByLogicalId): string | number | undefined {
  return outputs.get(r.$ref)?.[r.attr];
}

function resolveValue(v: SpecValue, outputs: OutputsByLogicalId, missing: MissingRef[]): SpecValue {
  if (isRef(v)) {
    const found = lookup(v, outputs);
    if (found !== undefined) return found;
    if (!missing.some((m) => m.logicalId === v.$ref && m.attr === v.attr)) {
      missing.push({ logicalId: v.$ref, attr: v.attr });
    }
    return v;
  }
  if (Array.isArray(v)) return v.map((item: SpecValue) => resolveValue(item, outputs, missing));
  if (isPlainObject(v)) {
    const out: Record<string, SpecValue> = {};
    for (const [k, item] of Object.entries(v as Spec)) out[k] = resolveValue(item, outputs, missing);
    return out;
  }
  return v;
}

/**
 * Resolves what can be resolved and leaves the other refs in place.
 *
 * The planner needs this to compare the fields that are already known while a dependency is still
 * being created.
 */
export function resolveRefsPartial(spec: Spec, outputs: OutputsByLogicalId): PartialResolution {
  const missing: MissingRef[] = [];
  const resolved = resolveValue(spec, outputs, missing) as Spec;
  return { spec: resolved, missing };
}

/**
 * Replaces every ref in `spec`, or reports every ref whose output is not known yet.
 *
 * An applier must never receive a ref, so the engine calls this right before each step and treats
 * `missing` as "the dependency did not produce its output".
 *
 * @example
 * resolveRefs({ vpcId: ref('vpc', 'id') }, new Map([['vpc', { id: 'vpc-1' }]])) // { resolved: { vpcId: 'vpc-1' } }
 */
export function resolveRefs(spec: Spec, outputs: OutputsByLogicalId): ResolveResult {
  const { spec: resolved, missing } = resolveRefsPartial(spec, outputs);
  return missing.length > 0 ? { missing } : { resolved };
}

/** Every ref inside `value`, in document order: a resource's implicit dependencies. */
export function collectRefs(value: SpecValue): readonly Ref[] {
  const out: Ref[] = [];
  const walk = (v: SpecValue): void => {
    if (isRef(v)) out.push(v);
    else if (Array.isArray(v)) for (const item of v as readonly SpecValue[]) walk(item);
    else if (isPlainObject(v)) for (const item of Object.values(v as Spec)) walk(item);
  };
  walk(value);
  return out;
}
