/**
 * One pass over one stack, as the operator runs it: a cheap look without the lease, then the lease
 * (acquire + heartbeat), a fresh decision, the action, and the status, event and metrics written under
 * the lease's fence. Whatever happens, the lease is released at the end, except after {@link halt}
 * (a simulated crash), where it is left to expire.
 *
 * @module
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { ProgressEvent } from '../reconcilers/engine-types.js';
import {
  acquireLease,
  type Clock,
  getSpec,
  keepLeaseAlive,
  type LeaseKeeper,
  LeaseLostError,
  readStatus,
  type StackRef,
  type StackSpecRecord,
  type StackStatus,
} from '../state/index.js';
import { applyAction } from './apply-action.js';
import { commitPass } from './commit-pass.js';
import type { OperatorConfig } from './config.js';
import { decidePass, type PassDecision } from './decide.js';
import { destroyAction, expireAction } from './destroy-action.js';
import type { Logger } from './logger.js';
import type { OperatorMetrics } from './metrics.js';
import { abortedResult, failedResult, pauseAction } from './pass-actions.js';
import type { PassContext } from './pass-context.js';
import type { ActionResult, Requeue } from './pass-result.js';
import { planAction } from './plan-action.js';
import type { RegionClients } from './region-clients.js';
import { splitStackKey } from './stack-key.js';
import { startStepHeartbeat } from './step-heartbeat.js';
import { readStoredSpec } from './stored-spec.js';
import type { Timers } from './work-queue.js';

/** What the worker does with the key after a pass. */
export interface PassOutcome {
  readonly requeue: Requeue;
  /** The observed generation the status now reports, for the watcher; undefined when unknown. */
  readonly observedGeneration?: number;
  /** The spec is gone: forget the stack. */
  readonly removed?: boolean;
  /** A preview stack's expiry: wake up then even if the next resync is later. */
  readonly expiresAtMs?: number;
}

/** Who holds which lease, for the status page, tests and a clean SIGTERM. */
export interface PassStart {
  readonly key: string;
  readonly owner: string;
  readonly fence: number;
}

/** Everything a controller needs. */
export interface ControllerDeps {
  readonly config: OperatorConfig;
  /** Client of the state table's region. */
  readonly state: DynamoDBClient;
  /** The process's shared AWS clients, by region. */
  readonly regionClients: RegionClients;
  readonly logger: Logger;
  readonly metrics: OperatorMetrics;
  /** @default Date.now */
  readonly now?: Clock;
  /** True once the operator was halted (crash simulation): write nothing more, release nothing. */
  readonly halted: () => boolean;
  readonly onPassStart?: (start: PassStart) => void;
  readonly onProgress?: (key: string, event: ProgressEvent) => void;
  /** Timers of the step heartbeat. @default SYSTEM_TIMERS */
  readonly timers?: Timers;
  /** How often a pass logs the steps still running. @default STEP_HEARTBEAT_MS (30 s) */
  readonly stepHeartbeatMs?: number;
}

/** Runs passes over stacks; stateless between passes (everything is re-read each time). */
export class StackController {
  readonly #d: ControllerDeps;
  readonly #now: Clock;
  readonly #keepers = new Set<LeaseKeeper>();

  constructor(deps: ControllerDeps) {
    this.#d = deps;
    this.#now = deps.now ?? Date.now;
  }

  #decide(spec: StackSpecRecord, status: StackStatus | undefined): PassDecision {
    const { config } = this.#d;
    try {
      const stored = readStoredSpec(spec);
      return decidePass({
        spec,
        status,
        policy: {
          driftPolicy: stored.stackFile.driftPolicy ?? 'correct',
          ...(stored.stackFile.ttlSeconds !== undefined ? { ttlSeconds: stored.stackFile.ttlSeconds } : {}),
          pushedAtMs: Date.parse(stored.pushedAt),
        },
        nowMs: this.#now(),
        resyncMs: config.resyncMs,
        resyncJitter: config.resyncJitter,
      });
    } catch {
      // An unreadable spec still gets a pass: it fails at render and reports why in the status.
      return spec.deletionRequestedAt
        ? { action: 'destroy', cause: 'deletion' }
        : { action: 'apply', cause: 'retry' };
    }
  }

  /**
   * One pass over `key`. Never throws for a stack's own problems (they become status and backoff);
   * throws only what the worker should log as an operator fault.
   */
  async process(key: string, signal: AbortSignal): Promise<PassOutcome> {
    let expiresAtMs: number | undefined;
    const outcome = await this.#process(key, signal, (d) => {
      expiresAtMs = d.expiresAtMs ?? expiresAtMs;
    });
    return expiresAtMs === undefined || outcome.removed ? outcome : { ...outcome, expiresAtMs };
  }

  async #process(
    key: string,
    signal: AbortSignal,
    seen: (decision: PassDecision) => void,
  ): Promise<PassOutcome> {
    const { config, state, logger } = this.#d;
    const ref: StackRef = { client: state, table: config.table, ...splitStackKey(key) };
    const spec = await getSpec(ref);
    if (!spec) return { requeue: { kind: 'none' }, removed: true };
    const status = await readStatus(ref);
    const pre = this.#decide(spec, status);
    seen(pre);
    const observed = status?.observedGeneration;
    if (pre.action === 'skip') return this.#skip(pre, observed);
    const lease = await acquireLease({
      ...ref,
      owner: config.owner,
      durationMs: config.leaseMs,
      now: this.#now,
    });
    if (!lease) {
      // The holder works on this generation: look again after one lease period (it may have crashed).
      logger.debug('stack locked by another replica', { stack: key });
      return { requeue: { kind: 'after', ms: config.leaseMs }, observedGeneration: spec.generation };
    }
    const keeper = keepLeaseAlive(lease, {
      heartbeatMs: config.heartbeatMs,
      onRenewError: (error) => logger.warn('lease renewal failed', { stack: key, fence: lease.fence, error }),
    });
    this.#keepers.add(keeper);
    const startedAtMs = this.#now();
    this.#d.onPassStart?.({ key, owner: lease.owner, fence: lease.fence });
    let release = true;
    try {
      return await this.#underLease(ref, key, keeper, AbortSignal.any([signal, keeper.signal]), {
        startedAtMs,
        seen,
      });
    } catch (err) {
      if (this.#d.halted()) {
        release = false;
        return { requeue: { kind: 'none' } };
      }
      if (err instanceof LeaseLostError || keeper.signal.aborted) {
        this.#d.metrics.observeLeaseLost();
        logger.warn('lease lost during pass', { stack: key, fence: lease.fence, error: err });
        return { requeue: { kind: 'after', ms: config.leaseMs } };
      }
      throw err;
    } finally {
      if (this.#d.halted()) release = false;
      this.#keepers.delete(keeper);
      await keeper.stop({ release });
    }
  }

  /**
   * Stops the heartbeats of every pass still running, releasing their leases (a stop timeout ran out)
   * or not (a simulated crash: the leases must expire on their own).
   */
  async abandonLeases(options: { readonly release: boolean }): Promise<void> {
    const keepers = [...this.#keepers];
    this.#keepers.clear();
    await Promise.all(keepers.map((k) => k.stop({ release: options.release })));
  }

  #skip(decision: PassDecision, observed: number | undefined): PassOutcome {
    const requeue: Requeue =
      decision.requeueAfterMs === undefined
        ? { kind: 'none' }
        : { kind: 'after', ms: decision.requeueAfterMs };
    return { requeue, ...(observed !== undefined ? { observedGeneration: observed } : {}) };
  }

  async #underLease(
    ref: StackRef,
    key: string,
    keeper: LeaseKeeper,
    signal: AbortSignal,
    pass: { readonly startedAtMs: number; readonly seen: (decision: PassDecision) => void },
  ): Promise<PassOutcome> {
    const { logger } = this.#d;
    const spec = await getSpec(ref);
    if (!spec) return { requeue: { kind: 'none' }, removed: true };
    const previous = await readStatus(ref);
    const decision = this.#decide(spec, previous);
    pass.seen(decision);
    if (decision.action === 'skip') return this.#skip(decision, previous?.observedGeneration);
    const fence = keeper.current().fence;
    const heartbeat = startStepHeartbeat({
      stack: key,
      logger,
      fields: { fence },
      now: this.#now,
      ...(this.#d.timers ? { timers: this.#d.timers } : {}),
      ...(this.#d.stepHeartbeatMs !== undefined ? { intervalMs: this.#d.stepHeartbeatMs } : {}),
    });
    const ctx: PassContext = {
      ref,
      spec,
      previous,
      decision,
      keeper,
      signal,
      config: this.#d.config,
      state: this.#d.state,
      regionClients: this.#d.regionClients,
      metrics: this.#d.metrics,
      logger,
      onProgress: (e: ProgressEvent) => {
        heartbeat.onProgress(e);
        this.#d.onProgress?.(key, e);
      },
    };
    logger.info('pass started', { stack: key, action: decision.action, cause: decision.cause, fence });
    let result: ActionResult;
    try {
      result = await this.#run(ctx);
    } finally {
      heartbeat.stop();
    }
    if (this.#d.halted()) throw new Error('halted');
    await commitPass(ctx, result, { startedAtMs: pass.startedAtMs, now: this.#now });
    return {
      requeue: result.requeue,
      observedGeneration: result.observedGeneration,
      ...(result.deleteSpecAt !== undefined ? { removed: true } : {}),
    };
  }

  async #run(ctx: PassContext): Promise<ActionResult> {
    try {
      switch (ctx.decision.action) {
        case 'apply':
          return await applyAction(ctx);
        case 'plan':
          return await planAction(ctx);
        case 'destroy':
          return await destroyAction(ctx);
        case 'expire':
          return await expireAction(ctx, this.#now());
        default:
          return pauseAction(ctx);
      }
    } catch (err) {
      // Lease lost: nothing may be written. Stopping: hand the pass back rather than record a failure.
      if (ctx.keeper.signal.aborted) throw ctx.keeper.signal.reason ?? err;
      if (ctx.signal.aborted) return abortedResult(ctx, 0);
      return failedResult(ctx, err);
    }
  }
}
