/**
 * The one way stackctl asks ECS to describe clusters, services and tasks: always with
 * `include: ['TAGS']`, whether or not the caller reads the tags.
 *
 * Why every call, not only the observers': moto (5.2.1, the server the tests run on) keeps the `include`
 * choice of DescribeClusters / DescribeServices / DescribeTasks in state shared by every request of its
 * threaded server, not per request. A describe WITHOUT `TAGS` that arrives while one WITH `TAGS` is being
 * answered strips the tags from that other answer. `drift --all` observes one stack (tags wanted: they
 * decide ownership) while it checks another's wiring, a reconcile waits for a service's health while
 * another stack is observed, and so on; a stack's own service read back without tags is judged foreign
 * and planned as a `conflict`. Asking for the tags everywhere costs nothing on AWS (same call, a slightly
 * larger answer) and leaves no request that could take them away from another.
 *
 * @module
 */
import type {
  DescribeClustersCommandInput,
  DescribeServicesCommandInput,
  DescribeTasksCommandInput,
} from '@aws-sdk/client-ecs';

/** The DescribeClusters input for `clusters` (names or ARNs), tags included. */
export function describeClustersInput(clusters: readonly string[]): DescribeClustersCommandInput {
  return { clusters: [...clusters], include: ['TAGS'] };
}

/** The DescribeServices input for `services` of `cluster` (name or ARN), tags included. */
export function describeServicesInput(
  cluster: string,
  services: readonly string[],
): DescribeServicesCommandInput {
  return { cluster, services: [...services], include: ['TAGS'] };
}

/** The DescribeTasks input for `tasks` of `cluster` (name or ARN), tags included. */
export function describeTasksInput(cluster: string, tasks: readonly string[]): DescribeTasksCommandInput {
  return { cluster, tasks: [...tasks], include: ['TAGS'] };
}
