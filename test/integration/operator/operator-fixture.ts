/**
 * Shared setup of the operator tests: a throw-away project on disk, `stackctl push` in-process,
 * operators built against a moto server with short timings, and polling helpers.
 *
 * @module
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAwsClients } from '../../../src/aws/clients.js';
import { CallStats } from '../../../src/aws/index.js';
import { run } from '../../../src/cli/main.js';
import type { Io } from '../../../src/cli/output.js';
import { type OperatorConfig, readOperatorConfig } from '../../../src/operator/config.js';
import type { Logger } from '../../../src/operator/logger.js';
import { Operator, type OperatorOptions } from '../../../src/operator/operator.js';
import { type PassRecord, passRecords } from '../../../src/operator/pass-record.js';
import { listEvents, readStatus, type StackRef, type StackStatus } from '../../../src/state/index.js';
import { TEST_REGION } from '../../helpers/aws.js';

/** Fake credentials the CLI and operators pick up from the environment. */
export function useMotoEnvironment(endpoint: string): void {
  process.env.AWS_ACCESS_KEY_ID = 'testing';
  process.env.AWS_SECRET_ACCESS_KEY = 'testing';
  process.env.AWS_ENDPOINT_URL = endpoint;
  process.env.AWS_REGION = TEST_REGION;
}

/** One stack file of the test project. */
export interface TestStack {
  readonly driftPolicy?: 'correct' | 'warn' | 'ignore';
  readonly ttlSeconds?: number;
}

/**
 * Writes a project: one small service (`app`), optionally needing the config key `TOKEN`, and one
 * stack file per entry of `stacks`, each creating its own VPC (12 resources per stack).
 */
export function writeProject(
  name: string,
  stacks: Readonly<Record<string, TestStack>>,
  options: { readonly secret?: boolean; readonly logLevel?: string } = {},
): string {
  const dir = mkdtempSync(join(tmpdir(), `stackctl-op-${name}-`));
  const env = [`      LOG_LEVEL: ${options.logLevel ?? 'info'}`, ...(options.secret ? ['      TOKEN:'] : [])];
  writeFileSync(
    join(dir, 'compose.yaml'),
    `name: ${name}\nservices:\n  app:\n    image: busybox:1.36\n    command: ["sh", "-c", "sleep 3600"]\n    environment:\n${env.join('\n')}\n`,
  );
  mkdirSync(join(dir, '.stackctl'));
  for (const [stack, s] of Object.entries(stacks)) {
    const lines = [
      `region: ${TEST_REGION}`,
      'mode: affordable',
      'network:',
      '  vpc: create',
      `driftPolicy: ${s.driftPolicy ?? 'correct'}`,
      ...(s.ttlSeconds !== undefined ? [`ttl: ${s.ttlSeconds}s`] : []),
    ];
    writeFileSync(join(dir, '.stackctl', `${stack}.yaml`), `${lines.join('\n')}\n`);
  }
  return dir;
}

/** An Io capturing stdout and stderr. */
export function captureIo(): Io & { readonly stdout: () => string; readonly stderr: () => string } {
  let out = '';
  let err = '';
  return {
    out: (t) => {
      out += t;
    },
    err: (t) => {
      err += t;
    },
    readStdin: async () => '',
    confirm: async () => true,
    stdout: () => out,
    stderr: () => err,
  };
}

/** Runs the CLI in-process against `table`; returns the exit code and output. */
export async function cli(
  argv: readonly string[],
  table: string,
): Promise<{ readonly code: number; readonly out: string; readonly err: string }> {
  const io = captureIo();
  const code = await run([...argv, '--table', table], io);
  return { code, out: io.stdout(), err: io.stderr() };
}

/** `stackctl push --stack S` from `dir`, asserting success. */
export async function push(
  dir: string,
  stack: string,
  table: string,
  extra: readonly string[] = [],
): Promise<void> {
  const r = await cli(['push', '--stack', stack, '-C', dir, ...extra], table);
  if (r.code !== 0) throw new Error(`push ${stack} failed (${r.code}): ${r.err}`);
}

/** A moto client bundle that counts into `stats` and spends read retries from `retryBudget`. */
export function motoFactory(endpoint: string): OperatorOptions['clientsFor'] {
  return (region, stats, retryBudget) =>
    createAwsClients({
      region,
      stats,
      ...(retryBudget ? { retryBudget } : {}),
      endpoint,
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
      maxAttempts: 2,
    });
}

/** Operator settings for tests: short polls, leases and requeues; no HTTP unless asked. */
export function testConfig(table: string, overrides: Partial<OperatorConfig> = {}): OperatorConfig {
  return readOperatorConfig(
    {},
    {
      table,
      region: TEST_REGION,
      concurrency: 4,
      pollMs: 400,
      resyncMs: 120_000,
      resyncJitter: 0.1,
      leaseMs: 3_000,
      heartbeatMs: 1_000,
      progressRequeueMs: 400,
      backoffBaseMs: 300,
      backoffMaxMs: 5_000,
      stopTimeoutMs: 5_000,
      port: 0,
      host: '127.0.0.1',
      logLevel: 'warn',
      ...overrides,
    },
  );
}

/** A logger collecting lines, for assertions and for printing when a test fails. */
export function memoryLogger(): Logger & { readonly lines: string[] } {
  const lines: string[] = [];
  const add =
    (level: string) =>
    (msg: string, fields: Readonly<Record<string, unknown>> = {}): void => {
      lines.push(
        `${level} ${msg} ${JSON.stringify(fields, (_k, v) => (v instanceof Error ? v.message : v))}`,
      );
    };
  return { lines, debug: () => undefined, info: add('info'), warn: add('warn'), error: add('error') };
}

/** Builds (not starts) an operator against moto, with its own counted state client. */
export function testOperator(
  endpoint: string,
  config: OperatorConfig,
  extra: Partial<OperatorOptions> = {},
): Operator {
  const stateStats = new CallStats();
  const state = motoFactory(endpoint)(config.region, stateStats).dynamodb;
  return new Operator({
    config,
    state,
    stateStats,
    clientsFor: motoFactory(endpoint),
    http: false,
    ...extra,
  });
}

/** Polls `check` until it returns a value (not undefined/false) or `timeoutMs` passes. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined | false>,
  timeoutMs = 60_000,
  pollMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

/** The stack's status once it reports `generation` synced and ready. */
export async function converged(ref: StackRef, generation: number, timeoutMs = 60_000): Promise<StackStatus> {
  return waitFor(
    `${ref.project}/${ref.stack} to converge at generation ${generation}`,
    async () => {
      const s = await readStatus(ref);
      return s &&
        s.observedGeneration === generation &&
        s.conditions.Synced.status === 'True' &&
        s.conditions.Ready.status === 'True'
        ? s
        : undefined;
    },
    timeoutMs,
  );
}

/** Every committed pass of a stack, from its events (oldest first). */
export async function passesOf(ref: StackRef): Promise<readonly PassRecord[]> {
  return passRecords(await listEvents({ ...ref, limit: 500 }));
}
