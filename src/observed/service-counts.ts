/**
 * Running versus desired tasks of a stack's ECS services, for `stackctl status`.
 *
 * @module
 */
import { DescribeServicesCommand } from '@aws-sdk/client-ecs';
import { isNotFound } from '../aws/index.js';
import type { AwsClients } from '../aws/types.js';
import type { DesiredStack } from '../desired/resource-types.js';
import { describeServicesInput } from './ecs-describe.js';
import { chunks } from './observe-helpers.js';

/** DescribeServices takes at most this many services per call. */
const DESCRIBE_SERVICES_BATCH = 10;

/** One service's task counts; `running` is undefined when the service does not exist. */
export interface ServiceCount {
  readonly service: string;
  readonly running?: number;
  readonly desired: number;
}

/**
 * Task counts of every service the stack renders, in the order rendered. A service that does not exist
 * yet reports its rendered desired count and no running count.
 */
export async function describeServiceCounts(
  clients: Pick<AwsClients, 'ecs'>,
  stack: DesiredStack,
): Promise<readonly ServiceCount[]> {
  const cluster = stack.resources.find((r) => r.kind === 'ecs.Cluster');
  const services = stack.resources.filter((r) => r.kind === 'ecs.Service');
  const clusterName =
    typeof cluster?.spec.clusterName === 'string' ? cluster.spec.clusterName : cluster?.name;
  if (!clusterName || services.length === 0) return [];
  const live = new Map<string, { running: number; desired: number }>();
  // Sorted batches, as the service observer asks: a pass's shared reads then answer them.
  for (const batch of chunks(services.map((s) => s.name).sort(), DESCRIBE_SERVICES_BATCH)) {
    try {
      const out = await clients.ecs.send(
        new DescribeServicesCommand(describeServicesInput(clusterName, batch)),
      );
      for (const s of out.services ?? []) {
        if (s.serviceName && s.status !== 'INACTIVE')
          live.set(s.serviceName, { running: s.runningCount ?? 0, desired: s.desiredCount ?? 0 });
      }
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
  return services.map((s) => {
    const found = live.get(s.name);
    const rendered = typeof s.spec.desiredCount === 'number' ? s.spec.desiredCount : 0;
    return found ? { service: s.name, ...found } : { service: s.name, desired: rendered };
  });
}
