/**
 * What a stack owns in AWS, read back with each service's own describe calls (not the tagging API, which
 * moto — like AWS — keeps answering for deleted resources, `aws-api-facts.md` §8 #12). An item is listed
 * only when it still exists (not deleted / deleting / INACTIVE) and carries the stack's ownership tags.
 *
 * Route 53 records and Cloud Map instances carry no tags; tests that need them read them directly.
 *
 * @module
 */
import type { AwsClients } from '../../../src/aws/types.js';
import { type ResourceKind, TAG_KEYS } from '../../../src/desired/resource-types.js';
import { LISTERS } from './inventory-listers.js';

/** One live resource of the stack: a type label (`ec2:vpc`, `ecs:service`…), its id or ARN and logical id. */
export interface InventoryItem {
  readonly type: string;
  readonly id: string;
  /** The `stackctl:logical-id` tag. */
  readonly logicalId: string;
}

/** The inventory type each tagged resource kind shows up as (kinds without tags of their own are absent). */
export const INVENTORY_TYPE_OF_KIND: Readonly<Partial<Record<ResourceKind, string>>> = {
  'ec2.Vpc': 'ec2:vpc',
  'ec2.Subnet': 'ec2:subnet',
  'ec2.SecurityGroup': 'ec2:sg',
  'ec2.RouteTable': 'ec2:rt',
  'ec2.InternetGateway': 'ec2:igw',
  'ec2.NatGateway': 'ec2:nat',
  'ecs.Cluster': 'ecs:cluster',
  'ecs.Service': 'ecs:service',
  'ecs.TaskDefinition': 'ecs:task-definition',
  'elbv2.LoadBalancer': 'elbv2:lb',
  'elbv2.Listener': 'elbv2:listener',
  'elbv2.ListenerRule': 'elbv2:rule',
  'elbv2.TargetGroup': 'elbv2:tg',
  'logs.LogGroup': 'logs:log-group',
  'iam.Role': 'iam:role',
  'ssm.Parameter': 'ssm:parameter',
  'rds.DBInstance': 'rds:db',
  'rds.DBSubnetGroup': 'rds:subgrp',
  'elasticache.ReplicationGroup': 'elasticache:replicationgroup',
  'elasticache.SubnetGroup': 'elasticache:subgrp',
  'acm.Certificate': 'acm:certificate',
  'autoscaling.ScalableTarget': 'autoscaling:target',
  'ec2.DhcpOptions': 'ec2:dhcp-options',
  'servicediscovery.Namespace': 'servicediscovery:namespace',
  'servicediscovery.Service': 'servicediscovery:service',
};

/** Every live resource tagged for `project`/`stack`, sorted by type then id. */
export async function stackInventory(
  clients: AwsClients,
  project: string,
  stack: string,
): Promise<InventoryItem[]> {
  const all = (await Promise.all(LISTERS.map((l) => l(clients)))).flat();
  return all
    .filter((r) => r.tags[TAG_KEYS.project] === project && r.tags[TAG_KEYS.stack] === stack)
    .map(({ type, id, tags }) => ({ type, id, logicalId: tags[TAG_KEYS.logicalId] ?? '' }))
    .sort((a, b) => a.type.localeCompare(b.type) || a.logicalId.localeCompare(b.logicalId));
}

/** `type logicalId` of every item, for readable set comparisons. */
export function inventoryKeys(items: readonly InventoryItem[]): string[] {
  return items.map((i) => `${i.type} ${i.logicalId}`);
}

/** The `type logicalId` keys rendered resources should have in AWS once converged. */
export function expectedKeys(resources: readonly { kind: ResourceKind; logicalId: string }[]): string[] {
  return resources
    .flatMap((r) => {
      const type = INVENTORY_TYPE_OF_KIND[r.kind];
      return type ? [`${type} ${r.logicalId}`] : [];
    })
    .sort();
}
