/**
 * A service another one depends on with `service_healthy` (`healthy: true` in its spec) returns from
 * create/update only once healthy; a failed rollout is a permanent error; the observer reports `healthy`
 * only for such services. aws-sdk-client-mock, because moto's deployments stay as they were created.
 */
import {
  CreateServiceCommand,
  DescribeServicesCommand,
  ListServicesCommand,
  type Service,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { createAwsClients } from '../../../src/aws/clients.js';
import type { ResourceKind, Spec } from '../../../src/desired/resource-types.js';
import { ownershipTags } from '../../../src/desired/tags.js';
import { ecsServiceObserver } from '../../../src/observed/ecs-service.js';
import { createEcsServiceApplier } from '../../../src/reconcilers/ecs-service.js';
import { SERVICE_UNHEALTHY } from '../../../src/reconcilers/ecs-service-health.js';
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

function resolved(kind: ResourceKind, logicalId: string, name: string, spec: Spec): ResolvedResource {
  return { kind, logicalId, name, spec, tags: ownershipTags('shop', 'it', logicalId) };
}

const CLUSTER = 'arn:aws:ecs:eu-west-1:1:cluster/shop-it';
const API_ARN = 'arn:aws:ecs:eu-west-1:1:service/shop-it/api';
const apiSpec: Spec = {
  capacityProviderStrategy: [{ capacityProvider: 'FARGATE', weight: 1 }],
  cluster: CLUSTER,
  deploymentConfiguration: {
    deploymentCircuitBreaker: { enable: true, rollback: true },
    maximumPercent: 200,
    minimumHealthyPercent: 100,
  },
  desiredCount: 2,
  enableExecuteCommand: false,
  healthy: true,
  loadBalancers: [],
  networkConfiguration: { assignPublicIp: 'DISABLED', securityGroups: ['sg-1'], subnets: ['subnet-1'] },
  serviceName: 'api',
  taskDefinition: 'arn:aws:ecs:eu-west-1:1:task-definition/shop-it-api:1',
};
const api = resolved('ecs.Service', 'service/api', 'api', apiSpec);

function live(
  rollout: 'IN_PROGRESS' | 'COMPLETED' | 'FAILED',
  running: number,
  extra: Service = {},
): Service {
  return {
    serviceArn: API_ARN,
    serviceName: 'api',
    clusterArn: CLUSTER,
    status: 'ACTIVE',
    desiredCount: 2,
    runningCount: running,
    capacityProviderStrategy: [{ capacityProvider: 'FARGATE', weight: 1 }],
    deploymentConfiguration: {
      deploymentCircuitBreaker: { enable: true, rollback: true },
      maximumPercent: 200,
      minimumHealthyPercent: 100,
    },
    deployments: [
      {
        status: 'PRIMARY',
        rolloutState: rollout,
        ...(rollout === 'FAILED' ? { rolloutStateReason: 'tasks failed to start' } : {}),
      },
    ],
    tags: [
      { key: 'stackctl:project', value: 'shop' },
      { key: 'stackctl:stack', value: 'it' },
    ],
    ...extra,
  };
}

describe('a service other services wait for with service_healthy', () => {
  const instant = { sleep: async () => {}, pollIntervalMs: 1_000, maxWaitMs: 5_000 };

  function describes(...services: (Service | undefined)[]): void {
    let chain = ecs.on(DescribeServicesCommand);
    for (const s of services)
      chain = chain.resolvesOnce(s ? { services: [s] } : { services: [], failures: [] });
  }

  it.each([
    {
      reason: 'create returns once the rollout completed and every task runs',
      after: [live('IN_PROGRESS', 0), live('COMPLETED', 1), live('COMPLETED', 2)],
      outcome: 'resolves',
      polls: 3,
    },
    {
      reason: 'a failed rollout is a permanent error naming the reason',
      after: [live('IN_PROGRESS', 0), live('FAILED', 0)],
      outcome: SERVICE_UNHEALTHY,
      polls: 2,
    },
    {
      reason: 'a rollout still going after the wait budget is not ready (requeued)',
      after: Array.from({ length: 10 }, () => live('IN_PROGRESS', 1)),
      outcome: 'NOT_READY',
      polls: 6,
    },
  ])('$reason', async ({ after, outcome, polls }) => {
    describes(undefined, ...after);
    ecs.on(CreateServiceCommand).resolves({ service: live('IN_PROGRESS', 0) });
    const applier = createEcsServiceApplier(instant);

    const created = applier.create(api, ctx);

    if (outcome === 'resolves') await expect(created).resolves.toMatchObject({ physicalId: API_ARN });
    else await expect(created).rejects.toMatchObject({ code: outcome });
    if (outcome === SERVICE_UNHEALTHY) await expect(created).rejects.toThrow('tasks failed to start');
    if (outcome === 'NOT_READY') await expect(created).rejects.toThrow('(rollout in progress, 5 s so far)');
    // One describe before the create, then one per poll.
    expect(ecs.commandCalls(DescribeServicesCommand)).toHaveLength(1 + polls);
    expect(ecs.commandCalls(CreateServiceCommand)).toHaveLength(1);
  });

  it('an update that only waits calls no mutating API', async () => {
    describes(live('IN_PROGRESS', 1), live('COMPLETED', 2));
    const applier = createEcsServiceApplier(instant);
    const observed = {
      kind: 'ecs.Service' as const,
      logicalId: 'service/api',
      name: 'api',
      physicalId: API_ARN,
      spec: { ...apiSpec, healthy: false },
      tags: api.tags,
      outputs: { arn: API_ARN },
      health: 'Progressing' as const,
    };

    await applier.update(
      api,
      observed,
      [{ path: 'healthy', desired: true, observed: false, replace: false }],
      ctx,
    );

    expect(ecs.commandCalls(UpdateServiceCommand)).toHaveLength(0);
    expect(ecs.commandCalls(DescribeServicesCommand)).toHaveLength(2);
  });

  it.each([
    {
      reason: 'an awaited healthy service reports healthy: true',
      wants: true,
      state: live('COMPLETED', 2),
      want: true,
    },
    {
      reason: 'an awaited rolling service reports healthy: false',
      wants: true,
      state: live('IN_PROGRESS', 1),
      want: false,
    },
    {
      reason: 'a service nobody awaits reports no healthy field',
      wants: false,
      state: live('IN_PROGRESS', 1),
      want: undefined,
    },
  ])('observer: $reason', async ({ wants, state, want }) => {
    ecs.on(ListServicesCommand).resolves({ serviceArns: [API_ARN] });
    ecs.on(DescribeServicesCommand).resolves({ services: [state] });
    const spec = wants ? apiSpec : { ...apiSpec, healthy: undefined };
    const target = { logicalId: 'service/api', name: 'api', spec: JSON.parse(JSON.stringify(spec)) as Spec };

    const [observed] = await ecsServiceObserver.observe([target], {
      clients,
      project: 'shop',
      stack: 'it',
      outputs: new Map(),
    });

    expect(observed?.spec.healthy).toBe(want);
  });
});
