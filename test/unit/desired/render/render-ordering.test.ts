/**
 * Ordering from compose's `depends_on` conditions: `service_healthy` marks the dependency's ECS service
 * `healthy: true` (its create/update then waits for health) and orders the dependent after it;
 * `service_completed_successfully` on a `restart: "no"` service makes it a one-off the dependent waits
 * for; autoscaled services leave `desiredCount` to the scaler.
 */
import { describe, expect, it } from 'vitest';
import type { ComposeDependency } from '../../../../src/desired/compose-types.js';
import { renderStack } from '../../../../src/desired/render/index.js';
import { composeService, ingressPort, resolvedStack } from '../../../helpers/resolved-fixture.js';
import { expectInvariants, get, idsOf } from './invariants.js';

const dep = (condition: ComposeDependency['condition']): ComposeDependency => ({ condition, required: true });

function render(apiDependency: ComposeDependency['condition']) {
  return renderStack(
    resolvedStack({
      project: 'shop',
      stack: 'dev',
      services: [
        composeService('web', {
          image: 'nginx:1',
          ports: [ingressPort(80)],
          dependsOn: { api: dep(apiDependency) },
        }),
        composeService('api', {
          image: 'api:1',
          dependsOn: { migrate: dep('service_completed_successfully') },
        }),
        composeService('migrate', { image: 'api:1', restart: 'no' }),
      ],
    }),
  );
}

describe('depends_on conditions', () => {
  it.each([
    {
      reason: 'service_healthy marks the dependency and orders the dependent',
      condition: 'service_healthy',
      healthy: true,
    },
    { reason: 'service_started only orders', condition: 'service_started', healthy: undefined },
  ] as const)('$reason', ({ condition, healthy }) => {
    const desired = render(condition);

    expectInvariants(desired);
    expect(get(desired, 'service/api').spec.healthy).toBe(healthy);
    expect(get(desired, 'service/web').spec).not.toHaveProperty('healthy');
    expect(get(desired, 'service/web').dependsOn).toContain('service/api');
  });

  it('a restart "no" service awaited to complete is a one-off the dependent waits for', () => {
    const desired = render('service_healthy');

    expect(idsOf(desired, 'ecs.OneOffTask')).toEqual(['task/migrate']);
    expect(idsOf(desired, 'ecs.Service')).not.toContain('service/migrate');
    expect(get(desired, 'service/api').dependsOn).toContain('task/migrate');
    expect(get(desired, 'task/migrate').spec.taskDefinition).toEqual({
      $ref: 'taskdef/migrate',
      attr: 'arn',
    });
  });

  it('an autoscaled service has no desiredCount for the reconciler to fight over', () => {
    const desired = renderStack(
      resolvedStack({
        project: 'shop',
        stack: 'dev',
        services: [
          composeService('api', { image: 'api:1', autoscaling: { min: 2, max: 6, targetCpu: 60 } }),
          composeService('worker', { image: 'worker:1' }),
        ],
      }),
    );

    expect(get(desired, 'service/api').spec).not.toHaveProperty('desiredCount');
    expect(get(desired, 'service/worker').spec.desiredCount).toBe(1);
    expect(get(desired, 'scaling/api').spec).toMatchObject({ minCapacity: 2, maxCapacity: 6 });
    expect(get(desired, 'scaling-policy/api').spec).toMatchObject({ targetValue: 60 });
  });
});
