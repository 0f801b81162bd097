/**
 * Against a real moto server, through reconcile passes: after a rollout, a task definition family keeps
 * its newest TASK_DEFINITION_REVISIONS_KEPT (5) ACTIVE revisions and the older ones are deregistered,
 * never the revision the service runs on nor one a running task uses (issue 10: revisions were never
 * deregistered, `deregisterOldRevisions` was never called).
 */
import {
  ListTaskDefinitionsCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AwsClients } from '../../../src/aws/types.js';
import {
  type DesiredResource,
  type DesiredStack,
  ref,
  type Spec,
} from '../../../src/desired/resource-types.js';
import { ownershipTags } from '../../../src/desired/tags.js';
import { createEcsServiceApplier } from '../../../src/reconcilers/ecs-service.js';
import { reconcilePass } from '../../../src/reconcilers/reconcile-stack.js';
import { createAppliers } from '../../../src/reconcilers/registry.js';
import { TASK_DEFINITION_REVISIONS_KEPT } from '../../../src/reconcilers/task-definition-retention.js';
import { motoClients } from '../../helpers/aws.js';
import { type MotoServer, startMoto } from '../../helpers/moto.js';
import { createNetwork, INSTANT_WAIT, type Network, PROJECT, STACK } from './kind-fixtures.js';

const FAMILY = `${PROJECT}-${STACK}-web`;

let moto: MotoServer;
let clients: AwsClients;
let net: Network;

beforeAll(async () => {
  moto = await startMoto();
  clients = motoClients(moto.endpoint);
  net = await createNetwork(clients, '10.60.0.0/16');
});
afterAll(async () => {
  await moto?.stop();
});

function res(kind: DesiredResource['kind'], logicalId: string, name: string, spec: Spec): DesiredResource {
  return { kind, logicalId, name, spec, tags: ownershipTags(PROJECT, STACK, logicalId), dependsOn: [] };
}

function taskDefSpec(image: string): Spec {
  return {
    containerDefinitions: [
      { essential: true, image, name: 'web', portMappings: [{ containerPort: 80, protocol: 'tcp' }] },
    ],
    cpu: '256',
    family: FAMILY,
    memory: '512',
    networkMode: 'awsvpc',
    requiresCompatibilities: ['FARGATE'],
  };
}

const network = () => ({
  assignPublicIp: 'ENABLED',
  securityGroups: [net.securityGroups[0] as string],
  subnets: [...net.subnets],
});

function stackWith(image: string): DesiredStack {
  return {
    project: PROJECT,
    stack: STACK,
    region: 'eu-west-1',
    mode: 'affordable',
    requiredSecrets: [],
    resources: [
      res('ecs.Cluster', 'cluster', `${PROJECT}-${STACK}`, {
        capacityProviders: ['FARGATE', 'FARGATE_SPOT'],
        clusterName: `${PROJECT}-${STACK}`,
      }),
      res('ecs.Service', 'service/web', 'web', {
        capacityProviderStrategy: [{ capacityProvider: 'FARGATE', weight: 1 }],
        cluster: ref('cluster', 'arn'),
        deploymentConfiguration: {
          deploymentCircuitBreaker: { enable: true, rollback: true },
          maximumPercent: 200,
          minimumHealthyPercent: 100,
        },
        desiredCount: 1,
        enableExecuteCommand: false,
        loadBalancers: [],
        networkConfiguration: network(),
        serviceName: 'web',
        taskDefinition: ref('taskdef/web', 'arn'),
      }),
      res('ecs.TaskDefinition', 'taskdef/web', FAMILY, taskDefSpec(image)),
    ],
  };
}

const appliers = new Map(createAppliers({ finalSnapshot: false }));
appliers.set('ecs.Service', createEcsServiceApplier(INSTANT_WAIT));
const pass = (image: string) =>
  reconcilePass({ desired: stackWith(image), clients, finalSnapshot: false, appliers });

async function active(): Promise<string[]> {
  const out = await clients.ecs.send(
    new ListTaskDefinitionsCommand({ familyPrefix: FAMILY, status: 'ACTIVE' }),
  );
  const revision = (arn: string) => Number(arn.slice(arn.lastIndexOf(':') + 1));
  return (out.taskDefinitionArns ?? []).sort((a, b) => revision(a) - revision(b));
}
const rev = (n: number) => `arn:aws:ecs:eu-west-1:123456789012:task-definition/${FAMILY}:${n}`;

describe('task definition revisions kept after a rollout', () => {
  it('keeps the newest 5 ACTIVE revisions, the one the service runs on among them, and never touches one not its own', async () => {
    expect((await pass('nginx:1')).report.ok).toBe(true);
    // Seven more revisions registered out of band (earlier deploys): eight ACTIVE. :2 was registered by
    // hand without stackctl's tags: not the stack's, so never deregistered by it.
    const { tags: _owned, ...untagged } = taskDefInput('nginx:2');
    await clients.ecs.send(new RegisterTaskDefinitionCommand(untagged));
    for (let i = 3; i <= 8; i++) {
      await clients.ecs.send(new RegisterTaskDefinitionCommand({ ...taskDefInput(`nginx:${i}`) }));
    }
    expect(await active()).toHaveLength(8);

    const result = await pass('nginx:9'); // registers :9 and rolls the service out to it

    expect(result.report.ok).toBe(true);
    expect(TASK_DEFINITION_REVISIONS_KEPT).toBe(5);
    // The newest five, plus :1, which the service still uses (moto keeps the service's first
    // deployment, on :1, next to the new one, so it counts as in use), plus the untagged :2.
    expect(await active()).toEqual([rev(1), rev(2), rev(5), rev(6), rev(7), rev(8), rev(9)]);
    expect(result.revisionCleanup).toEqual([{ family: FAMILY, deregistered: [rev(3), rev(4)] }]);
  });

  it('never deregisters a revision a running task uses, however old', async () => {
    const cluster = `arn:aws:ecs:eu-west-1:123456789012:cluster/${PROJECT}-${STACK}`;
    await clients.ecs.send(
      new RunTaskCommand({
        cluster,
        taskDefinition: rev(5),
        count: 1,
        launchType: 'FARGATE',
        networkConfiguration: {
          awsvpcConfiguration: {
            subnets: [...net.subnets],
            securityGroups: [net.securityGroups[0] as string],
            assignPublicIp: 'ENABLED',
          },
        },
      }),
    );

    const result = await pass('nginx:10'); // :10 registered: the newest five are 6..10

    expect(result.report.ok).toBe(true);
    // :5 has fallen out of the newest five but a running task uses it; :1 is still the service's.
    expect(await active()).toEqual([rev(1), rev(2), rev(5), rev(6), rev(7), rev(8), rev(9), rev(10)]);
    expect(result.revisionCleanup).toEqual([{ family: FAMILY, deregistered: [] }]);
  });

  it('a pass with nothing to roll out deregisters nothing', async () => {
    const result = await pass('nginx:10');
    expect(result.report.summary.applied ?? 0).toBe(0);
    expect(result.revisionCleanup).toEqual([]);
  });
});

/** A RegisterTaskDefinition input for a revision of the family made outside a pass (an earlier deploy). */
function taskDefInput(image: string) {
  return {
    family: FAMILY,
    cpu: '256',
    memory: '512',
    networkMode: 'awsvpc' as const,
    requiresCompatibilities: ['FARGATE' as const],
    // moto's RunTask needs a container-level memoryReservation (test 2 runs a task on one of these).
    containerDefinitions: [
      {
        essential: true,
        image,
        name: 'web',
        memoryReservation: 128,
        portMappings: [{ containerPort: 80, protocol: 'tcp' as const }],
      },
    ],
    tags: Object.entries(ownershipTags(PROJECT, STACK, 'taskdef/web')).map(([key, value]) => ({
      key,
      value,
    })),
  };
}
