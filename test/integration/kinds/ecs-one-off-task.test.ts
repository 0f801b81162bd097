/**
 * ecs.OneOffTask observer and applier against a real moto server (tasks reach STOPPED with exit code 0
 * once the `ecs::task` transition is immediate). Failures and still-running tasks, which moto cannot
 * produce, are injected into DescribeTasks answers with SDK middleware on a moto-backed client.
 */
import {
  DescribeTasksCommand,
  type DescribeTasksCommandOutput,
  ListTasksCommand,
  RegisterTaskDefinitionCommand,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AwsClients } from '../../../src/aws/types.js';
import type { Spec } from '../../../src/desired/resource-types.js';
import { oneOffStartedBy } from '../../../src/observed/ecs-common.js';
import { ecsOneOffTaskObserver } from '../../../src/observed/ecs-one-off-task.js';
import { ecsClusterApplier } from '../../../src/reconcilers/ecs-cluster.js';
import { createEcsOneOffTaskApplier } from '../../../src/reconcilers/ecs-one-off-task.js';
import { motoClients } from '../../helpers/aws.js';
import { type MotoServer, startMoto } from '../../helpers/moto.js';
import {
  applyCtx,
  createNetwork,
  INSTANT_WAIT,
  type Network,
  observeOne,
  resource,
} from './kind-fixtures.js';

let moto: MotoServer;
let clients: AwsClients;
let net: Network;
let clusterArn: string;
const applier = createEcsOneOffTaskApplier(INSTANT_WAIT);

beforeAll(async () => {
  moto = await startMoto();
  clients = motoClients(moto.endpoint);
  await fetch(`${moto.endpoint}/moto-api/state-manager/set-transition`, {
    method: 'POST',
    body: JSON.stringify({ model_name: 'ecs::task', transition: { progression: 'immediate' } }),
  });
  net = await createNetwork(clients);
  const cluster = resource('ecs.Cluster', 'cluster', 'shop-it', {
    capacityProviders: ['FARGATE', 'FARGATE_SPOT'],
    clusterName: 'shop-it',
  });
  clusterArn = (await ecsClusterApplier.create(cluster, applyCtx(clients))).physicalId;
});
afterAll(async () => {
  await moto?.stop();
});

/**
 * A migration task definition. Registered directly: moto 5.2.1's RunTask needs a container-level
 * `memoryReservation`, which the ContainerDef spec does not render (Fargate sizes the task instead).
 */
async function registerMigration(image: string): Promise<string> {
  const res = await clients.ecs.send(
    new RegisterTaskDefinitionCommand({
      family: 'shop-it-migrate',
      cpu: '256',
      memory: '512',
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      containerDefinitions: [{ name: 'migrate', image, essential: true, memoryReservation: 128 }],
    }),
  );
  return res.taskDefinition?.taskDefinitionArn ?? '';
}

function oneOff(taskDefinition: string): ReturnType<typeof resource> {
  const spec: Spec = {
    capacityProviderStrategy: [{ capacityProvider: 'FARGATE', weight: 1 }],
    cluster: clusterArn,
    networkConfiguration: {
      assignPublicIp: 'ENABLED',
      securityGroups: [net.securityGroups[0] as string],
      subnets: [...net.subnets],
    },
    taskDefinition,
  };
  return resource('ecs.OneOffTask', 'task/migrate', 'shop-it-migrate', spec);
}

async function runsOf(taskDefinition: string): Promise<string[]> {
  const out: string[] = [];
  for (const desiredStatus of ['RUNNING', 'STOPPED'] as const) {
    const res = await clients.ecs.send(
      new ListTasksCommand({
        cluster: clusterArn,
        startedBy: oneOffStartedBy(taskDefinition),
        desiredStatus,
      }),
    );
    out.push(...(res.taskArns ?? []));
  }
  return out;
}

/** A client whose DescribeTasks answers are rewritten by `mutate` (what moto cannot do by itself). */
function tampered(
  mutate: (task: NonNullable<DescribeTasksCommandOutput['tasks']>[number]) => void,
): AwsClients {
  const c = motoClients(moto.endpoint);
  c.ecs.middlewareStack.add(
    (next, context) => async (args) => {
      const result = await next(args);
      if (context.commandName === 'DescribeTasksCommand') {
        for (const t of (result.output as DescribeTasksCommandOutput).tasks ?? []) mutate(t);
      }
      return result;
    },
    { step: 'initialize', name: 'tamperDescribeTasks' },
  );
  return c;
}

describe('ecs.OneOffTask', () => {
  it('runs the task to success, observes it as done for that ARN, and does not run it twice', async () => {
    const td = await registerMigration('migrate:1');
    const desired = oneOff(td);

    const first = await applier.create(desired, applyCtx(clients));
    const again = await applier.create(desired, applyCtx(clients));

    const live = await clients.ecs.send(
      new DescribeTasksCommand({ cluster: clusterArn, tasks: [first.physicalId], include: ['TAGS'] }),
    );
    expect(live.tasks?.[0]?.lastStatus).toBe('STOPPED');
    expect(live.tasks?.[0]?.startedBy).toBe(oneOffStartedBy(td));
    expect(live.tasks?.[0]?.tags).toEqual(
      expect.arrayContaining([{ key: 'stackctl:logical-id', value: 'task/migrate' }]),
    );
    expect(again.physicalId).toBe(first.physicalId);
    expect(await runsOf(td)).toEqual([first.physicalId]);
    const observed = await observeOne(ecsOneOffTaskObserver, clients, desired);
    expect(observed?.spec).toEqual(desired.spec);
    expect(observed?.health).toBe('Healthy');
  });

  it('treats a new task-definition revision as not yet run, and update runs it', async () => {
    const td = await registerMigration('migrate:2');
    const desired = oneOff(td);
    expect(await observeOne(ecsOneOffTaskObserver, clients, desired)).toBeUndefined();

    const previous = await observeOne(ecsOneOffTaskObserver, clients, oneOff(td.replace(/:2$/, ':1')));
    if (!previous) throw new Error('first run not observed');
    await applier.update(
      desired,
      previous,
      [{ path: 'taskDefinition', desired: td, observed: previous.spec.taskDefinition, replace: false }],
      applyCtx(clients),
    );

    expect(await runsOf(td)).toHaveLength(1);
    expect((await observeOne(ecsOneOffTaskObserver, clients, desired))?.health).toBe('Healthy');
  });

  it('reports a non-zero exit as ONE_OFF_TASK_FAILED and Degraded; a retry starts a new task', async () => {
    const td = await registerMigration('migrate:broken');
    const desired = oneOff(td);
    const failing = tampered((t) => {
      t.stopCode = 'EssentialContainerExited';
      t.stoppedReason = 'Essential container in task exited';
      for (const c of t.containers ?? []) c.exitCode = 3;
    });

    await expect(applier.create(desired, applyCtx(failing))).rejects.toMatchObject({
      code: 'ONE_OFF_TASK_FAILED',
      message: expect.stringContaining('exit code 3'),
    });
    const observed = await observeOne(ecsOneOffTaskObserver, failing, desired);
    expect(observed?.health).toBe('Degraded');
    expect(observed?.healthReason).toContain('Essential container in task exited');
    expect(observed?.spec.taskDefinition).toBeUndefined();

    await expect(applier.create(desired, applyCtx(failing))).rejects.toMatchObject({
      code: 'ONE_OFF_TASK_FAILED',
    });
    expect(await runsOf(td)).toHaveLength(2);
  });

  it('stops a run still in progress when the one-off task is deleted', async () => {
    const td = await registerMigration('migrate:long');
    const desired = oneOff(td);
    await applier.create(desired, applyCtx(clients));
    const running = tampered((t) => {
      if (t.desiredStatus === 'RUNNING') t.lastStatus = 'RUNNING';
    });
    const observed = await observeOne(ecsOneOffTaskObserver, running, desired);
    if (!observed) throw new Error('run not observed');
    expect(observed.health).toBe('Progressing');

    await applier.delete(observed, applyCtx(running));

    const live = await clients.ecs.send(
      new DescribeTasksCommand({ cluster: clusterArn, tasks: [observed.physicalId] }),
    );
    expect(live.tasks?.[0]?.desiredStatus).toBe('STOPPED');
    expect(live.tasks?.[0]?.stoppedReason).toContain('removed from the stack');
  });
});
