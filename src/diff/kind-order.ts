/**
 * The order kinds are deleted in (ARCHITECTURE "Order", aws-api-facts §6), as one table.
 *
 * A removed resource has no desired `dependsOn` any more, so the planner cannot know what it depended
 * on from the render; this static table is the fallback, refined by the references found in observed
 * specs. It is a partial order, not a list, so unrelated deletes run in parallel: a log group does not
 * wait minutes for an RDS instance to go.
 *
 * @module
 */
import { RESOURCE_KINDS, type ResourceKind } from '../desired/resource-types.js';

/**
 * For each kind, the kinds whose deletes must finish before it is deleted: the things that use it
 * (listeners before their load balancer, the load balancer and services before target groups, every ENI
 * user before security groups and subnets, everything before the VPC).
 */
export const KIND_DELETE_ORDER: Readonly<Record<ResourceKind, readonly ResourceKind[]>> = {
  'autoscaling.ScalingPolicy': [],
  'autoscaling.ScalableTarget': ['autoscaling.ScalingPolicy'],
  'route53.Record': [],
  'ecs.OneOffTask': [],
  'ecs.Service': ['autoscaling.ScalableTarget'],
  // Cloud Map: instances (ours) go before their service, ECS services (which register A instances)
  // before their registry service, every service before the namespace.
  'servicediscovery.Instance': [],
  'servicediscovery.Service': ['servicediscovery.Instance', 'ecs.Service'],
  'servicediscovery.Namespace': ['servicediscovery.Service'],
  'ec2.DhcpOptions': [],
  'elbv2.ListenerRule': [],
  'elbv2.Listener': ['elbv2.ListenerRule'],
  'elbv2.LoadBalancer': ['elbv2.Listener', 'route53.Record'],
  'elbv2.TargetGroup': ['elbv2.ListenerRule', 'elbv2.Listener', 'elbv2.LoadBalancer', 'ecs.Service'],
  'acm.Certificate': ['elbv2.Listener'],
  'ecs.TaskDefinition': ['ecs.Service', 'ecs.OneOffTask'],
  'ecs.Cluster': ['ecs.Service', 'ecs.OneOffTask', 'autoscaling.ScalableTarget'],
  'rds.DBInstance': ['servicediscovery.Instance'],
  'rds.DBSubnetGroup': ['rds.DBInstance'],
  'elasticache.ReplicationGroup': ['servicediscovery.Instance'],
  'elasticache.SubnetGroup': ['elasticache.ReplicationGroup'],
  'ssm.Parameter': ['rds.DBInstance', 'ecs.TaskDefinition'],
  'logs.LogGroup': ['ecs.Service', 'ecs.OneOffTask'],
  'iam.Role': ['ecs.Service', 'ecs.OneOffTask', 'ecs.TaskDefinition'],
  'ec2.SecurityGroup': [
    'ecs.Service',
    'ecs.OneOffTask',
    'elbv2.LoadBalancer',
    'rds.DBInstance',
    'elasticache.ReplicationGroup',
  ],
  'ec2.RouteTable': [],
  'ec2.NatGateway': ['ec2.RouteTable'],
  'ec2.InternetGateway': ['ec2.NatGateway', 'ec2.RouteTable', 'elbv2.LoadBalancer'],
  'ec2.Subnet': [
    'ec2.NatGateway',
    'ec2.RouteTable',
    'elbv2.LoadBalancer',
    'ecs.Service',
    'ecs.OneOffTask',
    'rds.DBSubnetGroup',
    'elasticache.SubnetGroup',
  ],
  'ec2.Vpc': [
    'ec2.Subnet',
    'ec2.InternetGateway',
    'ec2.RouteTable',
    'ec2.SecurityGroup',
    'elbv2.TargetGroup',
    'ec2.DhcpOptions',
    'servicediscovery.Namespace',
  ],
};

function closure(kind: ResourceKind, seen: Set<ResourceKind>): Set<ResourceKind> {
  for (const before of KIND_DELETE_ORDER[kind]) {
    if (seen.has(before)) continue;
    seen.add(before);
    closure(before, seen);
  }
  return seen;
}

const DELETED_BEFORE: ReadonlyMap<ResourceKind, ReadonlySet<ResourceKind>> = new Map(
  RESOURCE_KINDS.map((k) => [k, closure(k, new Set())]),
);

/**
 * True when deletes of `first` must finish before a delete of `then` starts (transitively: a VPC waits
 * for services even when no subnet is deleted in the same plan).
 */
export function mustDeleteBefore(first: ResourceKind, then: ResourceKind): boolean {
  return DELETED_BEFORE.get(then)?.has(first) ?? false;
}
