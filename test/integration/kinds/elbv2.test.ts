/**
 * elbv2.TargetGroup and elbv2.LoadBalancer observers and appliers against a real moto server: create →
 * observe equals desired → idempotent re-create (exactly one resource) → out-of-band drift → update
 * restores it → delete → gone; foreign same-name resources are conflicts and stay untouched.
 */
import {
  CreateTargetGroupCommand,
  DescribeLoadBalancersCommand,
  DescribeTagsCommand,
  DescribeTargetGroupAttributesCommand,
  DescribeTargetGroupsCommand,
  ModifyTargetGroupCommand,
  SetSecurityGroupsCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AwsClients } from '../../../src/aws/types.js';
import type { Spec } from '../../../src/desired/resource-types.js';
import { elbv2LoadBalancerObserver } from '../../../src/observed/elbv2-load-balancer.js';
import { elbv2TargetGroupObserver } from '../../../src/observed/elbv2-target-group.js';
import { createElbv2LoadBalancerApplier } from '../../../src/reconcilers/elbv2-load-balancer.js';
import { elbv2TargetGroupApplier } from '../../../src/reconcilers/elbv2-target-group.js';
import { OwnershipConflictError } from '../../../src/reconcilers/errors.js';
import { motoClients } from '../../helpers/aws.js';
import { type MotoServer, startMoto } from '../../helpers/moto.js';
import {
  applyCtx,
  createNetwork,
  deltasFor,
  INSTANT_WAIT,
  type Network,
  observeCtx,
  observeOne,
  resource,
} from './kind-fixtures.js';

let moto: MotoServer;
let clients: AwsClients;
let net: Network;
const lbApplier = createElbv2LoadBalancerApplier(INSTANT_WAIT);

beforeAll(async () => {
  moto = await startMoto();
  clients = motoClients(moto.endpoint);
  net = await createNetwork(clients);
});
afterAll(async () => {
  await moto?.stop();
});

function tgSpec(name: string, path = '/healthz'): Spec {
  return {
    deregistrationDelaySeconds: 30,
    healthCheck: {
      healthyThresholdCount: 2,
      intervalSeconds: 15,
      matcher: '200-399',
      path,
      port: 'traffic-port',
      protocol: 'HTTP',
      timeoutSeconds: 5,
      unhealthyThresholdCount: 3,
    },
    name,
    port: 8080,
    protocol: 'HTTP',
    targetType: 'ip',
    vpcId: net.vpcId,
  };
}

async function targetGroupsNamed(name: string) {
  return (await clients.elbv2.send(new DescribeTargetGroupsCommand({ Names: [name] }))).TargetGroups ?? [];
}

describe('elbv2.TargetGroup', () => {
  const NAME = 'shop-it-api-8080-1a2b3c';
  const desired = (): ReturnType<typeof resource> =>
    resource('elbv2.TargetGroup', 'tg/api-8080', NAME, tgSpec(NAME));

  it('creates one tagged target group with the deregistration delay; observe equals desired; re-create adopts', async () => {
    const first = await elbv2TargetGroupApplier.create(desired(), applyCtx(clients));
    const again = await elbv2TargetGroupApplier.create(desired(), applyCtx(clients));

    const observed = await observeOne(elbv2TargetGroupObserver, clients, desired());
    expect(observed?.spec).toEqual(desired().spec);
    expect(observed?.tags).toEqual(desired().tags);
    expect(observed?.outputs).toEqual({ arn: first.physicalId });
    expect(again.physicalId).toBe(first.physicalId);
    expect(await targetGroupsNamed(NAME)).toHaveLength(1);
    const attrs = await clients.elbv2.send(
      new DescribeTargetGroupAttributesCommand({ TargetGroupArn: first.physicalId }),
    );
    expect(attrs.Attributes?.find((a) => a.Key === 'deregistration_delay.timeout_seconds')?.Value).toBe('30');
  });

  it('sees an out-of-band health-check path as exactly that delta and restores it', async () => {
    const [tg] = await targetGroupsNamed(NAME);
    await clients.elbv2.send(
      new ModifyTargetGroupCommand({ TargetGroupArn: tg?.TargetGroupArn, HealthCheckPath: '/other' }),
    );
    const drifted = await observeOne(elbv2TargetGroupObserver, clients, desired());
    if (!drifted) throw new Error('target group not observed');
    const deltas = deltasFor(desired(), drifted);
    expect(deltas).toEqual([
      { path: 'healthCheck.path', desired: '/healthz', observed: '/other', replace: false },
    ]);

    await elbv2TargetGroupApplier.update(desired(), drifted, deltas, applyCtx(clients));

    expect((await targetGroupsNamed(NAME))[0]?.HealthCheckPath).toBe('/healthz');
  });

  it('observes only the target groups that exist when one target name is unknown', async () => {
    const ghost = resource(
      'elbv2.TargetGroup',
      'tg/ghost',
      'shop-it-ghost-000000',
      tgSpec('shop-it-ghost-000000'),
    );
    const all = await elbv2TargetGroupObserver.observe(
      [desired(), ghost].map((r) => ({ logicalId: r.logicalId, name: r.name, spec: r.spec })),
      observeCtx(clients),
    );
    expect(all.map((o) => o.logicalId)).toEqual(['tg/api-8080']);
  });

  it('refuses a foreign same-name target group on create and on delete, leaving it untouched', async () => {
    const name = 'shop-it-web-8080-foreign';
    await clients.elbv2.send(
      new CreateTargetGroupCommand({
        Name: name,
        Protocol: 'HTTP',
        Port: 8080,
        VpcId: net.vpcId,
        TargetType: 'ip',
        HealthCheckPath: '/mine',
      }),
    );
    const foreign = resource('elbv2.TargetGroup', 'tg/web-8080', name, tgSpec(name));

    await expect(elbv2TargetGroupApplier.create(foreign, applyCtx(clients))).rejects.toBeInstanceOf(
      OwnershipConflictError,
    );
    const observed = await observeOne(elbv2TargetGroupObserver, clients, foreign);
    if (!observed) throw new Error('foreign target group not observed');
    await expect(elbv2TargetGroupApplier.delete(observed, applyCtx(clients))).rejects.toBeInstanceOf(
      OwnershipConflictError,
    );

    const [live] = await targetGroupsNamed(name);
    expect(live?.HealthCheckPath).toBe('/mine');
    const tags = await clients.elbv2.send(
      new DescribeTagsCommand({ ResourceArns: [live?.TargetGroupArn ?? ''] }),
    );
    expect(tags.TagDescriptions?.[0]?.Tags ?? []).toEqual([]);
  });

  it('deletes the target group, after which it is no longer observed', async () => {
    const observed = await observeOne(elbv2TargetGroupObserver, clients, desired());
    if (!observed) throw new Error('target group not observed');
    await elbv2TargetGroupApplier.delete(observed, applyCtx(clients));
    await elbv2TargetGroupApplier.delete(observed, applyCtx(clients));

    await expect(targetGroupsNamed(NAME)).rejects.toMatchObject({ name: 'TargetGroupNotFoundException' });
    expect(await observeOne(elbv2TargetGroupObserver, clients, desired())).toBeUndefined();
  });
});

describe('elbv2.LoadBalancer', () => {
  const NAME = 'shop-it-alb-9f8e7d';
  const desired = (): ReturnType<typeof resource> =>
    resource('elbv2.LoadBalancer', 'alb', NAME, {
      name: NAME,
      scheme: 'internet-facing',
      securityGroups: [net.securityGroups[0] as string],
      // Not in id order: the renderer sorts refs by logical id, so resolved ids come in any order.
      subnets: [...net.subnets].reverse(),
      type: 'application',
    });
  const loadBalancersNamed = async (name: string) =>
    (await clients.elbv2.send(new DescribeLoadBalancersCommand({ Names: [name] }))).LoadBalancers ?? [];

  it('creates exactly one tagged ALB whose observed spec and outputs match; re-create adopts it', async () => {
    const first = await lbApplier.create(desired(), applyCtx(clients));
    const again = await lbApplier.create(desired(), applyCtx(clients));

    const observed = await observeOne(elbv2LoadBalancerObserver, clients, desired());
    expect(observed?.spec).toEqual(desired().spec);
    expect(observed?.tags).toEqual(desired().tags);
    expect(observed?.health).toBe('Healthy');
    const [live] = await loadBalancersNamed(NAME);
    expect(observed?.outputs).toEqual({
      arn: live?.LoadBalancerArn,
      canonicalHostedZoneId: live?.CanonicalHostedZoneId,
      dnsName: live?.DNSName,
    });
    expect(again).toEqual(first);
    expect(await loadBalancersNamed(NAME)).toHaveLength(1);
  });

  it('sees out-of-band security groups as exactly that delta and restores them', async () => {
    const [lb] = await loadBalancersNamed(NAME);
    await clients.elbv2.send(
      new SetSecurityGroupsCommand({
        LoadBalancerArn: lb?.LoadBalancerArn,
        SecurityGroups: [net.securityGroups[1] as string],
      }),
    );
    const drifted = await observeOne(elbv2LoadBalancerObserver, clients, desired());
    if (!drifted) throw new Error('load balancer not observed');
    const deltas = deltasFor(desired(), drifted);
    expect(deltas).toEqual([
      {
        path: 'securityGroups[0]',
        desired: net.securityGroups[0],
        observed: net.securityGroups[1],
        replace: false,
      },
    ]);

    await lbApplier.update(desired(), drifted, deltas, applyCtx(clients));

    expect((await loadBalancersNamed(NAME))[0]?.SecurityGroups).toEqual([net.securityGroups[0]]);
  });

  it('discovers the owned ALB without a target (tag discovery), for garbage collection', async () => {
    const all = await elbv2LoadBalancerObserver.observe([], observeCtx(clients));
    expect(all.map((o) => o.logicalId)).toEqual(['alb']);
  });

  it('deletes the ALB and waits until it is gone', async () => {
    const observed = await observeOne(elbv2LoadBalancerObserver, clients, desired());
    if (!observed) throw new Error('load balancer not observed');
    await lbApplier.delete(observed, applyCtx(clients));

    await expect(loadBalancersNamed(NAME)).rejects.toMatchObject({ name: 'LoadBalancerNotFoundException' });
    expect(await observeOne(elbv2LoadBalancerObserver, clients, desired())).toBeUndefined();
  });
});
