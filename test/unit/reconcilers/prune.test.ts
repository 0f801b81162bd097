import { describe, expect, it } from 'vitest';
import type { DesiredStack } from '../../../src/desired/resource-types.js';
import { planStack } from '../../../src/diff/index.js';
import { pruneSteps } from '../../../src/reconcilers/prune.js';
import { desired, observed, PROJECT, STACK } from '../diff/fixtures.js';

const rule = (source: string) => ({
  fromPort: 5432,
  protocol: 'tcp',
  sourceSecurityGroupId: source,
  toPort: 5432,
});

function stackOf(resources: DesiredStack['resources']): DesiredStack {
  return {
    project: PROJECT,
    stack: STACK,
    region: 'eu-west-1',
    mode: 'affordable',
    resources,
    requiredSecrets: [],
  };
}

describe('pruneSteps', () => {
  it('takes the orphans and the updates their deletes wait for, nothing else', () => {
    const want = stackOf([
      desired('ec2.SecurityGroup', 'sg/db', { groupName: 'db', ingress: [rule('sg-api')] }),
      desired('ecs.Service', 'service/api', { desiredCount: 2 }),
      desired('logs.LogGroup', 'log/api', { logGroupName: '/l/api' }),
    ]);
    const plan = planStack({
      project: PROJECT,
      stack: STACK,
      desired: want.resources,
      observed: [
        observed('ec2.SecurityGroup', 'sg/db', {
          groupName: 'db',
          ingress: [rule('sg-api'), rule('sg-worker')],
        }),
        observed('ec2.SecurityGroup', 'sg/worker', { groupName: 'worker' }, { physicalId: 'sg-worker' }),
        observed('ecs.Service', 'service/api', { desiredCount: 1 }),
        observed('logs.LogGroup', 'log/worker', { logGroupName: '/l/worker' }),
      ],
    });
    expect(plan.steps.map((s) => [s.logicalId, s.action.type])).toContainEqual(['log/api', 'create']);
    expect(pruneSteps(plan, want).map((s) => [s.logicalId, s.action.type])).toEqual(
      expect.arrayContaining([
        ['sg/db', 'update'],
        ['sg/worker', 'delete'],
        ['log/worker', 'delete'],
      ]),
    );
    expect(pruneSteps(plan, want)).toHaveLength(3);
  });

  it('keeps stateful orphans as data-safety refusals, which the pass reports as skipped', () => {
    const want = stackOf([]);
    const plan = planStack({
      project: PROJECT,
      stack: STACK,
      desired: [],
      observed: [observed('rds.DBInstance', 'db/old', { engine: 'postgres' })],
    });
    expect(pruneSteps(plan, want).map((s) => [s.logicalId, s.action.type])).toEqual([['db/old', 'skip']]);
  });

  it('is empty when nothing is orphaned, even with drift to correct', () => {
    const want = stackOf([desired('ecs.Service', 'service/api', { desiredCount: 2 })]);
    const plan = planStack({
      project: PROJECT,
      stack: STACK,
      desired: want.resources,
      observed: [observed('ecs.Service', 'service/api', { desiredCount: 1 })],
    });
    expect(pruneSteps(plan, want)).toEqual([]);
  });
});
