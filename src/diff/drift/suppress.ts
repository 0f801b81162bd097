/**
 * What is not drift, and how often it was seen: user ignore rules plus built-in suppressions.
 *
 * Built-ins never depend on configuration, so every stack gets the same judgement:
 * - `builtin:aws-tags`: `aws:*` tags are AWS's (CloudFormation, Elastic Beanstalk…), never ours;
 * - `builtin:external-tags`: tags someone else put on a resource are left alone, as the diff does;
 * - `builtin:aws-managed-fields`: fields AWS reports that stackctl does not own (the diff only compares
 *   keys the desired spec has: AWS defaults and late-initialized values are not drift);
 * - `builtin:follows-dependency`: a reference to a dependency that will change (a service pointing at a
 *   task definition that gets a new revision) is a consequence of that dependency's drift, reported there.
 *
 * Each is counted, so a report shows what it did not show.
 *
 * @module
 */
import { isRef, type ResourceKind, type Spec } from '../../desired/resource-types.js';
import { STACKCTL_TAG_PREFIX } from '../tags.js';
import type { FieldDelta } from '../types.js';
import { type IgnoreRule, ignoresField, ignoresResource } from './ignore-rules.js';
import type { IgnoredCount } from './types.js';

/** Names of the built-in suppressions, as they appear in reports. */
export const BUILTIN_RULES = {
  awsTags: 'builtin:aws-tags',
  externalTags: 'builtin:external-tags',
  awsManagedFields: 'builtin:aws-managed-fields',
  followsDependency: 'builtin:follows-dependency',
} as const;

/** A built-in rule name. */
export type BuiltinRule = (typeof BUILTIN_RULES)[keyof typeof BUILTIN_RULES];

/** True when `value` holds a reference anywhere inside. */
export function containsRef(value: unknown): boolean {
  if (isRef(value)) return true;
  if (Array.isArray(value)) return value.some(containsRef);
  if (typeof value === 'object' && value !== null) return Object.values(value).some(containsRef);
  return false;
}

/** Tallies suppressions per rule for one stack. */
export class SuppressionCounter {
  readonly #rules: readonly IgnoreRule[];
  readonly #user = new Map<IgnoreRule, number>();
  readonly #builtin = new Map<BuiltinRule, number>(Object.values(BUILTIN_RULES).map((r) => [r, 0]));

  constructor(rules: readonly IgnoreRule[]) {
    this.#rules = rules;
    for (const r of rules) this.#user.set(r, 0);
  }

  #hit(rule: IgnoreRule): true {
    this.#user.set(rule, (this.#user.get(rule) ?? 0) + 1);
    return true;
  }

  #builtinHit(rule: BuiltinRule, n = 1): void {
    this.#builtin.set(rule, (this.#builtin.get(rule) ?? 0) + n);
  }

  /** True (and counted once) when a user rule ignores the whole resource. */
  ignoresResource(kind: ResourceKind, logicalId: string): boolean {
    const rule = this.#rules.find((r) => ignoresResource(r, kind, logicalId));
    return rule !== undefined && this.#hit(rule);
  }

  /** The deltas that remain drift after built-ins and user field rules, counting what was dropped. */
  keptDeltas(kind: ResourceKind, logicalId: string, deltas: readonly FieldDelta[]): readonly FieldDelta[] {
    return deltas.filter((d) => {
      if (containsRef(d.desired)) {
        this.#builtinHit(BUILTIN_RULES.followsDependency);
        return false;
      }
      const rule = this.#rules.find((r) => ignoresField(r, kind, logicalId, d.path));
      return rule === undefined || !this.#hit(rule);
    });
  }

  /** Counts the built-in suppressions a managed resource's observed state triggers. */
  noteObserved(
    desired: { readonly spec: Spec; readonly tags: Readonly<Record<string, string>> },
    observed: { readonly spec: Spec; readonly tags: Readonly<Record<string, string>> },
  ): void {
    for (const key of Object.keys(observed.tags)) {
      if (key.startsWith('aws:')) this.#builtinHit(BUILTIN_RULES.awsTags);
      else if (!key.startsWith(STACKCTL_TAG_PREFIX) && !(key in desired.tags))
        this.#builtinHit(BUILTIN_RULES.externalTags);
    }
    const owned = new Set(Object.keys(desired.spec));
    this.#builtinHit(
      BUILTIN_RULES.awsManagedFields,
      Object.keys(observed.spec).filter((k) => !owned.has(k)).length,
    );
  }

  /**
   * Counts the fields a plan already left at their live values (a stack file's `ignoreChanges:` rule,
   * diff/ignore-changes.ts): not drift, but counted against the rule that owns them, never hidden.
   */
  noteOwnedElsewhere(fields: readonly { readonly rule: string; readonly source: string }[]): void {
    for (const f of fields) {
      const rule = this.#rules.find((r) => r.text === f.rule && r.source === f.source);
      if (rule !== undefined) this.#hit(rule);
    }
  }

  /** User rules in file order (zero counts included, so stale rules show), then the built-ins. */
  counts(): readonly IgnoredCount[] {
    return [
      ...this.#rules.map((r) => ({ rule: r.text, source: r.source, count: this.#user.get(r) ?? 0 })),
      ...[...this.#builtin].map(([rule, count]) => ({ rule, count })),
    ];
  }

  /** Everything suppressed. */
  total(): number {
    return this.counts().reduce((sum, c) => sum + c.count, 0);
  }
}
