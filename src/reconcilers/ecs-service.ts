/**
 * Applies `ecs.Service`.
 *
 * - create: describe first (adopt ours, conflict on a foreign one, wait while a same-name service is
 *   still DRAINING), then CreateService with the context's client token, ownership tags and
 *   `propagateTags: SERVICE`. "Creation of service was not idempotent" (the name is still draining or the
 *   token was used with other parameters) becomes a NotReadyError so the engine requeues.
 * - update: one UpdateService with only the fields the deltas touch; tag deltas via Tag/UntagResource. A
 *   change of `secretVersions` alone (a secret the tasks read changed) is one UpdateService with
 *   `forceNewDeployment`; create and update return the versions in `outputs.secretVersions`, so the
 *   journal records what the service was rolled out with (diff/secret-versions.ts).
 * - with `healthy: true` in the spec (a dependent uses `service_healthy`), create and update return
 *   only once the service is healthy (ecs-service-health.ts); the field itself needs no API call.
 * - delete: scale to 0, DeleteService(force), then poll until INACTIVE/absent (bounded, injectable).
 *
 * @module
 */
import {
  CreateServiceCommand,
  DeleteServiceCommand,
  type DeploymentConfiguration,
  DescribeServicesCommand,
  type Service,
  UpdateServiceCommand,
  type UpdateServiceCommandInput,
} from '@aws-sdk/client-ecs';
import { isNotFound } from '../aws/errors.js';
import type { Spec } from '../desired/resource-types.js';
import { SECRET_VERSIONS_FIELD, secretVersionsOutput } from '../diff/secret-versions.js';
import { clusterOfArn, ecsTagsToRecord, recordToEcsTags } from '../observed/ecs-common.js';
import { describeServicesInput } from '../observed/ecs-describe.js';
import type { ObservedResource } from '../observed/types.js';
import {
  assertObservedOwned,
  assertOwned,
  pollUntil,
  type ResolvedWait,
  resolveWait,
  touches,
  type WaitOptions,
} from './apply-helpers.js';
import { syncEcsTags, toNetworkConfiguration, toStrategy } from './ecs-common.js';
import { awaitsHealthy, waitUntilServiceHealthy } from './ecs-service-health.js';
import { NotReadyError } from './errors.js';
import { num, obj, objList, optBool, optNum, optObj, str } from './spec-read.js';
import type { Applier, ApplyContext } from './types.js';

/** ECS caps `clientToken` at 36 ASCII characters. */
export const SERVICE_CLIENT_TOKEN_MAX = 36;
/** How often a deleted service is re-described while it drains. */
export const SERVICE_DRAIN_POLL_MS = 10_000;
/** How long one delete waits for draining before handing back to the engine (NotReadyError). */
export const SERVICE_DRAIN_MAX_WAIT_MS = 10 * 60_000;
/** How long the engine waits before retrying a create blocked by a draining same-name service. */
const DRAINING_RETRY_MS = 15_000;
/**
 * The count a service starts with when the spec omits `desiredCount` (Application Auto Scaling owns it):
 * CreateService needs one, and the scaler raises it to its minimum once registered.
 */
export const SCALED_INITIAL_DESIRED_COUNT = 1;

const NOT_IDEMPOTENT = /creation of service was not idempotent/i;

function toDeployment(d: Spec): DeploymentConfiguration {
  const cb = optObj(d, 'deploymentCircuitBreaker');
  return {
    minimumHealthyPercent: optNum(d, 'minimumHealthyPercent'),
    maximumPercent: optNum(d, 'maximumPercent'),
    ...(cb
      ? {
          deploymentCircuitBreaker: {
            enable: optBool(cb, 'enable') ?? false,
            rollback: optBool(cb, 'rollback') ?? false,
          },
        }
      : {}),
  };
}

function toLoadBalancers(
  spec: Spec,
): { targetGroupArn: string; containerName: string; containerPort: number }[] {
  return objList(spec, 'loadBalancers').map((lb) => ({
    targetGroupArn: str(lb, 'targetGroupArn'),
    containerName: str(lb, 'containerName'),
    containerPort: num(lb, 'containerPort'),
  }));
}

/** The Cloud Map registries ECS registers the service's tasks in (A records: the ARN is enough). */
function toServiceRegistries(spec: Spec): { registryArn: string }[] {
  return objList(spec, 'serviceRegistries').map((r) => ({ registryArn: str(r, 'registryArn') }));
}

async function describeOne(
  ctx: ApplyContext,
  cluster: string,
  service: string,
): Promise<Service | undefined> {
  try {
    const res = await ctx.clients.ecs.send(
      new DescribeServicesCommand(describeServicesInput(cluster, [service])),
    );
    return (res.services ?? []).find((s) => s.status !== 'INACTIVE');
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

/** The UpdateService input for the touched fields only; undefined when no spec field changed. */
export function updateInput(
  spec: Spec,
  observed: ObservedResource,
  deltas: Parameters<Applier['update']>[2],
): UpdateServiceCommandInput | undefined {
  const input: UpdateServiceCommandInput = { cluster: str(spec, 'cluster'), service: observed.physicalId };
  let changed = false;
  const set = <K extends keyof UpdateServiceCommandInput>(
    field: string,
    key: K,
    value: () => UpdateServiceCommandInput[K],
  ): void => {
    if (!touches(deltas, field)) return;
    input[key] = value();
    changed = true;
  };
  set('desiredCount', 'desiredCount', () => num(spec, 'desiredCount'));
  set('taskDefinition', 'taskDefinition', () => str(spec, 'taskDefinition'));
  set('networkConfiguration', 'networkConfiguration', () =>
    toNetworkConfiguration(obj(spec, 'networkConfiguration')),
  );
  set('loadBalancers', 'loadBalancers', () => toLoadBalancers(spec));
  set('serviceRegistries', 'serviceRegistries', () => toServiceRegistries(spec));
  set('deploymentConfiguration', 'deploymentConfiguration', () =>
    toDeployment(obj(spec, 'deploymentConfiguration')),
  );
  set('healthCheckGracePeriodSeconds', 'healthCheckGracePeriodSeconds', () =>
    optNum(spec, 'healthCheckGracePeriodSeconds'),
  );
  set('enableExecuteCommand', 'enableExecuteCommand', () => optBool(spec, 'enableExecuteCommand'));
  // AWS only applies a new strategy with a new deployment.
  set('capacityProviderStrategy', 'capacityProviderStrategy', () => toStrategy(spec));
  if (touches(deltas, 'capacityProviderStrategy')) input.forceNewDeployment = true;
  // A secret the tasks read changed (diff/secret-versions.ts): ECS reads secrets only when a task starts,
  // so the same call starts a new deployment; the versions are recorded by the journal, not by AWS.
  if (touches(deltas, SECRET_VERSIONS_FIELD)) {
    input.forceNewDeployment = true;
    changed = true;
  }
  return changed ? input : undefined;
}

/**
 * Read-your-writes after CreateService: settings the created service does not echo back are set again
 * with UpdateService, so the next pass finds nothing to do.
 *
 * Where AWS needs it: nowhere on a fresh create. AWS applies the capacity provider strategy, deployment
 * configuration and health check grace period on CreateService and echoes them in its answer, so against
 * AWS this sends nothing and a create costs exactly one CreateService (issue 11: no UpdateService on the
 * critical path). It sends one UpdateService, with only the fields missing from the echo, in two cases:
 * - an emulator that drops them on create (moto 5.2.1's create_service ignores all three, see
 *   aws-api-facts.md §8 #6): without it the stack would converge only on its second pass and break the
 *   "a no-op pass makes 0 mutations" promise;
 * - the adopt branch, a service this step's own earlier try made whose response was lost: the service is
 *   compared as described, and whatever that try did not get to is finished here (fault suite).
 */
async function applyWhatCreateIgnored(
  ctx: ApplyContext,
  cluster: string,
  service: string,
  s: Spec,
  created: Service | undefined,
): Promise<void> {
  if (!created) return;
  const deployment = optObj(s, 'deploymentConfiguration');
  const wantDeployment = deployment && toDeployment(deployment);
  const wantStrategy = toStrategy(s);
  const wantGrace = optNum(s, 'healthCheckGracePeriodSeconds');
  const echoedStrategy = created.capacityProviderStrategy?.map((c) => ({
    capacityProvider: c.capacityProvider,
    weight: c.weight,
  }));
  const fix: Partial<UpdateServiceCommandInput> = {
    ...(wantDeployment && !sameJson(wantDeployment, pick(created.deploymentConfiguration, wantDeployment))
      ? { deploymentConfiguration: wantDeployment }
      : {}),
    ...(wantStrategy && !sameJson(pick(wantStrategy, wantStrategy), pick(echoedStrategy, wantStrategy))
      ? { capacityProviderStrategy: wantStrategy }
      : {}),
    ...(wantGrace !== undefined && created.healthCheckGracePeriodSeconds !== wantGrace
      ? { healthCheckGracePeriodSeconds: wantGrace }
      : {}),
  };
  if (Object.keys(fix).length === 0) return;
  await ctx.clients.ecs.send(new UpdateServiceCommand({ cluster, service, ...fix }));
}

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The keys of `shape` taken from `value`, recursively and in `shape`'s order, to compare echoes. */
function pick(value: unknown, shape: unknown): unknown {
  if (Array.isArray(shape) && Array.isArray(value)) return value.map((v, i) => pick(v, shape[i]));
  if (typeof shape !== 'object' || shape === null || typeof value !== 'object' || value === null)
    return value;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(shape)) {
    const v = (value as Record<string, unknown>)[k];
    if (v !== undefined) out[k] = pick(v, (shape as Record<string, unknown>)[k]);
  }
  return out;
}

/** Builds the `ecs.Service` applier; `wait` controls the delete's drain poll (tests make it instant). */
export function createEcsServiceApplier(wait: WaitOptions = {}): Applier {
  const w: ResolvedWait = resolveWait(wait, {
    pollIntervalMs: SERVICE_DRAIN_POLL_MS,
    maxWaitMs: SERVICE_DRAIN_MAX_WAIT_MS,
  });
  return {
    kind: 'ecs.Service',

    async create(desired, ctx) {
      const s = desired.spec;
      const cluster = str(s, 'cluster');
      const serviceName = str(s, 'serviceName');
      const existing = await describeOne(ctx, cluster, serviceName);
      if (existing) {
        const arn = existing.serviceArn ?? serviceName;
        assertOwned(ecsTagsToRecord(existing.tags), ctx, desired.logicalId, arn);
        if (existing.status === 'DRAINING')
          throw new NotReadyError(`${desired.logicalId}: ${arn} is still draining`, DRAINING_RETRY_MS);
        // Made by this step's own earlier try whose response was lost: finish what that try would have.
        await applyWhatCreateIgnored(ctx, cluster, serviceName, s, existing);
        if (awaitsHealthy(s)) await waitUntilServiceHealthy(ctx, cluster, arn, desired.logicalId, w);
        return { physicalId: arn, outputs: { arn, ...secretVersionsOutput(s) } };
      }
      const deployment = optObj(s, 'deploymentConfiguration');
      try {
        const res = await ctx.clients.ecs.send(
          new CreateServiceCommand({
            cluster,
            serviceName,
            taskDefinition: str(s, 'taskDefinition'),
            desiredCount: optNum(s, 'desiredCount') ?? SCALED_INITIAL_DESIRED_COUNT,
            capacityProviderStrategy: toStrategy(s),
            networkConfiguration: toNetworkConfiguration(obj(s, 'networkConfiguration')),
            loadBalancers: toLoadBalancers(s),
            serviceRegistries: toServiceRegistries(s),
            deploymentConfiguration: deployment && toDeployment(deployment),
            healthCheckGracePeriodSeconds: optNum(s, 'healthCheckGracePeriodSeconds'),
            enableExecuteCommand: optBool(s, 'enableExecuteCommand'),
            propagateTags: 'SERVICE',
            tags: recordToEcsTags(desired.tags),
            clientToken: ctx.clientToken.slice(0, SERVICE_CLIENT_TOKEN_MAX),
          }),
        );
        const arn = res.service?.serviceArn ?? '';
        await applyWhatCreateIgnored(ctx, cluster, serviceName, s, res.service);
        if (awaitsHealthy(s)) await waitUntilServiceHealthy(ctx, cluster, serviceName, desired.logicalId, w);
        return { physicalId: arn, outputs: { arn, ...secretVersionsOutput(s) } };
      } catch (err) {
        if (err instanceof Error && NOT_IDEMPOTENT.test(err.message)) {
          throw new NotReadyError(`${desired.logicalId}: ${err.message}`, DRAINING_RETRY_MS, { cause: err });
        }
        throw err;
      }
    },

    async update(desired, observed, deltas, ctx) {
      assertObservedOwned(observed, ctx, 'update');
      const input = updateInput(desired.spec, observed, deltas);
      if (input) await ctx.clients.ecs.send(new UpdateServiceCommand(input));
      await syncEcsTags(ctx.clients, observed.physicalId, desired.tags, observed.tags);
      if (awaitsHealthy(desired.spec)) {
        const cluster = str(desired.spec, 'cluster');
        await waitUntilServiceHealthy(ctx, cluster, observed.physicalId, desired.logicalId, w);
      }
      return {
        physicalId: observed.physicalId,
        outputs: { arn: observed.physicalId, ...secretVersionsOutput(desired.spec) },
      };
    },

    async delete(observed, ctx) {
      assertObservedOwned(observed, ctx, 'delete');
      const specCluster = observed.spec.cluster;
      const cluster =
        typeof specCluster === 'string' ? specCluster : (clusterOfArn(observed.physicalId) ?? '');
      const service = observed.physicalId;
      try {
        await ctx.clients.ecs.send(new UpdateServiceCommand({ cluster, service, desiredCount: 0 }));
        await ctx.clients.ecs.send(new DeleteServiceCommand({ cluster, service, force: true }));
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
      await pollUntil(
        async () => ((await describeOne(ctx, cluster, service)) ? undefined : true),
        w,
        `${observed.logicalId} (${service}) to drain`,
        ctx.signal,
      );
    },
  };
}

/** The `ecs.Service` applier with production waits. */
export const ecsServiceApplier: Applier = createEcsServiceApplier();
