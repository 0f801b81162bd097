/**
 * Issue 11: a service create costs one CreateService against AWS, which applies and echoes the capacity
 * provider strategy, deployment configuration and grace period; UpdateService follows only for the
 * fields an emulator dropped (moto) and on the lost-response adopt branch. aws-sdk-client-mock, because
 * moto is the emulator that drops them and so cannot show AWS's echo.
 */
import {
  CreateServiceCommand,
  DescribeServicesCommand,
  type Service,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { createAwsClients } from '../../../src/aws/clients.js';
import type { Spec } from '../../../src/desired/resource-types.js';
import { ownershipTags } from '../../../src/desired/tags.js';
import { createEcsServiceApplier } from '../../../src/reconcilers/ecs-service.js';
import type { ApplyContext, ResolvedResource } from '../../../src/reconcilers/types.js';

const clients = createAwsClients({
  region: 'eu-west-1',
  credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
});
const ecs = mockClient(clients.ecs);
const ctx: ApplyContext = { clients, project: 'shop', stack: 'it', clientToken: 'tok-1' };

afterEach(() => {
  ecs.reset();
});

const CLUSTER = 'arn:aws:ecs:eu-west-1:1:cluster/shop-it';
const WEB_ARN = 'arn:aws:ecs:eu-west-1:1:service/shop-it/web';
const deployment = {
  deploymentCircuitBreaker: { enable: true, rollback: true },
  maximumPercent: 200,
  minimumHealthyPercent: 100,
};
const strategy = [{ capacityProvider: 'FARGATE_SPOT', weight: 1 }];
const webSpec: Spec = {
  capacityProviderStrategy: strategy,
  cluster: CLUSTER,
  deploymentConfiguration: deployment,
  desiredCount: 1,
  enableExecuteCommand: false,
  healthCheckGracePeriodSeconds: 30,
  loadBalancers: [],
  networkConfiguration: { assignPublicIp: 'DISABLED', securityGroups: ['sg-1'], subnets: ['subnet-1'] },
  serviceName: 'web',
  taskDefinition: 'arn:aws:ecs:eu-west-1:1:task-definition/shop-it-web:1',
};
const web: ResolvedResource = {
  kind: 'ecs.Service',
  logicalId: 'service/web',
  name: 'web',
  spec: webSpec,
  tags: ownershipTags('shop', 'it', 'service/web'),
};

const base: Service = {
  serviceArn: WEB_ARN,
  serviceName: 'web',
  clusterArn: CLUSTER,
  status: 'ACTIVE',
  desiredCount: 1,
  tags: [
    { key: 'stackctl:project', value: 'shop' },
    { key: 'stackctl:stack', value: 'it' },
  ],
};
/** What AWS answers: every setting applied and echoed (plus fields stackctl never set). */
const awsEcho: Service = {
  ...base,
  capacityProviderStrategy: [{ capacityProvider: 'FARGATE_SPOT', weight: 1, base: 0 }],
  deploymentConfiguration: { ...deployment, alarms: { alarmNames: [], enable: false, rollback: false } },
  healthCheckGracePeriodSeconds: 30,
};
/** What moto 5.2.1 answers: the three settings dropped. */
const motoEcho: Service = {
  ...base,
  deploymentConfiguration: { maximumPercent: 200, minimumHealthyPercent: 100 },
};

describe('ecs.Service create: UpdateService only where the create did not take', () => {
  it.each([
    {
      reason: 'AWS echoes every setting: one CreateService, no UpdateService on the critical path',
      existing: undefined,
      created: awsEcho,
      creates: 1,
      update: undefined,
    },
    {
      reason: 'an emulator dropped the settings: one UpdateService with exactly the dropped fields',
      existing: undefined,
      created: motoEcho,
      creates: 1,
      update: {
        deploymentConfiguration: deployment,
        capacityProviderStrategy: strategy,
        healthCheckGracePeriodSeconds: 30,
      },
    },
    {
      reason:
        'lost response (adopt branch): the earlier try made it without the settings, this one finishes it',
      existing: motoEcho,
      created: undefined,
      creates: 0,
      update: {
        deploymentConfiguration: deployment,
        capacityProviderStrategy: strategy,
        healthCheckGracePeriodSeconds: 30,
      },
    },
    {
      reason: 'lost response (adopt branch) of a create that took: nothing left to do',
      existing: awsEcho,
      created: undefined,
      creates: 0,
      update: undefined,
    },
  ])('$reason', async ({ existing, created, creates, update }) => {
    ecs
      .on(DescribeServicesCommand)
      .resolves(existing ? { services: [existing] } : { services: [], failures: [] });
    ecs.on(CreateServiceCommand).resolves({ service: created });
    ecs.on(UpdateServiceCommand).resolves({ service: awsEcho });

    const result = await createEcsServiceApplier().create(web, ctx);

    expect(result.physicalId).toBe(WEB_ARN);
    expect(ecs).toHaveReceivedCommandTimes(CreateServiceCommand, creates);
    if (update === undefined) {
      expect(ecs).toHaveReceivedCommandTimes(UpdateServiceCommand, 0);
    } else {
      expect(ecs).toHaveReceivedCommandTimes(UpdateServiceCommand, 1);
      expect(ecs.commandCalls(UpdateServiceCommand)[0]?.args[0].input).toEqual({
        cluster: CLUSTER,
        service: 'web',
        ...update,
      });
    }
  });
});
