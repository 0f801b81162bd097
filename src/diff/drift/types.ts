/**
 * The drift report model: what `stackctl drift` finds, independent of how it is printed.
 *
 * Modelled on driftctl's four categories (managed/in-sync, changed, missing, unmanaged) and Argo CD's two
 * axes (sync and health), with terraform's exit codes (research/reconciler-anchors.md §d). Every value in
 * a report is already redacted: renderers never see a secret.
 *
 * @module
 */
import type { ResourceKind } from '../../desired/resource-types.js';
import type { Health } from '../../observed/types.js';

/** Bumped on any incompatible change to the report's JSON shape (docs/drift-report.md). */
export const DRIFT_REPORT_SCHEMA_VERSION = 2;

/**
 * Where one resource stands:
 * - `in-sync`: exists, owned, matches;
 * - `changed`: exists, owned, differs in at least one (not ignored) field;
 * - `missing`: desired but absent (deleted out of band, or never created);
 * - `unmanaged`: carries this stack's ownership tags but the stack no longer renders it (an orphan);
 * - `conflict`: our deterministic name is taken by something without our tags (`stackctl adopt` fixes it);
 * - `unknown`: the kind cannot be observed or applied yet, so nothing can be said.
 */
export const RESOURCE_STATUSES = [
  'in-sync',
  'changed',
  'missing',
  'unmanaged',
  'conflict',
  'unknown',
] as const;

/** A resource's drift status. */
export type ResourceStatus = (typeof RESOURCE_STATUSES)[number];

/** Statuses that mean the stack does not match its files. */
export const DRIFTED_STATUSES: ReadonlySet<ResourceStatus> = new Set([
  'changed',
  'missing',
  'unmanaged',
  'conflict',
]);

/** Argo CD's sync axis: does the live stack match what the repo renders. */
export type SyncStatus = 'Synced' | 'OutOfSync' | 'Unknown';

/** How a difference gets fixed by the next reconcile: in place, or only by replacing the resource. */
export type Fix = 'in-place' | 'replace';

/**
 * The list element a field sits in (`ingress[1]` for `ingress[1].fromPort`), whole, live and desired
 * (redacted): a reader judges a security group rule or an environment entry by all of it, not by one
 * key. Set only for small, flat elements (rules, `{ name, value }` pairs), never a container definition.
 */
export interface ElementChange {
  readonly path: string;
  readonly desired: unknown;
  readonly observed: unknown;
}

/** One differing field. Values are redacted; an absent value is `undefined` (JSON `null`). */
export interface FieldDrift {
  /** Dotted path with indexes, as in plans: `healthCheck.path`, `ingress[1]`, `tags.team`. */
  readonly path: string;
  readonly desired: unknown;
  readonly observed: unknown;
  readonly fix: Fix;
  /** The element the field belongs to, for the human renderers (not part of the JSON report). */
  readonly element?: ElementChange;
}

/** One resource in a stack's report. */
export interface ResourceDrift {
  readonly kind: ResourceKind;
  readonly logicalId: string;
  readonly name: string;
  /** Absent for `missing` resources. */
  readonly physicalId?: string;
  readonly status: ResourceStatus;
  /** `Missing` for missing resources; an unmanaged resource's own health does not roll up. */
  readonly health: Health;
  readonly healthReason?: string;
  /** For `changed`: `replace` when any field forces a replacement. */
  readonly fix?: Fix;
  /** Why: the replacement reason, the conflict, or why the status is unknown. */
  readonly reason?: string;
  /** For `changed`: the fields that differ, sorted by path. Empty otherwise. */
  readonly fields: readonly FieldDrift[];
}

/** How many findings one ignore rule (or built-in suppression) hid. */
export interface IgnoredCount {
  /** `kind:logicalId[:field]` as written, or `builtin:<name>`. */
  readonly rule: string;
  /** `file:line` of a user rule. */
  readonly source?: string;
  readonly count: number;
}

/** Counts of one stack (or of the whole report). */
export interface DriftSummary {
  /** Resources listed (ignored whole resources excluded). */
  readonly total: number;
  /** Resources that exist under management: in-sync + changed. */
  readonly managed: number;
  readonly inSync: number;
  readonly changed: number;
  readonly missing: number;
  readonly unmanaged: number;
  readonly conflict: number;
  readonly unknown: number;
  /** Findings hidden by ignore rules and built-in suppressions (fields, tags and whole resources). */
  readonly ignored: number;
  /** managed / (managed + unmanaged) × 100, rounded to one decimal; 100 when both are 0. */
  readonly coverage: number;
}

/** The check of one broken edge that failed, as `stackctl check` reports it. */
export type WiringCheckName = 'resolves' | 'admitted' | 'routed';

/** An edge of the app that does not work in AWS (a revoked rule, a deleted name, a missing listener). */
export interface BrokenEdge {
  /** `web → api:8080`, `internet → web:3000 (listener 8080)`. */
  readonly edge: string;
  readonly check: WiringCheckName;
  /** One line naming the AWS object: `sg-0abc (…-svc-api) has no rule for tcp/8080 from sg/net/back`. */
  readonly reason: string;
}

/** The wiring of one stack (`stackctl check`), when it was checked. */
export interface StackWiring {
  /** Edges checked. */
  readonly edges: number;
  /** The broken ones, in edge order. */
  readonly broken: readonly BrokenEdge[];
}

/** One stack's part of the report. */
export interface StackDrift {
  readonly project: string;
  readonly stack: string;
  readonly region: string;
  readonly sync: SyncStatus;
  /** The worst health of the stack's managed and missing resources; `Degraded` when an edge is broken. */
  readonly health: Health;
  /**
   * The app's edges judged against AWS. Absent when not checked (the operator's resync). A broken edge
   * makes the stack `OutOfSync`: what runs does not deliver what the repository declares.
   */
  readonly wiring?: StackWiring;
  /** Set when the stack could not be checked (bad stack file, AWS error): sync is then `Unknown`. */
  readonly error?: string;
  readonly summary: DriftSummary;
  /** Per rule, rules that hid nothing included, so a stale rule is visible. */
  readonly ignored: readonly IgnoredCount[];
  /** Every resource, sorted by kind then logical id. */
  readonly resources: readonly ResourceDrift[];
}

/** The whole report: one or many stacks. */
export interface DriftReport {
  readonly schemaVersion: typeof DRIFT_REPORT_SCHEMA_VERSION;
  readonly tool: { readonly name: string; readonly version: string };
  /** ISO time the report was produced. */
  readonly generatedAt: string;
  readonly durationMs: number;
  readonly project: string;
  /** OutOfSync when any stack is; Unknown when none is but some could not be checked. */
  readonly sync: SyncStatus;
  readonly summary: DriftSummary & {
    readonly stacks: number;
    readonly stacksOutOfSync: number;
    readonly stacksWithErrors: number;
  };
  readonly stacks: readonly StackDrift[];
  /** Read calls the report cost, when measured (`drift --stats`, tests). */
  readonly readCalls?: number;
}
