import { describe, expect, it } from 'vitest';
import { ref } from '../../../src/desired/resource-types.js';
import { DATA_SAFETY_PREFIX } from '../../../src/diff/data-safety.js';
import { buildStackDrift } from '../../../src/diff/drift/index.js';
import { formatPlanText } from '../../../src/diff/format-plan.js';
import { planToJsonValue } from '../../../src/diff/plan-json.js';
import { planStack } from '../../../src/diff/plan-stack.js';
import type { Plan } from '../../../src/diff/types.js';
import { type JournaledId, markDuplicates } from '../../../src/observed/duplicates.js';
import type { ObservedResource } from '../../../src/observed/types.js';
import { desired, observed, PROJECT, STACK } from './fixtures.js';

const base = { project: PROJECT, stack: STACK };
const scope = base;
const cidr = { cidrBlock: '10.0.0.0/16' };
const subnetSpec = (az: string, cidrBlock: string) => ({ availabilityZone: az, cidrBlock });

const desiredStack = [
  desired('ec2.Vpc', 'vpc', cidr),
  desired('ec2.Subnet', 'subnet/a', { ...subnetSpec('us-east-1a', '10.0.0.0/24'), vpcId: ref('vpc', 'id') }),
  desired('ec2.Subnet', 'subnet/b', { ...subnetSpec('us-east-1b', '10.0.1.0/24'), vpcId: ref('vpc', 'id') }),
];

function vpc(id: string): ObservedResource {
  return observed('ec2.Vpc', 'vpc', cidr, { physicalId: id, outputs: { id } });
}

function subnet(logicalId: string, az: string, cidrBlock: string, vpcId: string): ObservedResource {
  const id = `subnet-${logicalId.slice(-1)}-${vpcId}`;
  return observed(
    'ec2.Subnet',
    logicalId,
    { ...subnetSpec(az, cidrBlock), vpcId },
    { physicalId: id, outputs: { id } },
  );
}

const journal: JournaledId[] = [{ logicalId: 'vpc', kind: 'ec2.Vpc', physicalId: 'vpc-2' }];

/** vpc-1 came first but its response was lost; the resent create made vpc-2, which the stack built on. */
const live = [
  vpc('vpc-1'),
  vpc('vpc-2'),
  subnet('subnet/a', 'us-east-1a', '10.0.0.0/24', 'vpc-2'),
  subnet('subnet/b', 'us-east-1b', '10.0.1.0/24', 'vpc-2'),
];

function actions(plan: Plan): [string, string][] {
  return plan.steps.map((s) => [s.logicalId, s.action.type]);
}

describe('planStack: duplicates made by a lost response', () => {
  it('keeps the journaled, referenced VPC and deletes the extra one; nothing is replaced', () => {
    const plan = planStack({
      ...base,
      desired: desiredStack,
      observed: markDuplicates(live, journal, scope),
    });

    expect(plan.summary.replace).toBe(0);
    expect(actions(plan)).toEqual([
      ['subnet/a', 'noop'],
      ['subnet/b', 'noop'],
      ['vpc', 'noop'],
      ['vpc#vpc-1', 'delete'],
    ]);
    const extra = plan.steps.find((s) => s.logicalId === 'vpc#vpc-1');
    expect(extra?.action).toMatchObject({
      type: 'delete',
      observed: { physicalId: 'vpc-1' },
      reason: 'duplicate of vpc-2 (made by a lost response)',
    });
  });

  it('without the marks the first VPC is paired and 2 subnets would be replaced (what the marks prevent)', () => {
    const plan = planStack({ ...base, desired: desiredStack, observed: live });

    expect(plan.summary.replace).toBe(2);
  });

  it('shows the reason in text and JSON plans', () => {
    const plan = planStack({
      ...base,
      desired: desiredStack,
      observed: markDuplicates(live, journal, scope),
    });

    expect(formatPlanText(plan, { color: false })).toContain(
      '- delete  ec2.Vpc vpc#vpc-1 (reason: duplicate of vpc-2 (made by a lost response))',
    );
    expect(planToJsonValue(plan).steps.find((s) => s.logicalId === 'vpc#vpc-1')).toMatchObject({
      action: 'delete',
      physicalId: 'vpc-1',
      reason: 'duplicate of vpc-2 (made by a lost response)',
    });
  });

  it('the drift report lists the duplicate as unmanaged, with the reason', () => {
    const plan = planStack({
      ...base,
      desired: desiredStack,
      observed: markDuplicates(live, journal, scope),
    });

    const drift = buildStackDrift({ plan, region: 'eu-west-1' });

    expect(drift.resources.find((r) => r.logicalId === 'vpc#vpc-1')).toMatchObject({
      status: 'unmanaged',
      physicalId: 'vpc-1',
      reason: 'duplicate of vpc-2 (made by a lost response)',
    });
  });

  it('orders a duplicate VPC like an orphan: after the deletes of what is inside it', () => {
    const inExtra = observed(
      'ec2.Subnet',
      'subnet/a',
      { ...subnetSpec('us-east-1a', '10.0.0.0/24'), vpcId: 'vpc-1' },
      { physicalId: 'subnet-a-vpc-1', outputs: { id: 'subnet-a-vpc-1' } },
    );
    const marked = markDuplicates([...live, inExtra], journal, scope);

    const plan = planStack({ ...base, desired: desiredStack, observed: marked });

    expect(plan.summary.replace).toBe(0);
    expect(plan.steps.find((s) => s.logicalId === 'vpc#vpc-1')?.after).toContain('subnet/a#subnet-a-vpc-1');
    expect(actions(plan).filter(([, t]) => t === 'delete')).toEqual([
      ['subnet/a#subnet-a-vpc-1', 'delete'],
      ['vpc#vpc-1', 'delete'],
    ]);
  });

  it.each([
    {
      reason: 'a duplicate database is still data: kept and reported without --allow-data-loss',
      allowDataLoss: false,
      type: 'skip',
      text: `${DATA_SAFETY_PREFIX} rds.DBInstance is a duplicate of db-2 (made by a lost response) and would be deleted and holds data; it is kept`,
    },
    {
      reason: 'with --allow-data-loss the duplicate database is deleted',
      allowDataLoss: true,
      type: 'delete',
      text: 'duplicate of db-2 (made by a lost response)',
    },
  ])('$reason', ({ allowDataLoss, type, text }) => {
    const dbSpec = { engine: 'postgres', instanceClass: 'db.t4g.micro' };
    const db = (id: string) =>
      observed('rds.DBInstance', 'db/main', dbSpec, { physicalId: id, outputs: { address: `${id}.x` } });
    const dbJournal: JournaledId[] = [{ logicalId: 'db/main', kind: 'rds.DBInstance', physicalId: 'db-2' }];

    const plan = planStack({
      ...base,
      desired: [desired('rds.DBInstance', 'db/main', dbSpec)],
      observed: markDuplicates([db('db-1'), db('db-2')], dbJournal, scope),
      allowDataLoss,
    });

    expect(actions(plan)).toEqual([
      ['db/main', 'noop'],
      ['db/main#db-1', type],
    ]);
    const extra = plan.steps[1]?.action;
    expect(extra && 'reason' in extra ? extra.reason : undefined).toContain(text);
  });

  it('destroy deletes both copies, the duplicate never under the plain logical id', () => {
    const plan = planStack({
      ...base,
      desired: [],
      observed: markDuplicates([vpc('vpc-1'), vpc('vpc-2')], journal, scope),
    });

    expect(new Set(actions(plan).map(([id, type]) => `${id} ${type}`))).toEqual(
      new Set(['vpc delete', 'vpc#vpc-1 delete']),
    );
    expect(plan.steps.find((s) => s.logicalId === 'vpc')?.action).toMatchObject({
      observed: { physicalId: 'vpc-2' },
    });
  });
});
