/**
 * The tagging half of adoption: one small `tagForAdoption` per adoptable kind, each the kind's own
 * tagging API, adding the ownership tags and nothing else (see `adopt-plan.ts` for the checks around it).
 *
 * A kind is adoptable when tagging it in place is all that managing it takes. Task definitions (a new
 * revision is registered anyway), one-off tasks, and the data, DNS, certificate and autoscaling kinds are
 * not: `stackctl adopt` refuses them with the list of kinds it supports.
 *
 * @module
 */
import { TagResourceCommand as TagLogGroupCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CreateTagsCommand } from '@aws-sdk/client-ec2';
import { TagResourceCommand as TagEcsResourceCommand } from '@aws-sdk/client-ecs';
import { AddTagsCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { TagRoleCommand } from '@aws-sdk/client-iam';
import { AddTagsToResourceCommand } from '@aws-sdk/client-ssm';
import type { AwsClients } from '../aws/types.js';
import type { ResourceKind } from '../desired/resource-types.js';
import { recordToTagList } from '../desired/tags.js';
import { StackctlError } from '../errors.js';
import type { ObservedResource } from '../observed/types.js';

/** Adoption was refused; nothing was changed. `code` says why (`ADOPT_*`). */
export class AdoptError extends StackctlError {
  constructor(code: string, message: string) {
    super(code, message);
    this.name = 'AdoptError';
  }
}

/** Adds `tags` to one observed resource through its kind's tagging API. */
export type AdoptionTagger = (
  clients: AwsClients,
  observed: ObservedResource,
  tags: Readonly<Record<string, string>>,
) => Promise<void>;

const tagEc2: AdoptionTagger = async (clients, o, tags) => {
  await clients.ec2.send(new CreateTagsCommand({ Resources: [o.physicalId], Tags: recordToTagList(tags) }));
};

const tagElb: AdoptionTagger = async (clients, o, tags) => {
  await clients.elbv2.send(new AddTagsCommand({ ResourceArns: [o.physicalId], Tags: recordToTagList(tags) }));
};

const tagLogGroup: AdoptionTagger = async (clients, o, tags) => {
  const arn = typeof o.outputs.arn === 'string' ? o.outputs.arn : o.physicalId;
  await clients.logs.send(new TagLogGroupCommand({ resourceArn: arn, tags: { ...tags } }));
};

const tagEcs: AdoptionTagger = async (clients, o, tags) => {
  const list = recordToTagList(tags).map((t) => ({ key: t.Key, value: t.Value }));
  await clients.ecs.send(new TagEcsResourceCommand({ resourceArn: o.physicalId, tags: list }));
};

const tagParameter: AdoptionTagger = async (clients, o, tags) => {
  await clients.ssm.send(
    new AddTagsToResourceCommand({
      ResourceType: 'Parameter',
      ResourceId: o.physicalId,
      Tags: recordToTagList(tags),
    }),
  );
};

const tagRole: AdoptionTagger = async (clients, o, tags) => {
  await clients.iam.send(new TagRoleCommand({ RoleName: o.physicalId, Tags: recordToTagList(tags) }));
};

/** The tagger of every adoptable kind. */
export const ADOPTION_TAGGERS: ReadonlyMap<ResourceKind, AdoptionTagger> = new Map<
  ResourceKind,
  AdoptionTagger
>([
  ['ec2.Vpc', tagEc2],
  ['ec2.InternetGateway', tagEc2],
  ['ec2.Subnet', tagEc2],
  ['ec2.RouteTable', tagEc2],
  ['ec2.NatGateway', tagEc2],
  ['ec2.SecurityGroup', tagEc2],
  ['elbv2.LoadBalancer', tagElb],
  ['elbv2.TargetGroup', tagElb],
  ['elbv2.Listener', tagElb],
  ['elbv2.ListenerRule', tagElb],
  ['logs.LogGroup', tagLogGroup],
  ['ecs.Cluster', tagEcs],
  ['ecs.Service', tagEcs],
  ['ssm.Parameter', tagParameter],
  ['iam.Role', tagRole],
]);

/** The adoptable kinds, for messages. */
export const ADOPTABLE_KINDS: readonly ResourceKind[] = [...ADOPTION_TAGGERS.keys()].sort();

/**
 * Tags `observed` with `tags` using its kind's tagging API.
 *
 * @throws AdoptError `ADOPT_UNSUPPORTED_KIND` for kinds that cannot be adopted.
 */
export async function tagForAdoption(
  clients: AwsClients,
  observed: ObservedResource,
  tags: Readonly<Record<string, string>>,
): Promise<void> {
  const tagger = ADOPTION_TAGGERS.get(observed.kind);
  if (!tagger) {
    throw new AdoptError(
      'ADOPT_UNSUPPORTED_KIND',
      `${observed.kind} cannot be adopted (yet); adoptable kinds: ${ADOPTABLE_KINDS.join(', ')}`,
    );
  }
  await tagger(clients, observed, tags);
}
