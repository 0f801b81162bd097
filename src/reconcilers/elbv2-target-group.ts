/**
 * Applies `elbv2.TargetGroup`. Create describes by name first (moto, unlike AWS, answers a same-settings
 * create with DuplicateTargetGroupName; a foreign group must be a conflict), then CreateTargetGroup with
 * the ownership tags and health check, then sets the deregistration delay (AWS's 300 s default is far too
 * slow for rollouts) on the created or adopted group: a crash or a lost create response can leave a group
 * without it. Update: ModifyTargetGroup for health-check deltas, ModifyTargetGroupAttributes for
 * the delay. Delete: ResourceInUse (a listener or rule still forwards here) is a NotReadyError.
 *
 * @module
 */
import {
  CreateTargetGroupCommand,
  DeleteTargetGroupCommand,
  ModifyTargetGroupAttributesCommand,
  ModifyTargetGroupCommand,
  type ProtocolEnum,
  type TargetGroup,
  type TargetTypeEnum,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { awsErrorCode, isAlreadyExists, isNotFound } from '../aws/errors.js';
import type { Spec } from '../desired/resource-types.js';
import { recordToTagList } from '../desired/tags.js';
import { DEREGISTRATION_DELAY_ATTRIBUTE, describeTargetGroups } from '../observed/elbv2-target-group.js';
import { assertObservedOwned, touches } from './apply-helpers.js';
import { adoptOrConflict, syncElbTags } from './elbv2-common.js';
import { NotReadyError } from './errors.js';
import { num, obj, str } from './spec-read.js';
import type { Applier, ApplyContext, ApplyResult, ResolvedResource } from './types.js';

/** How long the engine waits before retrying a delete blocked by a listener or rule. */
const IN_USE_RETRY_MS = 10_000;

/** The health-check fields of the spec as CreateTargetGroup/ModifyTargetGroup parameters. */
function healthCheckInput(hc: Spec) {
  return {
    HealthCheckEnabled: true,
    HealthCheckPath: str(hc, 'path'),
    HealthCheckProtocol: str(hc, 'protocol') as ProtocolEnum,
    HealthCheckPort: str(hc, 'port'),
    Matcher: { HttpCode: str(hc, 'matcher') },
    HealthCheckIntervalSeconds: num(hc, 'intervalSeconds'),
    HealthCheckTimeoutSeconds: num(hc, 'timeoutSeconds'),
    HealthyThresholdCount: num(hc, 'healthyThresholdCount'),
    UnhealthyThresholdCount: num(hc, 'unhealthyThresholdCount'),
  };
}

async function setDeregistrationDelay(ctx: ApplyContext, arn: string, spec: Spec): Promise<void> {
  await ctx.clients.elbv2.send(
    new ModifyTargetGroupAttributesCommand({
      TargetGroupArn: arn,
      Attributes: [
        { Key: DEREGISTRATION_DELAY_ATTRIBUTE, Value: String(num(spec, 'deregistrationDelaySeconds')) },
      ],
    }),
  );
}

function result(tg: TargetGroup | undefined): ApplyResult {
  const arn = tg?.TargetGroupArn ?? '';
  return { physicalId: arn, outputs: { arn } };
}

async function adoptExisting(desired: ResolvedResource, ctx: ApplyContext): Promise<ApplyResult | undefined> {
  const found = await describeTargetGroups(ctx, { names: [str(desired.spec, 'name')] });
  const arn = await adoptOrConflict(
    ctx,
    desired.logicalId,
    found.map((tg) => tg.TargetGroupArn ?? ''),
  );
  return arn === undefined ? undefined : { physicalId: arn, outputs: { arn } };
}

/** The `elbv2.TargetGroup` applier. */
export const elbv2TargetGroupApplier: Applier = {
  kind: 'elbv2.TargetGroup',

  async create(desired, ctx) {
    const s = desired.spec;
    // An adopted group (left by a crash or a lost response before the delay was set) gets it too.
    let created = await adoptExisting(desired, ctx);
    if (created) {
      await setDeregistrationDelay(ctx, created.physicalId, s);
      return created;
    }
    try {
      const res = await ctx.clients.elbv2.send(
        new CreateTargetGroupCommand({
          Name: str(s, 'name'),
          Protocol: str(s, 'protocol') as ProtocolEnum,
          Port: num(s, 'port'),
          VpcId: str(s, 'vpcId'),
          TargetType: str(s, 'targetType') as TargetTypeEnum,
          ...healthCheckInput(obj(s, 'healthCheck')),
          Tags: recordToTagList(desired.tags),
        }),
      );
      created = result(res.TargetGroups?.[0]);
    } catch (err) {
      if (!isAlreadyExists(err)) throw err;
      const raced = await adoptExisting(desired, ctx);
      if (!raced) throw err;
      created = raced;
    }
    await setDeregistrationDelay(ctx, created.physicalId, s);
    return created;
  },

  async update(desired, observed, deltas, ctx) {
    assertObservedOwned(observed, ctx, 'update');
    const arn = observed.physicalId;
    if (touches(deltas, 'healthCheck')) {
      await ctx.clients.elbv2.send(
        new ModifyTargetGroupCommand({
          TargetGroupArn: arn,
          ...healthCheckInput(obj(desired.spec, 'healthCheck')),
        }),
      );
    }
    if (touches(deltas, 'deregistrationDelaySeconds')) await setDeregistrationDelay(ctx, arn, desired.spec);
    await syncElbTags(ctx.clients, arn, desired.tags, observed.tags);
    return { physicalId: arn, outputs: { arn } };
  },

  async delete(observed, ctx) {
    assertObservedOwned(observed, ctx, 'delete');
    try {
      await ctx.clients.elbv2.send(new DeleteTargetGroupCommand({ TargetGroupArn: observed.physicalId }));
    } catch (err) {
      if (isNotFound(err)) return;
      if (awsErrorCode(err)?.startsWith('ResourceInUse')) {
        throw new NotReadyError(
          `${observed.logicalId}: target group is still in use by a listener or rule`,
          IN_USE_RETRY_MS,
          { cause: err },
        );
      }
      throw err;
    }
  },
};
