/**
 * Starts a real moto server on a free loopback port for integration tests, and stops it by its pid.
 *
 * moto is a Python package (`pip install "moto[server]"`); when `moto_server` is not on PATH the helper
 * fails with a message that says how to get it, rather than letting tests time out.
 *
 * @module
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A running moto server. */
export interface MotoServer {
  /** `http://127.0.0.1:<port>`: pass as the SDK endpoint. */
  readonly endpoint: string;
  readonly pid: number;
  /** moto's request log (removed by `stop`). */
  readonly logFile: string;
  /** Wipes all state (POST /moto-api/reset), faster than a restart between tests. */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

/** How long moto gets to answer its first request. */
const MOTO_START_TIMEOUT_MS = 30_000;

/** The message shown when moto is missing. */
export const MOTO_MISSING_MESSAGE =
  'moto_server was not found on PATH. Integration tests run against a local moto server: install it with `pip install "moto[server]"` (Python 3.9+), then run the tests again.';

/** Throws {@link MOTO_MISSING_MESSAGE} unless `moto_server` can be run. */
export function assertMotoAvailable(): void {
  const probe = spawnSync('moto_server', ['--help'], { stdio: 'ignore' });
  if (probe.error || probe.status !== 0) throw new Error(MOTO_MISSING_MESSAGE);
}

/** Finds a free TCP port on 127.0.0.1. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * Starts moto and resolves once it answers.
 *
 * `MOTO_ECS_SERVICE_RUNNING` makes ECS services report running tasks, since moto runs no containers.
 */
export async function startMoto(options: { env?: Record<string, string> } = {}): Promise<MotoServer> {
  assertMotoAvailable();
  const port = await freePort();
  // moto logs every request to stderr. It goes to a file, not a pipe: a parent blocked in spawnSync (the
  // demo) would leave a pipe undrained, and moto, blocked writing its log, would stop answering.
  const logDir = mkdtempSync(join(tmpdir(), 'moto-'));
  const logFile = join(logDir, 'moto.log');
  const logFd = openSync(logFile, 'w');
  const child: ChildProcess = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', logFd, logFd],
    env: { ...process.env, MOTO_ECS_SERVICE_RUNNING: '1', ...options.env },
  });
  closeSync(logFd);
  const logTail = () => {
    try {
      return readFileSync(logFile, 'utf8').slice(-4000);
    } catch {
      return '';
    }
  };
  const endpoint = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + MOTO_START_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`moto_server exited with ${child.exitCode}: ${logTail()}`);
    try {
      const res = await fetch(`${endpoint}/moto-api/`);
      if (res.ok || res.status < 500) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(
        `moto_server did not answer on ${endpoint} within ${MOTO_START_TIMEOUT_MS} ms: ${logTail()}`,
      );
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const pid = child.pid ?? -1;
  return {
    endpoint,
    pid,
    async reset() {
      await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
    },
    logFile,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((r) => child.once('exit', () => r()));
      process.kill(pid, 'SIGTERM');
      const timer = setTimeout(() => child.exitCode === null && process.kill(pid, 'SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
      rmSync(logDir, { recursive: true, force: true });
    },
  };
}
