/**
 * Tag deltas (ACK's added / changed / removed split).
 *
 * Desired tags must be present with their desired values. Tags someone else put on the resource are left
 * alone: only `stackctl:*` keys that are no longer desired count as removed, because those are ours to
 * own. `aws:*` keys are AWS's and are never compared.
 *
 * @module
 */
import type { FieldDelta } from './types.js';

/** The prefix of tags AWS owns (read-only, never drift). */
export const AWS_TAG_PREFIX = 'aws:';

/** The prefix of tags stackctl owns. */
export const STACKCTL_TAG_PREFIX = 'stackctl:';

/** How observed tags differ from desired ones. */
export interface TagDiff {
  /** Desired keys missing from the resource, with their desired values. */
  readonly added: Readonly<Record<string, string>>;
  /** Desired keys present with another value, with their desired values. */
  readonly changed: Readonly<Record<string, string>>;
  /** `stackctl:*` keys on the resource that are no longer desired. */
  readonly removed: readonly string[];
}

/** Computes the tag delta of one resource. */
export function diffTags(
  desired: Readonly<Record<string, string>>,
  observed: Readonly<Record<string, string>>,
): TagDiff {
  const added: Record<string, string> = {};
  const changed: Record<string, string> = {};
  for (const key of Object.keys(desired).sort()) {
    if (key.startsWith(AWS_TAG_PREFIX)) continue;
    const want = desired[key] as string;
    const have = observed[key];
    if (have === undefined) added[key] = want;
    else if (have !== want) changed[key] = want;
  }
  const removed = Object.keys(observed)
    .filter((key) => key.startsWith(STACKCTL_TAG_PREFIX) && !(key in desired))
    .sort();
  return { added, changed, removed };
}

/** True when the tag diff asks for no change. */
export function isTagDiffEmpty(diff: TagDiff): boolean {
  return (
    Object.keys(diff.added).length === 0 &&
    Object.keys(diff.changed).length === 0 &&
    diff.removed.length === 0
  );
}

/**
 * The tag diff as field deltas with paths `tags.<key>`, sorted by key, so appliers and plans handle tags
 * like any other field (a tag-only delta only tags). Removed tags have `desired: undefined`.
 */
export function tagDeltas(
  desired: Readonly<Record<string, string>>,
  observed: Readonly<Record<string, string>>,
): readonly FieldDelta[] {
  const diff = diffTags(desired, observed);
  const deltas: FieldDelta[] = [];
  for (const [key, value] of Object.entries({ ...diff.added, ...diff.changed })) {
    deltas.push({ path: `tags.${key}`, desired: value, observed: observed[key], replace: false });
  }
  for (const key of diff.removed) {
    deltas.push({ path: `tags.${key}`, desired: undefined, observed: observed[key], replace: false });
  }
  return deltas.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
