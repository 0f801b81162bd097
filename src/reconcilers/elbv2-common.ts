/**
 * Helpers shared by the ELBv2 appliers: tag deltas through AddTags/RemoveTags, the spec → SDK mappings
 * of listener actions and rule conditions, and the describe-before-create ownership decision.
 *
 * @module
 */
import {
  type Action,
  AddTagsCommand,
  type RedirectActionStatusCodeEnum,
  RemoveTagsCommand,
  type RuleCondition,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { AwsClients } from '../aws/types.js';
import type { Spec } from '../desired/resource-types.js';
import { isOwnedBy, recordToTagList } from '../desired/tags.js';
import { describeElbTags } from '../observed/elbv2-common.js';
import { syncTags } from './delta-helpers.js';
import { OwnershipConflictError } from './errors.js';
import { objList, optStr, str, strList } from './spec-read.js';
import type { ApplyContext } from './types.js';

/** Condition fields whose values go in a typed `*Config` block rather than the legacy `Values`. */
const CONDITION_CONFIG = {
  'host-header': 'HostHeaderConfig',
  'path-pattern': 'PathPatternConfig',
} as const;

/**
 * Brings an ELBv2 resource's tags to the desired ones: adds or changes desired keys, removes `stackctl:*`
 * keys no longer desired, leaves everyone else's alone. Makes no call when nothing differs.
 */
export async function syncElbTags(
  clients: AwsClients,
  arn: string,
  desired: Readonly<Record<string, string>>,
  observed: Readonly<Record<string, string>>,
): Promise<void> {
  await syncTags(desired, observed, {
    set: (tags) =>
      clients.elbv2.send(new AddTagsCommand({ ResourceArns: [arn], Tags: recordToTagList(tags) })),
    remove: (keys) => clients.elbv2.send(new RemoveTagsCommand({ ResourceArns: [arn], TagKeys: [...keys] })),
  });
}

/** A spec action (`forward`, `redirect`, `fixed-response`) as the SDK's Action. */
export function toAction(a: Spec): Action {
  const type = str(a, 'type');
  switch (type) {
    case 'forward':
      return { Type: 'forward', TargetGroupArn: str(a, 'targetGroupArn') };
    case 'redirect':
      return {
        Type: 'redirect',
        RedirectConfig: {
          Protocol: optStr(a, 'protocol'),
          Port: optStr(a, 'port'),
          Host: optStr(a, 'host'),
          Path: optStr(a, 'path'),
          Query: optStr(a, 'query'),
          StatusCode: str(a, 'statusCode') as RedirectActionStatusCodeEnum,
        },
      };
    case 'fixed-response':
      return {
        Type: 'fixed-response',
        FixedResponseConfig: {
          StatusCode: str(a, 'statusCode'),
          ContentType: optStr(a, 'contentType'),
          MessageBody: optStr(a, 'messageBody'),
        },
      };
    default:
      return { Type: type as Action['Type'] };
  }
}

/** Spec conditions `[{ field, values }]` as SDK rule conditions. */
export function toConditions(spec: Spec): RuleCondition[] {
  return objList(spec, 'conditions').map((c) => {
    const field = str(c, 'field');
    const values = strList(c, 'values');
    const config = CONDITION_CONFIG[field as keyof typeof CONDITION_CONFIG];
    return config ? { Field: field, [config]: { Values: values } } : { Field: field, Values: values };
  });
}

/**
 * Decides what to do with resources found under our deterministic name before a create: adopt the one
 * carrying this stack's tags (moto can hold duplicates), otherwise an {@link OwnershipConflictError}.
 *
 * @returns the ARN to adopt, or undefined when nothing exists
 */
export async function adoptOrConflict(
  ctx: ApplyContext,
  logicalId: string,
  arns: readonly string[],
): Promise<string | undefined> {
  if (arns.length === 0) return undefined;
  const tags = await describeElbTags(ctx.clients.elbv2, arns);
  const ours = arns.find((arn) => isOwnedBy(tags.get(arn) ?? {}, ctx.project, ctx.stack));
  if (ours) return ours;
  throw new OwnershipConflictError(logicalId, arns[0] as string);
}
