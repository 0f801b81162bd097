/**
 * Inventory of the load balancing and ECS kinds: load balancers, target groups, listeners, listener rules
 * (default rules left out: they come with their listener), clusters, services, active task definition
 * revisions and one-off tasks (every task not started by a service).
 *
 * @module
 */
import {
  DescribeClustersCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  type DesiredStatus,
  ListClustersCommand,
  ListServicesCommand,
  ListTaskDefinitionsCommand,
  ListTasksCommand,
} from '@aws-sdk/client-ecs';
import {
  DescribeListenersCommand,
  DescribeLoadBalancersCommand,
  DescribeRulesCommand,
  DescribeTagsCommand,
  DescribeTargetGroupsCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { AwsClients } from '../../../src/aws/types.js';
import { chunks, type FoundResource, lowerTagsOf, tagsOf } from './inventory-types.js';

/** ELBv2 tags of many ARNs (DescribeTags takes ≤ 20). */
async function elbTags(
  clients: AwsClients,
  arns: readonly string[],
): Promise<Map<string, Record<string, string>>> {
  const out = new Map<string, Record<string, string>>();
  for (const batch of chunks(arns, 20)) {
    const res = await clients.elbv2.send(new DescribeTagsCommand({ ResourceArns: batch }));
    for (const d of res.TagDescriptions ?? []) out.set(d.ResourceArn ?? '', tagsOf(d.Tags));
  }
  return out;
}

/** Every load balancer, target group, listener and non-default rule. */
export async function listElbv2(clients: AwsClients): Promise<readonly FoundResource[]> {
  const lbs = (await clients.elbv2.send(new DescribeLoadBalancersCommand({}))).LoadBalancers ?? [];
  const tgs = (await clients.elbv2.send(new DescribeTargetGroupsCommand({}))).TargetGroups ?? [];
  const listeners = (
    await Promise.all(
      lbs.map(async (lb) => {
        const res = await clients.elbv2.send(
          new DescribeListenersCommand({ LoadBalancerArn: lb.LoadBalancerArn }),
        );
        return res.Listeners ?? [];
      }),
    )
  ).flat();
  const rules = (
    await Promise.all(
      listeners.map(async (l) => {
        const res = await clients.elbv2.send(new DescribeRulesCommand({ ListenerArn: l.ListenerArn }));
        return (res.Rules ?? []).filter((r) => !r.IsDefault);
      }),
    )
  ).flat();
  const all: [string, string][] = [
    ...lbs.map((x): [string, string] => ['elbv2.LoadBalancer', x.LoadBalancerArn ?? '']),
    ...tgs.map((x): [string, string] => ['elbv2.TargetGroup', x.TargetGroupArn ?? '']),
    ...listeners.map((x): [string, string] => ['elbv2.Listener', x.ListenerArn ?? '']),
    ...rules.map((x): [string, string] => ['elbv2.ListenerRule', x.RuleArn ?? '']),
  ];
  const tags = await elbTags(
    clients,
    all.map(([, arn]) => arn),
  );
  return all.map(([kind, id]) => ({ kind, id, tags: tags.get(id) ?? {} }));
}

/** Tasks of a cluster in one desired status. */
async function taskArns(
  clients: AwsClients,
  cluster: string,
  desiredStatus: DesiredStatus,
): Promise<string[]> {
  const res = await clients.ecs.send(new ListTasksCommand({ cluster, desiredStatus }));
  return res.taskArns ?? [];
}

/** Every active cluster, service, task definition revision and one-off task. */
export async function listEcs(clients: AwsClients): Promise<readonly FoundResource[]> {
  const found: FoundResource[] = [];
  const clusterArns = (await clients.ecs.send(new ListClustersCommand({}))).clusterArns ?? [];
  const clusters =
    clusterArns.length === 0
      ? []
      : ((await clients.ecs.send(new DescribeClustersCommand({ clusters: clusterArns, include: ['TAGS'] })))
          .clusters ?? []);
  for (const c of clusters) {
    if (c.status === 'INACTIVE') continue;
    const arn = c.clusterArn ?? '';
    found.push({ kind: 'ecs.Cluster', id: arn, tags: lowerTagsOf(c.tags) });
    const serviceArns = (await clients.ecs.send(new ListServicesCommand({ cluster: arn }))).serviceArns ?? [];
    for (const batch of chunks(serviceArns, 10)) {
      const res = await clients.ecs.send(
        new DescribeServicesCommand({ cluster: arn, services: batch, include: ['TAGS'] }),
      );
      for (const s of res.services ?? [])
        if (s.status !== 'INACTIVE')
          found.push({ kind: 'ecs.Service', id: s.serviceArn ?? '', tags: lowerTagsOf(s.tags) });
    }
    const tasks = [
      ...(await taskArns(clients, arn, 'RUNNING')),
      ...(await taskArns(clients, arn, 'STOPPED')),
    ];
    for (const batch of chunks([...new Set(tasks)], 100)) {
      const res = await clients.ecs.send(
        new DescribeTasksCommand({ cluster: arn, tasks: batch, include: ['TAGS'] }),
      );
      for (const t of res.tasks ?? [])
        if (!(t.group ?? '').startsWith('service:'))
          found.push({ kind: 'ecs.OneOffTask', id: t.taskArn ?? '', tags: lowerTagsOf(t.tags) });
    }
  }
  const families = (await clients.ecs.send(new ListTaskDefinitionsCommand({ status: 'ACTIVE' })))
    .taskDefinitionArns;
  for (const arn of families ?? []) {
    const res = await clients.ecs.send(
      new DescribeTaskDefinitionCommand({ taskDefinition: arn, include: ['TAGS'] }),
    );
    found.push({ kind: 'ecs.TaskDefinition', id: arn, tags: lowerTagsOf(res.tags) });
  }
  return found;
}
