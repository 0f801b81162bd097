/**
 * ecs.Cluster and ecs.TaskDefinition observers and appliers against a real moto server: create → observe
 * equals desired → idempotent re-create → out-of-band drift → update restores it → delete → gone, plus
 * foreign same-name resources.
 */
import {
  CreateClusterCommand,
  DescribeClustersCommand,
  ListClustersCommand,
  ListTaskDefinitionsCommand,
  PutClusterCapacityProvidersCommand,
  RegisterTaskDefinitionCommand,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AwsClients } from '../../../src/aws/types.js';
import type { Spec } from '../../../src/desired/resource-types.js';
import { ecsClusterObserver } from '../../../src/observed/ecs-cluster.js';
import { recordToEcsTags } from '../../../src/observed/ecs-common.js';
import { ecsTaskDefinitionObserver } from '../../../src/observed/ecs-task-definition.js';
import { ecsClusterApplier } from '../../../src/reconcilers/ecs-cluster.js';
import {
  deregisterOldRevisions,
  ecsTaskDefinitionApplier,
  toContainerDefinition,
} from '../../../src/reconcilers/ecs-task-definition.js';
import { OwnershipConflictError } from '../../../src/reconcilers/errors.js';
import { motoClients } from '../../helpers/aws.js';
import { type MotoServer, startMoto } from '../../helpers/moto.js';
import {
  applyCtx,
  deltasFor,
  observeCtx,
  observeOne,
  PROJECT,
  paths,
  resource,
  STACK,
} from './kind-fixtures.js';

let moto: MotoServer;
let clients: AwsClients;

beforeAll(async () => {
  moto = await startMoto();
  clients = motoClients(moto.endpoint);
});
afterAll(async () => {
  await moto?.stop();
});

describe('ecs.Cluster', () => {
  const desired = resource('ecs.Cluster', 'cluster', 'shop-it', {
    capacityProviders: ['FARGATE', 'FARGATE_SPOT'],
    clusterName: 'shop-it',
  });
  const clustersNamed = async (name: string): Promise<number> => {
    const list = await clients.ecs.send(new ListClustersCommand({}));
    return (list.clusterArns ?? []).filter((a) => a.endsWith(`/${name}`)).length;
  };

  it('creates a tagged cluster whose observed spec equals the desired one, and re-creating adopts it', async () => {
    const first = await ecsClusterApplier.create(desired, applyCtx(clients));
    const again = await ecsClusterApplier.create(desired, applyCtx(clients));

    const observed = await observeOne(ecsClusterObserver, clients, desired);
    expect(observed?.spec).toEqual(desired.spec);
    expect(observed?.tags).toEqual(desired.tags);
    expect(observed?.health).toBe('Healthy');
    expect(observed?.outputs).toEqual({ arn: first.physicalId, name: 'shop-it' });
    expect(again.physicalId).toBe(first.physicalId);
    expect(await clustersNamed('shop-it')).toBe(1);
  });

  it('sees out-of-band capacity-provider drift as exactly that delta and restores it', async () => {
    await clients.ecs.send(
      new PutClusterCapacityProvidersCommand({
        cluster: 'shop-it',
        capacityProviders: ['FARGATE'],
        defaultCapacityProviderStrategy: [],
      }),
    );
    const drifted = await observeOne(ecsClusterObserver, clients, desired);
    if (!drifted) throw new Error('cluster not observed');
    const deltas = deltasFor(desired, drifted);
    expect(paths(deltas)).toEqual(['capacityProviders']);

    await ecsClusterApplier.update(desired, drifted, deltas, applyCtx(clients));

    const live = await clients.ecs.send(new DescribeClustersCommand({ clusters: ['shop-it'] }));
    expect(live.clusters?.[0]?.capacityProviders).toEqual(['FARGATE', 'FARGATE_SPOT']);
  });

  it('finds an owned cluster that is no longer targeted, so it can be garbage-collected', async () => {
    const all = await ecsClusterObserver.observe([], observeCtx(clients));
    expect(all.map((o) => o.logicalId)).toEqual(['cluster']);
  });

  it('refuses a foreign same-name cluster on create and on delete, leaving it untouched', async () => {
    await clients.ecs.send(new CreateClusterCommand({ clusterName: 'shop-it-foreign' }));
    const foreign = resource('ecs.Cluster', 'cluster/foreign', 'shop-it-foreign', {
      capacityProviders: [],
      clusterName: 'shop-it-foreign',
    });

    await expect(ecsClusterApplier.create(foreign, applyCtx(clients))).rejects.toBeInstanceOf(
      OwnershipConflictError,
    );
    const observed = await observeOne(ecsClusterObserver, clients, foreign);
    if (!observed) throw new Error('foreign cluster not observed');
    await expect(ecsClusterApplier.delete(observed, applyCtx(clients))).rejects.toBeInstanceOf(
      OwnershipConflictError,
    );

    const live = await clients.ecs.send(
      new DescribeClustersCommand({ clusters: ['shop-it-foreign'], include: ['TAGS'] }),
    );
    expect(live.clusters?.[0]?.status).toBe('ACTIVE');
    expect(live.clusters?.[0]?.tags ?? []).toEqual([]);
  });

  it('deletes the cluster, after which it is no longer observed', async () => {
    const observed = await observeOne(ecsClusterObserver, clients, desired);
    if (!observed) throw new Error('cluster not observed');
    await ecsClusterApplier.delete(observed, applyCtx(clients));
    await ecsClusterApplier.delete(observed, applyCtx(clients));

    expect(await observeOne(ecsClusterObserver, clients, desired)).toBeUndefined();
  });
});

const FAMILY = 'shop-it-web';

function taskDefSpec(image: string): Spec {
  return {
    containerDefinitions: [
      {
        command: ['npm', 'start'],
        environment: [
          { name: 'A_FIRST', value: '1' },
          { name: 'B_SECOND', value: '2' },
        ],
        essential: true,
        healthCheck: {
          command: ['CMD-SHELL', 'curl -f http://localhost/ || exit 1'],
          interval: 30,
          retries: 3,
          startPeriod: 0,
          timeout: 5,
        },
        image,
        logConfiguration: {
          logDriver: 'awslogs',
          options: {
            'awslogs-group': '/stackctl/shop/it/web',
            'awslogs-region': 'eu-west-1',
            'awslogs-stream-prefix': 'web',
          },
        },
        name: 'web',
        portMappings: [{ containerPort: 80, protocol: 'tcp' }],
        secrets: [{ name: 'API_KEY', valueFrom: '/stackctl/shop/it/API_KEY' }],
      },
    ],
    cpu: '256',
    executionRoleArn: 'arn:aws:iam::123456789012:role/shop-it-exec',
    family: FAMILY,
    memory: '512',
    networkMode: 'awsvpc',
    requiresCompatibilities: ['FARGATE'],
    taskRoleArn: 'arn:aws:iam::123456789012:role/shop-it-task',
  };
}

describe('ecs.TaskDefinition', () => {
  const desired = resource('ecs.TaskDefinition', 'taskdef/web', FAMILY, taskDefSpec('nginx:1.27'));
  const activeRevisions = async (family: string): Promise<string[]> => {
    const res = await clients.ecs.send(
      new ListTaskDefinitionsCommand({ familyPrefix: family, status: 'ACTIVE' }),
    );
    return res.taskDefinitionArns ?? [];
  };

  it('registers one revision whose observed spec equals the desired one; re-creating registers nothing', async () => {
    const first = await ecsTaskDefinitionApplier.create(desired, applyCtx(clients));
    const again = await ecsTaskDefinitionApplier.create(desired, applyCtx(clients));

    const observed = await observeOne(ecsTaskDefinitionObserver, clients, desired);
    expect(observed?.spec).toEqual(desired.spec);
    expect(observed?.tags).toEqual(desired.tags);
    expect(observed?.outputs).toEqual({ arn: first.physicalId });
    expect(first.physicalId).toMatch(/task-definition\/shop-it-web:1$/);
    expect(again.physicalId).toBe(first.physicalId);
    expect(await activeRevisions(FAMILY)).toEqual([first.physicalId]);
  });

  it('sees an out-of-band image revision as exactly that delta, and update registers the desired one', async () => {
    const web = (desired.spec.containerDefinitions as Spec[])[0] as Spec;
    await clients.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: FAMILY,
        cpu: '256',
        memory: '512',
        networkMode: 'awsvpc',
        requiresCompatibilities: ['FARGATE'],
        executionRoleArn: 'arn:aws:iam::123456789012:role/shop-it-exec',
        taskRoleArn: 'arn:aws:iam::123456789012:role/shop-it-task',
        containerDefinitions: [{ ...toContainerDefinition(web), image: 'nginx:evil' }],
        tags: recordToEcsTags(desired.tags),
      }),
    );

    const drifted = await observeOne(ecsTaskDefinitionObserver, clients, desired);
    if (!drifted) throw new Error('task definition not observed');
    const deltas = deltasFor(desired, drifted);
    expect(deltas).toEqual([
      {
        path: 'containerDefinitions[0].image',
        desired: 'nginx:1.27',
        observed: 'nginx:evil',
        replace: false,
      },
    ]);

    const restored = await ecsTaskDefinitionApplier.update(desired, drifted, deltas, applyCtx(clients));

    expect(restored.physicalId).toMatch(/:3$/);
    expect((await observeOne(ecsTaskDefinitionObserver, clients, desired))?.spec).toEqual(desired.spec);
    expect(
      await deregisterOldRevisions(clients, FAMILY, {
        keep: 1,
        inUse: new Set([restored.physicalId]),
        owner: { project: PROJECT, stack: STACK },
      }),
    ).toHaveLength(2);
    expect(await activeRevisions(FAMILY)).toEqual([restored.physicalId]);
  });

  it('reads ports in compose order and numeric env values (resolved refs) as no drift, registering once', async () => {
    const base = taskDefSpec('api:1');
    const [web] = base.containerDefinitions as Spec[];
    const spec: Spec = {
      ...base,
      family: 'shop-it-api',
      containerDefinitions: [
        {
          ...web,
          name: 'api',
          environment: [{ name: 'DB_PORT', value: 5432 }],
          portMappings: [
            { containerPort: 8080, protocol: 'tcp' },
            { containerPort: 443, protocol: 'tcp' },
          ],
        },
      ],
    };
    const api = resource('ecs.TaskDefinition', 'taskdef/api', 'shop-it-api', spec);

    const first = await ecsTaskDefinitionApplier.create(api, applyCtx(clients));
    const again = await ecsTaskDefinitionApplier.create(api, applyCtx(clients));

    const observed = await observeOne(ecsTaskDefinitionObserver, clients, api);
    if (!observed) throw new Error('task definition not observed');
    expect(deltasFor(api, observed)).toEqual([]);
    expect(again.physicalId).toBe(first.physicalId);
    expect(await activeRevisions('shop-it-api')).toEqual([first.physicalId]);
    await ecsTaskDefinitionApplier.delete(observed, applyCtx(clients));
  });

  it('discovers owned families by prefix without a target', async () => {
    const all = await ecsTaskDefinitionObserver.observe([], observeCtx(clients));
    expect(all.map((o) => o.logicalId)).toEqual(['taskdef/web']);
  });

  it('refuses a foreign family of the same name, registering nothing', async () => {
    const spec = { ...taskDefSpec('busybox'), family: 'shop-it-foreign' };
    await clients.ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'shop-it-foreign',
        containerDefinitions: [{ name: 'x', image: 'busybox', memory: 64 }],
      }),
    );
    const foreign = resource('ecs.TaskDefinition', 'taskdef/foreign', 'shop-it-foreign', spec);

    await expect(ecsTaskDefinitionApplier.create(foreign, applyCtx(clients))).rejects.toBeInstanceOf(
      OwnershipConflictError,
    );
    expect(await activeRevisions('shop-it-foreign')).toHaveLength(1);
  });

  it('deletes every revision of the family, after which it is no longer observed', async () => {
    const observed = await observeOne(ecsTaskDefinitionObserver, clients, desired);
    if (!observed) throw new Error('task definition not observed');
    await ecsTaskDefinitionApplier.delete(observed, applyCtx(clients));

    expect(await activeRevisions(FAMILY)).toEqual([]);
    const inactive = await clients.ecs.send(
      new ListTaskDefinitionsCommand({ familyPrefix: FAMILY, status: 'INACTIVE' }),
    );
    expect(inactive.taskDefinitionArns ?? []).toEqual([]);
    expect(await observeOne(ecsTaskDefinitionObserver, clients, desired)).toBeUndefined();
  });
});
