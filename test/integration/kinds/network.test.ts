import {
  AttachInternetGatewayCommand,
  CreateInternetGatewayCommand,
  CreateRouteCommand,
  CreateSubnetCommand,
  CreateTagsCommand,
  CreateVpcCommand,
  DeleteTagsCommand,
  DescribeAddressesCommand,
  DescribeInternetGatewaysCommand,
  DescribeNatGatewaysCommand,
  DescribeRouteTablesCommand,
  DescribeSubnetsCommand,
  DescribeVpcAttributeCommand,
  DescribeVpcsCommand,
  DetachInternetGatewayCommand,
  DisassociateRouteTableCommand,
  ModifySubnetAttributeCommand,
  ModifyVpcAttributeCommand,
  ReplaceRouteCommand,
} from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attachRandomFaults } from '../../../src/aws/random-faults.js';
import type { AwsClients } from '../../../src/aws/types.js';
import type { ResourceKind, Spec } from '../../../src/desired/resource-types.js';
import { isOwnedBy, ownershipTags, tagListToRecord } from '../../../src/desired/tags.js';
import { diffResource } from '../../../src/diff/compare.js';
import { tagDeltas } from '../../../src/diff/tags.js';
import type { FieldDelta } from '../../../src/diff/types.js';
import { ec2InternetGatewayObserver } from '../../../src/observed/ec2-internet-gateway.js';
import { ec2NatGatewayObserver } from '../../../src/observed/ec2-nat-gateway.js';
import { ec2RouteTableObserver } from '../../../src/observed/ec2-route-table.js';
import { ec2SubnetObserver } from '../../../src/observed/ec2-subnet.js';
import { ec2VpcObserver } from '../../../src/observed/ec2-vpc.js';
import type { ObserveContext, ObservedResource, Observer } from '../../../src/observed/types.js';
import { ec2InternetGatewayApplier } from '../../../src/reconcilers/ec2-internet-gateway.js';
import { ec2NatGatewayApplier } from '../../../src/reconcilers/ec2-nat-gateway.js';
import { ec2RouteTableApplier } from '../../../src/reconcilers/ec2-route-table.js';
import { ec2SubnetApplier } from '../../../src/reconcilers/ec2-subnet.js';
import { ec2VpcApplier } from '../../../src/reconcilers/ec2-vpc.js';
import { NotReadyError, OwnershipConflictError } from '../../../src/reconcilers/errors.js';
import type { ApplyContext, ResolvedResource } from '../../../src/reconcilers/types.js';
import { motoClients } from '../../helpers/aws.js';
import { type MotoServer, startMoto } from '../../helpers/moto.js';

const PROJECT = 'shop';
const STACK = 'dev';
const OWNER_FILTERS = [
  { Name: 'tag:stackctl:project', Values: [PROJECT] },
  { Name: 'tag:stackctl:stack', Values: [STACK] },
];

let moto: MotoServer;
let clients: AwsClients;
/** A VPC made directly with the SDK, for the kinds that live inside one. */
let fixtureVpcId: string;

beforeAll(async () => {
  moto = await startMoto();
  clients = motoClients(moto.endpoint);
  const vpc = await clients.ec2.send(new CreateVpcCommand({ CidrBlock: '10.1.0.0/16' }));
  fixtureVpcId = vpc.Vpc?.VpcId ?? '';
});

afterAll(async () => {
  await moto?.stop();
});

function applyCtx(): ApplyContext {
  return { clients, project: PROJECT, stack: STACK, clientToken: 'network-test-token' };
}

function observeCtx(): ObserveContext {
  return { clients, project: PROJECT, stack: STACK, outputs: new Map() };
}

function resolved(kind: ResourceKind, logicalId: string, name: string, spec: Spec): ResolvedResource {
  return { kind, logicalId, name, spec, tags: ownershipTags(PROJECT, STACK, logicalId) };
}

/** What the engine passes to update: spec deltas plus tag deltas. */
function deltasOf(desired: ResolvedResource, observed: ObservedResource): readonly FieldDelta[] {
  return [
    ...diffResource(desired.spec, observed.spec, desired.kind),
    ...tagDeltas(desired.tags, observed.tags),
  ];
}

async function observeOne(
  observer: Observer,
  desired: ResolvedResource,
  physicalId?: string,
): Promise<ObservedResource | undefined> {
  const target = {
    logicalId: desired.logicalId,
    name: desired.name,
    spec: desired.spec,
    ...(physicalId ? { physicalId } : {}),
  };
  const all = await observer.observe([target], observeCtx());
  return all.find((o) => o.logicalId === desired.logicalId);
}

async function dnsOf(vpcId: string): Promise<{ support: boolean; hostnames: boolean }> {
  const s = await clients.ec2.send(
    new DescribeVpcAttributeCommand({ VpcId: vpcId, Attribute: 'enableDnsSupport' }),
  );
  const h = await clients.ec2.send(
    new DescribeVpcAttributeCommand({ VpcId: vpcId, Attribute: 'enableDnsHostnames' }),
  );
  return { support: s.EnableDnsSupport?.Value ?? false, hostnames: h.EnableDnsHostnames?.Value ?? false };
}

async function subnetInFixture(cidr: string): Promise<string> {
  const out = await clients.ec2.send(
    new CreateSubnetCommand({ VpcId: fixtureVpcId, CidrBlock: cidr, AvailabilityZone: 'eu-west-1a' }),
  );
  return out.Subnet?.SubnetId ?? '';
}

describe('ec2.Vpc', () => {
  const desired = resolved('ec2.Vpc', 'vpc', 'shop-dev', {
    cidrBlock: '10.0.0.0/16',
    enableDnsHostnames: true,
    enableDnsSupport: true,
  });

  it('creates, adopts, corrects DNS drift and deletes a tagged VPC', async () => {
    const { physicalId } = await ec2VpcApplier.create(desired, applyCtx());

    const observed = await observeOne(ec2VpcObserver, desired);
    expect(observed?.physicalId).toBe(physicalId);
    expect(observed?.spec).toStrictEqual(desired.spec);
    expect(observed?.outputs).toStrictEqual({ id: physicalId });
    expect(observed?.tags.Name).toBe('shop-dev');
    expect(isOwnedBy(observed?.tags ?? {}, PROJECT, STACK)).toBe(true);

    // Untargeted but tagged: still observed (that is how removed resources get deleted).
    const untargeted = await ec2VpcObserver.observe([], observeCtx());
    expect(untargeted.map((o) => o.logicalId)).toStrictEqual(['vpc']);

    const again = await ec2VpcApplier.create(desired, applyCtx());
    expect(again.physicalId).toBe(physicalId);
    const tagged = await clients.ec2.send(new DescribeVpcsCommand({ Filters: OWNER_FILTERS }));
    expect(tagged.Vpcs).toHaveLength(1);

    await clients.ec2.send(
      new ModifyVpcAttributeCommand({ VpcId: physicalId, EnableDnsHostnames: { Value: false } }),
    );
    const drifted = await observeOne(ec2VpcObserver, desired, physicalId);
    expect(drifted?.spec.enableDnsHostnames).toBe(false);
    const deltas = deltasOf(desired, drifted as ObservedResource);
    expect(deltas.map((d) => d.path)).toStrictEqual(['enableDnsHostnames']);
    await ec2VpcApplier.update(desired, drifted as ObservedResource, deltas, applyCtx());
    expect(await dnsOf(physicalId)).toStrictEqual({ support: true, hostnames: true });

    await ec2VpcApplier.delete(observed as ObservedResource, applyCtx());
    expect((await clients.ec2.send(new DescribeVpcsCommand({ Filters: OWNER_FILTERS }))).Vpcs).toHaveLength(
      0,
    );
    await expect(ec2VpcApplier.delete(observed as ObservedResource, applyCtx())).resolves.toBeUndefined();
  });

  it('turns DependencyViolation into NotReadyError and leaves the VPC in place', async () => {
    const other = resolved('ec2.Vpc', 'vpc2', 'shop-dev-2', { ...desired.spec, cidrBlock: '10.5.0.0/16' });
    const { physicalId } = await ec2VpcApplier.create(other, applyCtx());
    await clients.ec2.send(new CreateSubnetCommand({ VpcId: physicalId, CidrBlock: '10.5.1.0/24' }));
    const observed = (await observeOne(ec2VpcObserver, other)) as ObservedResource;

    await expect(ec2VpcApplier.delete(observed, applyCtx())).rejects.toBeInstanceOf(NotReadyError);
    const left = await clients.ec2.send(
      new DescribeVpcsCommand({ Filters: [{ Name: 'vpc-id', Values: [physicalId] }] }),
    );
    expect(left.Vpcs).toHaveLength(1);
  });

  it('does not adopt a tagged VPC whose CIDR differs (the old half of a replacement)', async () => {
    const old = resolved('ec2.Vpc', 'vpc3', 'shop-dev-3', { ...desired.spec, cidrBlock: '10.6.0.0/16' });
    const replacement = resolved('ec2.Vpc', 'vpc3', 'shop-dev-3', {
      ...desired.spec,
      cidrBlock: '10.7.0.0/16',
    });
    const first = await ec2VpcApplier.create(old, applyCtx());
    const second = await ec2VpcApplier.create(replacement, applyCtx());

    expect(second.physicalId).not.toBe(first.physicalId);
    const both = await clients.ec2.send(
      new DescribeVpcsCommand({ Filters: [{ Name: 'tag:stackctl:logical-id', Values: ['vpc3'] }] }),
    );
    expect(both.Vpcs?.map((v) => v.CidrBlock).sort()).toStrictEqual(['10.6.0.0/16', '10.7.0.0/16']);
  });
});

describe('ec2.InternetGateway', () => {
  it('creates attached, adopts, re-attaches after an out-of-band detach, and deletes', async () => {
    const desired = resolved('ec2.InternetGateway', 'igw', 'shop-dev', { vpcId: fixtureVpcId });
    const { physicalId } = await ec2InternetGatewayApplier.create(desired, applyCtx());

    const observed = await observeOne(ec2InternetGatewayObserver, desired);
    expect(observed?.spec).toStrictEqual(desired.spec);
    expect(isOwnedBy(observed?.tags ?? {}, PROJECT, STACK)).toBe(true);

    expect((await ec2InternetGatewayApplier.create(desired, applyCtx())).physicalId).toBe(physicalId);
    const tagged = await clients.ec2.send(new DescribeInternetGatewaysCommand({ Filters: OWNER_FILTERS }));
    expect(tagged.InternetGateways).toHaveLength(1);

    await clients.ec2.send(
      new DetachInternetGatewayCommand({ InternetGatewayId: physicalId, VpcId: fixtureVpcId }),
    );
    const detached = (await observeOne(ec2InternetGatewayObserver, desired, physicalId)) as ObservedResource;
    expect(detached.spec).toStrictEqual({});
    await ec2InternetGatewayApplier.update(desired, detached, deltasOf(desired, detached), applyCtx());
    const back = await clients.ec2.send(
      new DescribeInternetGatewaysCommand({ InternetGatewayIds: [physicalId] }),
    );
    expect(back.InternetGateways?.[0]?.Attachments?.map((a) => a.VpcId)).toStrictEqual([fixtureVpcId]);

    await ec2InternetGatewayApplier.delete(observed as ObservedResource, applyCtx());
    const gone = await clients.ec2.send(new DescribeInternetGatewaysCommand({ Filters: OWNER_FILTERS }));
    expect(gone.InternetGateways).toHaveLength(0);
    await expect(
      ec2InternetGatewayApplier.delete(observed as ObservedResource, applyCtx()),
    ).resolves.toBeUndefined();
  });
});

describe('ec2.InternetGateway under a lost response', () => {
  it('deletes when the detach was carried out but its answer lost (the resend finds it detached)', async () => {
    const desired = resolved('ec2.InternetGateway', 'igw-lost', 'shop-dev', { vpcId: fixtureVpcId });
    const { physicalId } = await ec2InternetGatewayApplier.create(desired, applyCtx());
    const observed = await observeOne(ec2InternetGatewayObserver, desired, physicalId);
    const lossy = motoClients(moto.endpoint);
    const tally = attachRandomFaults(lossy, {
      rate: 0,
      seed: 1,
      kinds: [],
      loseResponse: ['ec2:DetachInternetGateway'],
      services: ['ec2'],
    });

    await ec2InternetGatewayApplier.delete(observed as ObservedResource, { ...applyCtx(), clients: lossy });

    expect(tally.injected.lost).toBe(1);
    const gone = await clients.ec2.send(
      new DescribeInternetGatewaysCommand({
        Filters: [{ Name: 'internet-gateway-id', Values: [physicalId] }],
      }),
    );
    expect(gone.InternetGateways).toHaveLength(0);
  });
});

describe('ec2.Subnet', () => {
  const desired = (): ResolvedResource =>
    resolved('ec2.Subnet', 'subnet/public-a', 'shop-dev-public-a', {
      availabilityZone: 'eu-west-1a',
      cidrBlock: '10.1.10.0/24',
      mapPublicIpOnLaunch: true,
      vpcId: fixtureVpcId,
    });

  it('creates, adopts, corrects attribute and tag drift, refuses once untagged, and deletes', async () => {
    const want = desired();
    const { physicalId } = await ec2SubnetApplier.create(want, applyCtx());
    const observed = (await observeOne(ec2SubnetObserver, want)) as ObservedResource;
    expect(observed.spec).toStrictEqual(want.spec);

    expect((await ec2SubnetApplier.create(want, applyCtx())).physicalId).toBe(physicalId);
    expect(
      (await clients.ec2.send(new DescribeSubnetsCommand({ Filters: OWNER_FILTERS }))).Subnets,
    ).toHaveLength(1);

    await clients.ec2.send(
      new ModifySubnetAttributeCommand({ SubnetId: physicalId, MapPublicIpOnLaunch: { Value: false } }),
    );
    await clients.ec2.send(
      new CreateTagsCommand({
        Resources: [physicalId],
        Tags: [{ Key: 'stackctl:managed-by', Value: 'someone' }],
      }),
    );
    const drifted = (await observeOne(ec2SubnetObserver, want, physicalId)) as ObservedResource;
    expect(drifted.spec.mapPublicIpOnLaunch).toBe(false);
    const deltas = deltasOf(want, drifted);
    expect(deltas.map((d) => d.path)).toStrictEqual(['mapPublicIpOnLaunch', 'tags.stackctl:managed-by']);
    await ec2SubnetApplier.update(want, drifted, deltas, applyCtx());
    const back = (await clients.ec2.send(new DescribeSubnetsCommand({ SubnetIds: [physicalId] })))
      .Subnets?.[0];
    expect(back?.MapPublicIpOnLaunch).toBe(true);
    expect(tagListToRecord(back?.Tags)['stackctl:managed-by']).toBe('stackctl');

    // Ownership tags removed out of band: found through the journaled id, with foreign tags, untouchable.
    await clients.ec2.send(
      new DeleteTagsCommand({ Resources: [physicalId], Tags: [{ Key: 'stackctl:stack' }] }),
    );
    const foreign = (await observeOne(ec2SubnetObserver, want, physicalId)) as ObservedResource;
    expect(foreign.physicalId).toBe(physicalId);
    expect(isOwnedBy(foreign.tags, PROJECT, STACK)).toBe(false);
    await expect(ec2SubnetApplier.delete(foreign, applyCtx())).rejects.toBeInstanceOf(OwnershipConflictError);
    await expect(
      ec2SubnetApplier.update(want, foreign, deltasOf(want, foreign), applyCtx()),
    ).rejects.toBeInstanceOf(OwnershipConflictError);
    expect(
      (await clients.ec2.send(new DescribeSubnetsCommand({ SubnetIds: [physicalId] }))).Subnets,
    ).toHaveLength(1);
    await clients.ec2.send(
      new CreateTagsCommand({ Resources: [physicalId], Tags: [{ Key: 'stackctl:stack', Value: STACK }] }),
    );

    await ec2SubnetApplier.delete(observed, applyCtx());
    expect(
      (await clients.ec2.send(new DescribeSubnetsCommand({ Filters: OWNER_FILTERS }))).Subnets,
    ).toHaveLength(0);
    await expect(ec2SubnetApplier.delete(observed, applyCtx())).resolves.toBeUndefined();
  });
});

describe('ec2.RouteTable', () => {
  it('creates routes and associations, repairs route and association drift, and deletes', async () => {
    const igw = await clients.ec2.send(new CreateInternetGatewayCommand({}));
    const igwId = igw.InternetGateway?.InternetGatewayId ?? '';
    await clients.ec2.send(
      new AttachInternetGatewayCommand({ InternetGatewayId: igwId, VpcId: fixtureVpcId }),
    );
    const subnetIds = [await subnetInFixture('10.1.20.0/24'), await subnetInFixture('10.1.21.0/24')].sort();
    const desired = resolved('ec2.RouteTable', 'rt/public', 'shop-dev-public', {
      routes: [{ destinationCidrBlock: '0.0.0.0/0', gatewayId: igwId }],
      subnetIds,
      vpcId: fixtureVpcId,
    });

    const { physicalId } = await ec2RouteTableApplier.create(desired, applyCtx());
    const observed = (await observeOne(ec2RouteTableObserver, desired)) as ObservedResource;
    expect(observed.spec).toStrictEqual(desired.spec);

    expect((await ec2RouteTableApplier.create(desired, applyCtx())).physicalId).toBe(physicalId);
    const tables = await clients.ec2.send(new DescribeRouteTablesCommand({ Filters: OWNER_FILTERS }));
    expect(tables.RouteTables).toHaveLength(1);

    // Out of band: the default route is pointed elsewhere, a route added, a subnet disassociated.
    const table = tables.RouteTables?.[0];
    const second = table?.Associations?.find((a) => a.SubnetId === subnetIds[1]);
    await clients.ec2.send(
      new DisassociateRouteTableCommand({ AssociationId: second?.RouteTableAssociationId ?? '' }),
    );
    await clients.ec2.send(
      new CreateRouteCommand({
        RouteTableId: physicalId,
        DestinationCidrBlock: '192.168.0.0/16',
        GatewayId: igwId,
      }),
    );
    const natSubnet = await subnetInFixture('10.1.22.0/24');
    const nat = await ec2NatGatewayApplier.create(
      resolved('ec2.NatGateway', 'nat/x', 'shop-dev-x', { subnetId: natSubnet }),
      applyCtx(),
    );
    await clients.ec2.send(
      new ReplaceRouteCommand({
        RouteTableId: physicalId,
        DestinationCidrBlock: '0.0.0.0/0',
        NatGatewayId: nat.physicalId,
      }),
    );
    const drifted = (await observeOne(ec2RouteTableObserver, desired, physicalId)) as ObservedResource;
    expect(drifted.spec).toStrictEqual({
      routes: [
        { destinationCidrBlock: '0.0.0.0/0', natGatewayId: nat.physicalId },
        { destinationCidrBlock: '192.168.0.0/16', gatewayId: igwId },
      ],
      subnetIds: [subnetIds[0]],
      vpcId: fixtureVpcId,
    });

    await ec2RouteTableApplier.update(desired, drifted, deltasOf(desired, drifted), applyCtx());
    expect((await observeOne(ec2RouteTableObserver, desired, physicalId))?.spec).toStrictEqual(desired.spec);

    await ec2RouteTableApplier.delete(observed, applyCtx());
    const gone = await clients.ec2.send(new DescribeRouteTablesCommand({ Filters: OWNER_FILTERS }));
    expect(gone.RouteTables).toHaveLength(0);
    await expect(ec2RouteTableApplier.delete(observed, applyCtx())).resolves.toBeUndefined();
    await ec2NatGatewayApplier.delete(
      (await observeOne(
        ec2NatGatewayObserver,
        resolved('ec2.NatGateway', 'nat/x', 'shop-dev-x', { subnetId: natSubnet }),
      )) as ObservedResource,
      applyCtx(),
    );
  });
});

describe('ec2.NatGateway', () => {
  it('allocates a tagged EIP, adopts on re-create, and releases the EIP on delete', async () => {
    const subnetId = await subnetInFixture('10.1.30.0/24');
    const desired = resolved('ec2.NatGateway', 'nat/a', 'shop-dev-a', { subnetId });
    const eipFilters = [...OWNER_FILTERS, { Name: 'tag:stackctl:logical-id', Values: ['nat/a'] }];

    const { physicalId } = await ec2NatGatewayApplier.create(desired, applyCtx());
    const observed = (await observeOne(ec2NatGatewayObserver, desired)) as ObservedResource;
    expect(observed.spec).toStrictEqual(desired.spec);
    expect(observed.health).toBe('Healthy');
    expect(observed.outputs).toStrictEqual({ id: physicalId });
    const eips = await clients.ec2.send(new DescribeAddressesCommand({ Filters: eipFilters }));
    expect(eips.Addresses).toHaveLength(1);

    expect((await ec2NatGatewayApplier.create(desired, applyCtx())).physicalId).toBe(physicalId);
    const nats = await clients.ec2.send(new DescribeNatGatewaysCommand({ Filter: eipFilters }));
    expect(nats.NatGateways?.filter((n) => n.State !== 'deleted')).toHaveLength(1);
    expect(
      (await clients.ec2.send(new DescribeAddressesCommand({ Filters: eipFilters }))).Addresses,
    ).toHaveLength(1);

    await clients.ec2.send(
      new DeleteTagsCommand({ Resources: [physicalId], Tags: [{ Key: 'stackctl:managed-by' }] }),
    );
    const drifted = (await observeOne(ec2NatGatewayObserver, desired, physicalId)) as ObservedResource;
    const deltas = deltasOf(desired, drifted);
    expect(deltas.map((d) => d.path)).toStrictEqual(['tags.stackctl:managed-by']);
    await ec2NatGatewayApplier.update(desired, drifted, deltas, applyCtx());
    const retagged = await clients.ec2.send(new DescribeNatGatewaysCommand({ Filter: eipFilters }));
    expect(tagListToRecord(retagged.NatGateways?.[0]?.Tags)['stackctl:managed-by']).toBe('stackctl');

    await ec2NatGatewayApplier.delete(observed, applyCtx());
    expect(await ec2NatGatewayObserver.observe([], observeCtx())).toStrictEqual([]);
    expect(
      (await clients.ec2.send(new DescribeAddressesCommand({ Filters: eipFilters }))).Addresses,
    ).toHaveLength(0);
    await expect(ec2NatGatewayApplier.delete(observed, applyCtx())).resolves.toBeUndefined();
  });
});
