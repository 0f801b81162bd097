/**
 * Inventory of the remaining kinds: log groups, IAM roles, SSM parameters, RDS instances and subnet
 * groups, ElastiCache replication and subnet groups, ACM certificates and Application Auto Scaling
 * targets. Account defaults (the `default` subnet groups) are left out.
 *
 * @module
 */
import { ListCertificatesCommand } from '@aws-sdk/client-acm';
import { DescribeScalableTargetsCommand } from '@aws-sdk/client-application-auto-scaling';
import {
  DescribeLogGroupsCommand,
  ListTagsForResourceCommand as ListLogTags,
} from '@aws-sdk/client-cloudwatch-logs';
import {
  DescribeCacheSubnetGroupsCommand,
  DescribeReplicationGroupsCommand,
  ListTagsForResourceCommand as ListCacheTags,
} from '@aws-sdk/client-elasticache';
import { ListRolesCommand, ListRoleTagsCommand } from '@aws-sdk/client-iam';
import {
  DescribeDBInstancesCommand,
  DescribeDBSubnetGroupsCommand,
  ListTagsForResourceCommand as ListRdsTags,
} from '@aws-sdk/client-rds';
import { DescribeParametersCommand, ListTagsForResourceCommand as ListSsmTags } from '@aws-sdk/client-ssm';
import type { AwsClients } from '../../../src/aws/types.js';
import { type FoundResource, tagsOf } from './inventory-types.js';

/** Every log group, role and SSM parameter. */
export async function listLogsIamSsm(clients: AwsClients): Promise<readonly FoundResource[]> {
  const found: FoundResource[] = [];
  const groups = (await clients.logs.send(new DescribeLogGroupsCommand({}))).logGroups ?? [];
  for (const g of groups) {
    const arn = (g.arn ?? '').replace(/:\*$/, '');
    const tags = (await clients.logs.send(new ListLogTags({ resourceArn: arn }))).tags ?? {};
    found.push({ kind: 'logs.LogGroup', id: g.logGroupName ?? '', tags });
  }
  const roles = (await clients.iam.send(new ListRolesCommand({}))).Roles ?? [];
  for (const r of roles) {
    if ((r.Path ?? '/').startsWith('/aws-service-role/')) continue;
    const tags = (await clients.iam.send(new ListRoleTagsCommand({ RoleName: r.RoleName }))).Tags;
    found.push({ kind: 'iam.Role', id: r.RoleName ?? '', tags: tagsOf(tags) });
  }
  const params = (await clients.ssm.send(new DescribeParametersCommand({ MaxResults: 50 }))).Parameters ?? [];
  for (const p of params) {
    const res = await clients.ssm.send(new ListSsmTags({ ResourceType: 'Parameter', ResourceId: p.Name }));
    found.push({ kind: 'ssm.Parameter', id: p.Name ?? '', tags: tagsOf(res.TagList) });
  }
  return found;
}

/** Every RDS instance and subnet group, ElastiCache replication and subnet group. */
export async function listDataStores(clients: AwsClients): Promise<readonly FoundResource[]> {
  const found: FoundResource[] = [];
  for (const d of (await clients.rds.send(new DescribeDBInstancesCommand({}))).DBInstances ?? [])
    if (d.DBInstanceStatus !== 'deleting')
      found.push({ kind: 'rds.DBInstance', id: d.DBInstanceIdentifier ?? '', tags: tagsOf(d.TagList) });
  for (const g of (await clients.rds.send(new DescribeDBSubnetGroupsCommand({}))).DBSubnetGroups ?? []) {
    if (g.DBSubnetGroupName === 'default') continue;
    const res = await clients.rds.send(new ListRdsTags({ ResourceName: g.DBSubnetGroupArn }));
    found.push({ kind: 'rds.DBSubnetGroup', id: g.DBSubnetGroupName ?? '', tags: tagsOf(res.TagList) });
  }
  for (const g of (await clients.elasticache.send(new DescribeReplicationGroupsCommand({})))
    .ReplicationGroups ?? []) {
    if (g.Status === 'deleting') continue;
    const res = await clients.elasticache.send(new ListCacheTags({ ResourceName: g.ARN }));
    found.push({
      kind: 'elasticache.ReplicationGroup',
      id: g.ReplicationGroupId ?? '',
      tags: tagsOf(res.TagList),
    });
  }
  for (const g of (await clients.elasticache.send(new DescribeCacheSubnetGroupsCommand({})))
    .CacheSubnetGroups ?? []) {
    if (g.CacheSubnetGroupName === 'default') continue;
    const res = await clients.elasticache.send(new ListCacheTags({ ResourceName: g.ARN }));
    found.push({
      kind: 'elasticache.SubnetGroup',
      id: g.CacheSubnetGroupName ?? '',
      tags: tagsOf(res.TagList),
    });
  }
  return found;
}

/** Every ACM certificate and ECS scalable target (none in a stack without a domain or autoscaling). */
export async function listCertificatesAndScaling(clients: AwsClients): Promise<readonly FoundResource[]> {
  const certs = (await clients.acm.send(new ListCertificatesCommand({}))).CertificateSummaryList ?? [];
  const targets =
    (await clients.autoscaling.send(new DescribeScalableTargetsCommand({ ServiceNamespace: 'ecs' })))
      .ScalableTargets ?? [];
  return [
    ...certs.map((c) => ({ kind: 'acm.Certificate', id: c.CertificateArn ?? '', tags: {} })),
    ...targets.map((t) => ({ kind: 'autoscaling.ScalableTarget', id: t.ResourceId ?? '', tags: {} })),
  ];
}
