/**
 * Against moto: lookups served from a fleet-wide list (observed/fleet-lists.ts) answer exactly what the
 * lookup asked AWS would, errors included. A lookup the list cannot prove (an unknown id, a group
 * without the project tag) is sent to AWS as asked; later lookups of any stack come out of the one list.
 */
import {
  CreateSecurityGroupCommand,
  CreateVpcCommand,
  DescribeSecurityGroupsCommand,
  DescribeVpcsCommand,
} from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CallStats, createAwsClients } from '../../../src/aws/index.js';
import type { AwsClients } from '../../../src/aws/types.js';
import { ownershipTags } from '../../../src/desired/tags.js';
import { shareReads } from '../../../src/observed/shared-reads.js';
import { motoClients } from '../../helpers/aws.js';
import { type MotoServer, startMoto } from '../../helpers/moto.js';

let moto: MotoServer;
let admin: AwsClients;
const vpcs: string[] = [];
let ownGroup = '';
let foreignGroup = '';

/** A fresh shared bundle and the reads it makes. */
function sharedBundle(): { clients: AwsClients; reads: () => number } {
  const stats = new CallStats();
  const clients = createAwsClients({
    region: 'eu-west-1',
    endpoint: moto.endpoint,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    stats,
  });
  shareReads(clients, { project: 'p' });
  return { clients, reads: () => stats.totals().reads };
}

beforeAll(async () => {
  moto = await startMoto();
  admin = motoClients(moto.endpoint, 'eu-west-1');
  for (const cidr of ['10.1.0.0/16', '10.2.0.0/16'])
    vpcs.push((await admin.ec2.send(new CreateVpcCommand({ CidrBlock: cidr }))).Vpc?.VpcId ?? '');
  const group = async (name: string, tags: Record<string, string>) =>
    (
      await admin.ec2.send(
        new CreateSecurityGroupCommand({
          GroupName: name,
          Description: name,
          VpcId: vpcs[0],
          TagSpecifications: [
            {
              ResourceType: 'security-group',
              Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
            },
          ],
        }),
      )
    ).GroupId ?? '';
  ownGroup = await group('own', ownershipTags('p', 's1', 'sg/alb'));
  foreignGroup = await group('foreign', { team: 'other' });
}, 120_000);

afterAll(async () => {
  await moto?.stop();
});

describe('fleet-wide lists behind per-stack lookups', () => {
  it('answers VPC lookups of every stack from one list of the region', async () => {
    const { clients, reads } = sharedBundle();
    for (const id of vpcs) {
      const shared = await clients.ec2.send(new DescribeVpcsCommand({ VpcIds: [id] }));
      const direct = await admin.ec2.send(new DescribeVpcsCommand({ VpcIds: [id] }));
      expect(shared.Vpcs).toEqual(direct.Vpcs);
    }
    expect(reads()).toBe(1);
  });

  it('sends an unknown VPC id as asked, so its NotFound error reaches the caller', async () => {
    const { clients, reads } = sharedBundle();
    const direct = await admin.ec2
      .send(new DescribeVpcsCommand({ VpcIds: ['vpc-00000000'] }))
      .catch((e: Error) => e.name);
    const shared = await clients.ec2
      .send(new DescribeVpcsCommand({ VpcIds: ['vpc-00000000'] }))
      .catch((e: Error) => e.name);
    expect(shared).toBe(direct);
    expect(shared).toMatch(/NotFound/);
    expect(reads()).toBe(2);
  });

  it.each([
    { reason: "a group with the project's tags comes out of the project list", which: 'own', reads: 1 },
    { reason: 'a group without them is asked for as asked', which: 'foreign', reads: 2 },
  ])('$reason', async ({ which, reads: expected }) => {
    const { clients, reads } = sharedBundle();
    const id = which === 'own' ? ownGroup : foreignGroup;
    const input = { Filters: [{ Name: 'group-id', Values: [id] }] };
    const shared = await clients.ec2.send(new DescribeSecurityGroupsCommand(input));
    const direct = await admin.ec2.send(new DescribeSecurityGroupsCommand(input));
    expect(shared.SecurityGroups?.map((g) => g.GroupId)).toEqual([id]);
    expect(shared.SecurityGroups).toEqual(direct.SecurityGroups);
    expect(reads()).toBe(expected);
  });
});
