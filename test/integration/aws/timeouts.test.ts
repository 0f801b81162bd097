/**
 * A server that accepts connections and never answers: `plan` must fail in seconds with a message naming
 * the endpoint and the call, not hang for minutes. The per-attempt timeout is shortened through
 * STACKCTL_AWS_REQUEST_TIMEOUT_MS so the test takes about a second; the SDK's attempts are the real ones.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REQUEST_TIMEOUT_ENV, SDK_MAX_ATTEMPTS } from '../../../src/aws/clients.js';
import { EXIT } from '../../../src/cli/output.js';
import { cli } from '../../unit/cli/run-cli.js';

/** Short per-attempt timeout for the test (production: REQUEST_TIMEOUT_MS, 30 s). */
const TEST_REQUEST_TIMEOUT_MS = 200;

let server: Server;
let endpoint: string;
let root: string;
const sockets: Socket[] = [];
const savedEnv = { ...process.env };

beforeAll(async () => {
  // Accepts every connection and never writes a byte back.
  server = createServer((socket) => {
    sockets.push(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  endpoint = `http://127.0.0.1:${address.port}`;
  root = mkdtempSync(join(tmpdir(), 'stackctl-timeouts-'));
  mkdirSync(root, { recursive: true });
  writeFileSync(join(root, 'compose.yaml'), 'services:\n  web:\n    image: nginx\n');
  process.env[REQUEST_TIMEOUT_ENV] = String(TEST_REQUEST_TIMEOUT_MS);
  process.env.AWS_ACCESS_KEY_ID = 'testing';
  process.env.AWS_SECRET_ACCESS_KEY = 'testing';
  const init = await cli('init', '-C', root, '--stack', 'dev');
  expect(init.code).toBe(EXIT.ok);
});

afterAll(async () => {
  process.env = savedEnv;
  for (const s of sockets) s.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  rmSync(root, { recursive: true, force: true });
});

describe('a server that accepts and never answers', () => {
  it.each([
    { reason: 'text output', extra: [] as string[] },
    {
      reason: 'JSON output (the error still goes to stderr, stdout stays empty)',
      extra: ['--output', 'json'],
    },
  ])('fails plan with the endpoint, the call and the attempts ($reason)', async ({ extra }) => {
    const before = sockets.length;
    const r = await cli('plan', '-C', root, '--stack', 'dev', '--endpoint-url', endpoint, ...extra);

    expect(r.code).toBe(EXIT.error);
    expect(r.out).toBe('');
    expect(r.err).toMatch(
      new RegExp(
        `^error: .*\\b[a-z0-9]+:[A-Z][A-Za-z]+ failed after ${SDK_MAX_ATTEMPTS} attempts \\(${endpoint.replace(/\./g, '\\.')}\\): TimeoutError: .*requestTimeout`,
        'm',
      ),
    );
    // Each attempt was a connection the server accepted and left hanging; the SDK gave up on each.
    expect(sockets.length - before).toBeGreaterThanOrEqual(SDK_MAX_ATTEMPTS);
  });
});
