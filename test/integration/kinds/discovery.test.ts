/**
 * Service discovery kinds against a real moto server: the Cloud Map namespace, its services and CNAME
 * instances, and the DHCP options set, each created, observed, found unchanged, updated and deleted.
 *
 * moto quirks these tests do not depend on: the namespace's hosted zone is named `<ns>-hz`, RegisterInstance
 * creates no Route 53 record, ListServices ignores its namespace filter, and a VPC takes one namespace.
 */
import {
  AssociateDhcpOptionsCommand,
  CreateDhcpOptionsCommand,
  CreateTagsCommand,
  CreateVpcCommand,
  DescribeDhcpOptionsCommand,
  DescribeVpcsCommand,
} from '@aws-sdk/client-ec2';
import {
  CreateServiceCommand as CreateCloudMapServiceCommand,
  CreatePrivateDnsNamespaceCommand,
  DeleteNamespaceCommand,
  GetNamespaceCommand,
  ListInstancesCommand,
  ListNamespacesCommand,
  ListServicesCommand,
  ListTagsForResourceCommand,
  RegisterInstanceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-servicediscovery';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AwsClients } from '../../../src/aws/types.js';
import { TAG_KEYS } from '../../../src/desired/resource-types.js';
import { isOwnedBy, recordToTagList, tagListToRecord } from '../../../src/desired/tags.js';
import { ec2DhcpOptionsObserver, PREVIOUS_DHCP_OPTIONS_TAG } from '../../../src/observed/ec2-dhcp-options.js';
import { ecsServiceObserver } from '../../../src/observed/ecs-service.js';
import { servicediscoveryInstanceObserver } from '../../../src/observed/servicediscovery-instance.js';
import { servicediscoveryNamespaceObserver } from '../../../src/observed/servicediscovery-namespace.js';
import { servicediscoveryServiceObserver } from '../../../src/observed/servicediscovery-service.js';
import type { ObservedResource, Observer, ObserveTarget } from '../../../src/observed/types.js';
import { DhcpOptionsRefusedError, ec2DhcpOptionsApplier } from '../../../src/reconcilers/ec2-dhcp-options.js';
import { ecsClusterApplier } from '../../../src/reconcilers/ecs-cluster.js';
import { createEcsServiceApplier } from '../../../src/reconcilers/ecs-service.js';
import { ecsTaskDefinitionApplier } from '../../../src/reconcilers/ecs-task-definition.js';
import { OwnershipConflictError } from '../../../src/reconcilers/errors.js';
import { servicediscoveryInstanceApplier } from '../../../src/reconcilers/servicediscovery-instance.js';
import { createServicediscoveryNamespaceApplier } from '../../../src/reconcilers/servicediscovery-namespace.js';
import { servicediscoveryServiceApplier } from '../../../src/reconcilers/servicediscovery-service.js';
import type { ResolvedResource } from '../../../src/reconcilers/types.js';
import { motoClients } from '../../helpers/aws.js';
import { type MotoServer, startMoto } from '../../helpers/moto.js';
import {
  applyCtx,
  createNetwork,
  deltasFor,
  INSTANT_WAIT,
  observeCtx,
  observeOne,
  paths,
  resource,
} from './kind-fixtures.js';

const NS = 'it.shop.internal';
const namespaceApplier = createServicediscoveryNamespaceApplier(INSTANT_WAIT);

let moto: MotoServer;
let clients: AwsClients;

beforeAll(async () => {
  moto = await startMoto();
  clients = motoClients(moto.endpoint);
});
afterAll(async () => {
  await moto?.stop();
});
beforeEach(async () => {
  await moto.reset();
});

async function newVpc(cidr = '10.60.0.0/16'): Promise<string> {
  return (await clients.ec2.send(new CreateVpcCommand({ CidrBlock: cidr }))).Vpc?.VpcId ?? '';
}

/** Observes `resources` as targets (their specs resolved already), with `outputs` of earlier kinds. */
async function observe(
  observer: Observer,
  resources: readonly ResolvedResource[],
  outputs = new Map<string, Readonly<Record<string, string | number>>>(),
  physicalIds: Readonly<Record<string, string>> = {},
): Promise<ObservedResource[]> {
  const targets: ObserveTarget[] = resources.map((r) => ({
    logicalId: r.logicalId,
    name: r.name,
    spec: r.spec,
    ...(physicalIds[r.logicalId] ? { physicalId: physicalIds[r.logicalId] } : {}),
  }));
  return [...(await observer.observe(targets, observeCtx(clients, outputs)))];
}

const namespace = (vpc: string) => resource('servicediscovery.Namespace', 'namespace', NS, { name: NS, vpc });

async function namespaceNames(): Promise<string[]> {
  return ((await clients.servicediscovery.send(new ListNamespacesCommand({}))).Namespaces ?? []).map(
    (n) => n.Name ?? '',
  );
}

describe('servicediscovery.Namespace', () => {
  it('creates, observes unchanged, restores a removed tag, adopts on re-create, and deletes', async () => {
    const vpc = await newVpc();
    const desired = namespace(vpc);
    const created = await namespaceApplier.create(desired, applyCtx(clients));
    expect(created.outputs).toMatchObject({ name: NS, id: created.physicalId });
    expect(String(created.outputs.hostedZoneId)).not.toBe('');

    const [observed] = await observe(servicediscoveryNamespaceObserver, [desired]);
    expect(observed).toMatchObject({
      logicalId: 'namespace',
      physicalId: created.physicalId,
      health: 'Healthy',
    });
    expect(observed?.spec).toEqual({ name: NS, vpc });
    expect(observed?.outputs).toEqual(created.outputs);
    expect(deltasFor(desired, observed as ObservedResource)).toEqual([]);

    // Out of band: the logical-id tag removed. The diff sees it; update puts it back.
    await clients.servicediscovery.send(
      new UntagResourceCommand({ ResourceARN: String(created.outputs.arn), TagKeys: [TAG_KEYS.logicalId] }),
    );
    const [drifted] = await observe(servicediscoveryNamespaceObserver, [desired], undefined, {
      namespace: created.physicalId,
    });
    const deltas = deltasFor(desired, drifted as ObservedResource);
    expect(paths(deltas)).toEqual([`tags.${TAG_KEYS.logicalId}`]);
    await namespaceApplier.update(desired, drifted as ObservedResource, deltas, applyCtx(clients));
    const [fixed] = await observe(servicediscoveryNamespaceObserver, [desired]);
    expect(deltasFor(desired, fixed as ObservedResource)).toEqual([]);

    // A second create (a crashed pass retried) adopts: still one namespace of that name.
    const again = await namespaceApplier.create(desired, applyCtx(clients, 'token-2'));
    expect(again.physicalId).toBe(created.physicalId);
    expect((await namespaceNames()).filter((n) => n === NS)).toHaveLength(1);

    await namespaceApplier.delete(fixed as ObservedResource, applyCtx(clients));
    expect(await observe(servicediscoveryNamespaceObserver, [desired])).toEqual([]);
    // Deleting again is a no-op (NotFound is success).
    await namespaceApplier.delete(fixed as ObservedResource, applyCtx(clients));
  });

  it('sees a namespace deleted out of band as missing, and creates it again', async () => {
    const vpc = await newVpc();
    const desired = namespace(vpc);
    const first = await namespaceApplier.create(desired, applyCtx(clients));
    await clients.servicediscovery.send(new DeleteNamespaceCommand({ Id: first.physicalId }));
    expect(
      await observe(servicediscoveryNamespaceObserver, [desired], undefined, { namespace: first.physicalId }),
    ).toEqual([]);
    const second = await namespaceApplier.create(desired, applyCtx(clients));
    expect(second.physicalId).not.toBe(first.physicalId);
    const [observed] = await observe(servicediscoveryNamespaceObserver, [desired]);
    expect(observed?.physicalId).toBe(second.physicalId);
  });

  it('treats a foreign (untagged) namespace of the same name as a conflict and leaves it alone', async () => {
    const foreignVpc = await newVpc('10.61.0.0/16');
    await clients.servicediscovery.send(
      new CreatePrivateDnsNamespaceCommand({ Name: NS, Vpc: foreignVpc, CreatorRequestId: 'someone-else' }),
    );
    const desired = namespace(await newVpc());
    const [observed] = await observe(servicediscoveryNamespaceObserver, [desired]);
    expect(observed?.logicalId).toBe('namespace');
    expect(isOwnedBy(observed?.tags ?? {}, 'shop', 'it')).toBe(false);
    expect(observed?.spec).toEqual({ name: NS }); // the VPC of a namespace not ours is not claimed
    await expect(namespaceApplier.create(desired, applyCtx(clients))).rejects.toBeInstanceOf(
      OwnershipConflictError,
    );
    await expect(
      namespaceApplier.delete(observed as ObservedResource, applyCtx(clients)),
    ).rejects.toBeInstanceOf(OwnershipConflictError);
    const still = await clients.servicediscovery.send(
      new GetNamespaceCommand({ Id: observed?.physicalId ?? '' }),
    );
    expect(still.Namespace?.Name).toBe(NS);
    expect(await namespaceNames()).toEqual([NS]);
  });
});

describe('servicediscovery.Service and servicediscovery.Instance', () => {
  async function setUp() {
    const ns = await namespaceApplier.create(namespace(await newVpc()), applyCtx(clients));
    const outputs = new Map([['namespace', ns.outputs]]);
    return { namespaceId: ns.physicalId, outputs };
  }
  const aService = (namespaceId: string) =>
    resource('servicediscovery.Service', 'dns/web', `web.${NS}`, {
      name: 'web',
      namespaceId,
      dnsRecords: [{ type: 'A', ttl: 10 }],
      routingPolicy: 'MULTIVALUE',
      healthCheckCustomConfig: { failureThreshold: 1 },
    });
  const cnameService = (namespaceId: string, label = 'db') =>
    resource('servicediscovery.Service', `dns/${label}`, `${label}.${NS}`, {
      name: label,
      namespaceId,
      dnsRecords: [{ type: 'CNAME', ttl: 10 }],
      routingPolicy: 'WEIGHTED',
    });
  const instance = (serviceId: string, target: string, label = 'db') =>
    resource('servicediscovery.Instance', `dns-instance/${label}`, `${label}.${NS}`, {
      serviceId,
      instanceId: label,
      attributes: { AWS_INSTANCE_CNAME: target },
    });

  it('creates A and CNAME services, observes them unchanged, adopts on re-create, and finds removed ones by tag', async () => {
    const { namespaceId, outputs } = await setUp();
    const a = aService(namespaceId);
    const cname = cnameService(namespaceId);
    const createdA = await servicediscoveryServiceApplier.create(a, applyCtx(clients));
    const createdC = await servicediscoveryServiceApplier.create(cname, applyCtx(clients));
    expect(createdA.outputs).toMatchObject({ id: createdA.physicalId, name: 'web' });

    const observed = await observe(servicediscoveryServiceObserver, [a, cname], outputs);
    expect(observed.map((o) => [o.logicalId, o.health]).sort()).toEqual([
      ['dns/db', 'Healthy'],
      ['dns/web', 'Healthy'],
    ]);
    for (const o of observed) {
      const desired = o.logicalId === 'dns/web' ? a : cname;
      expect(o.spec).toEqual(desired.spec);
      expect(deltasFor(desired, o)).toEqual([]);
    }

    const again = await servicediscoveryServiceApplier.create(a, applyCtx(clients, 'token-2'));
    expect(again.physicalId).toBe(createdA.physicalId);

    // No longer desired: still found through its tags, so the plan can delete it.
    const untargeted = await observe(servicediscoveryServiceObserver, [a], outputs);
    expect(untargeted.map((o) => o.physicalId).sort()).toEqual(
      [createdA.physicalId, createdC.physicalId].sort(),
    );
  });

  it('registers, observes, re-registers on change and deregisters a CNAME instance; the service delete clears ECS-style instances', async () => {
    const { namespaceId, outputs } = await setUp();
    const svc = await servicediscoveryServiceApplier.create(cnameService(namespaceId), applyCtx(clients));
    const serviceOutputs = new Map([...outputs, ['dns/db', svc.outputs]]);
    const desired = instance(svc.physicalId, 'db-1.abc.eu-west-1.rds.amazonaws.com');
    const created = await servicediscoveryInstanceApplier.create(desired, applyCtx(clients));
    expect(created.physicalId).toBe(`${svc.physicalId}/db`);

    const [observed] = await observe(servicediscoveryInstanceObserver, [desired], serviceOutputs);
    expect(observed?.spec).toEqual(desired.spec);
    expect(isOwnedBy(observed?.tags ?? {}, 'shop', 'it')).toBe(true);
    expect(deltasFor(desired, observed as ObservedResource)).toEqual([]);

    // The database endpoint changed: update re-registers the new target.
    const moved = instance(svc.physicalId, 'db-2.abc.eu-west-1.rds.amazonaws.com');
    const deltas = deltasFor(moved, observed as ObservedResource);
    expect(paths(deltas)).toEqual(['attributes.AWS_INSTANCE_CNAME']);
    await servicediscoveryInstanceApplier.update(
      moved,
      observed as ObservedResource,
      deltas,
      applyCtx(clients),
    );
    const [after] = await observe(servicediscoveryInstanceObserver, [moved], serviceOutputs);
    expect(after?.spec).toEqual(moved.spec);

    await servicediscoveryInstanceApplier.delete(after as ObservedResource, applyCtx(clients));
    expect(await observe(servicediscoveryInstanceObserver, [moved], serviceOutputs)).toEqual([]);

    // Instances ECS registered (task IPs) are deregistered by the service's delete.
    await clients.servicediscovery.send(
      new RegisterInstanceCommand({
        ServiceId: svc.physicalId,
        InstanceId: 'task-1',
        Attributes: { AWS_INSTANCE_IPV4: '10.0.0.5' },
      }),
    );
    const [svcObserved] = await observe(
      servicediscoveryServiceObserver,
      [cnameService(namespaceId)],
      outputs,
    );
    await servicediscoveryServiceApplier.delete(svcObserved as ObservedResource, applyCtx(clients));
    expect(await observe(servicediscoveryServiceObserver, [cnameService(namespaceId)], outputs)).toEqual([]);
  });

  it('never registers into, nor deletes, a service that is not ours', async () => {
    const { namespaceId, outputs } = await setUp();
    const foreign = await clients.servicediscovery.send(
      new CreateCloudMapServiceCommand({
        Name: 'db',
        NamespaceId: namespaceId,
        DnsConfig: {
          NamespaceId: namespaceId,
          RoutingPolicy: 'WEIGHTED',
          DnsRecords: [{ Type: 'CNAME', TTL: 60 }],
        },
      }),
    );
    const foreignId = foreign.Service?.Id ?? '';
    const desired = cnameService(namespaceId);
    await expect(servicediscoveryServiceApplier.create(desired, applyCtx(clients))).rejects.toBeInstanceOf(
      OwnershipConflictError,
    );
    await expect(
      servicediscoveryInstanceApplier.create(instance(foreignId, 'x.example.com'), applyCtx(clients)),
    ).rejects.toBeInstanceOf(OwnershipConflictError);
    const [observed] = await observe(servicediscoveryServiceObserver, [desired], outputs);
    expect(observed?.tags).toEqual({});
    await expect(
      servicediscoveryServiceApplier.delete(observed as ObservedResource, applyCtx(clients)),
    ).rejects.toBeInstanceOf(OwnershipConflictError);
    const left = await clients.servicediscovery.send(new ListServicesCommand({}));
    expect(left.Services?.map((s) => s.Id)).toEqual([foreignId]);
    expect(
      (await clients.servicediscovery.send(new ListInstancesCommand({ ServiceId: foreignId }))).Instances,
    ).toEqual([]);
    const tags = await clients.servicediscovery.send(
      new ListTagsForResourceCommand({ ResourceARN: foreign.Service?.Arn ?? '' }),
    );
    expect(tags.Tags ?? []).toEqual([]);
  });
});

describe('ec2.DhcpOptions', () => {
  const dhcp = (vpcId: string) =>
    resource('ec2.DhcpOptions', 'dhcp', 'shop-it', {
      domainName: `${NS} eu-west-1.compute.internal`,
      domainNameServers: ['AmazonProvidedDNS'],
      vpcId,
    });
  const vpcOptions = async (vpcId: string) =>
    (await clients.ec2.send(new DescribeVpcsCommand({ VpcIds: [vpcId] }))).Vpcs?.[0]?.DhcpOptionsId;

  it('creates and associates the set, remembers the previous one, re-associates after drift, restores on delete', async () => {
    const vpcId = await newVpc();
    const desired = dhcp(vpcId);
    const created = await ec2DhcpOptionsApplier.create(desired, applyCtx(clients));
    expect(await vpcOptions(vpcId)).toBe(created.physicalId);

    const [observed] = await observe(ec2DhcpOptionsObserver, [desired]);
    expect(observed?.spec).toEqual(desired.spec);
    expect(observed?.outputs).toEqual({ id: created.physicalId, previousDhcpOptionsId: 'default' });
    // The bookkeeping tag is not a tag the diff would remove.
    expect(observed?.tags[PREVIOUS_DHCP_OPTIONS_TAG]).toBeUndefined();
    expect(deltasFor(desired, observed as ObservedResource)).toEqual([]);

    // A second create adopts the same set.
    expect((await ec2DhcpOptionsApplier.create(desired, applyCtx(clients))).physicalId).toBe(
      created.physicalId,
    );

    // Out of band: the VPC put back on the default options. The plan re-associates ours.
    await clients.ec2.send(new AssociateDhcpOptionsCommand({ DhcpOptionsId: 'default', VpcId: vpcId }));
    const [drifted] = await observe(ec2DhcpOptionsObserver, [desired]);
    const deltas = deltasFor(desired, drifted as ObservedResource);
    expect(paths(deltas)).toEqual(['vpcId']);
    await ec2DhcpOptionsApplier.update(desired, drifted as ObservedResource, deltas, applyCtx(clients));
    expect(await vpcOptions(vpcId)).toBe(created.physicalId);

    const [current] = await observe(ec2DhcpOptionsObserver, [desired]);
    await ec2DhcpOptionsApplier.delete(current as ObservedResource, applyCtx(clients));
    expect(await vpcOptions(vpcId)).toBe('default');
    expect(await observe(ec2DhcpOptionsObserver, [desired])).toEqual([]);
    const sets = await clients.ec2.send(new DescribeDhcpOptionsCommand({}));
    expect(sets.DhcpOptions?.map((d) => d.DhcpOptionsId)).not.toContain(created.physicalId);
  });

  it('on a VPC that had its own set: remembers it, gives it back on delete, and leaves it alone', async () => {
    const vpcId = await newVpc();
    const theirs = await clients.ec2.send(
      new CreateDhcpOptionsCommand({
        DhcpConfigurations: [{ Key: 'domain-name', Values: ['corp.example'] }],
      }),
    );
    const theirsId = theirs.DhcpOptions?.DhcpOptionsId ?? '';
    await clients.ec2.send(new AssociateDhcpOptionsCommand({ DhcpOptionsId: theirsId, VpcId: vpcId }));
    const created = await ec2DhcpOptionsApplier.create(dhcp(vpcId), applyCtx(clients));
    expect(await vpcOptions(vpcId)).toBe(created.physicalId);
    const [observed] = await observe(ec2DhcpOptionsObserver, [dhcp(vpcId)]);
    expect(observed?.outputs.previousDhcpOptionsId).toBe(theirsId);

    await ec2DhcpOptionsApplier.delete(observed as ObservedResource, applyCtx(clients));
    expect(await vpcOptions(vpcId)).toBe(theirsId);
    const left = await clients.ec2.send(new DescribeDhcpOptionsCommand({}));
    expect(left.DhcpOptions?.map((d) => d.DhcpOptionsId)).toContain(theirsId);
    expect(left.DhcpOptions?.map((d) => d.DhcpOptionsId)).not.toContain(created.physicalId);
  });

  it('never deletes an untagged set the journal points at', async () => {
    const vpcId = await newVpc();
    const created = await ec2DhcpOptionsApplier.create(dhcp(vpcId), applyCtx(clients));
    const [observed] = await observe(ec2DhcpOptionsObserver, [dhcp(vpcId)]);
    const foreign = { ...(observed as ObservedResource), tags: {} };
    await expect(ec2DhcpOptionsApplier.delete(foreign, applyCtx(clients))).rejects.toBeInstanceOf(
      OwnershipConflictError,
    );
    const sets = await clients.ec2.send(
      new DescribeDhcpOptionsCommand({ DhcpOptionsIds: [created.physicalId] }),
    );
    expect(tagListToRecord(sets.DhcpOptions?.[0]?.Tags)[TAG_KEYS.logicalId]).toBe('dhcp');
  });
});

describe('ec2.DhcpOptions on a VPC it must not break', () => {
  const dhcp = (vpcId: string) =>
    resource('ec2.DhcpOptions', 'dhcp', 'shop-it', {
      domainName: `${NS} eu-west-1.compute.internal`,
      domainNameServers: ['AmazonProvidedDNS'],
      vpcId,
    });
  const vpcOptions = async (vpcId: string) =>
    (await clients.ec2.send(new DescribeVpcsCommand({ VpcIds: [vpcId] }))).Vpcs?.[0]?.DhcpOptionsId;
  const theirSet = async (vpcId: string, configurations: { Key: string; Values: string[] }[], tags = {}) => {
    const created = await clients.ec2.send(
      new CreateDhcpOptionsCommand({ DhcpConfigurations: configurations }),
    );
    const id = created.DhcpOptions?.DhcpOptionsId ?? '';
    if (Object.keys(tags).length > 0) {
      await clients.ec2.send(new CreateTagsCommand({ Resources: [id], Tags: recordToTagList(tags) }));
    }
    await clients.ec2.send(new AssociateDhcpOptionsCommand({ DhcpOptionsId: id, VpcId: vpcId }));
    return id;
  };

  it.each([
    {
      reason: 'custom DNS servers would be dropped for every workload in the VPC',
      configurations: [{ Key: 'domain-name-servers', Values: ['10.0.0.2', '10.0.0.3'] }],
      tags: {},
      error: DhcpOptionsRefusedError,
    },
    {
      reason: 'NTP servers would be dropped',
      configurations: [{ Key: 'ntp-servers', Values: ['10.0.0.9'] }],
      tags: {},
      error: DhcpOptionsRefusedError,
    },
    {
      reason: "another stack's set: the two would take the VPC from each other every pass",
      configurations: [{ Key: 'domain-name', Values: ['dev.other.internal'] }],
      tags: { [TAG_KEYS.project]: 'other', [TAG_KEYS.stack]: 'dev', [TAG_KEYS.managedBy]: 'stackctl' },
      error: OwnershipConflictError,
    },
  ])(
    'refuses to replace the VPC set, leaving it associated: $reason',
    async ({ configurations, tags, error }) => {
      const vpcId = await newVpc();
      const theirs = await theirSet(vpcId, configurations, tags);

      await expect(ec2DhcpOptionsApplier.create(dhcp(vpcId), applyCtx(clients))).rejects.toBeInstanceOf(
        error,
      );

      expect(await vpcOptions(vpcId)).toBe(theirs);
    },
  );

  it('adopts the untagged set a crash left between create and tags, instead of making a second one', async () => {
    const vpcId = await newVpc();
    const desired = dhcp(vpcId);
    const leftover = await clients.ec2.send(
      new CreateDhcpOptionsCommand({
        DhcpConfigurations: [
          { Key: 'domain-name', Values: [String(desired.spec.domainName)] },
          { Key: 'domain-name-servers', Values: ['AmazonProvidedDNS'] },
        ],
      }),
    );
    const before = (await clients.ec2.send(new DescribeDhcpOptionsCommand({}))).DhcpOptions?.length ?? 0;

    const created = await ec2DhcpOptionsApplier.create(desired, applyCtx(clients));

    expect(created.physicalId).toBe(leftover.DhcpOptions?.DhcpOptionsId);
    expect((await clients.ec2.send(new DescribeDhcpOptionsCommand({}))).DhcpOptions?.length).toBe(before);
    const [observed] = await observe(ec2DhcpOptionsObserver, [desired]);
    expect(observed?.tags[TAG_KEYS.logicalId]).toBe('dhcp');
    expect(await vpcOptions(vpcId)).toBe(created.physicalId);
  });
});

describe('ecs.Service serviceRegistries', () => {
  it('creates a service registered in its Cloud Map service, reads it back, and updates it', async () => {
    const net = await createNetwork(clients);
    const ns = await namespaceApplier.create(namespace(net.vpcId), applyCtx(clients));
    const registry = (label: string) =>
      servicediscoveryServiceApplier.create(
        resource('servicediscovery.Service', `dns/${label}`, `${label}.${NS}`, {
          name: label,
          namespaceId: ns.physicalId,
          dnsRecords: [{ type: 'A', ttl: 10 }],
          routingPolicy: 'MULTIVALUE',
          healthCheckCustomConfig: { failureThreshold: 1 },
        }),
        applyCtx(clients),
      );
    const web = await registry('web');
    const www = await registry('www');
    const cluster = await ecsClusterApplier.create(
      resource('ecs.Cluster', 'cluster', 'shop-it', {
        capacityProviders: ['FARGATE'],
        clusterName: 'shop-it',
      }),
      applyCtx(clients),
    );
    const td = await ecsTaskDefinitionApplier.create(
      resource('ecs.TaskDefinition', 'taskdef/web', 'shop-it-web', {
        containerDefinitions: [{ essential: true, image: 'nginx:1.27', name: 'web' }],
        cpu: '256',
        family: 'shop-it-web',
        memory: '512',
        networkMode: 'awsvpc',
        requiresCompatibilities: ['FARGATE'],
      }),
      applyCtx(clients),
    );
    const spec = (registryArn: string) => ({
      cluster: cluster.physicalId,
      desiredCount: 1,
      networkConfiguration: {
        assignPublicIp: 'DISABLED',
        securityGroups: [net.securityGroups[0] as string],
        subnets: [...net.subnets],
      },
      serviceName: 'web',
      serviceRegistries: [{ registryArn }],
      taskDefinition: td.physicalId,
    });
    const applier = createEcsServiceApplier(INSTANT_WAIT);
    const desired = resource('ecs.Service', 'service/web', 'web', spec(String(web.outputs.arn)));
    await applier.create(desired, applyCtx(clients));
    const observed = await observeOne(ecsServiceObserver, clients, desired);
    expect(observed?.spec.serviceRegistries).toEqual([{ registryArn: web.outputs.arn }]);
    expect(paths(deltasFor(desired, observed as ObservedResource))).not.toContain('serviceRegistries');

    const moved = resource('ecs.Service', 'service/web', 'web', spec(String(www.outputs.arn)));
    const deltas = deltasFor(moved, observed as ObservedResource);
    expect(paths(deltas)).toContain('serviceRegistries[0].registryArn');
    await applier.update(moved, observed as ObservedResource, deltas, applyCtx(clients));
    const after = await observeOne(ecsServiceObserver, clients, moved);
    expect(after?.spec.serviceRegistries).toEqual([{ registryArn: www.outputs.arn }]);
  });
});
