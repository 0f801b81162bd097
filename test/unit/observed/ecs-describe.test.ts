/**
 * A stack's own ECS service keeps its ownership tags however other readers describe services at the same
 * time. moto keeps DescribeServices' `include` in state shared by all requests of its threaded server:
 * a describe without `TAGS` arriving while one with `TAGS` is answered strips the tags from that answer,
 * and the observer then judged the stack's own service foreign (a `conflict` in `drift --all` under
 * load). The fake below answers like moto does: with the `include` of the LAST request that arrived.
 * aws-sdk-client-mock, because the real race needs a loaded machine to show.
 */
import {
  DescribeServicesCommand,
  type DescribeServicesCommandInput,
  ListServicesCommand,
} from '@aws-sdk/client-ecs';
import { ListNamespacesCommand } from '@aws-sdk/client-servicediscovery';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { createAwsClients } from '../../../src/aws/clients.js';
import { type DesiredResource, type DesiredStack, ref } from '../../../src/desired/resource-types.js';
import { ownershipOf, ownershipTags } from '../../../src/desired/tags.js';
import type { Plan } from '../../../src/diff/types.js';
import { ecsServiceObserver } from '../../../src/observed/ecs-service.js';
import { describeServiceCounts } from '../../../src/observed/service-counts.js';
import { readWiringFacts } from '../../../src/observed/wiring-facts.js';
import { waitUntilServiceHealthy } from '../../../src/reconcilers/ecs-service-health.js';
import type { ApplyReport } from '../../../src/reconcilers/engine-types.js';
import { retireOldRevisions } from '../../../src/reconcilers/task-definition-retention.js';

const clients = createAwsClients({
  region: 'eu-west-1',
  credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
});
const ecs = mockClient(clients.ecs);
const sd = mockClient(clients.servicediscovery);

const ACCOUNT_PREFIX = 'arn:aws:ecs:eu-west-1:123456789012';
const clusterArn = (stack: string): string => `${ACCOUNT_PREFIX}:cluster/tiny-${stack}`;
/** How long the fake waits for a second describe before answering alone. */
const RACE_WINDOW_MS = 200;

/**
 * An ECS that answers DescribeServices as moto does under concurrency: every request first records its
 * `include` in one shared flag, and answers are written once the next describe has arrived, with the
 * flag as the last request left it. Resolves `firstDescribe` when the first describe arrives.
 */
function motoLikeEcs(): { firstDescribe: Promise<void> } {
  let includeTags = true;
  let arrived = 0;
  let release: () => void = () => undefined;
  const bothArrived = new Promise<void>((r) => {
    release = r;
  });
  let markFirst: () => void = () => undefined;
  const firstDescribe = new Promise<void>((r) => {
    markFirst = r;
  });
  ecs.on(ListServicesCommand).resolves({ serviceArns: [] });
  ecs.on(DescribeServicesCommand).callsFake(async (input: DescribeServicesCommandInput) => {
    includeTags = (input.include ?? []).includes('TAGS');
    arrived += 1;
    if (arrived === 1) markFirst();
    if (arrived >= 2) release();
    await Promise.race([bothArrived, new Promise((r) => setTimeout(r, RACE_WINDOW_MS))]);
    const cluster = input.cluster ?? '';
    const stack = cluster.slice(cluster.lastIndexOf('-') + 1);
    return {
      services: (input.services ?? []).map((name) => ({
        serviceName: name,
        serviceArn: `${ACCOUNT_PREFIX}:service/tiny-${stack}/${name}`,
        clusterArn: clusterArn(stack),
        status: 'ACTIVE',
        desiredCount: 1,
        runningCount: 1,
        deployments: [{ status: 'PRIMARY', rolloutState: 'COMPLETED' }],
        ...(includeTags
          ? {
              tags: [...Object.entries(ownershipTags('tiny', stack, `service/${name}`))].map(
                ([key, value]) => ({ key, value }),
              ),
            }
          : {}),
      })),
      failures: [],
    };
  });
  return { firstDescribe };
}

function resource(
  stack: string,
  kind: DesiredResource['kind'],
  logicalId: string,
  name: string,
  spec: DesiredResource['spec'],
): DesiredResource {
  return { kind, logicalId, name, spec, tags: ownershipTags('tiny', stack, logicalId), dependsOn: [] };
}

/** Stack s02 of the tiny app: its cluster and its `web` service. */
const other: DesiredStack = {
  project: 'tiny',
  stack: 's02',
  region: 'eu-west-1',
  mode: 'affordable',
  requiredSecrets: [],
  resources: [
    resource('s02', 'ecs.Cluster', 'cluster', 'tiny-s02', { clusterName: 'tiny-s02' }),
    resource('s02', 'ecs.Service', 'service/web', 'web', {
      cluster: ref('cluster', 'arn'),
      serviceName: 'web',
      taskDefinition: ref('td/web', 'arn'),
    }),
  ],
};
const otherOutputs = new Map([['cluster', { arn: clusterArn('s02') }]]);

/** A finished pass of s02 that rolled out a new revision of `tiny-s02-web` to its `web` service. */
const rolledOut: { plan: Plan; report: ApplyReport } = {
  plan: {
    project: 'tiny',
    stack: 's02',
    steps: [
      {
        logicalId: 'td/web',
        kind: 'ecs.TaskDefinition',
        action: {
          type: 'create',
          desired: resource('s02', 'ecs.TaskDefinition', 'td/web', 'tiny-s02-web', {
            family: 'tiny-s02-web',
          }),
        },
        after: [],
      },
      {
        logicalId: 'service/web',
        kind: 'ecs.Service',
        action: { type: 'create', desired: other.resources[1] as DesiredResource },
        after: ['td/web'],
      },
    ],
    summary: { create: 2, update: 0, replace: 0, noop: 0, conflict: 0, skip: 0, delete: 0 },
  },
  report: {
    project: 'tiny',
    stack: 's02',
    results: [
      { logicalId: 'td/web', kind: 'ecs.TaskDefinition', action: 'create', status: 'applied', durationMs: 1 },
      { logicalId: 'service/web', kind: 'ecs.Service', action: 'create', status: 'applied', durationMs: 1 },
    ],
    summary: { applied: 2, noop: 0, failed: 0, blocked: 0, skipped: 0, conflict: 0 },
    ok: true,
    durationMs: 2,
  },
};

afterEach(() => {
  ecs.reset();
  sd.reset();
});

describe('a stack observed while another reader describes services', () => {
  it.each([
    {
      reason: 'drift --all observes two stacks at once',
      read: () =>
        ecsServiceObserver.observe(
          [
            {
              logicalId: 'service/web',
              name: 'web',
              spec: { cluster: ref('cluster', 'arn'), serviceName: 'web' },
            },
          ],
          { clients, project: 'tiny', stack: 's02', outputs: otherOutputs },
        ),
    },
    {
      reason: 'drift --all checks the wiring of one stack while it observes another',
      read: () =>
        readWiringFacts({
          clients,
          desired: other,
          outputs: otherOutputs,
          namespaceName: 's02.tiny.internal',
        }),
    },
    {
      reason: 'status counts the tasks of one stack while it observes another',
      read: () => describeServiceCounts(clients, other),
    },
    {
      reason: 'a reconcile waits for a service to become healthy while another stack is observed',
      read: () =>
        waitUntilServiceHealthy(
          { clients, project: 'tiny', stack: 's02', clientToken: 'tok' },
          clusterArn('s02'),
          'web',
          'service/web',
          { sleep: async () => undefined, pollIntervalMs: 1, maxWaitMs: 1 },
        ),
    },
    {
      reason: 'a reconcile retires old revisions (services using them) while another stack is observed',
      read: () =>
        retireOldRevisions({
          clients,
          ...rolledOut,
          outputs: otherOutputs,
          owner: { project: 'tiny', stack: 's02' },
        }),
    },
  ])('keeps its own service owned: $reason', async ({ read }) => {
    sd.on(ListNamespacesCommand).resolves({ Namespaces: [] });
    const { firstDescribe } = motoLikeEcs();
    const observing = ecsServiceObserver.observe(
      [
        {
          logicalId: 'service/web',
          name: 'web',
          spec: { cluster: ref('cluster', 'arn'), serviceName: 'web' },
        },
      ],
      { clients, project: 'tiny', stack: 's01', outputs: new Map([['cluster', { arn: clusterArn('s01') }]]) },
    );
    await firstDescribe;
    const [observed] = await Promise.all([observing, read()]);
    expect(observed.map((o) => [o.logicalId, ownershipOf(o.tags, 'tiny', 's01').kind])).toEqual([
      ['service/web', 'owned'],
    ]);
  });
});
