/**
 * End to end against a real moto server, through the library's reconcile pass (so SDK middleware can
 * inject what moto cannot show): the ordering compose's `depends_on` conditions ask for, and the
 * autoscaler's ownership of a service's desired count.
 *
 * - A migration (`restart: "no"`, awaited with service_completed_successfully) runs again for every new
 *   task definition; when it exits non-zero the rollout stops with the task's stop reason and the
 *   dependents keep serving their previous task definitions; once it succeeds they roll out.
 * - `service_healthy` holds the dependent's creation until the dependency's rollout completed; a failed
 *   rollout keeps it from being created at all.
 * - With autoscaling, a desired count changed by the scaler is not drift: the plan stays empty.
 */
import { join } from 'node:path';
import {
  DescribeScalableTargetsCommand,
  DescribeScalingPoliciesCommand,
} from '@aws-sdk/client-application-auto-scaling';
import { ListTasksCommand, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AwsClients } from '../../src/aws/types.js';
import { loadStackProject } from '../../src/desired/load-project.js';
import { oneOffStartedBy } from '../../src/observed/ecs-common.js';
import { createEcsServiceApplier } from '../../src/reconcilers/ecs-service.js';
import { type PassInput, planPass, reconcilePass } from '../../src/reconcilers/reconcile-stack.js';
import { createAppliers } from '../../src/reconcilers/registry.js';
import { shimAasTags } from '../helpers/aas-tag-shim.js';
import { motoClients } from '../helpers/aws.js';
import { type DataEnv, startDataE2e } from './data-helpers/data-env.js';
import { FAILED_STOP_REASON, failTasks, fakeRollout } from './data-helpers/ecs-faults.js';
import { liveEcsService } from './data-helpers/live-data.js';
import { removeProjects, stackFile, writeProject } from './data-helpers/projects.js';
import { copyShop, editFile, removeWorkspaces } from './helpers/workspace.js';

const TIMEOUT_MS = 180_000;

let env: DataEnv;

beforeAll(async () => {
  env = await startDataE2e();
});
afterAll(async () => {
  await env?.stop();
  await removeWorkspaces();
  await removeProjects();
});

/**
 * One reconcile pass of `stack` in `dir` with `clients`. Without a state table: what these tests assert
 * is ordering in AWS, and the journal (covered elsewhere) would only add DynamoDB writes to moto.
 */
async function pass(dir: string, stack: string, clients: AwsClients, extra: Partial<PassInput> = {}) {
  const { desired, resolved } = loadStackProject({
    cwd: dir,
    stack,
    env: process.env as Record<string, string>,
  });
  return reconcilePass({
    desired,
    clients,
    finalSnapshot: resolved.preset.finalSnapshotOnDelete,
    ...extra,
  });
}

const byId = (report: Awaited<ReturnType<typeof pass>>['report']) =>
  new Map(report.results.map((r) => [r.logicalId, r]));

async function runsOf(taskDefinitionArn: string): Promise<number> {
  let n = 0;
  for (const desiredStatus of ['RUNNING', 'STOPPED'] as const) {
    const res = await env.clients.ecs.send(
      new ListTasksCommand({
        cluster: 'shop-dev',
        startedBy: oneOffStartedBy(taskDefinitionArn),
        desiredStatus,
      }),
    );
    n += res.taskArns?.length ?? 0;
  }
  return n;
}

describe('a migration task gates the rollout of the services that await it', () => {
  it(
    'runs again on an image change; exiting non-zero stops the rollout and leaves the previous task definitions serving',
    async () => {
      const dir = await copyShop();
      expect((await env.cliIn(dir)('config', 'set', 'API_TOKEN', '--random', '--stack', 'dev')).code).toBe(0);
      const initial = await pass(dir, 'dev', env.clients);
      expect(
        initial.report.ok,
        JSON.stringify(initial.report.results.filter((r) => r.status !== 'applied')),
      ).toBe(true);
      const before = await liveEcsService(env.clients, 'shop-dev', 'api');
      const oldMigrate = (await env.clients.ecs.send(new ListTasksCommand({ cluster: 'shop-dev' }))).taskArns;
      expect(oldMigrate).toBeDefined();

      // A release: new images for the api and its migration.
      await editFile(join(dir, '.stackctl', 'dev.yaml'), (t) =>
        t.replace(
          'services:\n  api:\n',
          'services:\n  migrate:\n    image: postgres:16.4-alpine\n  api:\n    image: nginxdemos/hello:0.4\n',
        ),
      );
      const failing = motoClients(env.endpoint);
      const fault = failTasks(
        failing.ecs,
        (arn) => arn.includes(':task-definition/shop-dev-migrate:') && !arn.endsWith(':1'),
      );

      const failed = await pass(dir, 'dev', failing);

      const results = byId(failed.report);
      expect(failed.report.ok).toBe(false);
      expect(results.get('task/migrate')).toMatchObject({
        status: 'failed',
        error: {
          code: 'ONE_OFF_TASK_FAILED',
          message: expect.stringContaining(`exit code 1: EssentialContainerExited; ${FAILED_STOP_REASON}`),
        },
      });
      expect(results.get('service/api')).toMatchObject({
        status: 'blocked',
        message: expect.stringContaining('task/migrate (failed)'),
      });
      // web's own image did not change: it is not part of this rollout and keeps running as it was.
      expect(results.get('service/web')).toMatchObject({ status: 'noop' });
      const during = await liveEcsService(env.clients, 'shop-dev', 'api');
      expect(during?.taskDefinition).toBe(before?.taskDefinition);
      const newMigrate =
        failed.outputs.get('taskdef/migrate')?.arn ?? results.get('taskdef/migrate')?.physicalId;
      expect(String(newMigrate)).toMatch(/shop-dev-migrate:2$/);
      expect(await runsOf(String(newMigrate))).toBe(1);

      // The migration is fixed (its next run exits 0); the failed run stays failed.
      fault.off();
      const fixed = await pass(dir, 'dev', failing);

      expect(fixed.report.ok).toBe(true);
      expect(byId(fixed.report).get('task/migrate')).toMatchObject({ status: 'applied' });
      expect(await runsOf(String(newMigrate))).toBe(2);
      const after = await liveEcsService(env.clients, 'shop-dev', 'api');
      expect(after?.taskDefinition).toMatch(/shop-dev-api:2$/);
      expect(after?.taskDefinition).not.toBe(before?.taskDefinition);
    },
    TIMEOUT_MS,
  );
});

const GATED_APP = `name: gated
services:
  web:
    image: nginx:1.27-alpine
    ports: ["80:80"]
    depends_on: { api: { condition: service_healthy } }
  api:
    image: nginxdemos/hello:0.4-plain-text
    expose: [80]
`;

describe('service_healthy holds the dependent until the dependency is healthy', () => {
  /** Appliers whose health wait polls without sleeping. */
  const appliers = () =>
    new Map(createAppliers({ finalSnapshot: false })).set(
      'ecs.Service',
      createEcsServiceApplier({ sleep: async () => {}, pollIntervalMs: 1_000, maxWaitMs: 60_000 }),
    );

  it(
    'creates the dependent only after the rollout completed; a failed rollout keeps it from being created',
    async () => {
      const dir = await writeProject('gated', GATED_APP, {
        one: stackFile('affordable', '10.51.0.0/16'),
        two: stackFile('affordable', '10.52.0.0/16'),
      });

      const slow = motoClients(env.endpoint);
      const rollout = fakeRollout(slow.ecs, 'api', ['IN_PROGRESS', 'IN_PROGRESS', 'COMPLETED']);
      const gated = await pass(dir, 'one', slow, { appliers: appliers() });

      expect(gated.report.ok).toBe(true);
      const webCreated = rollout.log.indexOf('create web') + 1;
      expect(rollout.log.slice(0, webCreated)).toEqual([
        'create api',
        'describe api IN_PROGRESS',
        'describe api IN_PROGRESS',
        'describe api COMPLETED',
        'create web',
      ]);
      // After the pass, only reads (the old-revision cleanup asks which revisions the services use).
      expect(rollout.log.slice(webCreated).filter((l) => !l.startsWith('describe '))).toEqual([]);

      const broken = motoClients(env.endpoint);
      fakeRollout(broken.ecs, 'api', ['IN_PROGRESS', 'FAILED']);
      const refused = await pass(dir, 'two', broken, { appliers: appliers() });

      expect(byId(refused.report).get('service/api')).toMatchObject({
        status: 'failed',
        error: {
          code: 'SERVICE_UNHEALTHY',
          message: expect.stringContaining('tasks failed their health checks'),
        },
      });
      expect(byId(refused.report).get('service/web')).toMatchObject({ status: 'blocked' });
      expect(await liveEcsService(env.clients, 'gated-two', 'web')).toBeUndefined();

      // Once the service is healthy (moto's own answer), the next pass creates the dependent.
      const healed = await pass(dir, 'two', env.clients, { appliers: appliers() });
      expect(byId(healed.report).get('service/api')).toMatchObject({ status: 'noop' });
      expect(byId(healed.report).get('service/web')).toMatchObject({ status: 'applied' });
      expect(await liveEcsService(env.clients, 'gated-two', 'web')).toBeDefined();
    },
    TIMEOUT_MS,
  );
});

const SCALED_APP = `name: scaled
services:
  api:
    image: nginxdemos/hello:0.4-plain-text
    ports: ["80:80"]
    x-stackctl-autoscaling: { min: 2, max: 5, targetCpu: 60 }
`;

describe('autoscaling owns the desired count', () => {
  it(
    'registers the target and CPU policy; a count the scaler changed is not drift',
    async () => {
      const dir = await writeProject('scaled', SCALED_APP, { dev: stackFile('affordable', '10.61.0.0/16') });
      const clients = motoClients(env.endpoint);
      shimAasTags(clients.autoscaling);

      const first = await pass(dir, 'dev', clients);

      expect(first.report.ok).toBe(true);
      const resourceId = 'service/scaled-dev/api';
      const targets = await clients.autoscaling.send(
        new DescribeScalableTargetsCommand({ ServiceNamespace: 'ecs', ResourceIds: [resourceId] }),
      );
      expect(targets.ScalableTargets?.map((t) => [t.MinCapacity, t.MaxCapacity])).toEqual([[2, 5]]);
      const policies = await clients.autoscaling.send(
        new DescribeScalingPoliciesCommand({ ServiceNamespace: 'ecs', ResourceId: resourceId }),
      );
      expect(policies.ScalingPolicies?.[0]?.TargetTrackingScalingPolicyConfiguration).toMatchObject({
        TargetValue: 60,
        PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' },
      });

      // The scaler scales out, out of band.
      await clients.ecs.send(
        new UpdateServiceCommand({ cluster: 'scaled-dev', service: 'api', desiredCount: 4 }),
      );
      const { desired, resolved } = loadStackProject({
        cwd: dir,
        stack: 'dev',
        env: process.env as Record<string, string>,
      });
      const { plan } = await planPass({
        desired,
        clients,
        finalSnapshot: resolved.preset.finalSnapshotOnDelete,
      });

      expect(plan.steps.filter((s) => s.action.type !== 'noop')).toEqual([]);
      const again = await pass(dir, 'dev', clients);
      expect(again.report.summary).toMatchObject({ applied: 0, failed: 0 });
      expect((await liveEcsService(clients, 'scaled-dev', 'api'))?.desiredCount).toBe(4);
    },
    TIMEOUT_MS,
  );
});
