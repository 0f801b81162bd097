import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  FAULT_KILL_AFTER_MUTATIONS_ENV,
  FAULT_KILL_OPERATION_ENV,
  FaultInjectionConfigError,
  parseKillAfterMutations,
} from '../../../src/aws/fault-injection.js';

const CHILD = fileURLToPath(new URL('../../fixtures/fault-injection-child.ts', import.meta.url));

interface ChildRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly lines: readonly string[];
  readonly err: string;
}

/** Runs the scripted child with the hook variables set (unset when undefined). */
async function runChild(value: string | undefined, operation?: string): Promise<ChildRun> {
  const env: Record<string, string | undefined> = {
    ...process.env,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    [FAULT_KILL_AFTER_MUTATIONS_ENV]: value,
    [FAULT_KILL_OPERATION_ENV]: operation,
  };
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr.on('data', (d: Buffer) => {
    err += d.toString();
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) =>
      resolve({ code, signal, lines: out.split('\n').filter((l) => l !== ''), err }),
    );
  });
}

/** The whole script, as the child prints it when nothing stops it. */
const FULL_RUN = [
  'served ListClusters',
  'returned ListClusters ok',
  'served CreateCluster',
  'returned CreateCluster ok',
  'served GetItem',
  'returned GetItem ok',
  'served PutItem',
  'returned PutItem error',
  'served DeleteCluster',
  'returned DeleteCluster ok',
  'served Query',
  'returned Query ok',
];

describe('parseKillAfterMutations', () => {
  it.each([
    { reason: 'unset', value: undefined, expected: undefined },
    { reason: 'empty', value: '', expected: undefined },
    { reason: 'a positive integer', value: '17', expected: 17 },
    { reason: 'surrounding blanks', value: ' 3 ', expected: 3 },
  ])('$reason → $expected', ({ value, expected }) => {
    expect(parseKillAfterMutations(value)).toBe(expected);
  });

  it.each([
    { reason: 'zero', value: '0' },
    { reason: 'negative', value: '-2' },
    { reason: 'a fraction', value: '1.5' },
    { reason: 'not a number', value: 'soon' },
  ])('refuses $reason', ({ value }) => {
    expect(() => parseKillAfterMutations(value)).toThrow(FaultInjectionConfigError);
  });
});

describe.concurrent('STACKCTL_FAULT_KILL_AFTER_MUTATIONS in a process using createAwsClients', () => {
  it('is inert when unset: every call is served and returned, the process ends normally', async () => {
    const run = await runChild(undefined);
    expect(run).toMatchObject({ code: 0, signal: null });
    expect(run.lines).toEqual(FULL_RUN);
    expect(run.err).not.toContain('fault injection');
  }, 60_000);

  it.each([
    {
      reason: 'the 1st mutating call (ECS, succeeded)',
      n: 1,
      lastServed: 'served CreateCluster',
      fault: 'mutating call 1 (ecs CreateCluster, ok)',
    },
    {
      reason: 'the 2nd mutating call, counted across clients (DynamoDB), even when it failed',
      n: 2,
      lastServed: 'served PutItem',
      fault: 'mutating call 2 (dynamodb PutItem, error)',
    },
    {
      reason: 'the 3rd mutating call, reads in between not counted',
      n: 3,
      lastServed: 'served DeleteCluster',
      fault: 'mutating call 3 (ecs DeleteCluster, ok)',
    },
  ])(
    'SIGKILLs the process right after $reason, before the caller sees the result',
    async ({ n, lastServed, fault }) => {
      const run = await runChild(String(n));
      expect(run).toMatchObject({ code: null, signal: 'SIGKILL' });
      const cut = FULL_RUN.indexOf(lastServed);
      // The call reached the endpoint, its result never reached the caller, nothing ran after it.
      expect(run.lines).toEqual(FULL_RUN.slice(0, cut + 1));
      expect(run.err).toContain(`stackctl: fault injection: SIGKILL after ${fault}`);
    },
    30_000,
  );

  it.each([
    {
      reason: 'by bare name',
      operation: 'DeleteCluster',
      lastServed: 'served DeleteCluster',
      call: 'ecs DeleteCluster, ok',
    },
    {
      reason: 'by service:Operation',
      operation: 'dynamodb:PutItem',
      lastServed: 'served PutItem',
      call: 'dynamodb PutItem, error',
    },
  ])(
    "with an operation named $reason, counts only that operation's calls",
    async ({ operation, lastServed, call }) => {
      const run = await runChild('1', operation);
      expect(run).toMatchObject({ code: null, signal: 'SIGKILL' });
      expect(run.lines).toEqual(FULL_RUN.slice(0, FULL_RUN.indexOf(lastServed) + 1));
      expect(run.err).toContain(`SIGKILL after mutating call 1 (${call})`);
    },
    60_000,
  );

  it.each([
    { reason: 'fewer mutating calls than N', value: '4', operation: undefined },
    { reason: 'fewer calls of the named operation than N', value: '2', operation: 'CreateCluster' },
  ])(
    'lets the process finish when it makes $reason',
    async ({ value, operation }) => {
      const run = await runChild(value, operation);
      expect(run).toMatchObject({ code: 0, signal: null });
      expect(run.lines).toEqual(FULL_RUN);
    },
    60_000,
  );

  it('refuses to build clients when the value is not a positive integer', async () => {
    const run = await runChild('zero');
    expect(run.code).toBe(3);
    expect(run.lines).toEqual(['refused FAULT_INJECTION_CONFIG']);
  }, 60_000);
});
