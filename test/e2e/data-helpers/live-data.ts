/**
 * Reading the managed data, domain and rollout resources of a stack back from AWS by their rendered
 * names, so end-to-end tests assert what exists rather than what the CLI said.
 *
 * @module
 */
import { DescribeCertificateCommand, ListCertificatesCommand } from '@aws-sdk/client-acm';
import { DescribeSecurityGroupsCommand, type SecurityGroup } from '@aws-sdk/client-ec2';
import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  type Service,
  type TaskDefinition,
} from '@aws-sdk/client-ecs';
import { DescribeReplicationGroupsCommand, type ReplicationGroup } from '@aws-sdk/client-elasticache';
import {
  type DBInstance,
  type DBSnapshot,
  DescribeDBInstancesCommand,
  DescribeDBSnapshotsCommand,
} from '@aws-sdk/client-rds';
import {
  ListHostedZonesByNameCommand,
  ListResourceRecordSetsCommand,
  type ResourceRecordSet,
} from '@aws-sdk/client-route-53';
import type { AwsClients } from '../../../src/aws/types.js';
import type { DesiredStack } from '../../../src/desired/resource-types.js';

/** The rendered physical name of `logicalId`. */
export function renderedName(desired: DesiredStack, logicalId: string): string {
  const r = desired.resources.find((x) => x.logicalId === logicalId);
  if (!r) throw new Error(`no rendered resource ${logicalId}`);
  return r.name;
}

/** An RDS instance by identifier, or undefined when it does not exist. */
export async function liveDb(clients: AwsClients, id: string): Promise<DBInstance | undefined> {
  const res = await clients.rds.send(
    new DescribeDBInstancesCommand({ Filters: [{ Name: 'db-instance-id', Values: [id] }] }),
  );
  return res.DBInstances?.find((d) => d.DBInstanceIdentifier === id);
}

/** Manual snapshots of instance `id` (a final snapshot is one; automated backups are not listed). */
export async function dbSnapshots(clients: AwsClients, id: string): Promise<DBSnapshot[]> {
  const res = await clients.rds.send(
    new DescribeDBSnapshotsCommand({ DBInstanceIdentifier: id, SnapshotType: 'manual' }),
  );
  return res.DBSnapshots ?? [];
}

/** An ElastiCache replication group by id, or undefined. */
export async function liveCache(clients: AwsClients, id: string): Promise<ReplicationGroup | undefined> {
  try {
    const res = await clients.elasticache.send(
      new DescribeReplicationGroupsCommand({ ReplicationGroupId: id }),
    );
    return res.ReplicationGroups?.[0];
  } catch {
    return undefined;
  }
}

/** A security group by name. */
export async function liveSecurityGroup(
  clients: AwsClients,
  name: string,
): Promise<SecurityGroup | undefined> {
  const res = await clients.ec2.send(
    new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'group-name', Values: [name] }] }),
  );
  return res.SecurityGroups?.[0];
}

/** An ECS service by name in `cluster`, unless INACTIVE or missing. */
export async function liveEcsService(
  clients: AwsClients,
  cluster: string,
  name: string,
): Promise<Service | undefined> {
  const res = await clients.ecs.send(new DescribeServicesCommand({ cluster, services: [name] }));
  const s = res.services?.[0];
  return s && s.status !== 'INACTIVE' ? s : undefined;
}

/** A task definition by ARN. */
export async function liveTaskDefinition(clients: AwsClients, arn: string): Promise<TaskDefinition> {
  const res = await clients.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: arn }));
  if (!res.taskDefinition) throw new Error(`no task definition ${arn}`);
  return res.taskDefinition;
}

/** Every certificate of the account with its status, domain and SANs. */
export async function liveCertificates(clients: AwsClients) {
  const list = await clients.acm.send(new ListCertificatesCommand({}));
  return Promise.all(
    (list.CertificateSummaryList ?? []).map(async (c) => {
      const res = await clients.acm.send(
        new DescribeCertificateCommand({ CertificateArn: c.CertificateArn }),
      );
      return res.Certificate ?? {};
    }),
  );
}

/** Every record of the public zone `zone` (`example.com`). */
export async function zoneRecords(clients: AwsClients, zone: string): Promise<ResourceRecordSet[]> {
  const zones = await clients.route53.send(new ListHostedZonesByNameCommand({ DNSName: zone }));
  const id = zones.HostedZones?.find((z) => z.Name === `${zone}.`)?.Id;
  if (!id) throw new Error(`no zone ${zone}`);
  const res = await clients.route53.send(new ListResourceRecordSetsCommand({ HostedZoneId: id }));
  return res.ResourceRecordSets ?? [];
}
