/**
 * Where each item lives in the one state table (single-table design).
 *
 * | item             | pk                          | sk                     |
 * |------------------|-----------------------------|------------------------|
 * | stack spec       | `STACK#<project>#<stack>`   | `SPEC`                 |
 * | stack status     | `STACK#<project>#<stack>`   | `STATUS`               |
 * | deployed images  | `STACK#<project>#<stack>`   | `IMAGES`               |
 * | resource journal | `STACK#<project>#<stack>`   | `RES#<logicalId>`      |
 * | event            | `STACK#<project>#<stack>`   | `EVT#<iso time>#<rnd>` |
 * | lease            | `LEASE#<project>#<stack>`   | `LEASE`                |
 * | rollout          | `ROLLOUT#<project>`         | `ROLLOUT`              |
 *
 * Spec items also carry `specsPk`/`specsSk`, the keys of the sparse `specs` index that lists stacks
 * without scanning journals and events. The lease lives under its own pk so the operator's hottest
 * write (the heartbeat) never contends with a stack's other items.
 *
 * @module
 */
import { StateKeyError } from './errors.js';

/** Table name used when none is configured. */
export const DEFAULT_TABLE_NAME = 'stackctl-state';

/** Partition key attribute. */
export const PK = 'pk';
/** Sort key attribute. */
export const SK = 'sk';
/** TTL attribute (epoch seconds). Only events carry it; never the lease, whose fence must survive. */
export const TTL_ATTRIBUTE = 'expiresAt';

/** The sparse global secondary index over spec items. */
export const SPECS_INDEX = 'specs';
/** Partition key of {@link SPECS_INDEX}: one constant value. */
export const SPECS_PK = 'specsPk';
/** Sort key of {@link SPECS_INDEX}: `<project>#<stack>`. */
export const SPECS_SK = 'specsSk';
/** The one value of {@link SPECS_PK}. */
export const SPECS_PK_VALUE = 'SPEC';

/** Sort keys and prefixes. */
export const SK_SPEC = 'SPEC';
export const SK_STATUS = 'STATUS';
export const SK_IMAGES = 'IMAGES';
export const SK_LEASE = 'LEASE';
export const SK_ROLLOUT = 'ROLLOUT';
export const SK_RESOURCE_PREFIX = 'RES#';
export const SK_EVENT_PREFIX = 'EVT#';

/** A DynamoDB primary key. */
export interface ItemKey {
  readonly [PK]: string;
  readonly [SK]: string;
}

/**
 * Rejects names that would break the key layout. Project and stack names are sanitized to
 * `[a-z0-9-]` upstream; this is the last line of defence against a `#` splitting a key.
 */
export function assertKeyPart(value: string, field: string): void {
  if (value === '' || value.includes('#')) {
    throw new StateKeyError(`${field} must be non-empty and must not contain "#": ${JSON.stringify(value)}`);
  }
}

/** Partition key shared by a stack's spec, status, journal and events. */
export function stackPk(project: string, stack: string): string {
  assertKeyPart(project, 'project');
  assertKeyPart(stack, 'stack');
  return `STACK#${project}#${stack}`;
}

/** Key of a stack's spec item. */
export function specKey(project: string, stack: string): ItemKey {
  return { pk: stackPk(project, stack), sk: SK_SPEC };
}

/** Key of a stack's status item. */
export function statusKey(project: string, stack: string): ItemKey {
  return { pk: stackPk(project, stack), sk: SK_STATUS };
}

/** Key of a stack's deployed-images item (`deployed-images.ts`). */
export function imagesKey(project: string, stack: string): ItemKey {
  return { pk: stackPk(project, stack), sk: SK_IMAGES };
}

/** Key of one journal entry. */
export function resourceKey(project: string, stack: string, logicalId: string): ItemKey {
  if (logicalId === '') throw new StateKeyError('logicalId must be non-empty');
  return { pk: stackPk(project, stack), sk: `${SK_RESOURCE_PREFIX}${logicalId}` };
}

/** Key of a stack's lease item. */
export function leaseKey(project: string, stack: string): ItemKey {
  assertKeyPart(project, 'project');
  assertKeyPart(stack, 'stack');
  return { pk: `LEASE#${project}#${stack}`, sk: SK_LEASE };
}

/** Sort key of an event: time-ordered, with a random suffix so two events in one millisecond both land. */
export function eventSk(atIso: string, suffix: string): string {
  return `${SK_EVENT_PREFIX}${atIso}#${suffix}`;
}

/** Value of {@link SPECS_SK} for a stack; a `<project>#` prefix selects one project's stacks. */
export function specsSortKey(project: string, stack: string): string {
  return `${project}#${stack}`;
}

/** Key of a project's rollout item (`rollout-store.ts`): one current rollout per project. */
export function rolloutKey(project: string): ItemKey {
  assertKeyPart(project, 'project');
  return { pk: `ROLLOUT#${project}`, sk: SK_ROLLOUT };
}
