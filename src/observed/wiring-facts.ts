/**
 * Reads what `stackctl check` judges: the live wiring of one stack (Cloud Map namespace, services and
 * instances, DHCP search domain, ECS registrations and task groups, data endpoints and groups, load
 * balancer listeners and target groups, and every security group's ingress), as plain
 * {@link WiringFacts}. Read-only.
 *
 * Physical ids come from the observed pass's outputs (the VPC, the cluster, the groups by logical id)
 * and names from the render; the details come from direct describe calls, because a verdict must rest
 * on what AWS serves, not on the spec shape the diff compares.
 *
 * moto gaps: a Cloud Map private namespace's hosted zone lists no VPC there (moto creates the zone
 * without one); a replication group has no member clusters, so its groups are the rendered ones. Real AWS never has a private zone without a VPC, so an empty list is read as "not
 * verifiable" and left to the other checks rather than reported broken.
 *
 * @module
 */

import { DescribeSecurityGroupsCommand } from '@aws-sdk/client-ec2';
import { DescribeServicesCommand, type Service } from '@aws-sdk/client-ecs';
import {
  type Action,
  DescribeLoadBalancersCommand,
  DescribeTargetGroupsCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { DescribeCacheClustersCommand, DescribeReplicationGroupsCommand } from '@aws-sdk/client-elasticache';
import { DescribeDBInstancesCommand } from '@aws-sdk/client-rds';
import type { AwsClients } from '../aws/types.js';
import type { DesiredResource, DesiredStack, SpecValue } from '../desired/resource-types.js';
import { isRef, TAG_KEYS } from '../desired/resource-types.js';
import { tagListToRecord } from '../desired/tags.js';
import type {
  ObservedDataStore,
  ObservedEcsService,
  ObservedGroup,
  ObservedListener,
  WiringFacts,
} from '../diff/wiring/index.js';
import { ingressRulesFromPermissions } from './ec2-security-group.js';
import { arnName } from './ecs-common.js';
import { describeServicesInput } from './ecs-describe.js';
import { DESCRIBE_SERVICES_BATCH } from './ecs-service.js';
import { listListeners } from './elbv2-listener.js';
import { listRules } from './elbv2-listener-rule.js';
import { chunks, mapLimited, unlessNotFound } from './observe-helpers.js';
import { readDhcp, readNamespace, readVpcDns } from './wiring-dns-facts.js';

/** The logical ids the renderer gives the VPC, the cluster and the load balancer. */
const VPC_ID = 'vpc';
const CLUSTER_ID = 'cluster';
const ALB_ID = 'alb';

/** Inputs of {@link readWiringFacts}. */
export interface WiringFactsInput {
  readonly clients: AwsClients;
  readonly desired: DesiredStack;
  /** Outputs of the observed pass by logical id (`vpc`, `cluster`, `sg/...`). */
  readonly outputs: ReadonlyMap<string, Readonly<Record<string, string | number>>>;
  /** The namespace the stack should have (`namespaceName(model)`). */
  readonly namespaceName: string;
}

type Outputs = WiringFactsInput['outputs'];

function outputString(outputs: Outputs, logicalId: string, attr: string): string | undefined {
  const v = outputs.get(logicalId)?.[attr];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** The compose service of a logical id with `prefix/`, e.g. `service/web` → `web`. */
function serviceOf(r: DesiredResource, prefix: string): string | undefined {
  return r.logicalId.startsWith(`${prefix}/`) ? r.logicalId.slice(prefix.length + 1) : undefined;
}

function stackVpcId(desired: DesiredStack, outputs: Outputs): string | undefined {
  const created = outputString(outputs, VPC_ID, 'id');
  if (created) return created;
  for (const r of desired.resources) {
    const v = r.spec.vpcId;
    if (typeof v === 'string' && v !== '') return v;
  }
  return undefined;
}

function refIds(value: SpecValue | undefined, outputs: Outputs): string[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((v: SpecValue) => {
    if (isRef(v)) return outputString(outputs, v.$ref, v.attr) ?? [];
    return typeof v === 'string' ? [v] : [];
  });
}

function ecsFacts(s: Service): ObservedEcsService {
  return {
    name: s.serviceName ?? '',
    registryArns: (s.serviceRegistries ?? []).flatMap((r) => (r.registryArn ? [r.registryArn] : [])),
    securityGroupIds: s.networkConfiguration?.awsvpcConfiguration?.securityGroups ?? [],
    loadBalancers: (s.loadBalancers ?? []).flatMap((b) =>
      b.targetGroupArn && b.containerPort !== undefined
        ? [{ targetGroupArn: b.targetGroupArn, containerPort: b.containerPort }]
        : [],
    ),
  };
}

async function readEcsServices(
  clients: AwsClients,
  cluster: string,
  byName: ReadonlyMap<string, string>,
): Promise<Record<string, ObservedEcsService>> {
  const out: Record<string, ObservedEcsService> = {};
  // Asked as the service observer asks (cluster name, sorted batches), so a shared or memoized read of
  // the pass answers it instead of a second DescribeServices.
  for (const batch of chunks([...byName.keys()].sort(), DESCRIBE_SERVICES_BATCH)) {
    const res = await unlessNotFound(() =>
      clients.ecs.send(new DescribeServicesCommand(describeServicesInput(arnName(cluster), batch))),
    );
    for (const s of res?.services ?? []) {
      const svc = s.serviceName ? byName.get(s.serviceName) : undefined;
      if (svc && s.status !== 'INACTIVE') out[svc] = ecsFacts(s);
    }
  }
  return out;
}

async function readDatabase(clients: AwsClients, id: string): Promise<ObservedDataStore | undefined> {
  const res = await unlessNotFound(() =>
    clients.rds.send(new DescribeDBInstancesCommand({ DBInstanceIdentifier: id })),
  );
  const db = res?.DBInstances?.[0];
  if (!db) return undefined;
  return {
    id,
    ...(db.Endpoint?.Address ? { endpoint: db.Endpoint.Address } : {}),
    securityGroupIds: (db.VpcSecurityGroups ?? []).flatMap((g) =>
      g.VpcSecurityGroupId && g.Status !== 'removing' ? [g.VpcSecurityGroupId] : [],
    ),
  };
}

/**
 * A replication group's endpoint and groups. The groups are on its member clusters; when none can be
 * read (moto 5.2.1 does not model them; on AWS they exist once the group does), the rendered groups
 * stand in, as in the replication group observer: the endpoint and the groups' rules are still live.
 */
async function readCache(
  clients: AwsClients,
  id: string,
  renderedGroupIds: readonly string[],
): Promise<ObservedDataStore | undefined> {
  const res = await unlessNotFound(() =>
    clients.elasticache.send(new DescribeReplicationGroupsCommand({ ReplicationGroupId: id })),
  );
  const group = res?.ReplicationGroups?.[0];
  if (!group) return undefined;
  const member = group.MemberClusters?.[0];
  const cluster = member
    ? (
        await unlessNotFound(() =>
          clients.elasticache.send(new DescribeCacheClustersCommand({ CacheClusterId: member })),
        )
      )?.CacheClusters?.[0]
    : undefined;
  const endpoint = group.NodeGroups?.[0]?.PrimaryEndpoint?.Address;
  return {
    id,
    ...(endpoint ? { endpoint } : {}),
    securityGroupIds: cluster
      ? (cluster.SecurityGroups ?? []).flatMap((g) =>
          g.SecurityGroupId && g.Status !== 'removing' ? [g.SecurityGroupId] : [],
        )
      : renderedGroupIds,
  };
}

function forwardArns(actions: readonly Action[] | undefined): string[] {
  return (actions ?? []).flatMap((a) => {
    if (a.Type !== 'forward') return [];
    const weighted = (a.ForwardConfig?.TargetGroups ?? []).flatMap((t) =>
      t.TargetGroupArn ? [t.TargetGroupArn] : [],
    );
    return weighted.length > 0 ? weighted : a.TargetGroupArn ? [a.TargetGroupArn] : [];
  });
}

type LoadBalancerFacts = Pick<WiringFacts, 'loadBalancer' | 'listeners' | 'targetGroups'>;

const NO_LOAD_BALANCER: LoadBalancerFacts = { listeners: [], targetGroups: {} };

async function readLoadBalancer(clients: AwsClients, name: string): Promise<LoadBalancerFacts> {
  const elbv2 = clients.elbv2;
  const lbs = await unlessNotFound(() => elbv2.send(new DescribeLoadBalancersCommand({ Names: [name] })));
  const lb = lbs?.LoadBalancers?.[0];
  if (!lb?.LoadBalancerArn) return NO_LOAD_BALANCER;
  const arn = lb.LoadBalancerArn;
  // Listeners and rules are asked as their observers ask, so the pass's shared reads answer them.
  const [listenerList, tgRes] = await Promise.all([
    listListeners({ clients }, arn),
    elbv2.send(new DescribeTargetGroupsCommand({ LoadBalancerArn: arn })),
  ]);
  const listeners = await mapLimited(listenerList, async (l): Promise<ObservedListener> => {
    const rules = l.ListenerArn ? await listRules({ clients }, l.ListenerArn) : [];
    return {
      arn: l.ListenerArn ?? '',
      port: l.Port ?? 0,
      protocol: l.Protocol ?? '',
      defaultTargetGroupArns: forwardArns(l.DefaultActions),
      rules: rules
        .filter((r) => !r.IsDefault)
        .map((r) => ({
          hosts: (r.Conditions ?? [])
            .filter((c) => c.Field === 'host-header')
            .flatMap((c) => c.HostHeaderConfig?.Values ?? c.Values ?? [])
            .map((h) => h.toLowerCase()),
          targetGroupArns: forwardArns(r.Actions),
        })),
    };
  });
  const targetGroups: Record<string, { name: string; port: number }> = {};
  for (const tg of tgRes.TargetGroups ?? [])
    if (tg.TargetGroupArn)
      targetGroups[tg.TargetGroupArn] = { name: tg.TargetGroupName ?? '', port: tg.Port ?? 0 };
  return {
    loadBalancer: {
      arn,
      name: lb.LoadBalancerName ?? name,
      dnsName: lb.DNSName ?? '',
      securityGroupIds: lb.SecurityGroups ?? [],
    },
    listeners,
    targetGroups,
  };
}

async function readGroups(
  clients: AwsClients,
  ids: readonly string[],
): Promise<Record<string, ObservedGroup>> {
  const out: Record<string, ObservedGroup> = {};
  if (ids.length === 0) return out;
  const res = await clients.ec2.send(
    new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'group-id', Values: [...ids] }] }),
  );
  for (const g of res.SecurityGroups ?? []) {
    if (!g.GroupId) continue;
    const logicalId = tagListToRecord(g.Tags)[TAG_KEYS.logicalId];
    out[g.GroupId] = {
      id: g.GroupId,
      name: g.GroupName ?? '',
      ...(logicalId ? { logicalId } : {}),
      ingress: ingressRulesFromPermissions(g.IpPermissions).map((r) => ({
        protocol: r.protocol,
        fromPort: r.fromPort,
        toPort: r.toPort,
        ...(r.cidrIp ? { cidrIp: r.cidrIp } : {}),
        ...(r.sourceSecurityGroupId ? { sourceGroupId: r.sourceSecurityGroupId } : {}),
      })),
    };
  }
  return out;
}

/** Reads the live wiring of `desired`'s stack. Read calls only; absent objects are simply absent. */
export async function readWiringFacts(input: WiringFactsInput): Promise<WiringFacts> {
  const { clients, desired, outputs } = input;
  const vpcId = stackVpcId(desired, outputs);
  const ecsNames = new Map<string, string>();
  const oneOffGroups: Record<string, string[]> = {};
  const dbIds = new Map<string, string>();
  const cacheIds = new Map<string, { id: string; groups: readonly string[] }>();
  let albName: string | undefined;
  let clusterName: string | undefined;
  for (const r of desired.resources) {
    const svc = serviceOf(r, 'service');
    if (r.kind === 'ecs.Service' && svc) ecsNames.set(String(r.spec.serviceName ?? r.name), svc);
    const task = serviceOf(r, 'task');
    if (r.kind === 'ecs.OneOffTask' && task) {
      const net = r.spec.networkConfiguration;
      const groups = net && typeof net === 'object' && !Array.isArray(net) && !isRef(net) ? net : {};
      oneOffGroups[task] = refIds((groups as Record<string, SpecValue>).securityGroups, outputs);
    }
    const db = serviceOf(r, 'db');
    if (r.kind === 'rds.DBInstance' && db) dbIds.set(db, r.name);
    const cache = serviceOf(r, 'cache');
    if (r.kind === 'elasticache.ReplicationGroup' && cache)
      cacheIds.set(cache, { id: r.name, groups: refIds(r.spec.securityGroupIds, outputs) });
    if (r.kind === 'elbv2.LoadBalancer' && r.logicalId === ALB_ID) albName = r.name;
    if (r.kind === 'ecs.Cluster' && r.logicalId === CLUSTER_ID) clusterName = r.name;
  }
  const cluster = outputString(outputs, CLUSTER_ID, 'arn') ?? clusterName;
  const [dhcp, vpcDns, discovery, ecsServices, dbEntries, cacheEntries, lb] = await Promise.all([
    readDhcp(clients, vpcId),
    readVpcDns(clients, vpcId),
    readNamespace(clients, input.namespaceName),
    cluster && ecsNames.size > 0
      ? readEcsServices(clients, cluster, ecsNames)
      : Promise.resolve<Record<string, ObservedEcsService>>({}),
    mapLimited([...dbIds], async ([svc, id]) => [svc, await readDatabase(clients, id)] as const),
    mapLimited([...cacheIds], async ([svc, c]) => [svc, await readCache(clients, c.id, c.groups)] as const),
    albName ? readLoadBalancer(clients, albName) : Promise.resolve<LoadBalancerFacts>(NO_LOAD_BALANCER),
  ]);
  const databases = Object.fromEntries(dbEntries.filter((e): e is [string, ObservedDataStore] => !!e[1]));
  const caches = Object.fromEntries(cacheEntries.filter((e): e is [string, ObservedDataStore] => !!e[1]));
  const taskGroupIds: Record<string, readonly string[]> = { ...oneOffGroups };
  for (const [svc, s] of Object.entries(ecsServices)) taskGroupIds[svc] = s.securityGroupIds;
  const groupIds = new Set<string>([
    ...Object.values(taskGroupIds).flat(),
    ...Object.values(databases).flatMap((d) => d.securityGroupIds),
    ...Object.values(caches).flatMap((c) => c.securityGroupIds),
    ...(lb.loadBalancer?.securityGroupIds ?? []),
  ]);
  const securityGroups = await readGroups(clients, [...groupIds]);
  return {
    namespaceName: input.namespaceName,
    ...(vpcId ? { vpcId } : {}),
    ...(dhcp ? { dhcp } : {}),
    ...(vpcDns ? { vpcDns } : {}),
    ...(discovery.namespace ? { namespace: discovery.namespace } : {}),
    dnsServices: discovery.dnsServices,
    ecsServices,
    taskGroupIds,
    databases,
    caches,
    securityGroups,
    ...lb,
  };
}
