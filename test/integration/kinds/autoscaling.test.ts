/**
 * autoscaling.ScalableTarget and autoscaling.ScalingPolicy against a real moto server, asserting the
 * end state by reading Application Auto Scaling back.
 *
 * moto 5.2.1 answers the AAS tagging calls (ListTagsForResource, TagResource, UntagResource) with a 500
 * and drops the Tags of RegisterScalableTarget. {@link shimAasTags} stands in for exactly those calls
 * with an in-memory tag store, as an injected request handler; everything else is moto.
 */
import {
  DescribeScalableTargetsCommand,
  DescribeScalingPoliciesCommand,
  PutScalingPolicyCommand,
  RegisterScalableTargetCommand,
} from '@aws-sdk/client-application-auto-scaling';
import { CreateClusterCommand, CreateServiceCommand } from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AwsClients } from '../../../src/aws/types.js';
import { type ResourceKind, type Spec, TAG_KEYS } from '../../../src/desired/resource-types.js';
import { ownershipTags } from '../../../src/desired/tags.js';
import { diffResource } from '../../../src/diff/compare.js';
import { tagDeltas } from '../../../src/diff/tags.js';
import type { FieldDelta } from '../../../src/diff/types.js';
import { autoscalingScalableTargetObserver } from '../../../src/observed/autoscaling-scalable-target.js';
import { autoscalingScalingPolicyObserver } from '../../../src/observed/autoscaling-scaling-policy.js';
import type { ObserveContext, ObservedResource, Observer } from '../../../src/observed/types.js';
import { autoscalingScalableTargetApplier } from '../../../src/reconcilers/autoscaling-scalable-target.js';
import { autoscalingScalingPolicyApplier } from '../../../src/reconcilers/autoscaling-scaling-policy.js';
import { OwnershipConflictError } from '../../../src/reconcilers/errors.js';
import type { ApplyContext, ResolvedResource } from '../../../src/reconcilers/types.js';
import { shimAasTags } from '../../helpers/aas-tag-shim.js';
import { motoClients } from '../../helpers/aws.js';
import { type MotoServer, startMoto } from '../../helpers/moto.js';

const PROJECT = 'shop';
const STACK = 'it';
const CLUSTER = 'shop-it';
const DIMENSION = 'ecs:service:DesiredCount';

let moto: MotoServer;
let clients: AwsClients;
let tagStore: Map<string, Record<string, string>>;

beforeAll(async () => {
  moto = await startMoto();
  clients = motoClients(moto.endpoint);
  tagStore = shimAasTags(clients.autoscaling);
  await clients.ecs.send(
    new CreateClusterCommand({ clusterName: CLUSTER, tags: [{ key: 'stackctl:project', value: PROJECT }] }),
  );
  for (const serviceName of ['web', 'api', 'worker']) {
    await clients.ecs.send(new CreateServiceCommand({ cluster: CLUSTER, serviceName, desiredCount: 1 }));
  }
});

afterAll(async () => {
  await moto?.stop();
});

function applyCtx(): ApplyContext {
  return { clients, project: PROJECT, stack: STACK, clientToken: 'autoscaling-test-token' };
}

function observeCtx(): ObserveContext {
  return { clients, project: PROJECT, stack: STACK, outputs: new Map() };
}

function resolved(kind: ResourceKind, logicalId: string, name: string, spec: Spec): ResolvedResource {
  return { kind, logicalId, name, spec, tags: ownershipTags(PROJECT, STACK, logicalId) };
}

async function mustObserve(
  observer: Observer,
  r: ResolvedResource,
  physicalId?: string,
): Promise<ObservedResource> {
  const target = {
    logicalId: r.logicalId,
    name: r.name,
    spec: r.spec,
    ...(physicalId ? { physicalId } : {}),
  };
  const found = (await observer.observe([target], observeCtx())).find((o) => o.logicalId === r.logicalId);
  if (!found) throw new Error(`${r.logicalId} was not observed`);
  return found;
}

function deltasFor(r: ResolvedResource, observed: ObservedResource): FieldDelta[] {
  return [...diffResource(r.spec, observed.spec, r.kind), ...tagDeltas(r.tags, observed.tags)];
}

async function liveTargets(resourceId: string) {
  const res = await clients.autoscaling.send(
    new DescribeScalableTargetsCommand({ ServiceNamespace: 'ecs', ResourceIds: [resourceId] }),
  );
  return res.ScalableTargets ?? [];
}

async function livePolicies(resourceId: string) {
  const res = await clients.autoscaling.send(
    new DescribeScalingPoliciesCommand({ ServiceNamespace: 'ecs', ResourceId: resourceId }),
  );
  return res.ScalingPolicies ?? [];
}

const target = (svc: string, minCapacity = 1, maxCapacity = 4) =>
  resolved('autoscaling.ScalableTarget', `scaling/${svc}`, `service/${CLUSTER}/${svc}`, {
    resourceId: `service/${CLUSTER}/${svc}`,
    scalableDimension: DIMENSION,
    minCapacity,
    maxCapacity,
  });

const policy = (svc: string, targetValue = 60) =>
  resolved('autoscaling.ScalingPolicy', `scaling-policy/${svc}`, `shop-it-${svc}-cpu`, {
    resourceId: `service/${CLUSTER}/${svc}`,
    targetValue,
    predefinedMetricType: 'ECSServiceAverageCPUUtilization',
    scaleInCooldown: 300,
    scaleOutCooldown: 60,
  });

describe('autoscaling.ScalableTarget and ScalingPolicy', () => {
  it('registers a target, observes it as desired, re-creates idempotently, restores drift', async () => {
    const r = target('web');
    const created = await autoscalingScalableTargetApplier.create(r, applyCtx());
    expect(created).toMatchObject({
      physicalId: 'service/shop-it/web',
      outputs: { resourceId: 'service/shop-it/web' },
    });
    expect(await liveTargets('service/shop-it/web')).toEqual([
      expect.objectContaining({ MinCapacity: 1, MaxCapacity: 4, ScalableDimension: DIMENSION }),
    ]);
    expect(tagStore.get(String(created.outputs.arn))).toEqual(r.tags);

    const observed = await mustObserve(autoscalingScalableTargetObserver, r);
    expect(deltasFor(r, observed)).toEqual([]);
    expect(await autoscalingScalableTargetApplier.create(r, applyCtx())).toEqual(created);
    expect(await liveTargets('service/shop-it/web')).toHaveLength(1);

    await clients.autoscaling.send(
      new RegisterScalableTargetCommand({
        ServiceNamespace: 'ecs',
        ResourceId: 'service/shop-it/web',
        ScalableDimension: DIMENSION,
        MinCapacity: 2,
        MaxCapacity: 8,
      }),
    );
    const drifted = await mustObserve(autoscalingScalableTargetObserver, r, created.physicalId);
    expect(
      deltasFor(r, drifted)
        .map((d) => d.path)
        .sort(),
    ).toEqual(['maxCapacity', 'minCapacity']);
    await autoscalingScalableTargetApplier.update(r, drifted, deltasFor(r, drifted), applyCtx());
    expect(await liveTargets('service/shop-it/web')).toEqual([
      expect.objectContaining({ MinCapacity: 1, MaxCapacity: 4 }),
    ]);
  });

  it('puts a policy on the target, observes it as desired, restores drift, deletes policy then target', async () => {
    const p = policy('web');
    const created = await autoscalingScalingPolicyApplier.create(p, applyCtx());
    expect(created.physicalId).toContain(':policyName/shop-it-web-cpu');
    const [live] = await livePolicies('service/shop-it/web');
    expect(live).toMatchObject({
      PolicyName: 'shop-it-web-cpu',
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingScalingPolicyConfiguration: {
        TargetValue: 60,
        PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' },
        ScaleInCooldown: 300,
        ScaleOutCooldown: 60,
      },
    });

    const observed = await mustObserve(autoscalingScalingPolicyObserver, p);
    expect(deltasFor(p, observed)).toEqual([]);
    expect(observed.tags).toEqual(p.tags);
    // PutScalingPolicy is an upsert: a second create leaves one policy (moto even mints a new ARN for it).
    const again = await autoscalingScalingPolicyApplier.create(p, applyCtx());
    expect(again.physicalId).toContain(':policyName/shop-it-web-cpu');
    expect(await livePolicies('service/shop-it/web')).toHaveLength(1);

    await clients.autoscaling.send(
      new PutScalingPolicyCommand({
        PolicyName: 'shop-it-web-cpu',
        ServiceNamespace: 'ecs',
        ResourceId: 'service/shop-it/web',
        ScalableDimension: DIMENSION,
        PolicyType: 'TargetTrackingScaling',
        TargetTrackingScalingPolicyConfiguration: {
          TargetValue: 85,
          PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' },
          ScaleInCooldown: 300,
          ScaleOutCooldown: 60,
        },
      }),
    );
    const drifted = await mustObserve(autoscalingScalingPolicyObserver, p, again.physicalId);
    expect(deltasFor(p, drifted)).toEqual([
      { path: 'targetValue', desired: 60, observed: 85, replace: false },
    ]);
    await autoscalingScalingPolicyApplier.update(p, drifted, deltasFor(p, drifted), applyCtx());
    expect(
      (await livePolicies('service/shop-it/web'))[0]?.TargetTrackingScalingPolicyConfiguration?.TargetValue,
    ).toBe(60);

    await autoscalingScalingPolicyApplier.delete(
      await mustObserve(autoscalingScalingPolicyObserver, p),
      applyCtx(),
    );
    expect(await livePolicies('service/shop-it/web')).toEqual([]);
    await autoscalingScalableTargetApplier.delete(
      await mustObserve(autoscalingScalableTargetObserver, target('web')),
      applyCtx(),
    );
    expect(await liveTargets('service/shop-it/web')).toEqual([]);
  });

  it('finds a target of this stack that no target names any more', async () => {
    const r = target('worker', 1, 2);
    await autoscalingScalableTargetApplier.create(r, applyCtx());
    const found = await autoscalingScalableTargetObserver.observe([], observeCtx());
    expect(found.map((o) => o.logicalId)).toContain('scaling/worker');
    expect(found.find((o) => o.logicalId === 'scaling/worker')?.tags[TAG_KEYS.stack]).toBe(STACK);
  });

  it('refuses a foreign target and a policy on it, leaving both unchanged', async () => {
    await clients.autoscaling.send(
      new RegisterScalableTargetCommand({
        ServiceNamespace: 'ecs',
        ResourceId: 'service/shop-it/api',
        ScalableDimension: DIMENSION,
        MinCapacity: 3,
        MaxCapacity: 9,
      }),
    );
    await expect(autoscalingScalableTargetApplier.create(target('api'), applyCtx())).rejects.toBeInstanceOf(
      OwnershipConflictError,
    );
    await expect(autoscalingScalingPolicyApplier.create(policy('api'), applyCtx())).rejects.toBeInstanceOf(
      OwnershipConflictError,
    );
    const observed = await mustObserve(autoscalingScalableTargetObserver, target('api'));
    expect(observed.tags).toEqual({});
    await expect(autoscalingScalableTargetApplier.delete(observed, applyCtx())).rejects.toBeInstanceOf(
      OwnershipConflictError,
    );
    expect(await liveTargets('service/shop-it/api')).toEqual([
      expect.objectContaining({ MinCapacity: 3, MaxCapacity: 9 }),
    ]);
    expect(await livePolicies('service/shop-it/api')).toEqual([]);
  });
});
