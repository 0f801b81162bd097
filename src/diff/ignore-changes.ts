/**
 * Fields a stack lets others own (terraform's `ignore_changes`): the stack file's `ignoreChanges:` rules.
 * (`.stackctl/driftignore` only keeps differences out of drift reports; reconcile still corrects them.)
 *
 * A drift report only has to leave such a field out. A plan has to do more: an update that changes some
 * other field of the same resource must send the *live* value of the ignored field, or the next pass would
 * quietly undo what the other owner set (an image another pipeline deployed, a tag a cost tool added). So
 * the rule is applied to the desired resource itself: every ignored delta's desired value is replaced by
 * the observed one before the action is decided, and the plan lists what it left alone (never silently).
 *
 * Creates are not affected: a resource that does not exist has no other owner yet, so it is made as
 * declared. Pure: no I/O, deterministic.
 *
 * @module
 */
import type { DesiredResource, Spec } from '../desired/resource-types.js';
import { isPlainObject } from './canonical-json.js';
import { type IgnoreRule, ignoresField, ignoresResource } from './drift/ignore-rules.js';
import { STACKCTL_TAG_PREFIX } from './tags.js';
import type { FieldDelta } from './types.js';

/** One field a plan left to its other owner. */
export interface IgnoredField {
  /** Field path as deltas name it (`containerDefinitions[0].image`, `tags.cost-center`). */
  readonly path: string;
  /** The rule as written. */
  readonly rule: string;
  /** `file:line` of the rule. */
  readonly source: string;
}

/** The desired resource with ignored fields set to their live values, and what was ignored. */
export interface IgnoreOutcome {
  readonly desired: DesiredResource;
  readonly ignored: readonly IgnoredField[];
}

/** Path prefix of tag deltas (diff/tags.ts): they patch `DesiredResource.tags`, not the spec. */
const TAG_PATH_PREFIX = 'tags.';

type Segment = { readonly key: string } | { readonly index: number };

/**
 * Splits a delta path into object keys and list indices. Keys may themselves hold dots (a tag key, a
 * label): the longest key that exists at that level wins, which is how the diff built the path.
 */
function walkSegments(root: unknown, path: string): readonly Segment[] | undefined {
  const segments: Segment[] = [];
  let node: unknown = root;
  let rest = path;
  while (rest !== '') {
    const index = /^\[(\d+)\]\.?/.exec(rest);
    if (index !== null) {
      const i = Number(index[1]);
      if (!Array.isArray(node)) return undefined;
      segments.push({ index: i });
      node = node[i];
      rest = rest.slice(index[0].length);
      continue;
    }
    if (!isPlainObject(node)) return undefined;
    const obj = node as Readonly<Record<string, unknown>>;
    const stops = [...rest.matchAll(/[.[]/g)].map((m) => m.index ?? 0).concat(rest.length);
    const end = [...stops].reverse().find((at) => Object.hasOwn(obj, rest.slice(0, at)));
    const key = rest.slice(0, end ?? stops[0]);
    segments.push({ key });
    node = obj[key];
    rest = rest.slice(key.length).replace(/^\./, '');
  }
  return segments;
}

/** A copy of `root` with the value at `segments` set to `value` (removed when undefined). */
function setAt(root: unknown, segments: readonly Segment[], value: unknown): unknown {
  const [head, ...tail] = segments;
  if (head === undefined) return value;
  if ('index' in head) {
    const list = Array.isArray(root) ? [...root] : [];
    list[head.index] = setAt(list[head.index], tail, value);
    return list;
  }
  const obj: Record<string, unknown> = isPlainObject(root) ? { ...(root as Record<string, unknown>) } : {};
  const next = setAt(obj[head.key], tail, value);
  if (next === undefined) delete obj[head.key];
  else obj[head.key] = next;
  return obj;
}

/** `desired` with the field at a delta's path set to the delta's observed value. */
function takeLiveValue(desired: DesiredResource, delta: FieldDelta): DesiredResource {
  if (delta.path.startsWith(TAG_PATH_PREFIX)) {
    const key = delta.path.slice(TAG_PATH_PREFIX.length);
    const tags: Record<string, string> = { ...desired.tags };
    if (typeof delta.observed === 'string') tags[key] = delta.observed;
    else delete tags[key];
    return { ...desired, tags };
  }
  const segments = walkSegments(desired.spec, delta.path);
  if (segments === undefined) return desired;
  return { ...desired, spec: setAt(desired.spec, segments, delta.observed) as Spec };
}

/** True when some rule leaves the whole resource to another owner. */
export function ignoresWholeResource(rules: readonly IgnoreRule[], desired: DesiredResource): boolean {
  return rules.some((r) => ignoresResource(r, desired.kind, desired.logicalId));
}

/**
 * Applies the rules to one desired resource against its live deltas.
 *
 * @param deltas - what differs between `desired` and its observed counterpart (decideAction's deltas).
 * @returns `desired` itself when nothing is ignored; otherwise a copy holding the live values of the
 *   ignored fields, and the list of them.
 */
export function applyIgnoreChanges(
  rules: readonly IgnoreRule[],
  desired: DesiredResource,
  deltas: readonly FieldDelta[],
): IgnoreOutcome {
  if (rules.length === 0) return { desired, ignored: [] };
  let patched = desired;
  const ignored: IgnoredField[] = [];
  for (const delta of deltas) {
    // Ownership tags are never someone else's: a rule like `*:*:tags.*` must not keep one missing.
    if (delta.path.startsWith(`${TAG_PATH_PREFIX}${STACKCTL_TAG_PREFIX}`)) continue;
    const rule =
      rules.find((r) => ignoresResource(r, desired.kind, desired.logicalId)) ??
      rules.find((r) => ignoresField(r, desired.kind, desired.logicalId, delta.path));
    if (rule === undefined) continue;
    patched = takeLiveValue(patched, delta);
    ignored.push({ path: delta.path, rule: rule.text, source: rule.source });
  }
  return { desired: patched, ignored };
}
