/**
 * The operator: a watcher feeding a de-duplicating queue, `concurrency` workers running passes, and
 * the HTTP port. Any number of replicas may run against one table; per-stack leases spread the work.
 *
 * Workers are `concurrency` loops over the queue rather than a p-limit around dispatch: a key is only
 * taken from the queue when a worker is free, so the queue depth is the true backlog and a stopping
 * replica hands back everything it has not started.
 *
 * @module
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { CallStats } from '../aws/index.js';
import { RateLimiter } from '../aws/rate-limits.js';
import type { ProgressEvent } from '../reconcilers/engine-types.js';
import { type Clock, ensureStateTable, listSpecs } from '../state/index.js';
import { Backoff } from './backoff.js';
import type { OperatorConfig } from './config.js';
import { type PassOutcome, type PassStart, StackController } from './controller.js';
import { type HttpServer, startHttpServer } from './http.js';
import { type Logger, silentLogger } from './logger.js';
import { OperatorMetrics } from './metrics.js';
import type { ClientsFactory } from './pass-session.js';
import { RegionClients } from './region-clients.js';
import { nextResyncDelayMs } from './resync-schedule.js';
import { settleWithin } from './settle.js';
import { loadStackViews } from './stack-views.js';
import { renderStatusPage } from './status-page.js';
import { Watcher } from './watcher.js';
import { SYSTEM_TIMERS, type Timers, WorkQueue } from './work-queue.js';

/** Share of the stop timeout spent letting passes finish before they are told to stop. */
export const STOP_FINISH_SHARE = 0.6;
/**
 * Share of the stop timeout kept back for releasing leases, closing the port and exiting: the whole
 * drain, exit included, must end before ECS's SIGKILL.
 */
export const STOP_RESERVE_SHARE = 0.25;
/** Readiness fails when no poll succeeded for this many poll intervals. */
export const READY_POLL_INTERVALS = 3;

/** Everything an operator is built from; clients are made by the caller (the composition root). */
export interface OperatorOptions {
  readonly config: OperatorConfig;
  /** DynamoDB client in the state table's region. */
  readonly state: DynamoDBClient;
  /** Counts the operator's own calls (polls, leases, status) for `/metrics`. */
  readonly stateStats?: CallStats;
  /** Builds each region's clients once for the process (region-clients.ts). */
  readonly clientsFor: ClientsFactory;
  /**
   * Client-side limits per AWS API bucket, shared by every worker and region; `false` turns them off.
   * @default a {@link RateLimiter} with the AWS buckets at the config's `rateShare`
   */
  readonly rateLimiter?: RateLimiter | false;
  /** @default silentLogger */
  readonly logger?: Logger;
  /** @default SYSTEM_TIMERS */
  readonly timers?: Timers;
  /** @default Date.now */
  readonly now?: Clock;
  /** Serve HTTP. @default true */
  readonly http?: boolean;
  readonly onPassStart?: (start: PassStart) => void;
  readonly onProgress?: (key: string, event: ProgressEvent) => void;
  /** How often a pass logs the steps still running. @default STEP_HEARTBEAT_MS (30 s) */
  readonly stepHeartbeatMs?: number;
}

/** How a graceful stop ended. */
export interface StopReport {
  /** Passes still running when the stop timeout ran out (their leases were released anyway). */
  readonly unfinished: number;
}

/**
 * One operator replica.
 *
 * @example
 * const op = new Operator({ config, state: clients.dynamodb, clientsFor: defaultClientsFactory(), logger });
 * await op.start();
 * process.once('SIGTERM', () => op.stop().then(() => process.exit(0)));
 */
export class Operator {
  readonly metrics = new OperatorMetrics();
  readonly queue: WorkQueue;
  readonly #o: OperatorOptions;
  readonly #log: Logger;
  readonly #now: Clock;
  readonly #watcher: Watcher;
  readonly #controller: StackController;
  readonly #regionClients: RegionClients;
  readonly #rateLimiter: RateLimiter | undefined;
  readonly #inFlight = new Map<string, AbortController>();
  readonly #workers: Promise<void>[] = [];
  #http: HttpServer | undefined;
  #stacks = 0;
  #lastPollMs = Number.NEGATIVE_INFINITY;
  #stopping: Promise<StopReport> | undefined;
  #halted = false;

  constructor(options: OperatorOptions) {
    this.#o = options;
    const { config } = options;
    this.#log = options.logger ?? silentLogger;
    this.#now = options.now ?? Date.now;
    const timers = options.timers ?? SYSTEM_TIMERS;
    this.queue = new WorkQueue({
      backoff: new Backoff({ baseMs: config.backoffBaseMs, maxMs: config.backoffMaxMs }),
      timers,
      now: this.#now,
    });
    this.#watcher = new Watcher({
      list: () => listSpecs({ client: options.state, table: config.table }),
      queue: this.queue,
      pollMs: config.pollMs,
      logger: this.#log,
      timers,
      onPoll: (specs) => {
        this.#stacks = specs.length;
        this.#lastPollMs = this.#now();
      },
    });
    this.#rateLimiter =
      options.rateLimiter === false
        ? undefined
        : (options.rateLimiter ?? new RateLimiter({ share: config.rateShare }));
    this.#regionClients = new RegionClients({
      factory: options.clientsFor,
      ...(this.#rateLimiter ? { rateLimiter: this.#rateLimiter } : {}),
    });
    this.#controller = new StackController({
      config,
      state: options.state,
      regionClients: this.#regionClients,
      logger: this.#log,
      metrics: this.metrics,
      now: this.#now,
      halted: () => this.#halted,
      timers,
      ...(options.stepHeartbeatMs !== undefined ? { stepHeartbeatMs: options.stepHeartbeatMs } : {}),
      ...(options.onPassStart ? { onPassStart: options.onPassStart } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    });
  }

  /** The HTTP port actually bound, once started with HTTP. */
  get port(): number | undefined {
    return this.#http?.port;
  }

  /** Stacks with a pass running on this replica right now. */
  inFlight(): readonly string[] {
    return [...this.#inFlight.keys()];
  }

  /** Ready: polled successfully of late and not stopping. */
  ready(): boolean {
    if (this.#stopping || this.#halted) return false;
    return this.#now() - this.#lastPollMs <= this.#o.config.pollMs * READY_POLL_INTERVALS;
  }

  /** Ensures the table, opens the port, starts watching and working. */
  async start(): Promise<void> {
    const { config } = this.#o;
    await ensureStateTable(this.#o.state, config.table);
    if (this.#o.http !== false) {
      this.#http = await startHttpServer({
        host: config.host,
        port: config.port,
        logger: this.#log,
        handlers: {
          ready: () => this.ready(),
          metrics: () => this.#renderMetrics(),
          statusPage: async () =>
            renderStatusPage(await loadStackViews({ client: this.#o.state, table: config.table }), {
              owner: config.owner,
              now: new Date(this.#now()),
            }),
        },
      });
    }
    for (let i = 0; i < config.concurrency; i += 1) this.#workers.push(this.#work());
    this.#watcher.start();
    this.#log.info('operator started', {
      owner: config.owner,
      table: config.table,
      region: config.region,
      concurrency: config.concurrency,
      ...(this.#http ? { port: this.#http.port } : {}),
    });
  }

  #renderMetrics(): string {
    return this.metrics.render(
      {
        queueDepth: this.queue.length,
        delayed: this.queue.delayedCount,
        inFlight: this.#inFlight.size,
        stacks: this.#stacks,
        ready: this.ready(),
        ...(this.#rateLimiter ? { rateLimit: this.#rateLimiter.delays } : {}),
      },
      this.#o.stateStats?.snapshot() ?? [],
    );
  }

  async #work(): Promise<void> {
    for (;;) {
      const key = await this.queue.get();
      if (key === undefined) return;
      const abort = new AbortController();
      this.#inFlight.set(key, abort);
      try {
        this.#after(key, await this.#controller.process(key, abort.signal));
      } catch (error) {
        if (!this.#halted) {
          this.#log.error('pass failed unexpectedly', { stack: key, error });
          this.queue.addRateLimited(key);
        }
      } finally {
        this.#inFlight.delete(key);
        this.queue.done(key);
      }
    }
  }

  /** Files the key according to the pass outcome: forget, requeue, back off or resync. */
  #after(key: string, outcome: PassOutcome): void {
    if (this.#halted) return;
    if (outcome.removed) {
      this.#watcher.forget(key);
      this.queue.forget(key);
      this.queue.cancelDelayed(key);
      return;
    }
    if (outcome.observedGeneration !== undefined) this.#watcher.observed(key, outcome.observedGeneration);
    const { requeue } = outcome;
    if (requeue.kind === 'after') this.queue.addAfter(key, requeue.ms);
    else if (requeue.kind === 'backoff') this.queue.addRateLimited(key);
    else if (requeue.kind === 'resync') {
      this.queue.forget(key);
      const { resyncMs, resyncJitter } = this.#o.config;
      this.queue.addAfter(
        key,
        nextResyncDelayMs({ key, nowMs: this.#now(), intervalMs: resyncMs, earlyShare: resyncJitter }),
      );
    }
    if (outcome.expiresAtMs !== undefined)
      this.queue.addAfter(key, Math.max(0, outcome.expiresAtMs - this.#now()));
  }

  /**
   * Graceful stop (SIGTERM): take no new work, hand queued stacks back, let running passes finish for
   * part of the stop timeout, then tell them to stop (each writes an "aborted" status that hands its
   * generation back and releases its lease). Safe to call twice.
   */
  stop(): Promise<StopReport> {
    this.#stopping ??= this.#drain();
    return this.#stopping;
  }

  async #drain(): Promise<StopReport> {
    const { stopTimeoutMs } = this.#o.config;
    const started = this.#now();
    const budget = stopTimeoutMs * (1 - STOP_RESERVE_SHARE);
    const reserve = stopTimeoutMs - budget;
    this.#log.info('operator stopping', { inFlight: this.inFlight() });
    this.queue.shutDown();
    await this.#watcher.stop();
    const all = Promise.all(this.#workers);
    const finished = await settleWithin(all, budget * STOP_FINISH_SHARE);
    if (!finished) {
      this.#log.warn('asking running passes to stop', { inFlight: this.inFlight() });
      for (const abort of this.#inFlight.values()) abort.abort(new Error('operator stopping'));
      await settleWithin(all, Math.max(0, budget - (this.#now() - started)));
    }
    const unfinished = this.#inFlight.size;
    // Passes stuck past the budget lose their leases now, so another replica need not wait for expiry.
    if (unfinished > 0) await settleWithin(this.#controller.abandonLeases({ release: true }), reserve * 0.8);
    await settleWithin(this.#http?.close() ?? Promise.resolve(), reserve * 0.1);
    // The shared AWS clients live as long as the operator: closed once, here, not after each pass.
    this.#regionClients.close();
    this.#log.info('operator stopped', { unfinished, tookMs: this.#now() - started });
    return { unfinished };
  }

  /**
   * Simulates a crash, for tests: stops at once, writes nothing more and releases no lease, so other
   * replicas take the stacks over only when the leases expire. Resolves once running passes unwound.
   */
  async halt(): Promise<void> {
    this.#halted = true;
    this.queue.shutDown();
    for (const abort of this.#inFlight.values()) abort.abort(new Error('operator halted'));
    await this.#controller.abandonLeases({ release: false });
    await this.#watcher.stop();
    await this.#http?.close();
    await settleWithin(Promise.all(this.#workers), this.#o.config.stopTimeoutMs);
    this.#regionClients.close();
  }
}
