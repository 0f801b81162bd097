/**
 * Helpers shared by the ECS appliers: tag deltas through TagResource/UntagResource, and the spec →
 * SDK mappings of the awsvpc network configuration and capacity provider strategy (services and one-off
 * tasks render them identically).
 *
 * @module
 */
import {
  type AssignPublicIp,
  type CapacityProviderStrategyItem,
  type NetworkConfiguration,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-ecs';
import type { AwsClients } from '../aws/types.js';
import type { Spec } from '../desired/resource-types.js';
import { recordToEcsTags } from '../observed/ecs-common.js';
import { syncTags } from './delta-helpers.js';
import { num, objList, optNum, optStr, str, strList } from './spec-read.js';

/**
 * Brings the tags of an ECS resource to the desired ones: adds or changes desired keys, removes
 * `stackctl:*` keys no longer desired, leaves everyone else's tags alone (same rule as the diff).
 * Makes no call when nothing differs.
 */
export async function syncEcsTags(
  clients: AwsClients,
  arn: string,
  desired: Readonly<Record<string, string>>,
  observed: Readonly<Record<string, string>>,
): Promise<void> {
  await syncTags(desired, observed, {
    set: (tags) =>
      clients.ecs.send(new TagResourceCommand({ resourceArn: arn, tags: recordToEcsTags(tags) })),
    remove: (keys) => clients.ecs.send(new UntagResourceCommand({ resourceArn: arn, tagKeys: [...keys] })),
  });
}

/** `networkConfiguration: { subnets, securityGroups, assignPublicIp }` as the SDK's awsvpc configuration. */
export function toNetworkConfiguration(nc: Spec): NetworkConfiguration {
  return {
    awsvpcConfiguration: {
      subnets: strList(nc, 'subnets'),
      // Always sent, even when empty: moto 5.2.1 answers 500 without it (aws-api-facts.md §8 #1).
      securityGroups: strList(nc, 'securityGroups'),
      assignPublicIp: (optStr(nc, 'assignPublicIp') ?? 'DISABLED') as AssignPublicIp,
    },
  };
}

/** `capacityProviderStrategy: [{ capacityProvider, weight, base? }]` as SDK items. */
export function toStrategy(spec: Spec, key = 'capacityProviderStrategy'): CapacityProviderStrategyItem[] {
  return objList(spec, key).map((item) => {
    const base = optNum(item, 'base');
    return {
      capacityProvider: str(item, 'capacityProvider'),
      weight: num(item, 'weight'),
      ...(base ? { base } : {}),
    };
  });
}

/**
 * True when a strategy is plain on-demand Fargate (one `FARGATE` item, no base): placement-wise the same
 * as `launchType: 'FARGATE'`, which is also the only form moto 5.2.1 can RunTask with.
 */
export function isPlainFargate(strategy: readonly CapacityProviderStrategyItem[]): boolean {
  return strategy.length === 1 && strategy[0]?.capacityProvider === 'FARGATE' && !strategy[0].base;
}
