import { describe, expect, it, vi } from 'vitest';
import type { AwsClients } from '../../../src/aws/types.js';
import { type DesiredResource, type ResourceKind, ref } from '../../../src/desired/resource-types.js';
import { type PlanInput, planStack } from '../../../src/diff/plan-stack.js';
import type { Plan } from '../../../src/diff/types.js';
import { applyPlan, DEFAULT_APPLY_CONCURRENCY } from '../../../src/reconcilers/engine.js';
import type {
  ApplyPlanInput,
  JournalHooks,
  ProgressEvent,
  StepRunner,
} from '../../../src/reconcilers/engine-types.js';
import { desired, PROJECT, STACK } from '../diff/fixtures.js';
import { awsError, FakeCloud } from './fake-cloud.js';

const KINDS: readonly ResourceKind[] = [
  'ec2.Vpc',
  'ec2.Subnet',
  'ec2.SecurityGroup',
  'logs.LogGroup',
  'elbv2.TargetGroup',
  'ecs.Service',
  'ecs.TaskDefinition',
];
const noRetry: StepRunner = (fn) => fn();

const vpc = desired('ec2.Vpc', 'vpc', { cidrBlock: '10.0.0.0/16' });
const subnet = (az: string) =>
  desired('ec2.Subnet', `subnet/${az}`, { vpcId: ref('vpc', 'id'), availabilityZone: az });
const service = (svc: string, subnetId: string, extra = {}) =>
  desired('ecs.Service', `service/${svc}`, { subnets: [ref(subnetId, 'id')], desiredCount: 1, ...extra });

function planFor(
  cloud: FakeCloud,
  resources: readonly DesiredResource[],
  extra: Partial<PlanInput> = {},
): Plan {
  return planStack({
    project: PROJECT,
    stack: STACK,
    desired: resources,
    observed: cloud.observe(),
    ...extra,
  });
}

/** Applies with a runner that does not retry, unless `realRetry` asks for the default (retryStep). */
function apply(cloud: FakeCloud, plan: Plan, extra: Partial<ApplyPlanInput> & { realRetry?: boolean } = {}) {
  const { realRetry, ...rest } = extra;
  const outputs = new Map(cloud.observe().map((o) => [o.logicalId, o.outputs]));
  return applyPlan({
    plan,
    appliers: cloud.appliers(KINDS),
    ctx: { clients: {} as AwsClients, project: PROJECT, stack: STACK },
    outputs,
    ...(realRetry ? {} : { runStep: noRetry }),
    ...rest,
  });
}

function statuses(report: Awaited<ReturnType<typeof apply>>): Record<string, string> {
  return Object.fromEntries(report.results.map((r) => [r.logicalId, r.status]));
}

describe('applyPlan', () => {
  it('creates in dependency order, resolving refs from outputs of earlier steps, and converges', async () => {
    const cloud = new FakeCloud();
    const resources = [vpc, subnet('a'), service('web', 'subnet/a')];

    const report = await apply(cloud, planFor(cloud, resources));

    expect(report.ok).toBe(true);
    expect(cloud.finished).toEqual(['create vpc', 'create subnet/a', 'create service/web']);
    const [sub] = cloud.byLogicalId('subnet/a');
    const [svc] = cloud.byLogicalId('service/web');
    expect(sub?.spec.vpcId).toBe('ec2.Vpc/vpc');
    expect(svc?.spec.subnets).toEqual(['ec2.Subnet/subnet-a']);
    expect(planFor(cloud, resources).summary).toMatchObject({
      noop: 3,
      create: 0,
      update: 0,
      replace: 0,
      delete: 0,
    });
  });

  it.each([
    { reason: 'an explicit bound', concurrency: 3, count: 12, want: 3 },
    { reason: 'the default bound', concurrency: undefined, count: 20, want: DEFAULT_APPLY_CONCURRENCY },
  ])('never runs more steps at once than $reason', async ({ concurrency, count, want }) => {
    const cloud = new FakeCloud();
    const logs = Array.from({ length: count }, (_, i) => desired('logs.LogGroup', `log/${i}`, {}));

    const report = await apply(cloud, planFor(cloud, logs), concurrency === undefined ? {} : { concurrency });

    expect(report.summary.applied).toBe(count);
    expect(cloud.resources.size).toBe(count);
    expect(cloud.maxInFlight).toBe(want);
  });

  it('blocks the dependents of a failed step but not its siblings', async () => {
    const cloud = new FakeCloud();
    cloud.failures.set('create subnet/a', [awsError('InvalidParameterValue')]);
    const resources = [vpc, subnet('a'), subnet('b'), service('a', 'subnet/a'), service('b', 'subnet/b')];

    const report = await apply(cloud, planFor(cloud, resources));

    expect(statuses(report)).toEqual({
      vpc: 'applied',
      'subnet/a': 'failed',
      'subnet/b': 'applied',
      'service/a': 'blocked',
      'service/b': 'applied',
    });
    expect(report.ok).toBe(false);
    expect(cloud.log).not.toContain('create service/a');
    expect(cloud.byLogicalId('service/b')).toHaveLength(1);
    expect(report.results.find((r) => r.logicalId === 'service/a')?.message).toBe(
      'waiting on subnet/a (failed)',
    );
  });

  it('retries a retryable error and then succeeds', async () => {
    const cloud = new FakeCloud();
    cloud.failures.set('create vpc', [awsError('ThrottlingException'), awsError('DependencyViolation')]);
    const events: ProgressEvent[] = [];

    const report = await apply(cloud, planFor(cloud, [vpc]), {
      realRetry: true,
      retry: { minTimeoutMs: 0, maxTimeoutMs: 0 },
      onProgress: (e) => events.push(e),
    });

    expect(statuses(report)).toEqual({ vpc: 'applied' });
    expect(cloud.log.filter((l) => l === 'create vpc')).toHaveLength(3);
    expect(events.map((e) => e.type)).toEqual(['start', 'retry', 'retry', 'done']);
    // Structured, so operator logs can say what a long step waits on without parsing the message.
    expect(events.filter((e) => e.type === 'retry').map((e) => [e.retryReason, e.error?.code])).toEqual([
      ['throttle', 'ThrottlingException'],
      ['dependency', 'DependencyViolation'],
    ]);
    expect(cloud.byLogicalId('vpc')).toHaveLength(1);
  });

  it('does not retry a permanent error and reports its code', async () => {
    const cloud = new FakeCloud();
    cloud.failures.set('create vpc', [awsError('ValidationException', 'bad cidr')]);

    const report = await apply(cloud, planFor(cloud, [vpc]), {
      realRetry: true,
      retry: { minTimeoutMs: 0 },
    });

    expect(report.results[0]).toMatchObject({
      status: 'failed',
      error: { code: 'ValidationException', message: 'bad cidr' },
    });
    expect(cloud.log).toEqual(['create vpc']);
    expect(cloud.resources.size).toBe(0);
  });

  it('writes the journal intent before a create and the id after it', async () => {
    const cloud = new FakeCloud();
    const tokens: string[] = [];
    const journal: string[] = [];
    const hooks: JournalHooks = {
      beforeCreate: async (step, token) => {
        journal.push(`intent ${step.logicalId} ${token} exists=${cloud.byLogicalId(step.logicalId).length}`);
      },
      afterApply: async (step, result) => {
        journal.push(`id ${step.logicalId} ${result.physicalId}`);
      },
      afterDelete: async (step, deleted) => {
        journal.push(`gone ${step.logicalId} ${deleted.physicalId}`);
      },
    };

    await apply(cloud, planFor(cloud, [vpc]), { journal: hooks, appliers: cloud.appliers(KINDS, tokens) });
    await apply(cloud, planFor(cloud, []), { journal: hooks });

    const token = tokens[0] ?? '';
    expect(token).toMatch(/^[a-zA-Z0-9]{1,32}$/);
    expect(journal).toEqual([`intent vpc ${token} exists=0`, 'id vpc ec2.Vpc/vpc', 'gone vpc ec2.Vpc/vpc']);
    expect(cloud.resources.size).toBe(0);
  });

  it('does not call AWS when the journal intent cannot be written', async () => {
    const cloud = new FakeCloud();
    const hooks: JournalHooks = {
      beforeCreate: async () => {
        throw new Error('lease lost');
      },
      afterApply: async () => {},
      afterDelete: async () => {},
    };

    const report = await apply(cloud, planFor(cloud, [vpc]), { journal: hooks });

    expect(report.results[0]).toMatchObject({ status: 'failed', error: { message: 'lease lost' } });
    expect(cloud.log).toEqual([]);
  });

  // Issue 11: the id write after a create runs beside the dependents; the pass still waits for it.
  it.each([
    { reason: 'the id write lands: every step applied, the pass ended after the write', fails: false },
    {
      reason: 'the id write fails: the step is reported failed, loudly, though its dependents ran',
      fails: true,
    },
  ])('starts dependents as soon as a create returned: $reason', async ({ fails }) => {
    const cloud = new FakeCloud();
    const journal: string[] = [];
    let land: () => void = () => {};
    const vpcRecorded = new Promise<void>((resolve) => {
      land = resolve;
    });
    const hooks: JournalHooks = {
      beforeCreate: async (step) => void journal.push(`intent ${step.logicalId}`),
      afterApply: async (step) => {
        if (step.logicalId === 'vpc') {
          await vpcRecorded;
          if (fails) throw new Error('conditional check failed: lease lost');
        }
        journal.push(`id ${step.logicalId}`);
      },
      afterDelete: async () => {},
    };
    const run = apply(cloud, planFor(cloud, [vpc, subnet('a')]), { journal: hooks });
    // The subnet (depends on the VPC) is created while the VPC's id write is still in flight.
    await vi.waitFor(() => expect(cloud.byLogicalId('subnet/a')).toHaveLength(1));
    expect(journal).toEqual(['intent vpc', 'intent subnet/a', 'id subnet/a']);
    let ended = false;
    void run.then(() => {
      ended = true;
    });
    await new Promise((r) => setTimeout(r, 10));
    expect(ended).toBe(false);
    land();
    const report = await run;

    const vpcResult = report.results.find((r) => r.logicalId === 'vpc');
    expect(report.results.find((r) => r.logicalId === 'subnet/a')?.status).toBe('applied');
    expect(cloud.resources.size).toBe(2);
    if (fails) {
      expect(report.ok).toBe(false);
      expect(vpcResult).toMatchObject({ status: 'failed', error: { code: 'JOURNAL_WRITE_FAILED' } });
      expect(vpcResult?.error?.message).toMatch(/lease lost/);
    } else {
      expect(report.ok).toBe(true);
      expect(vpcResult?.status).toBe('applied');
      expect(journal).toEqual(['intent vpc', 'intent subnet/a', 'id subnet/a', 'id vpc']);
    }
  });

  it('gives the same client token to the same resource and spec', async () => {
    const first: string[] = [];
    const second: string[] = [];
    for (const tokens of [first, second]) {
      const cloud = new FakeCloud();
      await apply(cloud, planFor(cloud, [vpc, subnet('a')]), { appliers: cloud.appliers(KINDS, tokens) });
    }

    expect(first).toEqual(second);
    expect(new Set(first).size).toBe(2);
  });

  it('replaces create-before-delete: dependents move to the new resource, then the old one goes', async () => {
    const cloud = new FakeCloud();
    const tg = (port: number) => desired('elbv2.TargetGroup', 'tg/web', { port }, { name: `tg-web-${port}` });
    const svc = desired('ecs.Service', 'service/web', { targetGroupArn: ref('tg/web', 'arn') });
    await apply(cloud, planFor(cloud, [tg(80), svc]));

    const plan = planFor(cloud, [tg(8080), svc]);
    const report = await apply(cloud, plan);

    expect(plan.steps.map((s) => s.action.type)).toEqual(['replace', 'update']);
    expect(report.ok).toBe(true);
    expect(cloud.finished.slice(-3)).toEqual(['create tg/web', 'update service/web', 'delete tg/web']);
    expect(cloud.byLogicalId('tg/web').map((r) => r.name)).toEqual(['tg-web-8080']);
    expect(cloud.byLogicalId('service/web')[0]?.spec.targetGroupArn).toBe(
      'arn:elbv2.TargetGroup/tg-web-8080',
    );
  });

  it('keeps the old resource of a replace when a dependent fails, so it is never pulled from under it', async () => {
    const cloud = new FakeCloud();
    const tg = (port: number) => desired('elbv2.TargetGroup', 'tg/web', { port }, { name: `tg-web-${port}` });
    const svc = desired('ecs.Service', 'service/web', { targetGroupArn: ref('tg/web', 'arn') });
    await apply(cloud, planFor(cloud, [tg(80), svc]));
    cloud.failures.set('update service/web', [awsError('InvalidParameterException')]);

    const report = await apply(cloud, planFor(cloud, [tg(8080), svc]));

    expect(statuses(report)).toEqual({ 'tg/web': 'applied', 'service/web': 'failed' });
    expect(report.results[0]?.message).toContain('old elbv2.TargetGroup/tg-web-80 kept');
    expect(
      cloud
        .byLogicalId('tg/web')
        .map((r) => r.name)
        .sort(),
    ).toEqual(['tg-web-80', 'tg-web-8080']);
  });

  it('replaces delete-then-create when the name stays the same', async () => {
    const cloud = new FakeCloud();
    await apply(cloud, planFor(cloud, [vpc]));
    const journal: string[] = [];
    const hooks: JournalHooks = {
      beforeCreate: async (s) => void journal.push(`intent ${s.logicalId}`),
      afterApply: async (s) => void journal.push(`id ${s.logicalId}`),
      afterDelete: async (s) => void journal.push(`gone ${s.logicalId}`),
    };

    const report = await apply(
      cloud,
      planFor(cloud, [desired('ec2.Vpc', 'vpc', { cidrBlock: '10.9.0.0/16' })]),
      {
        journal: hooks,
      },
    );

    expect(statuses(report)).toEqual({ vpc: 'applied' });
    expect(cloud.finished.slice(-2)).toEqual(['delete vpc', 'create vpc']);
    expect(journal).toEqual(['gone vpc', 'intent vpc', 'id vpc']);
    expect(cloud.byLogicalId('vpc')[0]?.spec.cidrBlock).toBe('10.9.0.0/16');
  });

  it('deletes removed resources in reverse dependency order', async () => {
    const cloud = new FakeCloud();
    await apply(cloud, planFor(cloud, [vpc, subnet('a'), service('web', 'subnet/a')]));

    const report = await apply(cloud, planFor(cloud, []));

    expect(report.ok).toBe(true);
    expect(cloud.finished.slice(-3)).toEqual(['delete service/web', 'delete subnet/a', 'delete vpc']);
    expect(cloud.resources.size).toBe(0);
  });

  it('reports noop, skipped and conflict steps without calling AWS', async () => {
    const cloud = new FakeCloud();
    await apply(cloud, planFor(cloud, [vpc]));
    const foreign = cloud.observe()[0];
    if (foreign === undefined) throw new Error('setup');
    cloud.log.length = 0;
    const plan = planStack({
      project: PROJECT,
      stack: STACK,
      unsupportedKinds: new Set(['route53.Record']),
      desired: [vpc, desired('route53.Record', 'dns/www', {}), desired('ec2.Vpc', 'vpc2', {})],
      observed: [...cloud.observe(), { ...foreign, logicalId: 'vpc2', tags: {} }],
    });

    const report = await apply(cloud, plan);

    expect(statuses(report)).toEqual({ 'dns/www': 'skipped', vpc: 'noop', vpc2: 'conflict' });
    expect(report.ok).toBe(false);
    expect(cloud.log).toEqual([]);
  });

  it.each([
    { reason: 'its outputs are known: dependents run', seeded: true, want: 'applied' },
    { reason: 'its outputs are unknown: dependents are blocked', seeded: false, want: 'blocked' },
  ])('after a skipped dependency whose $reason', async ({ seeded, want }) => {
    const cloud = new FakeCloud();
    const plan = planFor(cloud, [vpc, subnet('a')], {
      unsupportedKinds: new Set(['ec2.Vpc']),
      outputs: seeded ? new Map([['vpc', { id: 'vpc-9' }]]) : new Map(),
    });

    const report = await apply(cloud, plan, {
      outputs: seeded ? new Map([['vpc', { id: 'vpc-9' }]]) : new Map(),
    });

    expect(statuses(report)).toEqual({ vpc: 'skipped', 'subnet/a': want });
    expect(cloud.byLogicalId('subnet/a')).toHaveLength(want === 'applied' ? 1 : 0);
  });

  it('fails a step whose kind has no applier, without touching anything', async () => {
    const cloud = new FakeCloud();

    const report = await apply(cloud, planFor(cloud, [vpc, subnet('a')]), {
      appliers: cloud.appliers(['ec2.Subnet']),
    });

    expect(statuses(report)).toEqual({ vpc: 'failed', 'subnet/a': 'blocked' });
    expect(report.results[0]?.error?.code).toBe('NO_APPLIER');
    expect(cloud.resources.size).toBe(0);
  });

  it('starts nothing once aborted', async () => {
    const cloud = new FakeCloud();
    const controller = new AbortController();
    controller.abort(new Error('shutdown'));

    const report = await apply(cloud, planFor(cloud, [vpc, subnet('a')]), { signal: controller.signal });

    expect(statuses(report)).toEqual({ vpc: 'blocked', 'subnet/a': 'blocked' });
    expect(cloud.log).toEqual([]);
  });

  it('updates a dependent with deltas recomputed on resolved values (never a ref)', async () => {
    const cloud = new FakeCloud();
    const td = (image: string) => desired('ecs.TaskDefinition', 'taskdef/web', { image });
    const svc = desired('ecs.Service', 'service/web', { taskDefinition: ref('taskdef/web', 'arn') });
    await apply(cloud, planFor(cloud, [td('v1'), svc]));

    const report = await apply(cloud, planFor(cloud, [td('v2'), svc]));

    expect(statuses(report)).toEqual({ 'taskdef/web': 'applied', 'service/web': 'applied' });
    expect(cloud.byLogicalId('service/web')[0]?.spec.taskDefinition).toBe(
      'arn:ecs.TaskDefinition/taskdef-web:2',
    );
    expect(planFor(cloud, [td('v2'), svc]).summary.noop).toBe(2);
  });

  it('turns a planned update into a noop when the resolved refs already match', async () => {
    const cloud = new FakeCloud();
    await apply(cloud, planFor(cloud, [vpc, subnet('a')]));
    const observedSubnet = cloud.observe().find((o) => o.logicalId === 'subnet/a');
    if (observedSubnet === undefined) throw new Error('setup');
    cloud.log.length = 0;
    const plan: Plan = {
      project: PROJECT,
      stack: STACK,
      steps: [
        {
          logicalId: 'subnet/a',
          kind: 'ec2.Subnet',
          after: [],
          action: {
            type: 'update',
            desired: subnet('a'),
            observed: observedSubnet,
            deltas: [{ path: 'vpcId', desired: ref('vpc', 'id'), observed: 'ec2.Vpc/vpc', replace: true }],
          },
        },
      ],
      summary: { create: 0, update: 1, replace: 0, delete: 0, noop: 0, conflict: 0, skip: 0 },
    };

    const report = await apply(cloud, plan);

    expect(report.results[0]).toMatchObject({
      status: 'noop',
      message: 'up to date once refs were resolved',
    });
    expect(cloud.log).toEqual([]);
  });
});
