/**
 * What observers return: the live counterpart of a `DesiredResource`, normalized into the same spec shape
 * (see docs/resource-specs.md) so the diff can compare field by field.
 *
 * @module
 */
import type { AwsClients } from '../aws/types.js';
import type { ResourceKind, Spec } from '../desired/resource-types.js';
import type { PassReads } from './pass-reads.js';
import type { TagIndex } from './tag-index.js';
import type { TaskDefinitionCache } from './task-definition-cache.js';

/** Per-resource health, worst first when aggregated: Degraded > Missing > Progressing > Unknown > Healthy. */
export type Health = 'Healthy' | 'Progressing' | 'Degraded' | 'Missing' | 'Unknown';

/** A resource as it exists in AWS. */
export interface ObservedResource {
  readonly kind: ResourceKind;
  /** From the `stackctl:logical-id` tag, the journal, or the desired resource the name matched. */
  readonly logicalId: string;
  readonly name: string;
  /** The id AWS knows it by (VPC id, ARN, name): what appliers pass to update/delete calls. */
  readonly physicalId: string;
  /** Owned fields only, in the desired shape. */
  readonly spec: Spec;
  readonly tags: Readonly<Record<string, string>>;
  /** Attributes other resources reference (see RESOURCE_OUTPUTS). */
  readonly outputs: Readonly<Record<string, string | number>>;
  readonly health: Health;
  /** Why the resource is not Healthy, when it is not. */
  readonly healthReason?: string;
  /**
   * Set on an extra copy of an owned resource (same kind, logical id and name: a create whose response
   * was lost and was sent again): the physical id of the copy the stack keeps. The planner never pairs a
   * duplicate with its desired resource; it deletes it (duplicates.ts).
   */
  readonly duplicateOf?: string;
}

/** What to look for: every desired resource of the kind plus every one the journal remembers. */
export interface ObserveTarget {
  readonly logicalId: string;
  readonly name: string;
  /** Recorded physical id, when the journal has one. */
  readonly physicalId?: string;
  /** The desired spec, when the target is still desired (observers may need a parent id from it). */
  readonly spec?: Spec;
}

/** Everything an observer may use. Read-only by contract. */
export interface ObserveContext {
  readonly clients: AwsClients;
  readonly project: string;
  readonly stack: string;
  /** Resolved outputs of resources observed earlier in the pass (e.g. the VPC id), by logical id. */
  readonly outputs: ReadonlyMap<string, Readonly<Record<string, string | number>>>;
  /** The pass's one tagging-API read (tag-index.ts). @default a fresh index per use (one call each) */
  readonly tagIndex?: TagIndex;
  /** Task definition revisions already described, by ARN (immutable). @default none: every describe calls */
  readonly taskDefinitions?: TaskDefinitionCache;
  /** Reads shared by the observers of the pass (pass-reads.ts). @default none: each observer reads */
  readonly passReads?: PassReads;
}

/**
 * Reads one kind. Contract:
 * - never mutates AWS;
 * - returns every target that exists (owned or not: ownership is judged from `tags` by the diff) and
 *   every resource of the kind carrying this project+stack's ownership tags, even if not targeted
 *   (that is how removed resources get deleted);
 * - batches and paginates as the API allows; a missing target is simply absent from the result.
 */
export interface Observer {
  readonly kind: ResourceKind;
  observe(targets: readonly ObserveTarget[], ctx: ObserveContext): Promise<readonly ObservedResource[]>;
}
