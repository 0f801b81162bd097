/**
 * Lists every live resource of each service stackctl creates, with its tags, using the service's own
 * describe calls (existing and not deleting only). {@link stackInventory} filters them by stack.
 *
 * @module
 */
import { ListCertificatesCommand, ListTagsForCertificateCommand } from '@aws-sdk/client-acm';
import {
  ListTagsForResourceCommand as AasListTags,
  DescribeScalableTargetsCommand,
} from '@aws-sdk/client-application-auto-scaling';
import {
  DescribeLogGroupsCommand,
  ListTagsForResourceCommand as LogsListTags,
} from '@aws-sdk/client-cloudwatch-logs';
import {
  DescribeDhcpOptionsCommand,
  DescribeInternetGatewaysCommand,
  DescribeNatGatewaysCommand,
  DescribeRouteTablesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcsCommand,
  type Filter,
} from '@aws-sdk/client-ec2';
import {
  DescribeClustersCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ListClustersCommand,
  ListServicesCommand,
  ListTaskDefinitionsCommand,
} from '@aws-sdk/client-ecs';
import {
  DescribeListenersCommand,
  DescribeLoadBalancersCommand,
  DescribeRulesCommand,
  DescribeTagsCommand,
  DescribeTargetGroupsCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import {
  ListTagsForResourceCommand as CacheListTags,
  DescribeCacheSubnetGroupsCommand,
  DescribeReplicationGroupsCommand,
} from '@aws-sdk/client-elasticache';
import { ListRolesCommand, ListRoleTagsCommand } from '@aws-sdk/client-iam';
import {
  DescribeDBInstancesCommand,
  DescribeDBSubnetGroupsCommand,
  ListTagsForResourceCommand as RdsListTags,
} from '@aws-sdk/client-rds';
import {
  ListServicesCommand as CloudMapListServices,
  ListTagsForResourceCommand as CloudMapListTags,
  ListNamespacesCommand,
} from '@aws-sdk/client-servicediscovery';
import { DescribeParametersCommand, ListTagsForResourceCommand as SsmListTags } from '@aws-sdk/client-ssm';
import type { AwsClients } from '../../../src/aws/types.js';
import { TAG_KEYS } from '../../../src/desired/resource-types.js';
import { tagListToRecord } from '../../../src/desired/tags.js';
import { ecsTagsToRecord } from '../../../src/observed/ecs-common.js';

type Tags = Readonly<Record<string, string>>;

/** A live resource with every tag it carries, before filtering by stack. */
export interface TaggedResource {
  readonly type: string;
  readonly id: string;
  readonly tags: Tags;
}

type Lister = (clients: AwsClients) => Promise<TaggedResource[]>;

const ec2: Lister = async ({ ec2: c }) => {
  const Filters: Filter[] = [{ Name: 'tag-key', Values: [TAG_KEYS.stack] }];
  const [vpcs, subnets, sgs, rts, igws, nats] = await Promise.all([
    c.send(new DescribeVpcsCommand({ Filters })),
    c.send(new DescribeSubnetsCommand({ Filters })),
    c.send(new DescribeSecurityGroupsCommand({ Filters })),
    c.send(new DescribeRouteTablesCommand({ Filters })),
    c.send(new DescribeInternetGatewaysCommand({ Filters })),
    c.send(new DescribeNatGatewaysCommand({ Filter: Filters })),
  ]);
  return [
    ...(vpcs.Vpcs ?? []).map((v) => ({ type: 'ec2:vpc', id: v.VpcId ?? '', tags: tagListToRecord(v.Tags) })),
    ...(subnets.Subnets ?? []).map((s) => ({
      type: 'ec2:subnet',
      id: s.SubnetId ?? '',
      tags: tagListToRecord(s.Tags),
    })),
    ...(sgs.SecurityGroups ?? []).map((g) => ({
      type: 'ec2:sg',
      id: g.GroupId ?? '',
      tags: tagListToRecord(g.Tags),
    })),
    ...(rts.RouteTables ?? []).map((r) => ({
      type: 'ec2:rt',
      id: r.RouteTableId ?? '',
      tags: tagListToRecord(r.Tags),
    })),
    ...(igws.InternetGateways ?? []).map((g) => ({
      type: 'ec2:igw',
      id: g.InternetGatewayId ?? '',
      tags: tagListToRecord(g.Tags),
    })),
    ...(nats.NatGateways ?? [])
      .filter((n) => n.State !== 'deleted' && n.State !== 'deleting')
      .map((n) => ({ type: 'ec2:nat', id: n.NatGatewayId ?? '', tags: tagListToRecord(n.Tags) })),
  ];
};

const ecs: Lister = async ({ ecs: c }) => {
  const out: TaggedResource[] = [];
  const clusterArns = (await c.send(new ListClustersCommand({}))).clusterArns ?? [];
  if (clusterArns.length > 0) {
    const { clusters } = await c.send(
      new DescribeClustersCommand({ clusters: clusterArns, include: ['TAGS'] }),
    );
    for (const cl of clusters ?? []) {
      if (cl.status === 'INACTIVE') continue;
      out.push({ type: 'ecs:cluster', id: cl.clusterArn ?? '', tags: ecsTagsToRecord(cl.tags) });
      const arns =
        (await c.send(new ListServicesCommand({ cluster: cl.clusterArn, maxResults: 100 }))).serviceArns ??
        [];
      for (let i = 0; i < arns.length; i += 10) {
        const { services } = await c.send(
          new DescribeServicesCommand({
            cluster: cl.clusterArn,
            services: arns.slice(i, i + 10),
            include: ['TAGS'],
          }),
        );
        for (const s of services ?? []) {
          if (s.status === 'INACTIVE') continue;
          out.push({ type: 'ecs:service', id: s.serviceArn ?? '', tags: ecsTagsToRecord(s.tags) });
        }
      }
    }
  }
  const tds = (await c.send(new ListTaskDefinitionsCommand({ status: 'ACTIVE', maxResults: 100 })))
    .taskDefinitionArns;
  for (const arn of tds ?? []) {
    const td = await c.send(new DescribeTaskDefinitionCommand({ taskDefinition: arn, include: ['TAGS'] }));
    out.push({ type: 'ecs:task-definition', id: arn, tags: ecsTagsToRecord(td.tags) });
  }
  return out;
};

const elbv2: Lister = async ({ elbv2: c }) => {
  const typed: { type: string; id: string }[] = [];
  const lbs = (await c.send(new DescribeLoadBalancersCommand({}))).LoadBalancers ?? [];
  for (const lb of lbs) {
    typed.push({ type: 'elbv2:lb', id: lb.LoadBalancerArn ?? '' });
    for (const l of (await c.send(new DescribeListenersCommand({ LoadBalancerArn: lb.LoadBalancerArn })))
      .Listeners ?? []) {
      typed.push({ type: 'elbv2:listener', id: l.ListenerArn ?? '' });
      for (const r of (await c.send(new DescribeRulesCommand({ ListenerArn: l.ListenerArn }))).Rules ?? []) {
        if (!r.IsDefault) typed.push({ type: 'elbv2:rule', id: r.RuleArn ?? '' });
      }
    }
  }
  for (const tg of (await c.send(new DescribeTargetGroupsCommand({}))).TargetGroups ?? []) {
    typed.push({ type: 'elbv2:tg', id: tg.TargetGroupArn ?? '' });
  }
  const tags = new Map<string, Tags>();
  for (let i = 0; i < typed.length; i += 20) {
    const res = await c.send(
      new DescribeTagsCommand({ ResourceArns: typed.slice(i, i + 20).map((t) => t.id) }),
    );
    for (const d of res.TagDescriptions ?? []) tags.set(d.ResourceArn ?? '', tagListToRecord(d.Tags));
  }
  return typed.map((t) => ({ ...t, tags: tags.get(t.id) ?? {} }));
};

const logs: Lister = async ({ logs: c }) => {
  const groups = (await c.send(new DescribeLogGroupsCommand({}))).logGroups ?? [];
  return Promise.all(
    groups.map(async (g) => {
      const arn = (g.arn ?? '').replace(/:\*$/, '');
      const { tags } = await c.send(new LogsListTags({ resourceArn: arn }));
      return { type: 'logs:log-group', id: g.logGroupName ?? '', tags: tags ?? {} };
    }),
  );
};

const iam: Lister = async ({ iam: c }) => {
  const roles = (await c.send(new ListRolesCommand({}))).Roles ?? [];
  return Promise.all(
    roles.map(async (r) => {
      const { Tags } = await c.send(new ListRoleTagsCommand({ RoleName: r.RoleName }));
      return { type: 'iam:role', id: r.RoleName ?? '', tags: tagListToRecord(Tags) };
    }),
  );
};

const ssm: Lister = async ({ ssm: c }) => {
  const params = (await c.send(new DescribeParametersCommand({ MaxResults: 50 }))).Parameters ?? [];
  return Promise.all(
    params.map(async (p) => {
      const { TagList } = await c.send(new SsmListTags({ ResourceType: 'Parameter', ResourceId: p.Name }));
      return { type: 'ssm:parameter', id: p.Name ?? '', tags: tagListToRecord(TagList) };
    }),
  );
};

const data: Lister = async ({ rds, elasticache }) => {
  const out: TaggedResource[] = [];
  for (const db of (await rds.send(new DescribeDBInstancesCommand({}))).DBInstances ?? []) {
    if (db.DBInstanceStatus === 'deleting') continue;
    out.push({ type: 'rds:db', id: db.DBInstanceIdentifier ?? '', tags: tagListToRecord(db.TagList) });
  }
  for (const g of (await rds.send(new DescribeDBSubnetGroupsCommand({}))).DBSubnetGroups ?? []) {
    const { TagList } = await rds.send(new RdsListTags({ ResourceName: g.DBSubnetGroupArn }));
    out.push({ type: 'rds:subgrp', id: g.DBSubnetGroupName ?? '', tags: tagListToRecord(TagList) });
  }
  for (const rg of (await elasticache.send(new DescribeReplicationGroupsCommand({}))).ReplicationGroups ??
    []) {
    if (rg.Status === 'deleting') continue;
    const { TagList } = await elasticache.send(new CacheListTags({ ResourceName: rg.ARN }));
    out.push({
      type: 'elasticache:replicationgroup',
      id: rg.ReplicationGroupId ?? '',
      tags: tagListToRecord(TagList),
    });
  }
  for (const g of (await elasticache.send(new DescribeCacheSubnetGroupsCommand({}))).CacheSubnetGroups ??
    []) {
    const { TagList } = await elasticache.send(new CacheListTags({ ResourceName: g.ARN }));
    out.push({
      type: 'elasticache:subgrp',
      id: g.CacheSubnetGroupName ?? '',
      tags: tagListToRecord(TagList),
    });
  }
  return out;
};

const edges: Lister = async ({ acm, autoscaling }) => {
  const out: TaggedResource[] = [];
  for (const cert of (await acm.send(new ListCertificatesCommand({}))).CertificateSummaryList ?? []) {
    const { Tags } = await acm.send(
      new ListTagsForCertificateCommand({ CertificateArn: cert.CertificateArn }),
    );
    out.push({ type: 'acm:certificate', id: cert.CertificateArn ?? '', tags: tagListToRecord(Tags) });
  }
  const targets = await autoscaling.send(new DescribeScalableTargetsCommand({ ServiceNamespace: 'ecs' }));
  for (const t of targets.ScalableTargets ?? []) {
    const { Tags } = await autoscaling.send(new AasListTags({ ResourceARN: t.ScalableTargetARN }));
    out.push({ type: 'autoscaling:target', id: t.ResourceId ?? '', tags: Tags ?? {} });
  }
  return out;
};

/** Service discovery: DHCP options sets, Cloud Map namespaces and services (instances take no tags). */
const discovery: Lister = async ({ ec2: c, servicediscovery: sd }) => {
  const out: TaggedResource[] = [];
  const sets = await c.send(
    new DescribeDhcpOptionsCommand({ Filters: [{ Name: 'tag-key', Values: [TAG_KEYS.stack] }] }),
  );
  for (const d of sets.DhcpOptions ?? []) {
    out.push({ type: 'ec2:dhcp-options', id: d.DhcpOptionsId ?? '', tags: tagListToRecord(d.Tags) });
  }
  const tagsOf = async (arn: string | undefined) =>
    tagListToRecord((await sd.send(new CloudMapListTags({ ResourceARN: arn }))).Tags);
  for (const ns of (await sd.send(new ListNamespacesCommand({}))).Namespaces ?? []) {
    out.push({ type: 'servicediscovery:namespace', id: ns.Id ?? '', tags: await tagsOf(ns.Arn) });
  }
  for (const svc of (await sd.send(new CloudMapListServices({}))).Services ?? []) {
    out.push({ type: 'servicediscovery:service', id: svc.Id ?? '', tags: await tagsOf(svc.Arn) });
  }
  return out;
};

/** One lister per service family; together they see every kind stackctl creates. */
export const LISTERS: readonly Lister[] = [ec2, ecs, elbv2, logs, iam, ssm, data, edges, discovery];
