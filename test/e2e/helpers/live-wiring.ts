/**
 * The wiring of a deployed stack read straight from AWS with raw SDK calls — a second, independent
 * reading beside `stackctl check`, so an end-to-end test can assert what a user needs (names resolve,
 * security groups admit the caller, listeners route to the right service) without trusting the code
 * under test.
 *
 * @module
 */
import {
  DescribeDhcpOptionsCommand,
  DescribeSecurityGroupsCommand,
  DescribeVpcsCommand,
} from '@aws-sdk/client-ec2';
import { DescribeServicesCommand, ListServicesCommand } from '@aws-sdk/client-ecs';
import {
  DescribeListenersCommand,
  DescribeLoadBalancersCommand,
  DescribeTargetGroupsCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { DescribeCacheClustersCommand, DescribeReplicationGroupsCommand } from '@aws-sdk/client-elasticache';
import { DescribeDBInstancesCommand } from '@aws-sdk/client-rds';
import {
  GetNamespaceCommand,
  GetServiceCommand,
  ListServicesCommand as ListDiscoveryServicesCommand,
  ListInstancesCommand,
  ListNamespacesCommand,
  ListTagsForResourceCommand,
} from '@aws-sdk/client-servicediscovery';
import type { AwsClients } from '../../../src/aws/types.js';
import { TAG_KEYS } from '../../../src/desired/resource-types.js';

/** One ingress permission, flattened. */
export interface LiveRule {
  readonly protocol: string;
  readonly fromPort: number;
  readonly toPort: number;
  readonly sourceGroups: readonly string[];
  readonly cidrs: readonly string[];
}

/** A Cloud Map service of the namespace, with its registered CNAME targets. */
export interface LiveName {
  readonly arn: string;
  readonly recordTypes: readonly string[];
  readonly cnames: readonly string[];
}

/** What the tests need of a stack's wiring. */
export interface LiveWiring {
  readonly namespace?: { readonly id: string; readonly name: string; readonly vpcSearchDomains: string };
  /** Cloud Map services by DNS label. */
  readonly names: ReadonlyMap<string, LiveName>;
  /** ECS services by name: their task security groups, registries and load balancer targets. */
  readonly services: ReadonlyMap<
    string,
    {
      readonly groups: readonly string[];
      readonly registries: readonly string[];
      readonly targets: readonly { readonly targetGroupArn: string; readonly containerPort: number }[];
    }
  >;
  /** Security groups by id, ingress flattened. */
  readonly groups: ReadonlyMap<string, { readonly name: string; readonly ingress: readonly LiveRule[] }>;
  /** ALB listeners: port → forwarded target group (port and ARN). */
  readonly listeners: ReadonlyMap<number, { readonly targetGroupArn?: string; readonly targetPort?: number }>;
}

async function ownedBy(clients: AwsClients, arn: string, project: string, stack: string): Promise<boolean> {
  const { Tags } = await clients.servicediscovery.send(new ListTagsForResourceCommand({ ResourceARN: arn }));
  const tags = new Map((Tags ?? []).map((t) => [t.Key, t.Value]));
  return tags.get(TAG_KEYS.project) === project && tags.get(TAG_KEYS.stack) === stack;
}

async function readNamespace(clients: AwsClients, project: string, stack: string) {
  const { Namespaces } = await clients.servicediscovery.send(new ListNamespacesCommand({}));
  for (const ns of Namespaces ?? []) {
    if (ns.Arn && ns.Id && (await ownedBy(clients, ns.Arn, project, stack))) return ns;
  }
  return undefined;
}

async function readNames(clients: AwsClients, namespaceId: string): Promise<Map<string, LiveName>> {
  const { Services } = await clients.servicediscovery.send(
    new ListDiscoveryServicesCommand({ Filters: [{ Name: 'NAMESPACE_ID', Values: [namespaceId] }] }),
  );
  const out = new Map<string, LiveName>();
  for (const s of Services ?? []) {
    if (!s.Id || !s.Name || !s.Arn) continue;
    // moto ignores the NAMESPACE_ID filter: ask each service which namespace it is in.
    const { Service } = await clients.servicediscovery.send(new GetServiceCommand({ Id: s.Id }));
    if (Service?.NamespaceId !== namespaceId) continue;
    const { Instances } = await clients.servicediscovery.send(new ListInstancesCommand({ ServiceId: s.Id }));
    out.set(s.Name, {
      arn: s.Arn,
      recordTypes: (s.DnsConfig?.DnsRecords ?? []).map((r) => r.Type ?? ''),
      cnames: (Instances ?? []).flatMap((i) => {
        const cname = i.Attributes?.AWS_INSTANCE_CNAME;
        return cname ? [cname] : [];
      }),
    });
  }
  return out;
}

async function searchDomainsOf(clients: AwsClients, vpcId: string | undefined): Promise<string> {
  if (!vpcId) return '';
  const { Vpcs } = await clients.ec2.send(new DescribeVpcsCommand({ VpcIds: [vpcId] }));
  const optionsId = Vpcs?.[0]?.DhcpOptionsId;
  if (!optionsId || optionsId === 'default') return '';
  const { DhcpOptions } = await clients.ec2.send(
    new DescribeDhcpOptionsCommand({ DhcpOptionsIds: [optionsId] }),
  );
  const conf = DhcpOptions?.[0]?.DhcpConfigurations?.find((c) => c.Key === 'domain-name');
  return (conf?.Values ?? []).map((v) => v.Value ?? '').join(' ');
}

async function readServices(clients: AwsClients, cluster: string) {
  const arns =
    (await clients.ecs.send(new ListServicesCommand({ cluster, maxResults: 100 }))).serviceArns ?? [];
  const out = new Map<
    string,
    { groups: string[]; registries: string[]; targets: { targetGroupArn: string; containerPort: number }[] }
  >();
  for (let i = 0; i < arns.length; i += 10) {
    const { services } = await clients.ecs.send(
      new DescribeServicesCommand({ cluster, services: arns.slice(i, i + 10) }),
    );
    for (const s of services ?? []) {
      if (!s.serviceName || s.status === 'INACTIVE') continue;
      out.set(s.serviceName, {
        groups: s.networkConfiguration?.awsvpcConfiguration?.securityGroups ?? [],
        registries: (s.serviceRegistries ?? []).map((r) => r.registryArn ?? ''),
        targets: (s.loadBalancers ?? []).map((lb) => ({
          targetGroupArn: lb.targetGroupArn ?? '',
          containerPort: lb.containerPort ?? 0,
        })),
      });
    }
  }
  return out;
}

async function readGroups(clients: AwsClients, vpcId: string) {
  const { SecurityGroups } = await clients.ec2.send(
    new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }),
  );
  return new Map(
    (SecurityGroups ?? []).map((g) => [
      g.GroupId ?? '',
      {
        name: g.GroupName ?? '',
        ingress: (g.IpPermissions ?? []).map(
          (p): LiveRule => ({
            protocol: p.IpProtocol ?? '',
            fromPort: p.FromPort ?? -1,
            toPort: p.ToPort ?? -1,
            sourceGroups: (p.UserIdGroupPairs ?? []).map((u) => u.GroupId ?? ''),
            cidrs: (p.IpRanges ?? []).map((r) => r.CidrIp ?? ''),
          }),
        ),
      },
    ]),
  );
}

async function readListeners(clients: AwsClients, lbName: string) {
  const out = new Map<number, { targetGroupArn?: string; targetPort?: number }>();
  const lbs = await clients.elbv2
    .send(new DescribeLoadBalancersCommand({ Names: [lbName] }))
    .catch(() => ({ LoadBalancers: [] }));
  const lbArn = lbs.LoadBalancers?.[0]?.LoadBalancerArn;
  if (!lbArn) return { listeners: out, vpcId: undefined };
  const { Listeners } = await clients.elbv2.send(new DescribeListenersCommand({ LoadBalancerArn: lbArn }));
  const { TargetGroups } = await clients.elbv2.send(
    new DescribeTargetGroupsCommand({ LoadBalancerArn: lbArn }),
  );
  const tgPort = new Map((TargetGroups ?? []).map((t) => [t.TargetGroupArn ?? '', t.Port]));
  for (const l of Listeners ?? []) {
    const forward = l.DefaultActions?.find((a) => a.Type === 'forward');
    const tg = forward?.TargetGroupArn ?? forward?.ForwardConfig?.TargetGroups?.[0]?.TargetGroupArn;
    const port = tg === undefined ? undefined : tgPort.get(tg);
    out.set(l.Port ?? 0, {
      ...(tg ? { targetGroupArn: tg } : {}),
      ...(port === undefined ? {} : { targetPort: port }),
    });
  }
  return { listeners: out, vpcId: lbs.LoadBalancers?.[0]?.VpcId };
}

/** Reads the wiring of `project`/`stack` (cluster `cluster`, load balancer `lbName`) in `vpcId`. */
export async function liveWiring(
  clients: AwsClients,
  opts: { project: string; stack: string; cluster: string; lbName?: string; vpcId: string },
): Promise<LiveWiring> {
  const ns = await readNamespace(clients, opts.project, opts.stack);
  const nsDetail = ns?.Id
    ? (await clients.servicediscovery.send(new GetNamespaceCommand({ Id: ns.Id }))).Namespace
    : undefined;
  const names = ns?.Id ? await readNames(clients, ns.Id) : new Map<string, LiveName>();
  const { listeners } = opts.lbName
    ? await readListeners(clients, opts.lbName)
    : { listeners: new Map<number, { targetGroupArn?: string; targetPort?: number }>() };
  return {
    ...(ns?.Id && ns.Name
      ? {
          namespace: {
            id: ns.Id,
            name: nsDetail?.Name ?? ns.Name,
            vpcSearchDomains: await searchDomainsOf(clients, opts.vpcId),
          },
        }
      : {}),
    names,
    services: await readServices(clients, opts.cluster),
    groups: await readGroups(clients, opts.vpcId),
    listeners,
  };
}

/** The VPC a stack created (found by its ownership tags). */
export async function stackVpcId(clients: AwsClients, project: string, stack: string): Promise<string> {
  const { Vpcs } = await clients.ec2.send(
    new DescribeVpcsCommand({
      Filters: [
        { Name: `tag:${TAG_KEYS.project}`, Values: [project] },
        { Name: `tag:${TAG_KEYS.stack}`, Values: [stack] },
      ],
    }),
  );
  const id = Vpcs?.[0]?.VpcId;
  if (!id) throw new Error(`no VPC for ${project}/${stack}`);
  return id;
}

/** True when some group in `calleeGroups` admits tcp `port` from some group in `callerGroups`. */
export function admits(
  wiring: LiveWiring,
  callerGroups: readonly string[],
  calleeGroups: readonly string[],
  port: number,
): boolean {
  return calleeGroups.some((id) =>
    (wiring.groups.get(id)?.ingress ?? []).some(
      (r) =>
        (r.protocol === 'tcp' || r.protocol === '-1') &&
        (r.protocol === '-1' || (r.fromPort <= port && port <= r.toPort)) &&
        r.sourceGroups.some((g) => callerGroups.includes(g)),
    ),
  );
}

/** The security groups of an RDS instance or ElastiCache replication group, by its id. */
export async function dataGroups(
  clients: AwsClients,
  kind: 'rds' | 'elasticache',
  id: string,
): Promise<string[]> {
  if (kind === 'rds') {
    const { DBInstances } = await clients.rds.send(
      new DescribeDBInstancesCommand({ DBInstanceIdentifier: id }),
    );
    return (DBInstances?.[0]?.VpcSecurityGroups ?? []).map((g) => g.VpcSecurityGroupId ?? '');
  }
  const { ReplicationGroups } = await clients.elasticache.send(
    new DescribeReplicationGroupsCommand({ ReplicationGroupId: id }),
  );
  const member = ReplicationGroups?.[0]?.MemberClusters?.[0];
  if (!member) return [];
  const { CacheClusters } = await clients.elasticache.send(
    new DescribeCacheClustersCommand({ CacheClusterId: member }),
  );
  return (CacheClusters?.[0]?.SecurityGroups ?? []).map((g) => g.SecurityGroupId ?? '');
}
