/**
 * Resources of the example shop's dev stack stripped of their ownership tags, the way a hand-made twin
 * looks, for the adoption tests: one per adoptable kind family.
 *
 * @module
 */
import { DeleteTagsCommand } from '@aws-sdk/client-ec2';
import { UntagResourceCommand as UntagEcsCommand } from '@aws-sdk/client-ecs';
import { RemoveTagsCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { RemoveTagsFromResourceCommand } from '@aws-sdk/client-ssm';
import type { AwsClients } from '../../../src/aws/types.js';
import { type DesiredStack, TAG_KEYS } from '../../../src/desired/resource-types.js';
import { nameOf, securityGroupId, targetGroupArn } from './out-of-band.js';

/** The four ownership tag keys. */
export const OWNERSHIP_KEYS = Object.values(TAG_KEYS);

/** Strips our ownership tags from one resource, the way a hand-made twin would look. */
export type Strip = (c: AwsClients, s: DesiredStack) => Promise<string>;

/** One adoptable resource per tagging API, stripped; `strip` returns the id to adopt it by. */
export const ADOPT_CASES: readonly { reason: string; ref: string; strip: Strip }[] = [
  {
    reason: 'a security group, by id',
    ref: 'ec2.SecurityGroup/sg/svc/worker',
    strip: async (c, s) => {
      const id = await securityGroupId(c, nameOf(s, 'sg/svc/worker'));
      await c.ec2.send(
        new DeleteTagsCommand({ Resources: [id], Tags: OWNERSHIP_KEYS.map((Key) => ({ Key })) }),
      );
      return id;
    },
  },
  {
    reason: 'a target group, by ARN',
    ref: 'elbv2.TargetGroup/tg/api-80',
    strip: async (c, s) => {
      const arn = await targetGroupArn(c, nameOf(s, 'tg/api-80'));
      await c.elbv2.send(new RemoveTagsCommand({ ResourceArns: [arn], TagKeys: OWNERSHIP_KEYS }));
      return arn;
    },
  },
  {
    reason: 'an ECS service, by ARN',
    ref: 'ecs.Service/service/worker',
    strip: async (c) => {
      const arn = 'arn:aws:ecs:eu-west-1:123456789012:service/shop-dev/worker';
      await c.ecs.send(new UntagEcsCommand({ resourceArn: arn, tagKeys: OWNERSHIP_KEYS }));
      return arn;
    },
  },
  {
    reason: 'an SSM parameter, by name',
    ref: 'ssm.Parameter/param/db-password',
    strip: async (c) => {
      const name = '/stackctl/shop/dev/DB_PASSWORD';
      await c.ssm.send(
        new RemoveTagsFromResourceCommand({
          ResourceType: 'Parameter',
          ResourceId: name,
          TagKeys: OWNERSHIP_KEYS,
        }),
      );
      return name;
    },
  },
];
