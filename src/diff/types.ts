/**
 * The plan model: field deltas (ACK's Delta), actions (a discriminated union) and the ordered plan.
 *
 * @module
 */

import type { DesiredResource, ResourceKind } from '../desired/resource-types.js';
import type { ObservedResource } from '../observed/types.js';
import type { IgnoredField } from './ignore-changes.js';

/** One differing field. `path` is dotted with indexes: `healthCheck.path`, `ingress[0].fromPort`. */
export interface FieldDelta {
  readonly path: string;
  readonly desired: unknown;
  readonly observed: unknown;
  /** True when the field cannot change in place. */
  readonly replace: boolean;
}

/** What the plan does with one logical resource. */
export type Action =
  | { readonly type: 'create'; readonly desired: DesiredResource }
  | {
      readonly type: 'update';
      readonly desired: DesiredResource;
      readonly observed: ObservedResource;
      readonly deltas: readonly FieldDelta[];
    }
  | {
      readonly type: 'replace';
      readonly desired: DesiredResource;
      readonly observed: ObservedResource;
      readonly deltas: readonly FieldDelta[];
      /** Human reason, naming the immutable field(s). */
      readonly reason: string;
    }
  | {
      readonly type: 'delete';
      readonly observed: ObservedResource;
      /** Set when the delete is not a plain removal: an extra copy (`duplicate of <id> (…)`). */
      readonly reason?: string;
    }
  | { readonly type: 'noop'; readonly desired: DesiredResource; readonly observed: ObservedResource }
  | {
      /** A resource with our name but without our ownership tags: reported, never touched. */
      readonly type: 'conflict';
      readonly desired: DesiredResource;
      readonly observed: ObservedResource;
      readonly reason: string;
    }
  | {
      /** Rendered but not yet reconcilable (unsupported kind, data-safety refusal): reported, not applied. */
      readonly type: 'skip';
      readonly desired: DesiredResource;
      readonly reason: string;
    };

/** An action's type. */
export type ActionType = Action['type'];

/** A planned step: the action plus the logical ids that must finish first. */
export interface PlanStep {
  readonly logicalId: string;
  readonly kind: ResourceKind;
  readonly action: Action;
  /** Steps (by logical id) that must complete before this one. */
  readonly after: readonly string[];
  /** Fields left at their live values because the stack lets others own them (ignore-changes.ts). */
  readonly ignored?: readonly IgnoredField[];
}

/** The ordered plan of one stack. */
export interface Plan {
  readonly project: string;
  readonly stack: string;
  /** Topologically ordered: creates/updates follow dependencies, deletes go in reverse. */
  readonly steps: readonly PlanStep[];
  readonly summary: Readonly<Record<ActionType, number>>;
}
