/**
 * Which kinds an observer must wait for: the dependency graph observeStack walks instead of fixed levels,
 * so a kind starts the moment the kinds whose outputs it reads are done, not when a whole level is.
 *
 * Two sources of edges:
 * - the refs in the kind's desired specs (`vpcId: Ref(vpc.id)`): the targets handed to an observer are
 *   resolved against the outputs known when it starts, and its alignment of order-insensitive lists to
 *   the desired spec (alignToTarget) needs the referenced ids;
 * - {@link OBSERVE_OUTPUT_READS}: outputs an observer reads without a ref of its own (it scans the pass's
 *   outputs for a parent ARN, or reads the stack's cluster or namespace by logical id).
 *
 * Most of these edges do not delay a call: the observer finds its own resources by ownership tags, names
 * or the journal's physical ids, and only uses the parent's outputs to align or to judge ownership.
 * observeStack starts such kinds early against a read memo (read-memo.ts) and re-runs them, without new
 * calls, once their needs are done ({@link PREFETCHED_KINDS}).
 *
 * @module
 */
import { collectRefs } from '../desired/render/graph.js';
import type { DesiredResource, ResourceKind } from '../desired/resource-types.js';
import { StackctlError } from '../errors.js';

/**
 * Outputs an observer reads that no ref of its own desired spec names (so the refs alone would miss the
 * edge), by observing kind. Every other output an observer reads is reached through its targets' refs.
 */
export const OBSERVE_OUTPUT_READS: Readonly<Partial<Record<ResourceKind, readonly ResourceKind[]>>> = {
  // The stack's cluster (`ctx.outputs.get('cluster')`) is always searched, even with no service targeted.
  'ecs.Service': ['ecs.Cluster'],
  // Every load balancer ARN among the outputs (outputArns ':loadbalancer/').
  'elbv2.Listener': ['elbv2.LoadBalancer'],
  // Every listener ARN among the outputs (outputArns ':listener/').
  'elbv2.ListenerRule': ['elbv2.Listener'],
  // The stack's namespace id, to list its services.
  'servicediscovery.Service': ['servicediscovery.Namespace'],
  // Instances carry no tags: one is the stack's when its service id is among the outputs.
  'servicediscovery.Instance': ['servicediscovery.Service'],
};

/**
 * Kinds whose reads in a pass with a journal do not depend on their needs' outputs: each finds its
 * resources by ownership tags, the tagging index, names or the journal's physical ids, and uses the
 * needs' outputs only to resolve its targets' specs (alignment, ownership of untagged children). They
 * start at once against the pass's read memo and are observed again, from the memo, when their needs
 * are done. Left out: kinds whose calls change with the outputs (a one-off task lists runs by its task
 * definition's ARN; a speculative read there would be a wasted call).
 */
export const PREFETCHED_KINDS: ReadonlySet<ResourceKind> = new Set<ResourceKind>([
  'autoscaling.ScalableTarget',
  'autoscaling.ScalingPolicy',
  'ec2.DhcpOptions',
  'ec2.InternetGateway',
  'ec2.NatGateway',
  'ec2.RouteTable',
  'ec2.SecurityGroup',
  'ec2.Subnet',
  'ecs.Cluster',
  'ecs.Service',
  'ecs.TaskDefinition',
  'elasticache.ReplicationGroup',
  'elasticache.SubnetGroup',
  'elbv2.Listener',
  'elbv2.ListenerRule',
  'elbv2.LoadBalancer',
  'elbv2.TargetGroup',
  'iam.Role',
  'logs.LogGroup',
  'rds.DBInstance',
  'rds.DBSubnetGroup',
  'route53.Record',
  'servicediscovery.Instance',
  'servicediscovery.Namespace',
  'ssm.Parameter',
  'acm.Certificate',
]);

/**
 * Needs met by the need's early run (see {@link PREFETCHED_KINDS}) rather than its final one: the
 * outputs the kind reads come from AWS's answers alone (an ARN, an id), never from the need's own needs,
 * so the early run already has them. A one-off task finds its runs by its task definition revision's
 * ARN (`startedBy` is a hash of it), which the task definition observer reads from ECS before the roles,
 * parameters and log groups it aligns against are done. When the early run failed the kind waits for
 * the final one.
 */
export const EARLY_OUTPUT_NEEDS: Readonly<Partial<Record<ResourceKind, readonly ResourceKind[]>>> = {
  'ecs.OneOffTask': ['ecs.TaskDefinition'],
};

/** Kind → the kinds it must wait for (never itself). */
export type ObserveGraph = ReadonlyMap<ResourceKind, ReadonlySet<ResourceKind>>;

/**
 * The graph for `kinds` of a stack: {@link OBSERVE_OUTPUT_READS} plus the kinds every ref of `desired`
 * points at. Throws `OBSERVE_CYCLE` when the edges form a cycle (observation would wait forever; the
 * renderer's own graph check rules it out for refs).
 */
export function observeGraph(
  kinds: readonly ResourceKind[],
  desired: readonly DesiredResource[],
): ObserveGraph {
  const kindOf = new Map(desired.map((d) => [d.logicalId, d.kind]));
  const graph = new Map<ResourceKind, Set<ResourceKind>>(
    kinds.map((k) => [k, new Set((OBSERVE_OUTPUT_READS[k] ?? []).filter((n) => kinds.includes(n)))]),
  );
  for (const d of desired) {
    const needs = graph.get(d.kind);
    if (!needs) continue;
    for (const ref of collectRefs(d.spec)) {
      const target = kindOf.get(ref.$ref);
      if (target !== undefined && target !== d.kind && graph.has(target)) needs.add(target);
    }
  }
  assertAcyclic(graph);
  return graph;
}

function assertAcyclic(graph: ReadonlyMap<ResourceKind, ReadonlySet<ResourceKind>>): void {
  const done = new Set<ResourceKind>();
  const visiting = new Set<ResourceKind>();
  const visit = (kind: ResourceKind, path: readonly ResourceKind[]): void => {
    if (done.has(kind)) return;
    if (visiting.has(kind)) {
      throw new StackctlError(
        'OBSERVE_CYCLE',
        `observation order has a cycle: ${[...path, kind].join(' → ')}`,
      );
    }
    visiting.add(kind);
    for (const need of graph.get(kind) ?? []) visit(need, [...path, kind]);
    visiting.delete(kind);
    done.add(kind);
  };
  for (const kind of graph.keys()) visit(kind, []);
}
