/**
 * Ownership tags: how stackctl recognises what is its own. A resource is this stack's only when both the
 * project and the stack tag match; nothing else is ever modified or deleted.
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

/** True when `tags` mark the resource as owned by this project and stack. */
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
