/**
 * Data safety in the plan: replacements, deletions and major version changes of stateful resources are
 * refused without `--allow-data-loss` (and shown in red); a kept database keeps what it still uses.
 */
import { describe, expect, it } from 'vitest';
import type { ResourceKind } from '../../../src/desired/resource-types.js';
import { isDataSafetyRefusal, majorVersion } from '../../../src/diff/data-safety.js';
import { formatPlanText } from '../../../src/diff/format-plan.js';
import { planStack } from '../../../src/diff/plan-stack.js';
import type { Plan, PlanStep } from '../../../src/diff/types.js';
import { desired, observed, PROJECT, STACK } from './fixtures.js';

const base = { project: PROJECT, stack: STACK };
const BOLD_RED = '\u001b[1;31m';
const DIM = '\u001b[2m';

function stepOf(plan: Plan, id: string): PlanStep {
  const step = plan.steps.find((s) => s.logicalId === id);
  if (!step) throw new Error(`no step ${id}`);
  return step;
}

const db = { engine: 'postgres', engineVersion: '15', instanceClass: 'db.t4g.micro' };
const cache = { engine: 'redis', engineVersion: '6.2', cacheNodeType: 'cache.t4g.micro' };

describe('majorVersion', () => {
  it.each([
    { reason: 'Postgres 10+ majors are one number', version: '16.3', kind: 'rds.DBInstance', major: '16' },
    { reason: 'a major alone', version: '17', kind: 'rds.DBInstance', major: '17' },
    {
      reason: 'Postgres before 10 had two-part majors',
      version: '9.6.24',
      kind: 'rds.DBInstance',
      major: '9.6',
    },
    {
      reason: 'Redis majors are one number',
      version: '7.1',
      kind: 'elasticache.ReplicationGroup',
      major: '7',
    },
    { reason: 'old Redis too', version: '5.0.6', kind: 'elasticache.ReplicationGroup', major: '5' },
  ] as const)('$reason', ({ version, kind, major }) => {
    expect(majorVersion(version, kind)).toBe(major);
  });
});

describe('a stateful change the flag guards', () => {
  it.each([
    {
      reason: 'a Postgres major upgrade is refused',
      kind: 'rds.DBInstance' as ResourceKind,
      from: db,
      to: { ...db, engineVersion: '16' },
      allowDataLoss: false,
      type: 'skip',
      says: 'engineVersion 15 → 16 is a major version change',
    },
    {
      reason: 'a Postgres major upgrade with --allow-data-loss is an in-place update',
      kind: 'rds.DBInstance' as ResourceKind,
      from: db,
      to: { ...db, engineVersion: '16' },
      allowDataLoss: true,
      type: 'update',
      says: undefined,
    },
    {
      reason: 'a Postgres minor upgrade needs no flag',
      kind: 'rds.DBInstance' as ResourceKind,
      from: { ...db, engineVersion: '15.4' },
      to: { ...db, engineVersion: '15.7' },
      allowDataLoss: false,
      type: 'update',
      says: undefined,
    },
    {
      reason: 'an instance class change needs no flag',
      kind: 'rds.DBInstance' as ResourceKind,
      from: db,
      to: { ...db, instanceClass: 'db.t4g.small' },
      allowDataLoss: false,
      type: 'update',
      says: undefined,
    },
    {
      reason: 'a Redis major upgrade is refused',
      kind: 'elasticache.ReplicationGroup' as ResourceKind,
      from: cache,
      to: { ...cache, engineVersion: '7.1' },
      allowDataLoss: false,
      type: 'skip',
      says: 'engineVersion 6.2 → 7.1',
    },
    {
      reason: 'a Redis minor upgrade needs no flag',
      kind: 'elasticache.ReplicationGroup' as ResourceKind,
      from: { ...cache, engineVersion: '7.0' },
      to: { ...cache, engineVersion: '7.1' },
      allowDataLoss: false,
      type: 'update',
      says: undefined,
    },
    {
      reason: 'a stateless kind is never guarded',
      kind: 'elbv2.TargetGroup' as ResourceKind,
      from: { engineVersion: '1' },
      to: { engineVersion: '2' },
      allowDataLoss: false,
      type: 'update',
      says: undefined,
    },
  ])('$reason', ({ kind, from, to, allowDataLoss, type, says }) => {
    const plan = planStack({
      ...base,
      allowDataLoss,
      desired: [desired(kind, 'r', to)],
      observed: [observed(kind, 'r', from)],
    });

    const action = stepOf(plan, 'r').action;
    expect(action.type).toBe(type);
    if (says !== undefined) {
      expect(action.type === 'skip' && action.reason).toContain(says);
      expect(action.type === 'skip' && action.reason).toContain('rerun with --allow-data-loss');
      expect(isDataSafetyRefusal(action)).toBe(true);
    }
  });
});

describe('the plan text of a refusal', () => {
  it.each([
    {
      reason: 'a refused deletion of a database is bold red and says why',
      plan: () => planStack({ ...base, desired: [], observed: [observed('rds.DBInstance', 'db/main', db)] }),
      tone: BOLD_RED,
      text: '· skip    rds.DBInstance db/main (data safety: rds.DBInstance is no longer rendered and would be deleted and holds data; it is kept',
    },
    {
      reason: 'a refused major upgrade is bold red',
      plan: () =>
        planStack({
          ...base,
          desired: [desired('rds.DBInstance', 'db/main', { ...db, engineVersion: '16' })],
          observed: [observed('rds.DBInstance', 'db/main', db)],
        }),
      tone: BOLD_RED,
      text: 'would change in place (engineVersion 15 → 16 is a major version change, which cannot be undone)',
    },
    {
      reason: 'an unsupported kind is a dim skip',
      plan: () =>
        planStack({
          ...base,
          unsupportedKinds: new Set<ResourceKind>(['route53.Record']),
          desired: [desired('route53.Record', 'dns/x', {})],
          observed: [],
        }),
      tone: DIM,
      text: '· skip    route53.Record dns/x (not yet supported)',
    },
  ])('$reason', ({ plan, tone, text }) => {
    const p = plan();
    const colored = formatPlanText(p, { color: true });
    const plain = formatPlanText(p, { color: false });

    expect(plain).toContain(text);
    const line = colored.split('\n').find((l) => l.includes('· skip'));
    expect(line?.startsWith(tone)).toBe(true);
    expect(plain).not.toContain('\u001b[');
  });
});

describe('what a kept database keeps', () => {
  const observedStack = [
    observed('rds.DBInstance', 'db/main', {
      ...db,
      dbSubnetGroupName: 'shop-prod-db',
      vpcSecurityGroupIds: ['sg-db'],
    }),
    observed('rds.DBSubnetGroup', 'db/subnets', { subnetIds: ['subnet-a'] }, { physicalId: 'shop-prod-db' }),
    observed(
      'ec2.SecurityGroup',
      'sg/db/main',
      { vpcId: 'vpc-1', ingress: [{ sourceSecurityGroupId: 'sg-api' }] },
      { physicalId: 'sg-db' },
    ),
    observed('ec2.SecurityGroup', 'sg/svc/api', { vpcId: 'vpc-1' }, { physicalId: 'sg-api' }),
    observed('ec2.Subnet', 'subnet/private-a', { vpcId: 'vpc-1' }, { physicalId: 'subnet-a' }),
    observed('ec2.Subnet', 'subnet/public-a', { vpcId: 'vpc-1' }, { physicalId: 'subnet-p' }),
    observed('ec2.Vpc', 'vpc', {}, { physicalId: 'vpc-1' }),
    observed('ssm.Parameter', 'param/main-password', { name: '/stackctl/shop/prod/MAIN_PASSWORD' }),
    observed('ssm.Parameter', 'param/composed/api/DATABASE_URL', {
      name: '/stackctl/shop/prod/_composed/api/DATABASE_URL',
    }),
    observed('logs.LogGroup', 'log/api', {}),
  ];

  it('keeps what it uses, transitively, and its generated secret; deletes the rest without waiting on it', () => {
    const plan = planStack({ ...base, desired: [], observed: observedStack });

    expect(isDataSafetyRefusal(stepOf(plan, 'db/main').action)).toBe(true);
    for (const [id, user] of [
      ['db/subnets', 'db/main'],
      ['sg/db/main', 'db/main'],
      ['sg/svc/api', 'sg/db/main'],
      ['subnet/private-a', 'db/subnets'],
    ] as const) {
      const action = stepOf(plan, id).action;
      expect(action.type === 'skip' && action.reason, id).toBe(
        `kept: still used by ${user}, which is kept for data safety`,
      );
    }
    expect(stepOf(plan, 'vpc').action.type).toBe('skip');
    expect(stepOf(plan, 'param/main-password').action).toMatchObject({
      type: 'skip',
      reason: 'kept: a generated secret, kept while db/main is kept for data safety',
    });
    expect(stepOf(plan, 'subnet/public-a')).toMatchObject({ action: { type: 'delete' }, after: [] });
    expect(stepOf(plan, 'log/api').action.type).toBe('delete');
    // A connection string composed from the password serves the (deleted) service, not the database.
    expect(stepOf(plan, 'param/composed/api/DATABASE_URL').action.type).toBe('delete');
    expect(plan.summary).toMatchObject({ delete: 3, skip: 7 });
  });

  it('keeps nothing with --allow-data-loss: the database goes first, then what it used', () => {
    const plan = planStack({ ...base, allowDataLoss: true, desired: [], observed: observedStack });

    expect(plan.summary).toMatchObject({ delete: observedStack.length, skip: 0 });
    expect(stepOf(plan, 'db/subnets').after).toContain('db/main');
    expect(stepOf(plan, 'sg/db/main').after).toContain('db/main');
  });
});
