/**
 * Ownership tags: how stackctl recognises what is its own. A resource is this stack's only when all four
 * ownership tags name it ({@link ownershipOf}); one carrying only some of them is reported and never
 * modified or deleted, and nothing else is touched at all (docs/RELIABILITY.md "Ownership").
 *
 * @module
 */
import { MANAGED_BY, TAG_KEYS } from './resource-types.js';

/** The four ownership tags for one resource. */
export function ownershipTags(project: string, stack: string, logicalId: string): Record<string, string> {
  return {
    [TAG_KEYS.managedBy]: MANAGED_BY,
    [TAG_KEYS.project]: project,
    [TAG_KEYS.stack]: stack,
    [TAG_KEYS.logicalId]: logicalId,
  };
}

/**
 * The tags that together make a resource this stack's, in the order messages list them. All four, with
 * `stackctl:managed-by=stackctl`, this project and stack, and a non-empty logical id (docs/RELIABILITY.md
 * "Ownership").
 */
export const OWNERSHIP_TAG_KEYS = [
  TAG_KEYS.managedBy,
  TAG_KEYS.project,
  TAG_KEYS.stack,
  TAG_KEYS.logicalId,
] as const;

/**
 * How a live resource relates to one stack, from its tags alone:
 * - `owned`: all of {@link OWNERSHIP_TAG_KEYS} name this project and stack; stackctl may update, replace
 *   and delete it;
 * - `partial`: the project and stack tags name this stack but another ownership tag is missing or wrong
 *   (a hand-made resource tagged by hand, a half-finished adopt): reported, never changed or deleted by
 *   reconcile, destroy or prune; `stackctl adopt` completes the tags;
 * - `foreign`: anything else (another stack's, or untagged).
 */
export type Ownership =
  | { readonly kind: 'owned' }
  | { readonly kind: 'partial'; readonly missing: readonly string[] }
  | { readonly kind: 'foreign' };

/** Classifies `tags` for `project`/`stack` ({@link Ownership}): the one ownership rule of stackctl. */
export function ownershipOf(
  tags: Readonly<Record<string, string>>,
  project: string,
  stack: string,
): Ownership {
  if (!isOwnedBy(tags, project, stack)) return { kind: 'foreign' };
  const missing: string[] = [];
  if (tags[TAG_KEYS.managedBy] !== MANAGED_BY) missing.push(TAG_KEYS.managedBy);
  if (!tags[TAG_KEYS.logicalId]) missing.push(TAG_KEYS.logicalId);
  return missing.length === 0 ? { kind: 'owned' } : { kind: 'partial', missing };
}

/** True when `tags` carry every ownership tag of this project and stack ({@link ownershipOf} `owned`). */
export function isFullyOwnedBy(
  tags: Readonly<Record<string, string>>,
  project: string,
  stack: string,
): boolean {
  return ownershipOf(tags, project, stack).kind === 'owned';
}

/**
 * True when the project and stack tags name this stack: a resource the stack's observers pick up.
 * Whether stackctl may act on it is {@link ownershipOf}'s answer; this alone does not allow a change.
 */
export function isOwnedBy(tags: Readonly<Record<string, string>>, project: string, stack: string): boolean {
  return tags[TAG_KEYS.project] === project && tags[TAG_KEYS.stack] === stack;
}

/** True when `tags` mark the resource as stackctl-managed by this project (any stack). */
export function isProjectResource(tags: Readonly<Record<string, string>>, project: string): boolean {
  return tags[TAG_KEYS.managedBy] === MANAGED_BY && tags[TAG_KEYS.project] === project;
}

/** Converts `[{Key, Value}]` (EC2, ELB, RDS, SSM…) to a plain record; entries without a key are dropped. */
export function tagListToRecord(
  list: readonly { Key?: string | undefined; Value?: string | undefined }[] | undefined,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of list ?? []) if (t.Key !== undefined) out[t.Key] = t.Value ?? '';
  return out;
}

/** Converts a record to `[{Key, Value}]`, sorted by key so calls are deterministic. */
export function recordToTagList(tags: Readonly<Record<string, string>>): { Key: string; Value: string }[] {
  return Object.keys(tags)
    .sort()
    .map((Key) => ({ Key, Value: tags[Key] as string }));
}
