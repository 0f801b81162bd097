/**
 * `stackctl operator` as a real process: SIGTERM during a pass exits 0 within the stop timeout, with
 * the stack's lease released (not left to expire) and the pass either finished or handed back, so
 * another replica takes the stack over at once.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AwsClients } from '../../../src/aws/types.js';
import { readLease, readStatus, type StackRef } from '../../../src/state/index.js';
import { motoClients, TEST_REGION } from '../../helpers/aws.js';
import { type MotoServer, startMoto } from '../../helpers/moto.js';
import {
  converged,
  passesOf,
  push,
  testConfig,
  testOperator,
  useMotoEnvironment,
  waitFor,
  writeProject,
} from './operator-fixture.js';

const TABLE = 'sigterm-state';
const OWNER = 'sigterm-op';
/** Long enough that a lease found free afterwards was released, not expired. */
const LEASE_SECONDS = 60;
const STOP_TIMEOUT_SECONDS = 8;
const BIN = fileURLToPath(new URL('../../../bin/stackctl.js', import.meta.url));

let moto: MotoServer;
let clients: AwsClients;
let child: ChildProcess | undefined;

beforeAll(async () => {
  moto = await startMoto();
  clients = motoClients(moto.endpoint);
  useMotoEnvironment(moto.endpoint);
});

afterAll(async () => {
  if (child && child.exitCode === null && child.pid) process.kill(child.pid, 'SIGKILL');
  await moto?.stop();
});

describe('stackctl operator process', () => {
  it('exits 0 within the stop timeout on SIGTERM during a pass, releasing the lease', async () => {
    const dir = writeProject('term', { dev: {} });
    await push(dir, 'dev', TABLE);
    const ref: StackRef = { client: clients.dynamodb, table: TABLE, project: 'term', stack: 'dev' };
    let output = '';
    child = spawn(process.execPath, [BIN, 'operator', '--port', '0'], {
      env: {
        ...process.env,
        STACKCTL_TABLE: TABLE,
        STACKCTL_TABLE_REGION: TEST_REGION,
        STACKCTL_OWNER: OWNER,
        STACKCTL_POLL_SECONDS: '0.2',
        STACKCTL_LEASE_SECONDS: String(LEASE_SECONDS),
        STACKCTL_HEARTBEAT_SECONDS: '2',
        STACKCTL_STOP_TIMEOUT_SECONDS: String(STOP_TIMEOUT_SECONDS),
        STACKCTL_HOST: '127.0.0.1',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (d: Buffer) => {
      output += d.toString();
    });
    child.stderr?.on('data', (d: Buffer) => {
      output += d.toString();
    });
    const exited = new Promise<number | null>((resolve) => child?.once('exit', (code) => resolve(code)));

    // SIGTERM as soon as the operator holds the stack's lease: its first pass is under way.
    const held = await waitFor(
      'the operator to take the lease',
      async () => {
        const lease = await readLease(ref);
        return lease?.owner === OWNER ? lease : undefined;
      },
      60_000,
      25,
    );
    const sentAt = Date.now();
    child.kill('SIGTERM');
    const code = await exited;
    const tookMs = Date.now() - sentAt;

    expect(code, output).toBe(0);
    expect(tookMs).toBeLessThan(STOP_TIMEOUT_SECONDS * 1000 + 2_000);
    const lease = await readLease(ref);
    expect(lease?.owner, output).toBeUndefined();
    expect(lease?.fence).toBe(held.fence);
    // Released long before it would have expired.
    expect(held.expiresAtMs - Date.now()).toBeGreaterThan(LEASE_SECONDS * 1000 - 30_000);
    // Either the pass finished (status at generation 1), or it was handed back: no status claims
    // generation 1, so the other replicas' watchers see the stack as pending.
    const status = await readStatus(ref);
    if (status?.lastPass?.result !== 'success')
      expect(status?.observedGeneration ?? 0, output).toBeLessThan(1);

    // Released, not expired: another replica takes the stack over at once and converges it.
    const successor = testOperator(moto.endpoint, testConfig(TABLE, { owner: 'successor' }));
    await successor.start();
    try {
      await converged(ref, 1, 90_000);
    } finally {
      await successor.stop();
    }
    const next = (await passesOf(ref)).find((r) => r.owner === 'successor');
    if (status?.lastPass?.result !== 'success') {
      expect(next?.fence).toBe(held.fence + 1);
      expect(Date.parse(next?.startedAt ?? '')).toBeLessThan(held.expiresAtMs);
    }
    expect(output).toContain('"msg":"operator stopped"');
  }, 120_000);
});
