/**
 * Which fields force a replacement, per kind: the "(replace)" marks of docs/resource-specs.md as one table.
 *
 * Keeping the rule as data (not code spread over appliers) means the plan can name every replacement and
 * why before anything happens, and a test can check the table against the docs.
 *
 * @module
 */
import type { ResourceKind } from '../desired/resource-types.js';
import type { FieldDelta } from './types.js';

/**
 * Spec fields (top-level keys, or dotted paths) that cannot change in place. `ecs.TaskDefinition` has
 * none on purpose: any change registers a new revision, which the plan shows as an update.
 */
export const IMMUTABLE_FIELDS: Readonly<Record<ResourceKind, readonly string[]>> = {
  'ec2.Vpc': ['cidrBlock'],
  'ec2.InternetGateway': [],
  'ec2.Subnet': ['availabilityZone', 'cidrBlock', 'vpcId'],
  'ec2.RouteTable': ['vpcId'],
  'ec2.NatGateway': ['subnetId'],
  'ec2.SecurityGroup': ['description', 'groupName', 'vpcId'],
  'logs.LogGroup': ['logGroupName'],
  'iam.Role': ['roleName'],
  'ecs.Cluster': ['clusterName'],
  'ecs.TaskDefinition': [],
  'ecs.Service': ['cluster', 'serviceName'],
  'ecs.OneOffTask': [],
  'elbv2.LoadBalancer': ['name', 'scheme', 'type'],
  'elbv2.TargetGroup': ['name', 'port', 'protocol', 'targetType', 'vpcId'],
  'elbv2.Listener': ['loadBalancerArn'],
  'elbv2.ListenerRule': ['listenerArn'],
  'acm.Certificate': ['domainName', 'subjectAlternativeNames'],
  'route53.Record': ['name', 'type'],
  'rds.DBSubnetGroup': [],
  'rds.DBInstance': ['dbName', 'dbSubnetGroupName', 'engine', 'masterUsername', 'storageEncrypted'],
  'elasticache.SubnetGroup': [],
  'elasticache.ReplicationGroup': ['cacheSubnetGroupName'],
  'ssm.Parameter': ['name'],
  'autoscaling.ScalableTarget': [],
  'autoscaling.ScalingPolicy': [],
  // DHCP option sets cannot be edited in EC2; the VPC association (`vpcId`) can.
  'ec2.DhcpOptions': ['domainName', 'domainNameServers'],
  'servicediscovery.Namespace': ['name', 'vpc'],
  'servicediscovery.Service': [
    'dnsRecords',
    'healthCheckCustomConfig',
    'name',
    'namespaceId',
    'routingPolicy',
  ],
  'servicediscovery.Instance': ['instanceId', 'serviceId'],
};

/** The immutable field a delta path falls under, if any (`subjectAlternativeNames[0]` → `subjectAlternativeNames`). */
export function immutableFieldOf(kind: ResourceKind, path: string): string | undefined {
  return IMMUTABLE_FIELDS[kind].find(
    (field) => path === field || path.startsWith(`${field}.`) || path.startsWith(`${field}[`),
  );
}

/** True when changing `path` of a `kind` requires replacing the resource. */
export function isImmutablePath(kind: ResourceKind, path: string): boolean {
  return immutableFieldOf(kind, path) !== undefined;
}

/**
 * The human reason a set of deltas forces a replacement, naming each immutable field once, or
 * `undefined` when every delta can be applied in place.
 *
 * @example
 * replaceReason('elbv2.TargetGroup', deltas) // 'port cannot change in place'
 */
export function replaceReason(kind: ResourceKind, deltas: readonly FieldDelta[]): string | undefined {
  const fields: string[] = [];
  for (const d of deltas) {
    if (!d.replace) continue;
    const field = immutableFieldOf(kind, d.path) ?? d.path;
    if (!fields.includes(field)) fields.push(field);
  }
  return fields.length === 0 ? undefined : `${fields.join(', ')} cannot change in place`;
}
