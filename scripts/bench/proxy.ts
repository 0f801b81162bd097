/**
 * The peer harness's latency proxy (`../shared/peer/terraform/latency_proxy.py`), run where it lives:
 * it adds a fixed delay to every call and logs each call's start and end, so stackctl and terraform are
 * measured through the same slow link on the same moto. Never copied into this repository.
 *
 * @module
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../test/helpers/moto.js';

/** Seconds the proxy adds to every call: the figures are all at this latency. */
export const CALL_DELAY_S = 0.1;

/** The peer harness directory, next to this checkout. */
export const PEER_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../shared/peer/terraform');

/** Why the peer harness cannot be used, or undefined when it can. */
export function peerMissingReason(): string | undefined {
  if (!existsSync(join(PEER_DIR, 'latency_proxy.py')))
    return `${PEER_DIR}/latency_proxy.py not found (../shared is absent)`;
  return undefined;
}

/** A running proxy. */
export interface LatencyProxy {
  /** `http://127.0.0.1:<port>`: the endpoint to give the client instead of moto's. */
  readonly endpoint: string;
  readonly port: number;
  /** One line per call: `start end service operation` (epoch seconds). */
  readonly logFile: string;
  stop(): Promise<void>;
}

/** Resolves once something accepts connections on the port, or throws after `timeoutMs`. */
export async function waitForPort(port: number, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((r) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        r(true);
      });
      s.once('error', () => r(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on 127.0.0.1:${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Stops a child by its pid and waits for it to exit. */
export async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.exitCode === null && child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

/** Starts the proxy in front of `upstreamPort`. */
export async function startLatencyProxy(upstreamPort: number, delayS = CALL_DELAY_S): Promise<LatencyProxy> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'stackctl-bench-proxy-'));
  const logFile = join(dir, 'calls.log');
  const child = spawn(
    'python3',
    ['latency_proxy.py', String(delayS), String(port), String(upstreamPort), logFile],
    { cwd: PEER_DIR, stdio: ['ignore', 'ignore', 'inherit'] },
  );
  await waitForPort(port);
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    logFile,
    async stop() {
      await stopChild(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
