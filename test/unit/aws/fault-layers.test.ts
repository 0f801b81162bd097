/**
 * The layers that make a pass survive AWS failing, each against the SDK's real middleware stack (retry,
 * deserialization) with a scripted HTTP handler: the no-blind-resend guard, the read retry, the pass-wide
 * retry budget and the fault injector's errors as the SDK and stackctl classify them.
 */
import {
  CreateClusterCommand,
  DescribeClustersCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
} from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import { AmbiguousOutcomeError } from '../../../src/aws/ambiguous-outcome.js';
import { classifyAwsError, isServerFault, ServerFaultLimitError } from '../../../src/aws/errors.js';
import { attachNoBlindResendToClient, isAmbiguousFailure } from '../../../src/aws/no-blind-resend.js';
import {
  FAULT_KINDS,
  type FaultKind,
  faultError,
  parseRandomFaults,
  seededRandom,
  THROTTLE_ERRORS,
} from '../../../src/aws/random-faults.js';
import { attachReadRetry } from '../../../src/aws/read-retry.js';
import {
  DEFAULT_STEP_AMBIGUOUS_RETRIES,
  DEFAULT_STEP_SERVER_FAULT_RETRIES,
  retryStep,
} from '../../../src/aws/retry.js';
import { RetryBudget, RetryBudgetExhaustedError } from '../../../src/aws/retry-budget.js';
import type { AwsClients } from '../../../src/aws/types.js';

/** One scripted answer per HTTP attempt: a status with an error body, success, or a reset. */
type Answer = { readonly status: number; readonly type?: string } | 'reset';

function scripted(answers: readonly Answer[]) {
  let attempts = 0;
  const requestHandler = {
    async handle() {
      const answer = answers[Math.min(attempts, answers.length - 1)] ?? { status: 200 };
      attempts += 1;
      if (answer === 'reset') throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
      const body = answer.status === 200 ? {} : { __type: answer.type ?? 'ServerException', message: 'x' };
      return {
        response: {
          statusCode: answer.status,
          headers: { 'content-type': 'application/x-amz-json-1.1' },
          body: new TextEncoder().encode(JSON.stringify(body)),
        },
      };
    },
    updateHttpClientConfig() {},
    httpHandlerConfigs: () => ({}),
  };
  const client = new ECSClient({
    region: 'eu-west-1',
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    maxAttempts: 3,
    requestHandler,
  });
  return { client, attempts: () => attempts };
}

async function outcome(send: () => Promise<unknown>): Promise<unknown> {
  try {
    return await send();
  } catch (err) {
    return err;
  }
}

const register = new RegisterTaskDefinitionCommand({ family: 'f', containerDefinitions: [] });
const THROTTLE: Answer = { status: 400, type: 'ThrottlingException' };
const SERVER: Answer = { status: 500, type: 'ServerException' };

describe('no blind resend', () => {
  it.each([
    {
      reason: 'a reset on RegisterTaskDefinition may have registered a revision: sent once, then ambiguous',
      command: register,
      answers: ['reset'] as Answer[],
      attempts: 1,
      ambiguous: true,
    },
    {
      reason: 'a 500 on RegisterTaskDefinition may have acted too: sent once',
      command: register,
      answers: [SERVER],
      attempts: 1,
      ambiguous: true,
    },
    {
      reason: 'a throttle is a definite "not done": the SDK resends, then succeeds',
      command: register,
      answers: [THROTTLE, { status: 200 }],
      attempts: 2,
      ambiguous: false,
    },
    {
      reason: 'CreateCluster is idempotent by name: the SDK may resend after a reset',
      command: new CreateClusterCommand({ clusterName: 'c' }),
      answers: ['reset', { status: 200 }] as Answer[],
      attempts: 2,
      ambiguous: false,
    },
    {
      reason: 'a read after a reset is resent by the SDK',
      command: new DescribeClustersCommand({}),
      answers: ['reset', 'reset', { status: 200 }] as Answer[],
      attempts: 3,
      ambiguous: false,
    },
  ])('$reason', async ({ command, answers, attempts, ambiguous }) => {
    const { client, attempts: seen } = scripted(answers);
    attachNoBlindResendToClient(client, 'ecs');
    const result = await outcome(() => client.send(command as never));
    expect(seen()).toBe(attempts);
    expect(result instanceof AmbiguousOutcomeError).toBe(ambiguous);
    if (ambiguous) {
      const err = result as AmbiguousOutcomeError;
      expect(err.code).toBe('AWS_AMBIGUOUS_OUTCOME');
      expect(err.message).toContain('ecs:RegisterTaskDefinition');
      // The step above retries it, a bounded number of times, like a server fault.
      expect(classifyAwsError(err)).toBe('busy');
      expect(isServerFault(err)).toBe(true);
    }
  });

  it.each([
    {
      reason: 'a throttle sent as 503 (EC2) is not ambiguous',
      err: faultError('throttle', 'ec2'),
      want: false,
    },
    { reason: 'a 500 may have acted', err: faultError('500', 'ecs'), want: true },
    { reason: 'a 503 may have acted', err: faultError('503', 'elbv2'), want: true },
    { reason: 'a reset says nothing about the server', err: faultError('reset', 'ec2'), want: true },
    {
      reason: 'a 4xx answer is definite',
      err: { name: 'InvalidParameterException', $metadata: { httpStatusCode: 400 } },
      want: false,
    },
    { reason: 'a timeout has no answer at all', err: { name: 'TimeoutError', message: 't' }, want: true },
  ])('isAmbiguousFailure: $reason', ({ err, want }) => {
    expect(isAmbiguousFailure(err)).toBe(want);
  });
});

describe('read retry under the pass budget', () => {
  const bundle = (client: ECSClient) => ({ ecs: client }) as unknown as AwsClients;
  const noSleep = async (): Promise<void> => {};

  it.each([
    {
      reason: 'five 500s outlast the SDK (3 attempts) but not the read retry: answered on attempt 6',
      answers: [SERVER, SERVER, SERVER, SERVER, SERVER, { status: 200 }] as Answer[],
      budget: 10,
      ok: true,
      attempts: 6,
      used: 1,
    },
    {
      reason: 'a spent budget reports the failure instead of retrying',
      answers: [SERVER, SERVER, SERVER, { status: 200 }] as Answer[],
      budget: 0,
      ok: false,
      attempts: 3,
      used: 0,
    },
    {
      reason: 'a request the service rejects is never retried',
      answers: [{ status: 400, type: 'InvalidParameterException' }] as Answer[],
      budget: 10,
      ok: false,
      attempts: 1,
      used: 0,
    },
  ])('$reason', async ({ answers, budget, ok, attempts, used }) => {
    const { client, attempts: seen } = scripted(answers);
    const retryBudget = new RetryBudget(budget);
    attachReadRetry(bundle(client), { budget: retryBudget, sleep: noSleep });
    const result = await outcome(() => client.send(new DescribeClustersCommand({})));
    expect(result instanceof Error).toBe(!ok);
    if (!ok && budget === 0) expect(result).toBeInstanceOf(RetryBudgetExhaustedError);
    expect(seen()).toBe(attempts);
    expect(retryBudget.used).toBe(used);
  });

  it('leaves mutating calls to their step', async () => {
    const { client, attempts: seen } = scripted([SERVER, SERVER, SERVER, { status: 200 }]);
    attachReadRetry(bundle(client), { budget: new RetryBudget(10), sleep: noSleep });
    expect(await outcome(() => client.send(new CreateClusterCommand({ clusterName: 'c' })))).toBeInstanceOf(
      Error,
    );
    expect(seen()).toBe(3);
  });

  it.each([
    {
      reason: 'an ambiguous create is retried up to its own, higher bound (each retry starts with a read)',
      error: () => new AmbiguousOutcomeError('ec2', 'CreateVpc', new Error('reset')),
      calls: 1 + DEFAULT_STEP_AMBIGUOUS_RETRIES,
    },
    {
      reason: 'a plain 5xx keeps the server-fault bound',
      error: () => ({ name: 'InternalFailure', $metadata: { httpStatusCode: 500 } }),
      calls: 1 + DEFAULT_STEP_SERVER_FAULT_RETRIES,
    },
  ])('$reason', async ({ error, calls }) => {
    let seen = 0;
    const failing = async (): Promise<never> => {
      seen += 1;
      throw error();
    };
    const err = await outcome(() => retryStep(failing, { minTimeoutMs: 1, maxTimeoutMs: 1 }));
    expect(err).toBeInstanceOf(ServerFaultLimitError);
    expect(seen).toBe(calls);
  });

  it('stops a step once the budget is spent', async () => {
    const budget = new RetryBudget(2);
    let calls = 0;
    const failing = async (): Promise<never> => {
      calls += 1;
      throw { name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } };
    };
    const err = await outcome(() => retryStep(failing, { budget, minTimeoutMs: 1, maxTimeoutMs: 1 }));
    expect(err).toBeInstanceOf(RetryBudgetExhaustedError);
    expect(calls).toBe(3);
  });
});

describe('fault injector', () => {
  it.each(FAULT_KINDS.filter((k): k is Exclude<FaultKind, 'lost'> => k !== 'lost'))(
    'a %s fault is retryable to the SDK and classified by stackctl as AWS failing',
    (kind) => {
      for (const service of Object.keys(THROTTLE_ERRORS)) {
        const cls = classifyAwsError(faultError(kind, service));
        expect(cls, `${kind} on ${service}`).toBe(kind === 'throttle' ? 'throttle' : 'busy');
      }
    },
  );

  it.each([
    { reason: 'unset: inert', env: {}, ok: true, armed: false },
    {
      reason: 'a rate and a seed',
      env: { STACKCTL_FAULT_RATE: '0.3', STACKCTL_FAULT_SEED: '7' },
      ok: true,
      armed: true,
    },
    {
      reason: 'a lost response alone',
      env: { STACKCTL_FAULT_LOSE_RESPONSE: 'ec2:CreateVpc' },
      ok: true,
      armed: true,
    },
    { reason: 'a rate above 1', env: { STACKCTL_FAULT_RATE: '3' }, ok: false, armed: false },
    {
      reason: 'an unknown kind',
      env: { STACKCTL_FAULT_RATE: '0.1', STACKCTL_FAULT_KINDS: 'boom' },
      ok: false,
      armed: false,
    },
    {
      reason: 'a seed that is no integer',
      env: { STACKCTL_FAULT_RATE: '0.1', STACKCTL_FAULT_SEED: 'x' },
      ok: false,
      armed: false,
    },
  ])('parses the environment: $reason', ({ env, ok, armed }) => {
    if (!ok) {
      expect(() => parseRandomFaults(env)).toThrow(/STACKCTL_FAULT_/);
      return;
    }
    expect(parseRandomFaults(env) !== undefined).toBe(armed);
  });

  it('draws the same sequence from the same seed', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const draws = Array.from({ length: 5 }, () => [a(), b()]);
    for (const [x, y] of draws) expect(x).toBe(y);
    expect(new Set(draws.map(([x]) => x)).size).toBe(5);
  });
});
