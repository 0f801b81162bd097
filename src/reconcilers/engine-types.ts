/**
 * The engine's public shapes: per-step results, the apply report, journal hooks and progress events.
 *
 * @module
 */
import type { RetryReason, RetryStepOptions } from '../aws/index.js';
import type { ResourceKind } from '../desired/resource-types.js';
import type { ActionType, Plan, PlanStep } from '../diff/types.js';
import type { ObservedResource } from '../observed/types.js';
import type { Applier, ApplyContext, ApplyResult } from './types.js';

/** How one step ended. */
export type StepStatus = 'applied' | 'failed' | 'blocked' | 'skipped' | 'conflict' | 'noop';

/** Every {@link StepStatus}, for summaries. */
export const STEP_STATUSES: readonly StepStatus[] = [
  'applied',
  'failed',
  'blocked',
  'skipped',
  'conflict',
  'noop',
];

/** A failure as plain, printable data (its message already redacted). */
export interface StepError {
  readonly name: string;
  /** The stackctl error code or the AWS error code, for scripts to match on. */
  readonly code?: string;
  readonly message: string;
  /** The AWS call that failed, `service:Operation` (`ecs:CreateService`), when an AWS call failed. */
  readonly call?: string;
}

/** The outcome of one plan step. */
export interface StepResult {
  readonly logicalId: string;
  readonly kind: ResourceKind;
  readonly action: ActionType;
  readonly status: StepStatus;
  readonly error?: StepError;
  /** Why a step was blocked or skipped, or a note about what happened (e.g. the old resource kept). */
  readonly message?: string;
  readonly durationMs: number;
  /** The id of what exists afterwards (the new one for a create or replace). */
  readonly physicalId?: string;
}

/** What {@link applyPlan} returns: one result per plan step, in plan order. */
export interface ApplyReport {
  readonly project: string;
  readonly stack: string;
  readonly results: readonly StepResult[];
  readonly summary: Readonly<Record<StepStatus, number>>;
  /** True when nothing failed, was blocked or conflicted. */
  readonly ok: boolean;
  readonly durationMs: number;
}

/**
 * Crash-safety hooks, called around applier calls so the state layer can write the intent before a
 * create and the id after it (ARCHITECTURE "Crash safety"). A hook that throws fails the step; a failing
 * `beforeCreate` means AWS is never called.
 */
export interface JournalHooks {
  /**
   * The generation of the create of `logicalId` about to run: the `createPending.at` a crashed earlier
   * attempt journaled (so the retry reuses its client token), else a new one. Hooks without it leave
   * client tokens a pure function of the resource and its spec.
   */
  createGeneration?(logicalId: string): string;
  /**
   * Before `create` (also the create half of a replace), with the client token the create will use and
   * the generation it was derived from ({@link createGeneration}), to be journaled as the intent's time.
   */
  beforeCreate(step: PlanStep, clientToken: string, generation?: string): Promise<void>;
  /** After a successful create or update, with the id and outputs to record. */
  afterApply(step: PlanStep, result: ApplyResult): Promise<void>;
  /**
   * After a delete, and after the delete half of a same-name replace (delete-then-create). Not called
   * when the old resource of a create-before-delete replace goes: the record by then holds the new id.
   */
  afterDelete(step: PlanStep, deleted: ObservedResource): Promise<void>;
}

/** What a progress event reports. */
export type ProgressEventType = 'start' | 'done' | 'failed' | 'retry' | 'blocked';

/** One progress event, for CLI spinners, operator logs and conditions ("waiting on X"). */
export interface ProgressEvent {
  readonly type: ProgressEventType;
  readonly logicalId: string;
  readonly kind: ResourceKind;
  readonly action: ActionType;
  readonly message?: string;
  /**
   * On `retry` events: why the failed attempt is retried (`throttle`, `not-ready`, …), so logs and
   * heartbeats can say what a long step is waiting on without parsing `message`.
   */
  readonly retryReason?: RetryReason;
  /** On `retry` and `failed` events: the failure as printable, redacted data. */
  readonly error?: StepError;
}

/** Retry knobs passed to the step runner (the signal and the progress hook are the engine's own). */
export type StepRetryOptions = Omit<RetryStepOptions, 'signal' | 'onFailedAttempt'>;

/**
 * Runs one whole idempotent step with retries. Defaults to `retryStep` (src/aws/retry.ts); tests may
 * inject a runner that does not retry or does not wait.
 */
export type StepRunner = <T>(fn: () => Promise<T>, options: RetryStepOptions) => Promise<T>;

/** Everything {@link applyPlan} needs. */
export interface ApplyPlanInput {
  readonly plan: Plan;
  readonly appliers: ReadonlyMap<ResourceKind, Applier>;
  readonly ctx: Omit<ApplyContext, 'clientToken'>;
  /**
   * Outputs by logical id, seeded by the caller with observed outputs; the engine adds outputs of the
   * steps it completes (and of noop/update steps the caller left out) and removes those it deletes.
   */
  readonly outputs: Map<string, Readonly<Record<string, string | number>>>;
  readonly journal?: JournalHooks;
  /** Steps in flight at once. @default DEFAULT_APPLY_CONCURRENCY (16) */
  readonly concurrency?: number;
  readonly onProgress?: (event: ProgressEvent) => void;
  /** Backoff settings for each step. @default retryStep's defaults */
  readonly retry?: StepRetryOptions;
  /** @default retryStep */
  readonly runStep?: StepRunner;
  /** Stops starting new steps and cuts retries short. @default ctx.signal */
  readonly signal?: AbortSignal;
  /** Monotonic clock for durations. @default performance.now */
  readonly now?: () => number;
}
