/**
 * `depends_on: condition: service_healthy` between two services: the dependency's ECS service carries
 * `healthy: true` (render-ecs.ts), and its applier returns from create/update only once the service is
 * healthy, so the dependents, which come after it in the plan, are created only then.
 *
 * "Healthy" is the observer's {@link serviceHealth}: one deployment, the PRIMARY rollout not IN_PROGRESS,
 * and as many tasks running as desired. A rollout the circuit breaker marked FAILED will not heal by
 * waiting: that is a permanent error, and the dependents stay blocked. A rollout still in progress after
 * the wait budget is a {@link NotReadyError}, so the engine requeues the step (and a later pass, which
 * observes `healthy: false`, plans the wait again instead of letting the dependents go ahead).
 *
 * @module
 */
import { DescribeServicesCommand } from '@aws-sdk/client-ecs';
import type { Spec } from '../desired/resource-types.js';
import { StackctlError } from '../errors.js';
import { describeServicesInput } from '../observed/ecs-describe.js';
import { serviceHealth } from '../observed/ecs-service.js';
import type { ResolvedWait } from './apply-helpers.js';
import { NotReadyError } from './errors.js';
import type { ApplyContext } from './types.js';

/** The stable code of a service whose rollout failed while dependents wait for it to be healthy. */
export const SERVICE_UNHEALTHY = 'SERVICE_UNHEALTHY';

/** True when the desired spec asks to wait for health (some dependent uses `service_healthy`). */
export function awaitsHealthy(spec: Spec): boolean {
  return spec.healthy === true;
}

/**
 * Polls DescribeServices until `service` is healthy. Throws {@link SERVICE_UNHEALTHY} when its rollout
 * failed, and {@link NotReadyError} (with the last reason) when `wait.maxWaitMs` passes first.
 */
export async function waitUntilServiceHealthy(
  ctx: ApplyContext,
  cluster: string,
  service: string,
  logicalId: string,
  wait: ResolvedWait,
): Promise<void> {
  let waited = 0;
  let reason = 'not described yet';
  for (;;) {
    ctx.signal?.throwIfAborted();
    const res = await ctx.clients.ecs.send(
      new DescribeServicesCommand(describeServicesInput(cluster, [service])),
    );
    const live = (res.services ?? []).find((s) => s.status !== 'INACTIVE');
    if (live) {
      const health = serviceHealth(live);
      if (health.health === 'Healthy') return;
      reason = health.healthReason ?? health.health;
      if (health.health === 'Degraded') {
        throw new StackctlError(
          SERVICE_UNHEALTHY,
          `${logicalId}: ${service} did not become healthy (${reason}); the services that depend on it with condition service_healthy were not started`,
        );
      }
    }
    if (waited >= wait.maxWaitMs) {
      throw new NotReadyError(
        `${logicalId}: waiting for ${service} to become healthy before its dependents start (${reason}, ${Math.round(waited / 1000)} s so far)`,
        wait.pollIntervalMs,
      );
    }
    await wait.sleep(wait.pollIntervalMs, ctx.signal);
    waited += wait.pollIntervalMs;
  }
}
