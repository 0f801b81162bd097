import { CreateServiceCommand, ECSClient } from '@aws-sdk/client-ecs';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { describe, expect, it } from 'vitest';
import { attachCallSiteToClient, callSiteOf } from '../../../src/aws/call-site.js';
import { AwsCallError } from '../../../src/aws/errors.js';
import { describeError } from '../../../src/cli/output.js';
import { StackctlError } from '../../../src/errors.js';
import { observeStack } from '../../../src/observed/observe-stack.js';
import type { Observer } from '../../../src/observed/types.js';
import { toStepError } from '../../../src/reconcilers/step-error.js';
import { type CannedResponse, cannedHandler } from '../../helpers/canned-http.js';

const SECRET = 'hunter2-do-not-print';
const CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' };

/** An ECS client whose every attempt gets `answer`, with the call-site middleware as production has it. */
function ecsAnswering(answer: CannedResponse, maxAttempts = 3) {
  const handler = cannedHandler(answer);
  const client = new ECSClient({
    region: 'eu-west-1',
    credentials: CREDENTIALS,
    maxAttempts,
    requestHandler: handler.requestHandler,
  });
  attachCallSiteToClient(client, 'ecs');
  return { client, handler };
}

/** Fails `send` and returns the error. */
async function failure(send: () => Promise<unknown>): Promise<unknown> {
  try {
    await send();
  } catch (err) {
    return err;
  }
  throw new Error('the call was expected to fail');
}

const createService = new CreateServiceCommand({ cluster: 'c', serviceName: 'web', taskDefinition: 'td:1' });

describe('every AWS failure names service:Operation', () => {
  it.each([
    {
      reason: 'a modeled 500 (ECS ServerException)',
      answer: { statusCode: 500, body: { __type: 'ServerException', message: 'injected' } },
      maxAttempts: 3,
      code: 'ServerException',
      tries: 'after 3 attempts',
    },
    {
      reason: 'an unmodeled 503 ServiceUnavailable',
      answer: { statusCode: 503, body: { __type: 'ServiceUnavailable', message: 'injected' } },
      maxAttempts: 3,
      code: 'ServiceUnavailable',
      tries: 'after 3 attempts',
    },
    {
      reason: 'a client error the SDK does not retry',
      answer: { statusCode: 400, body: { __type: 'InvalidParameterException', message: 'bad' } },
      maxAttempts: 3,
      code: 'InvalidParameterException',
      tries: 'failed (',
    },
  ])('$reason: text and step output say ecs:CreateService, the endpoint and the attempts', async (row) => {
    const { client, handler } = ecsAnswering(row.answer, row.maxAttempts);
    const err = await failure(() => client.send(createService));

    const text = describeError(err);
    expect(text).toContain('ecs:CreateService failed');
    expect(text).toContain('(https://ecs.eu-west-1.amazonaws.com)');
    expect(text).toContain(row.tries);
    expect(text).toContain(row.code);
    const step = toStepError(err);
    expect(step).toMatchObject({ call: 'ecs:CreateService', code: row.code });
    expect(step.message).toMatch(/^ecs:CreateService failed/);
    expect(callSiteOf(err)?.attempts).toBe(handler.attempts());
  });

  it('names the call but never the request parameters (SSM PutParameter Value)', async () => {
    const handler = cannedHandler({
      statusCode: 400,
      body: {
        __type: 'ValidationException',
        message: `1 validation error detected: Value '${SECRET}' at 'value' failed to satisfy constraint`,
      },
    });
    const ssm = new SSMClient({
      region: 'eu-west-1',
      credentials: CREDENTIALS,
      requestHandler: handler.requestHandler,
    });
    attachCallSiteToClient(ssm, 'ssm');
    const err = await failure(() =>
      ssm.send(new PutParameterCommand({ Name: '/p/s/KEY', Value: SECRET, Type: 'SecureString' })),
    );

    // The secret really was sent (and echoed back by AWS), yet no output repeats it.
    expect(handler.bodies().join('')).toContain(SECRET);
    const wrapped = new AwsCallError({
      service: 'ssm',
      operation: 'PutParameter',
      cause: err,
      context: 'param/KEY',
    });
    const outputs = [describeError(err), toStepError(err).message, wrapped.message, describeError(wrapped)];
    for (const out of outputs) {
      expect(out).toContain('ssm:PutParameter');
      expect(out).not.toContain(SECRET);
    }
    expect(JSON.stringify(toStepError(err))).not.toContain(SECRET);
  });

  it('a stackctl error caused by an AWS failure keeps its text and ends with the call', async () => {
    const { client } = ecsAnswering({
      statusCode: 400,
      body: { __type: 'AccessDeniedException', message: 'no' },
    });
    const cause = await failure(() => client.send(createService));
    const err = new StackctlError('LEASE_FAILED', 'could not take the stack lease', { cause });
    expect(describeError(err)).toBe('could not take the stack lease (call: ecs:CreateService)');
    expect(toStepError(err)).toEqual({
      name: 'StackctlError',
      code: 'LEASE_FAILED',
      call: 'ecs:CreateService',
      message: 'could not take the stack lease (call: ecs:CreateService)',
    });
  });

  it('a failed observe names the kind, the logical ids and the call', async () => {
    const { client } = ecsAnswering({
      statusCode: 503,
      body: { __type: 'ServiceUnavailable', message: 'injected' },
    });
    const observer: Observer = {
      kind: 'ecs.Cluster',
      observe: async () => {
        await client.send(createService);
        return [];
      },
    };
    const err = await failure(() =>
      observeStack({
        project: 'shop',
        stack: 'dev',
        clients: {} as never,
        observers: new Map([['ecs.Cluster', observer]]),
        desired: [{ kind: 'ecs.Cluster', logicalId: 'cluster', name: 'shop-dev', spec: {} } as never],
      }),
    );
    const text = describeError(err);
    expect(text).toContain('observing ecs.Cluster (cluster)');
    expect(text).toContain('ecs:CreateService failed after 3 attempts');
    expect(text).toContain('ServiceUnavailable: injected');
    expect(toStepError(err)).toMatchObject({ call: 'ecs:CreateService', code: 'OBSERVE_FAILED' });
  });
});
