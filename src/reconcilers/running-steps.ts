/**
 * Which plan steps are running right now, how long for, and what each is waiting on, built from the
 * engine's progress events. The operator's heartbeat log and the CLI's "still running" lines read it,
 * so a step that takes minutes (an RDS instance, a draining service) never goes silent.
 *
 * @module
 */
import type { ResourceKind } from '../desired/resource-types.js';
import type { ActionType } from '../diff/types.js';
import type { ProgressEvent } from './engine-types.js';

/**
 * How often a pass reports the steps still running (operator log line, CLI progress line): often
 * enough that a reader never waits more than half a minute for a sign of life, rarely enough that a
 * ten-minute database create is a handful of lines.
 */
export const STEP_HEARTBEAT_MS = 30_000;

/** Longest `waitingOn` text kept: one log line, not an AWS error dump. */
export const MAX_WAITING_ON_LENGTH = 200;

/** One step in flight, as reported: no spec values, only identity, time and the last retry reason. */
export interface RunningStepView {
  readonly kind: ResourceKind;
  readonly logicalId: string;
  readonly action: ActionType;
  readonly runningForMs: number;
  /** What the step's last failed attempt was retried for (`throttle on ecs:CreateService`, `not-ready: …`). */
  readonly waitingOn?: string;
}

interface RunningStep {
  readonly kind: ResourceKind;
  readonly action: ActionType;
  readonly startedAtMs: number;
  waitingOn?: string;
}

/**
 * What a retried step waits on, in words: a `not-ready` retry carries the applier's own reason (its
 * message is redacted by the engine), an AWS class names the call that answered it.
 */
export function waitingOnOf(event: ProgressEvent): string | undefined {
  if (event.type !== 'retry' || event.retryReason === undefined) return undefined;
  const { retryReason: reason, error } = event;
  const text =
    reason === 'not-ready'
      ? `not-ready: ${error?.message ?? 'no reason given'}`
      : error?.call
        ? `${reason} on ${error.call}`
        : reason;
  return text.length > MAX_WAITING_ON_LENGTH ? `${text.slice(0, MAX_WAITING_ON_LENGTH - 1)}…` : text;
}

/** The step ended by `event`, with how long it ran; undefined when the event did not end a running step. */
export interface FinishedStep {
  readonly durationMs: number;
}

/**
 * Steps in flight, fed with every progress event of one pass.
 *
 * @example
 * const running = new RunningSteps(Date.now);
 * applyPlan({ ..., onProgress: (e) => running.observe(e) });
 * running.snapshot(); // [{ kind: 'rds.DBInstance', logicalId: 'db', runningForMs: 95000, waitingOn: 'not-ready: …' }]
 */
export class RunningSteps {
  readonly #now: () => number;
  readonly #steps = new Map<string, RunningStep>();

  constructor(now: () => number) {
    this.#now = now;
  }

  /**
   * Records one event. Returns the finished step's duration on `done` and `failed` of a running step,
   * so callers can log it without keeping their own start times.
   */
  observe(event: ProgressEvent): FinishedStep | undefined {
    const { logicalId } = event;
    switch (event.type) {
      case 'start':
        this.#steps.set(logicalId, { kind: event.kind, action: event.action, startedAtMs: this.#now() });
        return undefined;
      case 'retry': {
        const step = this.#steps.get(logicalId);
        const waitingOn = waitingOnOf(event);
        if (step && waitingOn !== undefined) step.waitingOn = waitingOn;
        return undefined;
      }
      case 'done':
      case 'failed': {
        const step = this.#steps.get(logicalId);
        if (!step) return undefined;
        this.#steps.delete(logicalId);
        return { durationMs: this.#now() - step.startedAtMs };
      }
      default:
        return undefined;
    }
  }

  /** Steps in flight. */
  get size(): number {
    return this.#steps.size;
  }

  /** Every step in flight, longest-running first. */
  snapshot(): readonly RunningStepView[] {
    const now = this.#now();
    return [...this.#steps.entries()]
      .map(([logicalId, s]) => ({
        kind: s.kind,
        logicalId,
        action: s.action,
        runningForMs: now - s.startedAtMs,
        ...(s.waitingOn !== undefined ? { waitingOn: s.waitingOn } : {}),
      }))
      .sort((a, b) => b.runningForMs - a.runningForMs);
  }
}
