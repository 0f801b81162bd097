import { describe, expect, it } from 'vitest';
import { ref } from '../../../src/desired/resource-types.js';
import { DuplicateLogicalIdError, PlanCycleError } from '../../../src/diff/errors.js';
import { planStack } from '../../../src/diff/plan-stack.js';
import type { Action, Plan } from '../../../src/diff/types.js';
import { desired, observed, PROJECT, STACK } from './fixtures.js';

const base = { project: PROJECT, stack: STACK };

function stepOf(plan: Plan, logicalId: string) {
  const step = plan.steps.find((s) => s.logicalId === logicalId);
  if (step === undefined) throw new Error(`no step ${logicalId}`);
  return step;
}

function ids(plan: Plan): string[] {
  return plan.steps.map((s) => s.logicalId);
}

const svcSpec = { desiredCount: 1, serviceName: 'web' };
const tgSpec = { name: 'tg-web', port: 80, protocol: 'HTTP' };
const dbSpec = { engine: 'postgres', instanceClass: 'db.t4g.micro' };

describe('planStack: one resource', () => {
  it.each([
    {
      reason: 'nothing observed: create',
      d: desired('ecs.Service', 'service/web', svcSpec),
      o: [],
      type: 'create',
    },
    {
      reason: 'observed and equal: noop',
      d: desired('ecs.Service', 'service/web', svcSpec),
      o: [observed('ecs.Service', 'service/web', { ...svcSpec, status: 'ACTIVE' })],
      type: 'noop',
    },
    {
      reason: 'a mutable field differs: update',
      d: desired('ecs.Service', 'service/web', { ...svcSpec, desiredCount: 3 }),
      o: [observed('ecs.Service', 'service/web', svcSpec)],
      type: 'update',
    },
    {
      reason: 'only a tag differs: update',
      d: desired('ecs.Service', 'service/web', svcSpec, { tags: { team: 'a' } }),
      o: [observed('ecs.Service', 'service/web', svcSpec)],
      type: 'update',
    },
    {
      reason: 'an immutable field differs: replace',
      d: desired('elbv2.TargetGroup', 'tg/web-80', { ...tgSpec, port: 8080 }),
      o: [observed('elbv2.TargetGroup', 'tg/web-80', tgSpec)],
      type: 'replace',
    },
    {
      reason: 'the name is taken by a resource without our tags: conflict',
      d: desired('ecs.Service', 'service/web', svcSpec),
      o: [observed('ecs.Service', 'service/web', svcSpec, { owned: false })],
      type: 'conflict',
    },
    {
      reason: 'the name is taken by another stack of the project: conflict',
      d: desired('ecs.Service', 'service/web', svcSpec),
      o: [
        observed('ecs.Service', 'service/web', svcSpec, {
          owned: false,
          tags: { 'stackctl:project': PROJECT, 'stackctl:stack': 'staging' },
        }),
      ],
      type: 'conflict',
    },
    {
      reason: 'a stateful replace without --allow-data-loss: skip',
      d: desired('rds.DBInstance', 'db/main', { ...dbSpec, engine: 'mysql' }),
      o: [observed('rds.DBInstance', 'db/main', dbSpec)],
      type: 'skip',
    },
    {
      reason: 'a stateful in-place change needs no permission: update',
      d: desired('rds.DBInstance', 'db/main', { ...dbSpec, instanceClass: 'db.t4g.small' }),
      o: [observed('rds.DBInstance', 'db/main', dbSpec)],
      type: 'update',
    },
  ])('$reason', ({ d, o, type }) => {
    const plan = planStack({ ...base, desired: [d], observed: o });

    expect(plan.steps.map((s) => s.action.type)).toEqual([type]);
  });

  it('names the immutable field in a replace and lists every delta', () => {
    const plan = planStack({
      ...base,
      desired: [desired('elbv2.TargetGroup', 'tg/web-80', { ...tgSpec, port: 8080 })],
      observed: [observed('elbv2.TargetGroup', 'tg/web-80', tgSpec)],
    });

    const action = stepOf(plan, 'tg/web-80').action as Extract<Action, { type: 'replace' }>;
    expect(action.reason).toBe('port cannot change in place');
    expect(action.deltas).toEqual([{ path: 'port', desired: 8080, observed: 80, replace: true }]);
  });

  it('replaces a stateful resource when data loss is allowed', () => {
    const plan = planStack({
      ...base,
      allowDataLoss: true,
      desired: [desired('rds.DBInstance', 'db/main', { ...dbSpec, engine: 'mysql' })],
      observed: [observed('rds.DBInstance', 'db/main', dbSpec)],
    });

    expect(stepOf(plan, 'db/main').action.type).toBe('replace');
  });

  it('explains a data-safety skip', () => {
    const plan = planStack({
      ...base,
      desired: [desired('rds.DBInstance', 'db/main', { ...dbSpec, engine: 'mysql' })],
      observed: [observed('rds.DBInstance', 'db/main', dbSpec)],
    });

    const action = stepOf(plan, 'db/main').action as Extract<Action, { type: 'skip' }>;
    expect(action.reason).toContain('--allow-data-loss');
    expect(action.reason).toContain('engine cannot change in place');
  });

  it('skips kinds without an applier, whatever is observed', () => {
    const plan = planStack({
      ...base,
      unsupportedKinds: new Set(['route53.Record']),
      desired: [desired('route53.Record', 'dns/www', { name: 'www.example.com.' })],
      observed: [],
    });

    expect(stepOf(plan, 'dns/www').action).toMatchObject({ type: 'skip', reason: 'not yet supported' });
  });
});

describe('planStack: removed resources', () => {
  it.each([
    {
      reason: 'an owned resource nothing desires is deleted',
      o: observed('ecs.Service', 'service/old', svcSpec),
      allowDataLoss: false,
      want: [{ id: 'service/old', type: 'delete' }],
    },
    {
      reason: 'a resource without our tags is never deleted (not even planned)',
      o: observed('ecs.Service', 'service/foreign', svcSpec, { owned: false }),
      allowDataLoss: false,
      want: [],
    },
    {
      reason: 'a stateful resource is kept without --allow-data-loss',
      o: observed('rds.DBInstance', 'db/old', dbSpec),
      allowDataLoss: false,
      want: [{ id: 'db/old', type: 'skip' }],
    },
    {
      reason: 'a stateful resource is deleted with --allow-data-loss',
      o: observed('rds.DBInstance', 'db/old', dbSpec),
      allowDataLoss: true,
      want: [{ id: 'db/old', type: 'delete' }],
    },
  ])('$reason', ({ o, allowDataLoss, want }) => {
    const plan = planStack({ ...base, desired: [], observed: [o], allowDataLoss });

    expect(plan.steps.map((s) => ({ id: s.logicalId, type: s.action.type }))).toEqual(want);
  });

  it('deletes a second owned resource left under the same logical id (an interrupted replace)', () => {
    const plan = planStack({
      ...base,
      desired: [desired('elbv2.TargetGroup', 'tg/web-80', tgSpec, { name: 'tg-new' })],
      observed: [
        observed(
          'elbv2.TargetGroup',
          'tg/web-80',
          { ...tgSpec, port: 81 },
          { name: 'tg-old', physicalId: 'arn:old' },
        ),
        observed('elbv2.TargetGroup', 'tg/web-80', tgSpec, { name: 'tg-new', physicalId: 'arn:new' }),
      ],
    });

    expect(plan.steps.map((s) => [s.logicalId, s.action.type])).toEqual([
      ['tg/web-80', 'noop'],
      ['tg/web-80#arn:old', 'delete'],
    ]);
  });
});

describe('planStack: refs and dependencies', () => {
  const vpc = desired('ec2.Vpc', 'vpc', { cidrBlock: '10.0.0.0/16' });
  const subnet = desired('ec2.Subnet', 'subnet/public-a', {
    vpcId: ref('vpc', 'id'),
    cidrBlock: '10.0.0.0/24',
  });
  const tg = desired('elbv2.TargetGroup', 'tg/web-80', { ...tgSpec, vpcId: ref('vpc', 'id') });
  const svc = desired('ecs.Service', 'service/web', {
    ...svcSpec,
    loadBalancers: [{ targetGroupArn: ref('tg/web-80', 'arn'), containerPort: 80 }],
  });
  const vpcObs = observed('ec2.Vpc', 'vpc', { cidrBlock: '10.0.0.0/16' }, { outputs: { id: 'vpc-1' } });
  const tgObs = observed(
    'elbv2.TargetGroup',
    'tg/web-80',
    { ...tgSpec, vpcId: 'vpc-1' },
    { outputs: { arn: 'arn:tg1' } },
  );
  const svcObs = observed('ecs.Service', 'service/web', {
    ...svcSpec,
    loadBalancers: [{ targetGroupArn: 'arn:tg1', containerPort: 80 }],
  });

  it('creates dependents after the dependency they reference', () => {
    const plan = planStack({ ...base, desired: [subnet, vpc], observed: [] });

    expect(ids(plan)).toEqual(['vpc', 'subnet/public-a']);
    expect(stepOf(plan, 'subnet/public-a')).toMatchObject({ action: { type: 'create' }, after: ['vpc'] });
  });

  it('plans nothing when everything is in sync (refs resolved against observed outputs)', () => {
    const plan = planStack({ ...base, desired: [vpc, tg, svc], observed: [vpcObs, tgObs, svcObs] });

    expect(plan.summary).toMatchObject({ noop: 3, create: 0, update: 0, replace: 0 });
    expect(plan.steps.every((s) => s.after.length === 0)).toBe(true);
  });

  it('updates a service whose target group is replaced, after the replacement', () => {
    const tg8080 = desired('elbv2.TargetGroup', 'tg/web-80', {
      ...tgSpec,
      port: 8080,
      vpcId: ref('vpc', 'id'),
    });

    const plan = planStack({ ...base, desired: [vpc, tg8080, svc], observed: [vpcObs, tgObs, svcObs] });

    const service = stepOf(plan, 'service/web');
    expect(stepOf(plan, 'tg/web-80').action.type).toBe('replace');
    expect(service.action).toMatchObject({
      type: 'update',
      deltas: [
        { path: 'loadBalancers[0].targetGroupArn', desired: ref('tg/web-80', 'arn'), observed: 'arn:tg1' },
      ],
    });
    expect(service.after).toEqual(['tg/web-80']);
  });

  it('replaces a dependent whose immutable ref field points at a replaced resource', () => {
    const newVpc = desired('ec2.Vpc', 'vpc', { cidrBlock: '10.1.0.0/16' });
    const subnetObs = observed('ec2.Subnet', 'subnet/public-a', { vpcId: 'vpc-1', cidrBlock: '10.0.0.0/24' });

    const plan = planStack({ ...base, desired: [newVpc, subnet], observed: [vpcObs, subnetObs] });

    expect(stepOf(plan, 'subnet/public-a')).toMatchObject({ action: { type: 'replace' }, after: ['vpc'] });
  });

  it('updates a service when its task definition gets a new revision', () => {
    const td = desired('ecs.TaskDefinition', 'taskdef/web', { family: 'f', cpu: '512' });
    const service = desired('ecs.Service', 'service/web', {
      ...svcSpec,
      taskDefinition: ref('taskdef/web', 'arn'),
    });
    const tdObs = observed(
      'ecs.TaskDefinition',
      'taskdef/web',
      { family: 'f', cpu: '256' },
      { outputs: { arn: 'arn:td:1' } },
    );
    const serviceObs = observed('ecs.Service', 'service/web', { ...svcSpec, taskDefinition: 'arn:td:1' });

    const plan = planStack({ ...base, desired: [td, service], observed: [tdObs, serviceObs] });

    expect(stepOf(plan, 'taskdef/web').action.type).toBe('update');
    expect(stepOf(plan, 'service/web')).toMatchObject({ action: { type: 'update' }, after: ['taskdef/web'] });
  });

  it('does not compare fields referencing a conflicting (foreign) resource', () => {
    const foreignTg = observed('elbv2.TargetGroup', 'tg/web-80', tgSpec, {
      owned: false,
      outputs: { arn: 'arn:foreign' },
    });

    const plan = planStack({
      ...base,
      desired: [tg, svc],
      observed: [foreignTg, svcObs],
      outputs: new Map([['vpc', { id: 'vpc-1' }]]),
    });

    expect(stepOf(plan, 'tg/web-80').action.type).toBe('conflict');
    expect(stepOf(plan, 'service/web').action.type).toBe('noop');
  });

  it('orders independent steps by logical id', () => {
    const plan = planStack({
      ...base,
      desired: [
        desired('logs.LogGroup', 'log/web', {}),
        desired('logs.LogGroup', 'log/api', {}),
        desired('ecs.Cluster', 'cluster', {}),
      ],
      observed: [],
    });

    expect(ids(plan)).toEqual(['cluster', 'log/api', 'log/web']);
  });

  it('counts every action type in the summary', () => {
    const plan = planStack({
      ...base,
      desired: [vpc, subnet, desired('ecs.Service', 'service/web', { ...svcSpec, desiredCount: 2 })],
      observed: [
        vpcObs,
        observed('ecs.Service', 'service/web', svcSpec),
        observed('ecs.Cluster', 'cluster', {}),
      ],
    });

    expect(plan.summary).toEqual({
      create: 1,
      update: 1,
      replace: 0,
      delete: 1,
      noop: 1,
      conflict: 0,
      skip: 0,
    });
  });

  it.each([
    {
      reason: 'a dependency cycle is a render bug',
      resources: [
        desired('ec2.Vpc', 'a', {}, { dependsOn: ['b'] }),
        desired('ec2.Vpc', 'b', {}, { dependsOn: ['a'] }),
      ],
      error: PlanCycleError,
    },
    {
      reason: 'two resources with one logical id are a render bug',
      resources: [desired('ec2.Vpc', 'a', {}), desired('ec2.Subnet', 'a', {})],
      error: DuplicateLogicalIdError,
    },
  ])('rejects input where $reason', ({ resources, error }) => {
    expect(() => planStack({ ...base, desired: resources, observed: [] })).toThrow(error);
  });
});

describe('planStack: delete order', () => {
  const removedStack = [
    observed('ec2.Vpc', 'vpc', {}, { physicalId: 'vpc-1', outputs: { id: 'vpc-1' } }),
    observed(
      'ec2.SecurityGroup',
      'sg/alb',
      { vpcId: 'vpc-1' },
      { physicalId: 'sg-alb', outputs: { id: 'sg-alb' } },
    ),
    observed(
      'ec2.SecurityGroup',
      'sg/svc/web',
      { vpcId: 'vpc-1', ingress: [{ sourceSecurityGroupId: 'sg-alb' }] },
      { physicalId: 'sg-web', outputs: { id: 'sg-web' } },
    ),
    observed('elbv2.LoadBalancer', 'alb', {}, { physicalId: 'arn:alb', outputs: { arn: 'arn:alb' } }),
    observed('elbv2.Listener', 'listener/http', { loadBalancerArn: 'arn:alb' }, { physicalId: 'arn:l' }),
    observed('elbv2.TargetGroup', 'tg/web-80', {}, { physicalId: 'arn:tg', outputs: { arn: 'arn:tg' } }),
    observed(
      'ecs.Service',
      'service/web',
      { loadBalancers: [{ targetGroupArn: 'arn:tg' }] },
      { physicalId: 'arn:svc' },
    ),
    observed('ecs.Cluster', 'cluster', {}, { physicalId: 'arn:cluster' }),
  ];

  it.each([
    { reason: 'the service before its target group', first: 'service/web', last: 'tg/web-80' },
    { reason: 'the listener before its load balancer', first: 'listener/http', last: 'alb' },
    { reason: 'the load balancer before target groups', first: 'alb', last: 'tg/web-80' },
    { reason: 'ENI users before security groups', first: 'service/web', last: 'sg/svc/web' },
    { reason: 'a security group before the one it references', first: 'sg/svc/web', last: 'sg/alb' },
    { reason: 'services before the cluster', first: 'service/web', last: 'cluster' },
    { reason: 'everything before the VPC', first: 'sg/alb', last: 'vpc' },
  ])('deletes $reason', ({ first, last }) => {
    const plan = planStack({ ...base, desired: [], observed: removedStack });

    expect(ids(plan).indexOf(first)).toBeLessThan(ids(plan).indexOf(last));
    expect(plan.steps.every((s) => s.action.type === 'delete')).toBe(true);
    expect(stepOf(plan, last).after).toContain(first);
  });

  it('deletes a resource only after the update that stops referencing it', () => {
    const service = desired('ecs.Service', 'service/web', { ...svcSpec, loadBalancers: [] });
    const serviceObs = observed('ecs.Service', 'service/web', {
      ...svcSpec,
      loadBalancers: [{ targetGroupArn: 'arn:tg' }],
    });
    const oldTg = observed(
      'elbv2.TargetGroup',
      'tg/old',
      {},
      { physicalId: 'arn:tg', outputs: { arn: 'arn:tg' } },
    );

    const plan = planStack({ ...base, desired: [service], observed: [serviceObs, oldTg] });

    expect(stepOf(plan, 'service/web').action.type).toBe('update');
    expect(stepOf(plan, 'tg/old')).toMatchObject({ action: { type: 'delete' }, after: ['service/web'] });
    expect(ids(plan)).toEqual(['service/web', 'tg/old']);
  });

  it('keeps the subnet group a database it may not delete still uses', () => {
    const plan = planStack({
      ...base,
      desired: [],
      observed: [
        observed('rds.DBInstance', 'db/main', { ...dbSpec, dbSubnetGroupName: 'shop-dev-db' }),
        observed('rds.DBSubnetGroup', 'db/subnets', {}, { physicalId: 'shop-dev-db' }),
      ],
    });

    expect(stepOf(plan, 'db/main').action.type).toBe('skip');
    expect(stepOf(plan, 'db/subnets').action).toMatchObject({
      type: 'skip',
      reason: expect.stringMatching(/^kept: still used by db\/main/),
    });
  });
});
