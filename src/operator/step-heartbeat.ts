/**
 * The operator's log of one pass's steps: a line when a step starts and ends, and every
 * {@link STEP_HEARTBEAT_MS} one `pass still running` line listing each step in flight, how long it has
 * run and what it waits on. A pass that spends minutes on a database create is never silent, so a
 * reader at 3 a.m. can tell a slow pass from a hung one.
 *
 * Levels: starts, ends, blocked steps and the heartbeat at info (they are the pass's story: a resync
 * with nothing to change logs none of them); a failed step at warn; each retry at debug (the
 * heartbeat already says what a step waits on). Lines carry identities, durations and redacted
 * error text only, never spec values.
 *
 * @module
 */
import type { ProgressEvent } from '../reconcilers/engine-types.js';
import { RunningSteps, STEP_HEARTBEAT_MS, waitingOnOf } from '../reconcilers/running-steps.js';
import type { LogFields, Logger } from './logger.js';
import { SYSTEM_TIMERS, type Timers } from './work-queue.js';

export { STEP_HEARTBEAT_MS };

/** Options for {@link startStepHeartbeat}. */
export interface StepHeartbeatOptions {
  /** The stack key (`project/stack`), on every line. */
  readonly stack: string;
  readonly logger: Logger;
  /** More fields on every line, e.g. `{ fence, action }`. */
  readonly fields?: LogFields;
  /** @default STEP_HEARTBEAT_MS */
  readonly intervalMs?: number;
  /** @default SYSTEM_TIMERS (unref'd: a heartbeat never keeps the process alive) */
  readonly timers?: Timers;
  /** @default Date.now */
  readonly now?: () => number;
}

/** A running heartbeat: feed it the pass's progress events, stop it when the pass ends. */
export interface StepHeartbeat {
  /** Logs the step's start or end and tracks it for the heartbeat line. */
  readonly onProgress: (event: ProgressEvent) => void;
  /** Clears the timer; nothing is logged afterwards. Safe to call twice. */
  stop(): void;
}

/**
 * Starts logging one pass's steps; the first heartbeat line comes `intervalMs` after the start.
 *
 * @example
 * const heartbeat = startStepHeartbeat({ stack: 'shop/dev', logger, fields: { fence } });
 * try {
 *   await reconcilePass({ ..., onProgress: heartbeat.onProgress });
 * } finally {
 *   heartbeat.stop();
 * }
 */
export function startStepHeartbeat(options: StepHeartbeatOptions): StepHeartbeat {
  const { logger, stack } = options;
  const now = options.now ?? Date.now;
  const timers = options.timers ?? SYSTEM_TIMERS;
  const intervalMs = options.intervalMs ?? STEP_HEARTBEAT_MS;
  const running = new RunningSteps(now);
  const startedAtMs = now();
  let stopped = false;
  let handle: unknown;

  const tick = (): void => {
    if (stopped) return;
    logger.info('pass still running', {
      stack,
      ...options.fields,
      passRunningForMs: now() - startedAtMs,
      steps: running.snapshot(),
    });
    handle = timers.set(tick, intervalMs);
  };
  handle = timers.set(tick, intervalMs);

  const onProgress = (event: ProgressEvent): void => {
    if (stopped) return;
    const finished = running.observe(event);
    const step = {
      stack,
      ...options.fields,
      kind: event.kind,
      logicalId: event.logicalId,
      action: event.action,
    };
    switch (event.type) {
      case 'start':
        logger.info('step started', { ...step, ...(event.message ? { note: event.message } : {}) });
        return;
      case 'done':
        logger.info('step finished', {
          ...step,
          durationMs: finished?.durationMs ?? 0,
          ...(event.message ? { note: event.message } : {}),
        });
        return;
      case 'failed':
        logger.warn('step failed', {
          ...step,
          durationMs: finished?.durationMs ?? 0,
          error: event.error ?? { message: event.message ?? 'failed' },
        });
        return;
      case 'retry':
        logger.debug('step retrying', { ...step, waitingOn: waitingOnOf(event) ?? event.message });
        return;
      case 'blocked':
        logger.info('step blocked', { ...step, reason: event.message ?? 'blocked' });
        return;
    }
  };

  return {
    onProgress,
    stop() {
      if (stopped) return;
      stopped = true;
      timers.clear(handle);
    },
  };
}
