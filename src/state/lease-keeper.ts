/**
 * Keeps a held lease alive with heartbeats and tells the holder, through an AbortSignal, the moment it
 * can no longer be sure it holds it (reconciler-anchors: "abort work if not renewed within 15 s").
 *
 * @module
 */
import { LeaseLostError } from './errors.js';
import { DEFAULT_HEARTBEAT_MS, type Lease, releaseLease, renewLease } from './lease.js';

/** Options for {@link keepLeaseAlive}. */
export interface KeepLeaseAliveOptions {
  /** @default DEFAULT_HEARTBEAT_MS */
  readonly heartbeatMs?: number;
  /** Injected for tests. @default renewLease */
  readonly renew?: (lease: Lease) => Promise<Lease>;
  /** Injected for tests. @default releaseLease */
  readonly release?: (lease: Lease) => Promise<boolean>;
  /** Told about renewals that failed but may succeed next time (throttles, network). */
  readonly onRenewError?: (err: unknown) => void;
}

/** A running heartbeat. */
export interface LeaseKeeper {
  /** Aborted (with a LeaseLostError reason) once the lease is lost or could not be renewed in time. */
  readonly signal: AbortSignal;
  /** The latest renewed lease: pass it to writers. */
  current(): Lease;
  /** Stops the heartbeat and, unless told otherwise, releases the lease so another replica can start. */
  stop(options?: { readonly release?: boolean }): Promise<void>;
}

/**
 * Renews `lease` every `heartbeatMs` until stopped. A renewal that fails with a transient error is
 * retried at the next beat; if the lease would expire before the next beat can renew it, or another
 * owner took it, `signal` aborts and the heartbeat ends.
 *
 * @example
 * const keeper = keepLeaseAlive(lease);
 * try { await reconcile({ signal: keeper.signal, lease: keeper.current() }); }
 * finally { await keeper.stop(); }
 */
export function keepLeaseAlive(lease: Lease, options: KeepLeaseAliveOptions = {}): LeaseKeeper {
  const heartbeatMs = options.heartbeatMs ?? DEFAULT_HEARTBEAT_MS;
  const renew = options.renew ?? renewLease;
  const release = options.release ?? releaseLease;
  const controller = new AbortController();
  let current = lease;
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> = Promise.resolve();
  let stopped = false;

  const lose = (reason: LeaseLostError): void => {
    stopped = true;
    if (!controller.signal.aborted) controller.abort(reason);
  };

  const beat = async (): Promise<void> => {
    try {
      current = await renew(current);
    } catch (err) {
      if (err instanceof LeaseLostError) return lose(err);
      options.onRenewError?.(err);
      if (current.now() + heartbeatMs >= current.expiresAtMs) {
        return lose(
          new LeaseLostError(
            current.project,
            current.stack,
            current.fence,
            'could not renew it before it expired',
            {
              cause: err,
            },
          ),
        );
      }
    }
    schedule();
  };

  const schedule = (): void => {
    if (stopped) return;
    timer = setTimeout(() => {
      inFlight = beat();
    }, heartbeatMs);
  };

  schedule();
  return {
    signal: controller.signal,
    current: () => current,
    async stop(stopOptions = {}) {
      const wasLost = controller.signal.aborted;
      stopped = true;
      clearTimeout(timer);
      await inFlight;
      if (!wasLost && !controller.signal.aborted && stopOptions.release !== false) await release(current);
    },
  };
}
