/**
 * One set of SDK clients per region for the whole operator process, reused by every pass and worker.
 *
 * Why: a pass used to build 14 clients and destroy them at its end, so each pass started with cold
 * credentials (a fresh provider chain, STS on a role), no open connections, and an adaptive retry
 * limiter that had forgotten every throttle it saw. Kept for the process, the clients keep all three;
 * what must stay per pass (call counts, retry budget, deadline) travels with each call instead
 * (pass-scope.ts). Every region's clients also share the process's {@link RateLimiter}, so all
 * workers together stay under AWS's buckets.
 *
 * @module
 */

import { attachRateLimits, type RateLimiter } from '../aws/rate-limits.js';
import type { AwsClients } from '../aws/types.js';
import { createTaskDefinitionCache, type TaskDefinitionCache } from '../observed/task-definition-cache.js';
import { ClientsClosedError } from './errors.js';
import { attachPassDeadline, ScopedCallStats, ScopedRetryBudget } from './pass-scope.js';
import type { ClientsFactory } from './pass-session.js';

/** Options for {@link RegionClients}. */
export interface RegionClientsOptions {
  /** Builds a region's bundle once; its stats and budget arguments route to the calling pass. */
  readonly factory: ClientsFactory;
  /** Shared by every region's clients. @default none (no client-side rate limits) */
  readonly rateLimiter?: RateLimiter;
}

/**
 * The process's clients, by region, built on first use and closed by {@link close} when the operator
 * stops (not after each pass).
 *
 * @example
 * const regions = new RegionClients({ factory: defaultClientsFactory(), rateLimiter: new RateLimiter() });
 * const session = openPassSession(regions, 'eu-west-1', stateClient); // shared clients, per-pass stats
 * // … when the operator stops:
 * regions.close();
 */
export class RegionClients {
  readonly #o: RegionClientsOptions;
  readonly #byRegion = new Map<string, AwsClients>();
  /** Calls made outside any pass (none expected): counted here rather than lost. */
  readonly unscopedStats = new ScopedCallStats();
  /**
   * Task definition revisions already described, by ARN, for every pass of the process: a revision is
   * immutable (and its ARN names its region), so an in-sync stack's services are never described twice.
   */
  readonly taskDefinitions: TaskDefinitionCache = createTaskDefinitionCache();
  readonly #budget = new ScopedRetryBudget();
  #closed = false;

  constructor(options: RegionClientsOptions) {
    this.#o = options;
  }

  /**
   * The shared clients of `region`, built the first time a pass needs them.
   *
   * @throws ClientsClosedError after {@link close}
   */
  get(region: string): AwsClients {
    if (this.#closed) throw new ClientsClosedError(region);
    let clients = this.#byRegion.get(region);
    if (!clients) {
      clients = this.#o.factory(region, this.unscopedStats, this.#budget);
      attachPassDeadline(clients);
      if (this.#o.rateLimiter) attachRateLimits(clients, this.#o.rateLimiter);
      this.#byRegion.set(region, clients);
    }
    return clients;
  }

  /** Regions whose clients exist. */
  get regions(): readonly string[] {
    return [...this.#byRegion.keys()];
  }

  /** Fails calls still waiting for a rate-limit token and frees every client's sockets. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#o.rateLimiter?.close();
    for (const clients of this.#byRegion.values()) {
      for (const [name, client] of Object.entries(clients)) {
        if (name === 'region' || name === 'retryBudget') continue;
        (client as { destroy?: () => void }).destroy?.();
      }
    }
    this.#byRegion.clear();
  }
}
