/**
 * A recording proxy in front of moto that holds every call for a fixed delay and logs when each arrived
 * and was answered, so a test can count the longest chain of calls made one after another (the floor
 * under a pass's duration that no parallelism removes: issue 11's "critical path"). The delay makes the
 * order of concurrent calls unambiguous; the figure asserted is a count of calls, never a time.
 *
 * @module
 */
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TimedCall } from '../../../scripts/bench/chain.js';

/** Added to every call: well above moto's own answer time, so concurrent calls overlap. */
export const CHAIN_PROXY_DELAY_MS = 25;

/** A running proxy. */
export interface CallChainProxy {
  readonly endpoint: string;
  /** Every call answered so far, in seconds since the proxy started. */
  readonly calls: readonly TimedCall[];
  /** Forgets the calls recorded so far (between passes). */
  clear(): void;
  stop(): Promise<void>;
}

/** The SigV4 credential scope's service, `?` when unsigned. */
function serviceOf(authorization: string | undefined): string {
  return /Credential=[^/]+\/[^/]+\/[^/]+\/([^/]+)\//.exec(authorization ?? '')?.[1] ?? '?';
}

/** X-Amz-Target's operation, the query protocol's `Action`, else `METHOD:/path`. */
function operationOf(target: string | undefined, body: string, method: string, url: string): string {
  if (target) return target.split('.').pop() ?? target;
  const action = /(?:^|&)Action=([^&]+)/.exec(body)?.[1];
  return action ?? `${method}:${url.split('?')[0]}`;
}

/** Starts a proxy to `upstream` (moto's endpoint) on a free loopback port. */
export async function startCallChainProxy(upstream: string): Promise<CallChainProxy> {
  const target = new URL(upstream);
  const t0 = performance.now();
  const seconds = (): number => (performance.now() - t0) / 1000;
  let calls: TimedCall[] = [];
  const server = createServer((req, res) => {
    const start = seconds();
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const service = serviceOf(req.headers.authorization);
      const operation = operationOf(
        req.headers['x-amz-target'] as string | undefined,
        body.toString('utf8'),
        req.method ?? '?',
        req.url ?? '',
      );
      setTimeout(() => {
        const up = request(
          {
            host: target.hostname,
            port: target.port,
            method: req.method,
            path: req.url,
            headers: { ...req.headers, host: target.host },
          },
          (answer) => {
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(res);
            answer.on('end', () => calls.push({ start, end: seconds(), service, operation }));
          },
        );
        up.on('error', (err) => {
          res.statusCode = 502;
          res.end(String(err));
        });
        up.end(body);
      }, CHAIN_PROXY_DELAY_MS);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    get calls() {
      return calls;
    },
    clear() {
      calls = [];
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
