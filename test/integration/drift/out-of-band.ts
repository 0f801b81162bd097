/**
 * Out-of-band changes to the example shop's dev stack, made directly with the SDK the way a person in
 * the console would, for the drift tests.
 *
 * @module
 */
import { DeleteLogGroupCommand, PutRetentionPolicyCommand } from '@aws-sdk/client-cloudwatch-logs';
import { AuthorizeSecurityGroupIngressCommand, DescribeSecurityGroupsCommand } from '@aws-sdk/client-ec2';
import {
  type ContainerDefinition,
  DescribeTaskDefinitionCommand,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import {
  DescribeListenersCommand,
  DescribeLoadBalancersCommand,
  DescribeTargetGroupsCommand,
  ModifyListenerCommand,
  ModifyTargetGroupCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { AwsClients } from '../../../src/aws/types.js';
import type { DesiredStack } from '../../../src/desired/resource-types.js';

/** The physical name the stack renders for a logical id. */
export function nameOf(stack: DesiredStack, logicalId: string): string {
  const r = stack.resources.find((x) => x.logicalId === logicalId);
  if (!r) throw new Error(`the stack renders no ${logicalId}`);
  return r.name;
}

/** The id of a security group, by name. */
export async function securityGroupId(c: AwsClients, name: string): Promise<string> {
  const out = await c.ec2.send(
    new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'group-name', Values: [name] }] }),
  );
  const id = out.SecurityGroups?.[0]?.GroupId;
  if (!id) throw new Error(`no security group ${name}`);
  return id;
}

/** The ARN of a target group, by name. */
export async function targetGroupArn(c: AwsClients, name: string): Promise<string> {
  const out = await c.elbv2.send(new DescribeTargetGroupsCommand({ Names: [name] }));
  return out.TargetGroups?.[0]?.TargetGroupArn ?? '';
}

/** The ARN of the stack's ALB listener on `port`. */
async function listenerArnOnPort(c: AwsClients, stack: DesiredStack, port: number): Promise<string> {
  const lb = await c.elbv2.send(new DescribeLoadBalancersCommand({ Names: [nameOf(stack, 'alb')] }));
  const listeners = await c.elbv2.send(
    new DescribeListenersCommand({ LoadBalancerArn: lb.LoadBalancers?.[0]?.LoadBalancerArn ?? '' }),
  );
  const listener = listeners.Listeners?.find((l) => l.Port === port);
  if (!listener?.ListenerArn) throw new Error(`the load balancer has no listener on port ${port}`);
  return listener.ListenerArn;
}

/**
 * Registers a new revision of a task definition (tags copied, as the console does) with `edit` applied
 * to its first container, and points the service at it.
 */
export async function reviseTaskDefinition(
  c: AwsClients,
  family: string,
  service: string,
  edit: (container: ContainerDefinition) => ContainerDefinition,
): Promise<void> {
  const { taskDefinition: td, tags } = await c.ecs.send(
    new DescribeTaskDefinitionCommand({ taskDefinition: family, include: ['TAGS'] }),
  );
  if (!td) throw new Error(`no task definition ${family}`);
  const [first, ...rest] = td.containerDefinitions ?? [];
  if (!first) throw new Error(`${family} has no container`);
  const next = await c.ecs.send(
    new RegisterTaskDefinitionCommand({
      family,
      containerDefinitions: [edit(first), ...rest],
      ...(td.cpu ? { cpu: td.cpu } : {}),
      ...(td.memory ? { memory: td.memory } : {}),
      ...(td.networkMode ? { networkMode: td.networkMode } : {}),
      ...(td.requiresCompatibilities ? { requiresCompatibilities: td.requiresCompatibilities } : {}),
      ...(td.executionRoleArn ? { executionRoleArn: td.executionRoleArn } : {}),
      ...(td.taskRoleArn ? { taskRoleArn: td.taskRoleArn } : {}),
      ...(tags && tags.length > 0 ? { tags } : {}),
    }),
  );
  const cluster = family.slice(0, family.lastIndexOf('-'));
  await c.ecs.send(
    new UpdateServiceCommand({
      cluster,
      service,
      taskDefinition: next.taskDefinition?.taskDefinitionArn ?? '',
    }),
  );
}

/** One out-of-band change and exactly what drift must say about it. */
export interface OutOfBandCase {
  readonly reason: string;
  readonly change: (c: AwsClients, stack: DesiredStack) => Promise<void>;
  readonly expected: string;
  /** The drifted field paths, or their common prefix when the observer reports a whole list. */
  readonly fields: readonly string[];
  readonly observed?: unknown;
  readonly desired?: unknown;
}

/** The out-of-band changes of the reconcile issue's list, each on one resource of the dev stack. */
export const OUT_OF_BAND_CASES: readonly OutOfBandCase[] = [
  {
    reason: 'desired count of a service',
    change: async (c) => {
      await c.ecs.send(new UpdateServiceCommand({ cluster: 'shop-dev', service: 'web', desiredCount: 3 }));
    },
    expected: 'changed ecs.Service service/web',
    fields: ['desiredCount'],
    observed: 3,
    desired: 1,
  },
  {
    reason: 'image of a task definition (new revision, service pointed at it)',
    change: (c) =>
      reviseTaskDefinition(c, 'shop-dev-web', 'web', (d) => ({ ...d, image: 'nginx:1.25-alpine' })),
    expected: 'changed ecs.TaskDefinition taskdef/web',
    fields: ['containerDefinitions[0].image'],
    observed: 'nginx:1.25-alpine',
    desired: 'nginx:1.27-alpine',
  },
  {
    reason: 'health-check path of a target group',
    change: async (c, s) => {
      const arn = await targetGroupArn(c, nameOf(s, 'tg/web-80'));
      await c.elbv2.send(new ModifyTargetGroupCommand({ TargetGroupArn: arn, HealthCheckPath: '/changed' }));
    },
    expected: 'changed elbv2.TargetGroup tg/web-80',
    fields: ['healthCheck.path'],
    observed: '/changed',
    desired: '/',
  },
  {
    reason: 'an extra security group rule',
    change: async (c, s) => {
      const GroupId = await securityGroupId(c, nameOf(s, 'sg/svc/web'));
      await c.ec2.send(
        new AuthorizeSecurityGroupIngressCommand({
          GroupId,
          IpPermissions: [
            { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
          ],
        }),
      );
    },
    expected: 'changed ec2.SecurityGroup sg/svc/web',
    fields: ['ingress'],
  },
  {
    reason: 'log retention',
    change: async (c) => {
      await c.logs.send(
        new PutRetentionPolicyCommand({ logGroupName: '/stackctl/shop/dev/web', retentionInDays: 30 }),
      );
    },
    expected: 'changed logs.LogGroup log/web',
    fields: ['retentionInDays'],
    observed: 30,
    desired: 1,
  },
  {
    reason: "a listener's default action (api's published port 8080 answering 503)",
    change: async (c, s) => {
      const ListenerArn = await listenerArnOnPort(c, s, 8080);
      await c.elbv2.send(
        new ModifyListenerCommand({
          ListenerArn,
          DefaultActions: [
            {
              Type: 'fixed-response',
              FixedResponseConfig: { StatusCode: '503', ContentType: 'text/plain', MessageBody: 'down' },
            },
          ],
        }),
      );
    },
    expected: 'changed elbv2.Listener listener/http-8080',
    fields: ['defaultAction'],
  },
  {
    reason: 'a deleted log group',
    change: async (c) => {
      await c.logs.send(new DeleteLogGroupCommand({ logGroupName: '/stackctl/shop/dev/worker' }));
    },
    expected: 'missing logs.LogGroup log/worker',
    fields: [],
  },
];
