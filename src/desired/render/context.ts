/**
 * What every render module receives, and the one constructor of a {@link DesiredResource}.
 *
 * @module
 */
import type { ResolvedStack } from '../resolved-types.js';
import type { DesiredResource, ResourceKind, Spec, SpecValue } from '../resource-types.js';
import { ownershipTags } from '../tags.js';
import { canonicalize, compareStrings } from './canonical.js';
import type { StackModel } from './model.js';
import type { Routing } from './routing.js';

/** A set of subnets: the values to put in specs (refs or literal ids) and what to wait for. */
export interface SubnetSet {
  /** Sorted subnet ids or `Ref(subnet/….id)`. */
  readonly ids: readonly SpecValue[];
  /** Logical ids of the subnets and their route tables (a task needs its route to pull images). */
  readonly dependsOn: readonly string[];
}

/** Where the stack's network lives: created by us (refs) or existing (literal ids). */
export interface NetworkRefs {
  readonly vpcId: SpecValue;
  /** `['vpc']` when we create it, else empty. */
  readonly vpcDependsOn: readonly string[];
  readonly publicSubnets: SubnetSet;
  readonly privateSubnets: SubnetSet;
  /** A string standing for the VPC in immutable-name hashes (target groups are per VPC). */
  readonly vpcKey: string;
}

/** Input of every render module. */
export interface RenderContext {
  readonly resolved: ResolvedStack;
  readonly model: StackModel;
  readonly network: NetworkRefs;
  readonly routing: Routing;
}

/** What a render module provides for one resource; the rest is derived. */
export interface ResourceInput {
  readonly kind: ResourceKind;
  readonly logicalId: string;
  readonly name: string;
  /** May hold `undefined` values; they are dropped. */
  readonly spec: Readonly<Record<string, SpecValue | undefined>>;
  readonly dependsOn: readonly string[];
}

/**
 * Builds a {@link DesiredResource}: canonical spec, sorted distinct `dependsOn`, ownership tags (plus
 * `Name` on EC2, which shows it in the console).
 */
export function resource(model: StackModel, input: ResourceInput): DesiredResource {
  const tags: Record<string, string> = ownershipTags(model.project, model.stack, input.logicalId);
  if (input.kind.startsWith('ec2.')) tags.Name = input.name;
  return {
    kind: input.kind,
    logicalId: input.logicalId,
    name: input.name,
    spec: canonicalize(input.spec) as Spec,
    tags: canonicalize(tags),
    dependsOn: [...new Set(input.dependsOn)].sort(compareStrings),
  };
}
