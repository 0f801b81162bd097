/**
 * ecs.Service observer and applier against a real moto server, with and without a load balancer, plus
 * the waits and ECS errors moto cannot produce (injected with SDK middleware on a moto-backed client).
 */
import {
  CreateServiceCommand,
  DescribeServicesCommand,
  type DescribeServicesCommandOutput,
  InvalidParameterException,
  ListServicesCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AwsClients } from '../../../src/aws/types.js';
import type { Spec } from '../../../src/desired/resource-types.js';
import { ecsServiceObserver } from '../../../src/observed/ecs-service.js';
import { ecsClusterApplier } from '../../../src/reconcilers/ecs-cluster.js';
import { createEcsServiceApplier } from '../../../src/reconcilers/ecs-service.js';
import { ecsTaskDefinitionApplier } from '../../../src/reconcilers/ecs-task-definition.js';
import { elbv2ListenerApplier } from '../../../src/reconcilers/elbv2-listener.js';
import { elbv2LoadBalancerApplier } from '../../../src/reconcilers/elbv2-load-balancer.js';
import { elbv2TargetGroupApplier } from '../../../src/reconcilers/elbv2-target-group.js';
import { NotReadyError, OwnershipConflictError } from '../../../src/reconcilers/errors.js';
import { motoClients } from '../../helpers/aws.js';
import { type MotoServer, startMoto } from '../../helpers/moto.js';
import {
  applyCtx,
  createNetwork,
  deltasFor,
  INSTANT_WAIT,
  type Network,
  observeOne,
  paths,
  resource,
} from './kind-fixtures.js';

let moto: MotoServer;
let clients: AwsClients;
let net: Network;
let clusterArn: string;
let taskDefinitionArn: string;
const serviceApplier = createEcsServiceApplier(INSTANT_WAIT);

beforeAll(async () => {
  moto = await startMoto();
  clients = motoClients(moto.endpoint);
  net = await createNetwork(clients);
  const cluster = resource('ecs.Cluster', 'cluster', 'shop-it', {
    capacityProviders: ['FARGATE', 'FARGATE_SPOT'],
    clusterName: 'shop-it',
  });
  clusterArn = (await ecsClusterApplier.create(cluster, applyCtx(clients))).physicalId;
  const td = resource('ecs.TaskDefinition', 'taskdef/web', 'shop-it-web', {
    containerDefinitions: [
      {
        essential: true,
        image: 'nginx:1.27',
        name: 'web',
        portMappings: [{ containerPort: 80, protocol: 'tcp' }],
      },
    ],
    cpu: '256',
    family: 'shop-it-web',
    memory: '512',
    networkMode: 'awsvpc',
    requiresCompatibilities: ['FARGATE'],
  });
  taskDefinitionArn = (await ecsTaskDefinitionApplier.create(td, applyCtx(clients))).physicalId;
});
afterAll(async () => {
  await moto?.stop();
});

function serviceSpec(name: string, extra: Spec = {}): Spec {
  return {
    capacityProviderStrategy: [{ capacityProvider: 'FARGATE_SPOT', weight: 1 }],
    cluster: clusterArn,
    deploymentConfiguration: {
      deploymentCircuitBreaker: { enable: true, rollback: true },
      maximumPercent: 100,
      minimumHealthyPercent: 0,
    },
    desiredCount: 1,
    enableExecuteCommand: false,
    loadBalancers: [],
    networkConfiguration: {
      assignPublicIp: 'ENABLED',
      securityGroups: [net.securityGroups[0] as string],
      // Not in id order: the renderer sorts refs by logical id, so resolved ids come in any order.
      subnets: [...net.subnets].reverse(),
    },
    serviceName: name,
    taskDefinition: taskDefinitionArn,
    ...extra,
  };
}

async function describeService(name: string) {
  const res = await clients.ecs.send(
    new DescribeServicesCommand({ cluster: clusterArn, services: [name], include: ['TAGS'] }),
  );
  return res.services?.[0];
}

/** Creates the service, then applies what moto drops on CreateService (documented gap), as the engine would. */
async function createConverged(desired: ReturnType<typeof resource>): Promise<string> {
  const created = await serviceApplier.create(desired, applyCtx(clients));
  const observed = await observeOne(ecsServiceObserver, clients, desired);
  if (!observed) throw new Error('service not observed');
  const deltas = deltasFor(desired, observed);
  const fields = [...new Set(paths(deltas).map((p) => p.split(/[.[]/)[0]))];
  // moto 5.2.1 does not echo these on CreateService (aws-api-facts.md §8 #6); UpdateService sets them.
  expect(
    fields.every((f) =>
      ['capacityProviderStrategy', 'deploymentConfiguration', 'healthCheckGracePeriodSeconds'].includes(
        f ?? '',
      ),
    ),
  ).toBe(true);
  if (deltas.length > 0) await serviceApplier.update(desired, observed, deltas, applyCtx(clients));
  return created.physicalId;
}

describe('ecs.Service without a load balancer', () => {
  const desired = resource('ecs.Service', 'service/web', 'web', {});
  const web = (): ReturnType<typeof resource> => ({ ...desired, spec: serviceSpec('web') });

  it('creates a tagged service that converges to exactly the desired spec; re-creating adopts it', async () => {
    const arn = await createConverged(web());
    const again = await serviceApplier.create(web(), applyCtx(clients, 'another-token'));

    const observed = await observeOne(ecsServiceObserver, clients, web());
    expect(observed?.spec).toEqual(web().spec);
    expect(observed?.tags).toEqual(web().tags);
    expect(observed?.health).toBe('Healthy');
    expect(again.physicalId).toBe(arn);
    const listed = await clients.ecs.send(new ListServicesCommand({ cluster: clusterArn }));
    expect(listed.serviceArns).toEqual([arn]);
    expect((await describeService('web'))?.propagateTags).toBe('SERVICE');
  });

  it('sees an out-of-band desiredCount as exactly that delta and restores it', async () => {
    await clients.ecs.send(
      new UpdateServiceCommand({ cluster: clusterArn, service: 'web', desiredCount: 3 }),
    );
    const drifted = await observeOne(ecsServiceObserver, clients, web());
    if (!drifted) throw new Error('service not observed');
    const deltas = deltasFor(web(), drifted);
    expect(deltas).toEqual([{ path: 'desiredCount', desired: 1, observed: 3, replace: false }]);

    await serviceApplier.update(web(), drifted, deltas, applyCtx(clients));

    expect((await describeService('web'))?.desiredCount).toBe(1);
  });

  it('refuses a foreign same-name service, leaving it untouched', async () => {
    await clients.ecs.send(
      new CreateServiceCommand({
        cluster: clusterArn,
        serviceName: 'foreign',
        taskDefinition: taskDefinitionArn,
        desiredCount: 2,
        networkConfiguration: {
          awsvpcConfiguration: { subnets: [...net.subnets], securityGroups: [...net.securityGroups] },
        },
      }),
    );
    const foreign = resource('ecs.Service', 'service/foreign', 'foreign', serviceSpec('foreign'));

    await expect(serviceApplier.create(foreign, applyCtx(clients))).rejects.toBeInstanceOf(
      OwnershipConflictError,
    );
    const live = await describeService('foreign');
    expect(live?.desiredCount).toBe(2);
    expect(live?.tags ?? []).toEqual([]);
  });

  it('a retry that finds the service its lost-response try made still applies what CreateService dropped', async () => {
    // The first try's CreateService reached AWS and its answer was lost (the fault suite's `lost`):
    // moto made the service without the strategy, deployment configuration and grace period.
    const lost = resource('ecs.Service', 'service/lost', 'lost', serviceSpec('lost'));
    await clients.ecs.send(
      new CreateServiceCommand({
        cluster: clusterArn,
        serviceName: 'lost',
        taskDefinition: taskDefinitionArn,
        desiredCount: 1,
        networkConfiguration: {
          awsvpcConfiguration: {
            subnets: [...net.subnets],
            securityGroups: [net.securityGroups[0] as string],
            assignPublicIp: 'ENABLED',
          },
        },
        propagateTags: 'SERVICE',
        tags: Object.entries(lost.tags).map(([key, value]) => ({ key, value })),
      }),
    );

    const again = await serviceApplier.create(lost, applyCtx(clients));

    expect(again.physicalId).toBe((await describeService('lost'))?.serviceArn);
    expect((await observeOne(ecsServiceObserver, clients, lost))?.spec).toEqual(lost.spec);
  });

  it('scales to zero, deletes and waits until the service is gone', async () => {
    const observed = await observeOne(ecsServiceObserver, clients, web());
    if (!observed) throw new Error('service not observed');
    await serviceApplier.delete(observed, applyCtx(clients));

    expect((await describeService('web'))?.status).toBe('INACTIVE');
    expect(await observeOne(ecsServiceObserver, clients, web())).toBeUndefined();
  });
});

describe('ecs.Service behind a load balancer', () => {
  it('attaches the target group (after TG, ALB and listener exist) and observes it', async () => {
    const tg = resource('elbv2.TargetGroup', 'tg/api-80', 'shop-it-api-80-abc123', {
      deregistrationDelaySeconds: 30,
      healthCheck: {
        healthyThresholdCount: 3,
        intervalSeconds: 30,
        matcher: '200-399',
        path: '/',
        port: 'traffic-port',
        protocol: 'HTTP',
        timeoutSeconds: 5,
        unhealthyThresholdCount: 3,
      },
      name: 'shop-it-api-80-abc123',
      port: 80,
      protocol: 'HTTP',
      targetType: 'ip',
      vpcId: net.vpcId,
    });
    const tgArn = (await elbv2TargetGroupApplier.create(tg, applyCtx(clients))).physicalId;
    const alb = resource('elbv2.LoadBalancer', 'alb', 'shop-it-alb-abc123', {
      name: 'shop-it-alb-abc123',
      scheme: 'internet-facing',
      securityGroups: [...net.securityGroups],
      subnets: [...net.subnets],
      type: 'application',
    });
    const albArn = (await elbv2LoadBalancerApplier.create(alb, applyCtx(clients))).physicalId;
    await elbv2ListenerApplier.create(
      resource('elbv2.Listener', 'listener/http', 'shop-it-http', {
        defaultAction: { targetGroupArn: tgArn, type: 'forward' },
        loadBalancerArn: albArn,
        port: 80,
        protocol: 'HTTP',
      }),
      applyCtx(clients),
    );
    const api = resource(
      'ecs.Service',
      'service/api',
      'api',
      serviceSpec('api', {
        healthCheckGracePeriodSeconds: 60,
        loadBalancers: [{ containerName: 'web', containerPort: 80, targetGroupArn: tgArn }],
      }),
    );

    await createConverged(api);

    const observed = await observeOne(ecsServiceObserver, clients, api);
    expect(observed?.spec).toEqual(api.spec);
    expect((await describeService('api'))?.loadBalancers).toEqual([
      { containerName: 'web', containerPort: 80, targetGroupArn: tgArn },
    ]);
  });
});

describe('ecs.Service errors moto cannot produce', () => {
  it('turns "Creation of service was not idempotent" into a NotReadyError', async () => {
    const faulty = motoClients(moto.endpoint);
    faulty.ecs.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'CreateServiceCommand') {
          throw new InvalidParameterException({
            message: 'Creation of service was not idempotent.',
            $metadata: {},
          });
        }
        return next(args);
      },
      { step: 'initialize', name: 'injectNotIdempotent' },
    );
    const draining = resource('ecs.Service', 'service/new', 'new', serviceSpec('new'));

    await expect(serviceApplier.create(draining, applyCtx(faulty))).rejects.toBeInstanceOf(NotReadyError);
    expect(await describeService('new')).toBeUndefined();
  });

  it('gives up waiting for a service stuck DRAINING with a NotReadyError, after bounded polls', async () => {
    const stuck = motoClients(moto.endpoint);
    let describes = 0;
    stuck.ecs.middlewareStack.add(
      (next, context) => async (args) => {
        const result = await next(args);
        if (context.commandName === 'DescribeServicesCommand') {
          describes++;
          for (const s of (result.output as DescribeServicesCommandOutput).services ?? [])
            s.status = 'DRAINING';
        }
        return result;
      },
      { step: 'initialize', name: 'injectDraining' },
    );
    const api = resource('ecs.Service', 'service/api', 'api', serviceSpec('api'));
    const observed = await observeOne(ecsServiceObserver, clients, api);
    if (!observed) throw new Error('service not observed');

    await expect(serviceApplier.delete(observed, applyCtx(stuck))).rejects.toBeInstanceOf(NotReadyError);
    expect(describes).toBe(4);
    expect((await describeService('api'))?.status).toBe('INACTIVE');
  });
});
