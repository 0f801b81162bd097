import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  CreateVpcCommand,
  DeleteSecurityGroupCommand,
  DescribeSecurityGroupsCommand,
  EC2Client,
  RevokeSecurityGroupIngressCommand,
  UpdateSecurityGroupRuleDescriptionsIngressCommand,
} from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AwsClients } from '../../../src/aws/types.js';
import { sortedUnique } from '../../../src/desired/render/canonical.js';
import { ref, type Spec } from '../../../src/desired/resource-types.js';
import { isOwnedBy, ownershipTags, tagListToRecord } from '../../../src/desired/tags.js';
import { diffResource } from '../../../src/diff/compare.js';
import { tagDeltas } from '../../../src/diff/tags.js';
import {
  ec2SecurityGroupObserver,
  ingressRulesFromPermissions,
} from '../../../src/observed/ec2-security-group.js';
import type { ObserveContext, ObservedResource } from '../../../src/observed/types.js';
import { ec2SecurityGroupApplier } from '../../../src/reconcilers/ec2-security-group.js';
import { NotReadyError, OwnershipConflictError } from '../../../src/reconcilers/errors.js';
import type { ApplyContext, ResolvedResource } from '../../../src/reconcilers/types.js';
import { motoClients } from '../../helpers/aws.js';
import { type MotoServer, startMoto } from '../../helpers/moto.js';

const PROJECT = 'shop';
const STACK = 'dev';

let moto: MotoServer;
let clients: AwsClients;
let vpcId: string;
/** A group made directly with the SDK, standing in for the ALB's group that rules reference. */
let albGroupId: string;

beforeAll(async () => {
  moto = await startMoto();
  clients = motoClients(moto.endpoint);
  vpcId = (await clients.ec2.send(new CreateVpcCommand({ CidrBlock: '10.2.0.0/16' }))).Vpc?.VpcId ?? '';
  const alb = await clients.ec2.send(
    new CreateSecurityGroupCommand({ GroupName: 'alb', Description: 'alb', VpcId: vpcId }),
  );
  albGroupId = alb.GroupId ?? '';
});

afterAll(async () => {
  await moto?.stop();
});

function applyCtx(c: AwsClients = clients): ApplyContext {
  return { clients: c, project: PROJECT, stack: STACK, clientToken: 'sg-test-token' };
}

function observeCtx(outputs = new Map<string, Record<string, string>>()): ObserveContext {
  return { clients, project: PROJECT, stack: STACK, outputs };
}

function group(logicalId: string, groupName: string, ingress: Spec['ingress']): ResolvedResource {
  return {
    kind: 'ec2.SecurityGroup',
    logicalId,
    name: groupName,
    spec: { description: `${groupName} tasks`, groupName, ingress, vpcId },
    tags: ownershipTags(PROJECT, STACK, logicalId),
  };
}

async function rulesOf(groupId: string) {
  const out = await clients.ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [groupId] }));
  return ingressRulesFromPermissions(out.SecurityGroups?.[0]?.IpPermissions);
}

async function byName(groupName: string) {
  const out = await clients.ec2.send(
    new DescribeSecurityGroupsCommand({
      Filters: [
        { Name: 'group-name', Values: [groupName] },
        { Name: 'vpc-id', Values: [vpcId] },
      ],
    }),
  );
  return out.SecurityGroups ?? [];
}

describe('ec2.SecurityGroup', () => {
  it('creates with rules, adopts, repairs rule drift by delta, and deletes', async () => {
    const http = { cidrIp: '0.0.0.0/0', description: 'http', fromPort: 80, protocol: 'tcp', toPort: 80 };
    const fromAlb = {
      description: 'from alb',
      fromPort: 8080,
      protocol: 'tcp',
      sourceSecurityGroupId: albGroupId,
      toPort: 8080,
    };
    // Not sorted by concrete values: the renderer sorted while the source was still a ref, and the
    // observer must follow the desired order rather than re-sort, or the diff would see a false change.
    const desired = group('sg/svc/web', 'shop-dev-web', [fromAlb, http]);

    const { physicalId } = await ec2SecurityGroupApplier.create(desired, applyCtx());
    // The target still holds the renderer's ref; the observer resolves it through the pass's outputs.
    const target = {
      logicalId: desired.logicalId,
      name: desired.name,
      spec: { ...desired.spec, ingress: [{ ...fromAlb, sourceSecurityGroupId: ref('sg/alb', 'id') }, http] },
    };
    const outputs = new Map([['sg/alb', { id: albGroupId }]]);
    const observed = (await ec2SecurityGroupObserver.observe([target], observeCtx(outputs))).find(
      (o) => o.logicalId === desired.logicalId,
    );
    expect(observed?.physicalId).toBe(physicalId);
    expect(observed?.spec).toStrictEqual(desired.spec);
    expect(observed?.outputs).toStrictEqual({ id: physicalId });
    expect(isOwnedBy(observed?.tags ?? {}, PROJECT, STACK)).toBe(true);
    expect(observed?.tags.Name).toBe('shop-dev-web');

    expect((await ec2SecurityGroupApplier.create(desired, applyCtx())).physicalId).toBe(physicalId);
    expect(await byName('shop-dev-web')).toHaveLength(1);
    expect(await rulesOf(physicalId)).toHaveLength(2);

    // Out of band: the ALB rule revoked, ssh opened, the http rule re-described.
    await clients.ec2.send(
      new RevokeSecurityGroupIngressCommand({
        GroupId: physicalId,
        IpPermissions: [
          {
            IpProtocol: 'tcp',
            FromPort: 8080,
            ToPort: 8080,
            UserIdGroupPairs: [{ GroupId: albGroupId, Description: 'from alb' }],
          },
        ],
      }),
    );
    await clients.ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: physicalId,
        IpPermissions: [
          {
            IpProtocol: 'tcp',
            FromPort: 22,
            ToPort: 22,
            IpRanges: [{ CidrIp: '10.0.0.0/8', Description: 'ssh' }],
          },
        ],
      }),
    );
    await clients.ec2.send(
      new UpdateSecurityGroupRuleDescriptionsIngressCommand({
        GroupId: physicalId,
        IpPermissions: [
          {
            IpProtocol: 'tcp',
            FromPort: 80,
            ToPort: 80,
            IpRanges: [{ CidrIp: '0.0.0.0/0', Description: 'edited' }],
          },
        ],
      }),
    );
    const drifted = (
      await ec2SecurityGroupObserver.observe([{ ...target, physicalId }], observeCtx(outputs))
    ).find((o) => o.physicalId === physicalId) as ObservedResource;
    expect(drifted.spec.ingress).toStrictEqual(
      sortedUnique([
        { cidrIp: '10.0.0.0/8', description: 'ssh', fromPort: 22, protocol: 'tcp', toPort: 22 },
        { ...http, description: 'edited' },
      ]),
    );
    const deltas = [
      ...diffResource(desired.spec, drifted.spec, desired.kind),
      ...tagDeltas(desired.tags, drifted.tags),
    ];
    expect(deltas.every((d) => d.path.startsWith('ingress'))).toBe(true);
    await ec2SecurityGroupApplier.update(desired, drifted, deltas, applyCtx());
    expect(sortedUnique(await rulesOf(physicalId))).toStrictEqual(sortedUnique([fromAlb, http]));

    await ec2SecurityGroupApplier.delete(observed as ObservedResource, applyCtx());
    expect(await byName('shop-dev-web')).toHaveLength(0);
    await expect(
      ec2SecurityGroupApplier.delete(observed as ObservedResource, applyCtx()),
    ).resolves.toBeUndefined();
  });

  it('round-trips network rules: every TCP port and a udp port from a membership group', async () => {
    const net = await clients.ec2.send(
      new CreateSecurityGroupCommand({ GroupName: 'net-default', Description: 'net', VpcId: vpcId }),
    );
    const netId = net.GroupId ?? '';
    const allTcp = {
      description: 'tcp 0-65535 from network default',
      fromPort: 0,
      protocol: 'tcp',
      sourceSecurityGroupId: netId,
      toPort: 65535,
    };
    const dns = {
      description: 'udp 53 from network default',
      fromPort: 53,
      protocol: 'udp',
      sourceSecurityGroupId: netId,
      toPort: 53,
    };
    const desired = group('sg/svc/worker', 'shop-dev-worker', [allTcp, dns]);
    const { physicalId } = await ec2SecurityGroupApplier.create(desired, applyCtx());

    expect(sortedUnique(await rulesOf(physicalId))).toStrictEqual(sortedUnique([allTcp, dns]));
    const target = { logicalId: desired.logicalId, name: desired.name, spec: desired.spec, physicalId };
    const observed = (await ec2SecurityGroupObserver.observe([target], observeCtx())).find(
      (o) => o.physicalId === physicalId,
    ) as ObservedResource;
    expect(diffResource(desired.spec, observed.spec, desired.kind)).toEqual([]);
    await ec2SecurityGroupApplier.delete(observed, applyCtx());
    expect(await byName('shop-dev-worker')).toHaveLength(0);
  });

  it('reports a same-name group without our tags and leaves it untouched', async () => {
    const foreign = await clients.ec2.send(
      new CreateSecurityGroupCommand({ GroupName: 'shop-dev-api', Description: 'hand made', VpcId: vpcId }),
    );
    const foreignId = foreign.GroupId ?? '';
    await clients.ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: foreignId,
        IpPermissions: [
          { IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, IpRanges: [{ CidrIp: '10.9.0.0/16' }] },
        ],
      }),
    );
    const before = await rulesOf(foreignId);
    const desired = group('sg/svc/api', 'shop-dev-api', [
      { cidrIp: '0.0.0.0/0', description: 'http', fromPort: 80, protocol: 'tcp', toPort: 80 },
    ]);

    const all = await ec2SecurityGroupObserver.observe(
      [{ logicalId: desired.logicalId, name: desired.name, spec: desired.spec }],
      observeCtx(),
    );
    const observed = all.find((o) => o.logicalId === desired.logicalId);
    expect(observed?.physicalId).toBe(foreignId);
    expect(observed?.logicalId).toBe('sg/svc/api');
    expect(isOwnedBy(observed?.tags ?? {}, PROJECT, STACK)).toBe(false);

    await expect(ec2SecurityGroupApplier.create(desired, applyCtx())).rejects.toBeInstanceOf(
      OwnershipConflictError,
    );
    await expect(
      ec2SecurityGroupApplier.delete(observed as ObservedResource, applyCtx()),
    ).rejects.toBeInstanceOf(OwnershipConflictError);
    const after = await byName('shop-dev-api');
    expect(after).toHaveLength(1);
    expect(tagListToRecord(after[0]?.Tags)).toStrictEqual({});
    expect(await rulesOf(foreignId)).toStrictEqual(before);
  });
});

describe('ec2.SecurityGroup delete while still referenced (moto deletes referenced groups, so mocked)', () => {
  it('turns DependencyViolation into NotReadyError', async () => {
    const ec2 = new EC2Client({ region: 'eu-west-1' });
    const mock = mockClient(ec2);
    mock
      .on(DeleteSecurityGroupCommand)
      .rejects(Object.assign(new Error('in use'), { name: 'DependencyViolation' }));
    const observed: ObservedResource = {
      kind: 'ec2.SecurityGroup',
      logicalId: 'sg/alb',
      name: 'shop-dev-alb',
      physicalId: 'sg-0123',
      spec: {},
      tags: ownershipTags(PROJECT, STACK, 'sg/alb'),
      outputs: { id: 'sg-0123' },
      health: 'Healthy',
    };

    await expect(
      ec2SecurityGroupApplier.delete(observed, applyCtx({ ...clients, ec2 })),
    ).rejects.toBeInstanceOf(NotReadyError);
    mock.restore();
  });
});
