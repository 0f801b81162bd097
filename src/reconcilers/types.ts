/**
 * The applier contract: one applier per kind turns a planned action into the AWS calls it needs.
 *
 * Modelled on crossplane's ExternalClient and ACK's resource manager: tiny, idempotent, and told exactly
 * what changed.
 *
 * @module
 */
import type { AwsClients } from '../aws/types.js';
import type { ResourceKind, Spec } from '../desired/resource-types.js';
import type { FieldDelta } from '../diff/types.js';
import type { ObservedResource } from '../observed/types.js';

/** A desired resource whose refs have all been resolved to concrete values. */
export interface ResolvedResource {
  readonly kind: ResourceKind;
  readonly logicalId: string;
  readonly name: string;
  /** No `Ref` remains inside. */
  readonly spec: Spec;
  readonly tags: Readonly<Record<string, string>>;
}

/** What a create or update leaves behind: the id and the outputs other resources reference. */
export interface ApplyResult {
  readonly physicalId: string;
  readonly outputs: Readonly<Record<string, string | number>>;
}

/** Everything an applier may use. */
export interface ApplyContext {
  readonly clients: AwsClients;
  readonly project: string;
  readonly stack: string;
  /** Client token for creates that take one: stable for the same logical id and spec. */
  readonly clientToken: string;
  /** Stops waits early (operator shutdown, `--timeout`). */
  readonly signal?: AbortSignal;
}

/**
 * Writes one kind. Contract:
 * - `create` is idempotent: deterministic name, ownership tags in the create call, client token where the
 *   API takes one; a resource that already exists with our tags is adopted, never duplicated; one that
 *   exists without them is an `OwnershipConflictError`.
 * - `update` calls only the APIs the deltas need (a tag-only delta only tags).
 * - `delete` treats NotFound as success and waits where AWS makes the next step wait (ECS draining, ENIs).
 * - Never touches a resource without this project+stack's ownership tags.
 */
export interface Applier {
  readonly kind: ResourceKind;
  create(desired: ResolvedResource, ctx: ApplyContext): Promise<ApplyResult>;
  update(
    desired: ResolvedResource,
    observed: ObservedResource,
    deltas: readonly FieldDelta[],
    ctx: ApplyContext,
  ): Promise<ApplyResult>;
  delete(observed: ObservedResource, ctx: ApplyContext): Promise<void>;
}
