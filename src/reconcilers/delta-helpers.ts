/**
 * Reading field deltas and guarding ownership: the small rules every applier of the network, logs, IAM
 * and SSM kinds shares, so "call only the APIs the deltas need" and "never touch what is not ours" are
 * written once.
 *
 * @module
 */
import { isOwnedBy } from '../desired/tags.js';
import { diffTags } from '../diff/tags.js';
import type { FieldDelta } from '../diff/types.js';
import type { ObservedResource } from '../observed/types.js';
import { OwnershipConflictError } from './errors.js';
import type { ApplyContext } from './types.js';

/** True when some delta is `field` itself or lies under it (`ingress`, `ingress[0].fromPort`, `tags.x`). */
export function touches(deltas: readonly FieldDelta[], field: string): boolean {
  return deltas.some(
    (d) => d.path === field || d.path.startsWith(`${field}.`) || d.path.startsWith(`${field}[`),
  );
}

/** Tags to set and tag keys to remove, as the diff's `tags.<key>` deltas ask. */
export interface TagChanges {
  readonly set: Readonly<Record<string, string>>;
  readonly remove: readonly string[];
}

/**
 * Turns tag deltas into one set and one remove list. A `tags.<key>` delta with a string `desired` sets
 * the key, one without removes it; a whole-`tags` delta sets every desired tag (never removes: tags
 * others put on the resource are not ours).
 */
export function tagChanges(
  deltas: readonly FieldDelta[],
  desiredTags: Readonly<Record<string, string>>,
): TagChanges {
  const set: Record<string, string> = {};
  const remove: string[] = [];
  for (const d of deltas) {
    if (d.path === 'tags') Object.assign(set, desiredTags);
    else if (d.path.startsWith('tags.')) {
      const key = d.path.slice('tags.'.length);
      if (typeof d.desired === 'string') set[key] = d.desired;
      else remove.push(key);
    }
  }
  return { set, remove: [...new Set(remove)].sort() };
}

/** True when {@link tagChanges} asks for no call. */
export function isEmptyTagChange(changes: TagChanges): boolean {
  return Object.keys(changes.set).length === 0 && changes.remove.length === 0;
}

/** One service's two tag calls, bound by each applier to its own API (TagResource, AddTagsToResource, ...). */
export interface TagWriter {
  /** Adds or overwrites these tags. */
  readonly set: (tags: Readonly<Record<string, string>>) => Promise<unknown>;
  /** Removes the tags with these keys. */
  readonly remove: (keys: readonly string[]) => Promise<unknown>;
}

/**
 * Applies the `tags.*` deltas through `writer`: set first, then remove, and no call at all for a side
 * the deltas do not ask for. Written once so every applier makes the same minimal tag calls.
 */
export async function writeTagDeltas(
  deltas: readonly FieldDelta[],
  desiredTags: Readonly<Record<string, string>>,
  writer: TagWriter,
): Promise<void> {
  const changes = tagChanges(deltas, desiredTags);
  if (Object.keys(changes.set).length > 0) await writer.set(changes.set);
  if (changes.remove.length > 0) await writer.remove(changes.remove);
}

/**
 * Brings a resource's tags from `observed` to `desired` through `writer`: adds or changes desired keys,
 * removes `stackctl:*` keys no longer desired, leaves everyone else's alone (the diff's rule, see
 * `diffTags`). Makes no call when nothing differs.
 */
export async function syncTags(
  desired: Readonly<Record<string, string>>,
  observed: Readonly<Record<string, string>>,
  writer: TagWriter,
): Promise<void> {
  const diff = diffTags(desired, observed);
  const upsert = { ...diff.added, ...diff.changed };
  if (Object.keys(upsert).length > 0) await writer.set(upsert);
  if (diff.removed.length > 0) await writer.remove(diff.removed);
}

/**
 * Throws {@link OwnershipConflictError} unless `tags` carry this project+stack: the last line of defence
 * before any update or delete, whatever the plan said.
 */
export function assertOwned(
  logicalId: string,
  physicalId: string,
  tags: Readonly<Record<string, string>>,
  ctx: ApplyContext,
): void {
  if (!isOwnedBy(tags, ctx.project, ctx.stack)) throw new OwnershipConflictError(logicalId, physicalId);
}

/** {@link assertOwned} for an observed resource. */
export function assertObservedOwned(observed: ObservedResource, ctx: ApplyContext): void {
  assertOwned(observed.logicalId, observed.physicalId, observed.tags, ctx);
}

/** Runs `call`; a NotFound answer means "already gone", which a delete counts as success. */
export async function ignoreNotFound(
  call: () => Promise<unknown>,
  isNotFound: (err: unknown) => boolean,
): Promise<void> {
  try {
    await call();
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
}

/** A resolved spec string; throws a clear error when the engine passed something else (a bug upstream). */
export function specString(spec: Readonly<Record<string, unknown>>, key: string, logicalId: string): string {
  const v = spec[key];
  if (typeof v !== 'string') throw new TypeError(`${logicalId}: spec.${key} must be a resolved string`);
  return v;
}

/** A resolved spec boolean (false when absent). */
export function specBoolean(spec: Readonly<Record<string, unknown>>, key: string): boolean {
  return spec[key] === true;
}
