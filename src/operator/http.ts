/**
 * The operator's one HTTP port: `/healthz` (liveness: the process serves), `/readyz` (readiness: the
 * table was reachable at the last poll and the replica is not stopping), `/metrics` (Prometheus text)
 * and `/` (the read-only status page). Read-only by design: nothing here changes a stack.
 *
 * @module
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from './logger.js';

/** What the server asks the operator for, per request. */
export interface HttpHandlers {
  ready(): boolean;
  metrics(): string;
  statusPage(): Promise<string>;
}

/** A listening server. */
export interface HttpServer {
  /** The bound port (useful when 0 was asked for). */
  readonly port: number;
  close(): Promise<void>;
}

/** The content type Prometheus expects for the text format. */
export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(body);
}

async function route(req: IncomingMessage, res: ServerResponse, h: HttpHandlers): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain', 'read-only\n');
  const path = new URL(req.url ?? '/', 'http://localhost').pathname;
  switch (path) {
    case '/healthz':
      return send(res, 200, 'text/plain', 'ok\n');
    case '/readyz':
      return h.ready()
        ? send(res, 200, 'text/plain', 'ready\n')
        : send(res, 503, 'text/plain', 'not ready\n');
    case '/metrics':
      return send(res, 200, METRICS_CONTENT_TYPE, h.metrics());
    case '/':
      return send(res, 200, 'text/html; charset=utf-8', await h.statusPage());
    default:
      return send(res, 404, 'text/plain', 'not found\n');
  }
}

/**
 * Starts listening on `host:port`.
 *
 * @example const server = await startHttpServer({ host: '0.0.0.0', port: 8080, handlers, logger });
 */
export async function startHttpServer(options: {
  readonly host: string;
  readonly port: number;
  readonly handlers: HttpHandlers;
  readonly logger: Logger;
}): Promise<HttpServer> {
  const server: Server = createServer((req, res) => {
    route(req, res, options.handlers).catch((error: unknown) => {
      options.logger.warn('http request failed', { path: req.url, error });
      if (!res.headersSent) send(res, 500, 'text/plain', 'internal error\n');
      else res.end();
    });
  });
  // Keep-alive connections would hold close() open for their idle timeout during a SIGTERM drain.
  server.keepAliveTimeout = 1_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
