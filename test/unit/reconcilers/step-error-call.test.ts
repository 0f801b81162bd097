import { CreateServiceCommand, ECSClient } from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import { attachCallSiteToClient } from '../../../src/aws/call-site.js';
import type { AwsClients } from '../../../src/aws/types.js';
import { ref } from '../../../src/desired/resource-types.js';
import { planStack } from '../../../src/diff/plan-stack.js';
import { applyPlan } from '../../../src/reconcilers/engine.js';
import type { ProgressEvent } from '../../../src/reconcilers/engine-types.js';
import { type CannedResponse, cannedHandler } from '../../helpers/canned-http.js';
import { desired, PROJECT, STACK } from '../diff/fixtures.js';
import { FakeCloud } from './fake-cloud.js';

/** What a real ECS client throws when every attempt gets `answer` (call-site middleware attached). */
async function ecsFailure(answer: CannedResponse): Promise<Error> {
  const handler = cannedHandler(answer);
  const ecs = new ECSClient({
    region: 'eu-west-1',
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    maxAttempts: 1,
    requestHandler: handler.requestHandler,
  });
  attachCallSiteToClient(ecs, 'ecs');
  try {
    await ecs.send(new CreateServiceCommand({ cluster: 'c', serviceName: 'web', taskDefinition: 'td:1' }));
  } catch (err) {
    if (err instanceof Error) return err;
    throw err;
  }
  throw new Error('expected the call to fail');
}

describe('a failed step names the resource and the AWS call', () => {
  it.each([
    {
      reason: 'an AWS 4xx',
      answer: { statusCode: 400, body: { __type: 'InvalidParameterException', message: 'bad subnet' } },
      code: 'InvalidParameterException',
    },
    {
      reason: 'an AWS 5xx',
      answer: { statusCode: 503, body: { __type: 'ServiceUnavailable', message: 'injected' } },
      code: 'ServiceUnavailable',
    },
  ])('$reason: result (JSON) and progress line (text)', async ({ answer, code }) => {
    const cloud = new FakeCloud();
    cloud.failures.set('create service/web', [await ecsFailure(answer)]);
    const resources = [
      desired('ec2.Vpc', 'vpc', { cidrBlock: '10.0.0.0/16' }),
      desired('ecs.Service', 'service/web', { vpc: ref('vpc', 'id'), desiredCount: 1 }),
    ];
    const plan = planStack({ project: PROJECT, stack: STACK, desired: resources, observed: cloud.observe() });
    const events: ProgressEvent[] = [];

    const report = await applyPlan({
      plan,
      appliers: cloud.appliers(['ec2.Vpc', 'ecs.Service']),
      ctx: { clients: {} as AwsClients, project: PROJECT, stack: STACK },
      outputs: new Map(),
      runStep: (fn) => fn(),
      onProgress: (e) => events.push(e),
    });

    const failed = report.results.find((r) => r.logicalId === 'service/web');
    expect(failed).toMatchObject({
      kind: 'ecs.Service',
      status: 'failed',
      error: { call: 'ecs:CreateService', code },
    });
    expect(failed?.error?.message).toMatch(
      /^ecs:CreateService failed \(https:\/\/ecs\.eu-west-1\.amazonaws\.com\): /,
    );
    const line = events.find((e) => e.type === 'failed');
    expect(line).toMatchObject({ kind: 'ecs.Service', logicalId: 'service/web' });
    expect(line?.message).toContain(`ecs:CreateService failed`);
    expect(cloud.byLogicalId('vpc')).toHaveLength(1);
    expect(cloud.byLogicalId('service/web')).toHaveLength(0);
  });
});
