/**
 * Reading single live resources back by their rendered names, so drift tests can make an out-of-band
 * change and then check the value AWS holds after a reconcile.
 *
 * @module
 */
import { DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DescribeSecurityGroupsCommand, type SecurityGroup } from '@aws-sdk/client-ec2';
import { DescribeServicesCommand, DescribeTaskDefinitionCommand, type Service } from '@aws-sdk/client-ecs';
import {
  DescribeListenersCommand,
  DescribeLoadBalancersCommand,
  DescribeRulesCommand,
  DescribeTagsCommand,
  DescribeTargetGroupsCommand,
  type Listener,
  type Rule,
  type TargetGroup,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { AwsClients } from '../../../src/aws/types.js';
import type { DesiredStack } from '../../../src/desired/resource-types.js';
import { TAG_KEYS } from '../../../src/desired/resource-types.js';

/** The rendered physical name of `logicalId`. */
export function nameOf(desired: DesiredStack, logicalId: string): string {
  const r = desired.resources.find((x) => x.logicalId === logicalId);
  if (!r) throw new Error(`no rendered resource ${logicalId}`);
  return r.name;
}

/** An ECS service of the stack's cluster (`<project>-<stack>`), or undefined when gone (INACTIVE). */
export async function liveService(
  clients: AwsClients,
  cluster: string,
  name: string,
): Promise<Service | undefined> {
  const { services } = await clients.ecs.send(new DescribeServicesCommand({ cluster, services: [name] }));
  const s = services?.[0];
  return s && s.status !== 'INACTIVE' ? s : undefined;
}

/** The image of the first container of the task definition a service runs. */
export async function serviceImage(
  clients: AwsClients,
  cluster: string,
  name: string,
): Promise<string | undefined> {
  const s = await liveService(clients, cluster, name);
  if (!s?.taskDefinition) return undefined;
  const td = await clients.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: s.taskDefinition }));
  return td.taskDefinition?.containerDefinitions?.[0]?.image;
}

/** A target group by name. */
export async function liveTargetGroup(clients: AwsClients, name: string): Promise<TargetGroup> {
  const { TargetGroups } = await clients.elbv2.send(new DescribeTargetGroupsCommand({ Names: [name] }));
  const tg = TargetGroups?.[0];
  if (!tg) throw new Error(`no target group ${name}`);
  return tg;
}

/** A security group by group name. */
export async function liveSecurityGroup(clients: AwsClients, groupName: string): Promise<SecurityGroup> {
  const { SecurityGroups } = await clients.ec2.send(
    new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'group-name', Values: [groupName] }] }),
  );
  const sg = SecurityGroups?.[0];
  if (!sg) throw new Error(`no security group ${groupName}`);
  return sg;
}

/** A log group by exact name, or undefined. */
export async function liveLogGroup(clients: AwsClients, name: string) {
  const { logGroups } = await clients.logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: name }));
  return logGroups?.find((g) => g.logGroupName === name);
}

/** The listener on `port` of load balancer `lbName`. */
export async function liveListener(clients: AwsClients, lbName: string, port: number): Promise<Listener> {
  const { LoadBalancers } = await clients.elbv2.send(new DescribeLoadBalancersCommand({ Names: [lbName] }));
  const { Listeners } = await clients.elbv2.send(
    new DescribeListenersCommand({ LoadBalancerArn: LoadBalancers?.[0]?.LoadBalancerArn }),
  );
  const listener = Listeners?.find((l) => l.Port === port);
  if (!listener) throw new Error(`no listener on port ${port} of ${lbName}`);
  return listener;
}

/** The listener rule tagged with `logicalId` on the load balancer named `lbName`. */
export async function liveRule(clients: AwsClients, lbName: string, logicalId: string): Promise<Rule> {
  const { LoadBalancers } = await clients.elbv2.send(new DescribeLoadBalancersCommand({ Names: [lbName] }));
  const { Listeners } = await clients.elbv2.send(
    new DescribeListenersCommand({ LoadBalancerArn: LoadBalancers?.[0]?.LoadBalancerArn }),
  );
  const rules: Rule[] = [];
  for (const l of Listeners ?? []) {
    rules.push(
      ...((await clients.elbv2.send(new DescribeRulesCommand({ ListenerArn: l.ListenerArn }))).Rules ?? []),
    );
  }
  const custom = rules.filter((r) => !r.IsDefault);
  const { TagDescriptions } = await clients.elbv2.send(
    new DescribeTagsCommand({ ResourceArns: custom.map((r) => r.RuleArn ?? '') }),
  );
  const arn = TagDescriptions?.find((d) =>
    d.Tags?.some((t) => t.Key === TAG_KEYS.logicalId && t.Value === logicalId),
  )?.ResourceArn;
  const rule = custom.find((r) => r.RuleArn === arn);
  if (!rule) throw new Error(`no listener rule ${logicalId} on ${lbName}`);
  return rule;
}
