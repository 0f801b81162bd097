/**
 * Out-of-band changes as a person or a script would make them, straight through the SDK, for drift
 * tests: stackctl must notice each one and put it back.
 *
 * @module
 */
import type { IpPermission, SecurityGroup } from '@aws-sdk/client-ec2';
import {
  DescribeTaskDefinitionCommand,
  RegisterTaskDefinitionCommand,
  type RegisterTaskDefinitionCommandInput,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import type { AwsClients } from '../../../src/aws/types.js';
import { liveSecurityGroup, liveService } from './live-read.js';

/** The ingress permission of group `groupName` on `port` from group `sourceName`, if present. */
export async function ingressFromGroup(
  c: AwsClients,
  groupName: string,
  sourceName: string,
  port: number,
): Promise<{ group: SecurityGroup; rule: IpPermission | undefined }> {
  const source = await liveSecurityGroup(c, sourceName);
  const group = await liveSecurityGroup(c, groupName);
  const rule = group.IpPermissions?.find(
    (p) => p.FromPort === port && p.UserIdGroupPairs?.some((g) => g.GroupId === source.GroupId),
  );
  return { group, rule };
}

/**
 * Registers a copy of the task definition `service` runs, with `image`, and points the service at it.
 * By hand the copy usually has no tags (`withTags` false); a script that round-trips
 * `describe-task-definition --include TAGS` copies ours.
 */
export async function runServiceWithImage(
  c: AwsClients,
  cluster: string,
  service: string,
  image: string,
  withTags: boolean,
): Promise<void> {
  const running = (await liveService(c, cluster, service))?.taskDefinition;
  const { taskDefinition: td, tags } = await c.ecs.send(
    new DescribeTaskDefinitionCommand({ taskDefinition: running, include: ['TAGS'] }),
  );
  if (!td) throw new Error(`task definition of ${service} not found`);
  const input: RegisterTaskDefinitionCommandInput = {
    family: td.family,
    containerDefinitions: (td.containerDefinitions ?? []).map((cd) => ({ ...cd, image })),
    cpu: td.cpu,
    memory: td.memory,
    networkMode: td.networkMode,
    requiresCompatibilities: td.requiresCompatibilities,
    executionRoleArn: td.executionRoleArn,
    taskRoleArn: td.taskRoleArn,
    ...(withTags ? { tags } : {}),
  };
  const reg = await c.ecs.send(new RegisterTaskDefinitionCommand(input));
  await c.ecs.send(
    new UpdateServiceCommand({ cluster, service, taskDefinition: reg.taskDefinition?.taskDefinitionArn }),
  );
}
