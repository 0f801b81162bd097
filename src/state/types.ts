/**
 * The shapes the DynamoDB state store reads and writes. See `keys.ts` for where each lives in the table
 * and `docs/state-table.md` for the whole schema.
 *
 * Nothing here ever holds a secret: specs are the resolved compose model without secret values,
 * journal outputs are ids, ARNs, names, hostnames and ports, and events carry human messages only.
 *
 * @module
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ResourceKind } from '../desired/resource-types.js';
import type { Health } from '../observed/types.js';

/** A DynamoDB client as the store accepts it: the bundle's low-level client, or a document client over it. */
export type StateClient = DynamoDBClient | DynamoDBDocumentClient;

/** Milliseconds since the epoch; injected so tests control time. */
export type Clock = () => number;

/** Which table to use, through which client. Every store function takes these. */
export interface StateTarget {
  readonly client: StateClient;
  readonly table: string;
}

/** One stack inside the table. */
export interface StackRef extends StateTarget {
  readonly project: string;
  readonly stack: string;
}

/** JSON values as DynamoDB stores them (no `undefined`, no class instances). */
export type JsonValue =
  | string
  | number
  | boolean
  | null
  | readonly JsonValue[]
  | { readonly [key: string]: JsonValue };

/** A JSON object: the stored stack spec. */
export type JsonObject = { readonly [key: string]: JsonValue };

/**
 * Proof of holding a stack's lease: who holds it and the fencing token of that acquisition. Every
 * journal and status write is conditional on the lease item still carrying both.
 */
export interface LeaseFence {
  readonly owner: string;
  readonly fence: number;
}

/** The intent recorded before a create, so a crash between AWS call and bookkeeping leaks nothing. */
export interface CreatePending {
  /** The client token sent with the create (stable across retries of the same create). */
  readonly token: string;
  /** ISO time the intent was written, for the creation grace period. */
  readonly at: string;
}

/**
 * What the journal knows about one resource of a stack.
 *
 * `outputs` holds only ids, ARNs, names, hostnames and ports (`RESOURCE_OUTPUTS`), never a password or
 * a parameter value.
 */
export interface JournalEntry {
  readonly logicalId: string;
  readonly kind: ResourceKind;
  readonly name: string;
  readonly physicalId?: string;
  readonly outputs?: Readonly<Record<string, string | number>>;
  /** Hash of the spec last applied, so an unchanged resource needs no diff after a restart. */
  readonly specHash?: string;
  /** Present between `recordIntent` and `recordApplied`: a create that may or may not have happened. */
  readonly createPending?: CreatePending;
  /** ISO time of the last write. */
  readonly updatedAt: string;
}

/** The two condition types of a stack (crossplane's pair): is the controller in sync, is the app up. */
export const CONDITION_TYPES = ['Synced', 'Ready'] as const;

/** A stack condition type. */
export type ConditionType = (typeof CONDITION_TYPES)[number];

/** Kubernetes-style tri-state. */
export type ConditionStatus = 'True' | 'False' | 'Unknown';

/** One condition, as `kubectl`-minded users expect it. */
export interface StackCondition {
  readonly status: ConditionStatus;
  /** CamelCase machine reason, e.g. `ReconcileSuccess`, `WaitingOnDependency`. */
  readonly reason: string;
  readonly message: string;
  /** ISO time the status last changed (not merely was re-written). */
  readonly lastTransitionTime: string;
  /** The spec generation this condition was computed from. */
  readonly observedGeneration: number;
}

/** How a pass ended. */
export type PassResult = 'success' | 'error' | 'paused' | 'aborted';

/** The last pass over a stack. */
export interface LastPass {
  readonly startedAt: string;
  readonly finishedAt: string;
  /** Mutating AWS calls the pass made; 0 for a converged stack. */
  readonly mutations: number;
  readonly result: PassResult;
  /** Short human summary of an error, never a secret. */
  readonly error?: string;
}

/** Resource counts of the last pass (the drift report's summary). */
export interface StatusSummary {
  readonly total: number;
  readonly inSync: number;
  readonly changed: number;
  readonly missing: number;
  readonly pending: number;
  readonly unmanaged: number;
  readonly failed: number;
}

/** Everything the status item holds. */
export interface StackStatus {
  readonly observedGeneration: number;
  readonly conditions: Readonly<Record<ConditionType, StackCondition>>;
  readonly health?: Health;
  readonly lastPass?: LastPass;
  readonly summary?: StatusSummary;
}

/** The stack spec item: what `stackctl push` writes and the operator reconciles. */
export interface StackSpecRecord {
  readonly project: string;
  readonly stack: string;
  /** Resolved compose model + stack config, without secret values. */
  readonly spec: JsonObject;
  /** Bumped by every change the operator must act on: spec, pause, deletion. */
  readonly generation: number;
  readonly paused: boolean;
  /** Set once the stack should be torn down; the operator deletes resources, then the spec. */
  readonly deletionRequestedAt?: string;
  readonly updatedAt: string;
  /** Who wrote it last (user, CI job), for audit. */
  readonly updatedBy?: string;
}

/** Event severity, as in Kubernetes. */
export type EventType = 'Normal' | 'Warning';

/** One stack event: what happened, kept for a week. */
export interface StackEvent {
  readonly at: string;
  readonly type: EventType;
  /** CamelCase machine reason, e.g. `Created`, `DriftCorrected`. */
  readonly reason: string;
  readonly message: string;
  readonly logicalId?: string;
}
