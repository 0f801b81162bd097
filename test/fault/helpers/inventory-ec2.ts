/**
 * Inventory of the EC2 network kinds: VPCs, subnets, route tables, internet gateways, NAT gateways,
 * Elastic IPs and security groups. The account's default VPC (and everything in it), each VPC's default
 * security group and main route table are AWS's, not ours, and are left out; anything else counts,
 * tagged or not, so an untagged leak shows up too.
 *
 * @module
 */
import {
  DescribeAddressesCommand,
  DescribeInternetGatewaysCommand,
  DescribeNatGatewaysCommand,
  DescribeRouteTablesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcsCommand,
} from '@aws-sdk/client-ec2';
import type { AwsClients } from '../../../src/aws/types.js';
import { type FoundResource, tagsOf } from './inventory-types.js';

/** Ids of the account's default VPCs. */
async function defaultVpcIds(clients: AwsClients): Promise<Set<string>> {
  const out = await clients.ec2.send(
    new DescribeVpcsCommand({ Filters: [{ Name: 'is-default', Values: ['true'] }] }),
  );
  return new Set((out.Vpcs ?? []).map((v) => v.VpcId ?? ''));
}

/** Every non-default EC2 network resource of the account. */
export async function listEc2(clients: AwsClients): Promise<readonly FoundResource[]> {
  const defaults = await defaultVpcIds(clients);
  const inDefault = (vpcId: string | undefined): boolean => vpcId !== undefined && defaults.has(vpcId);
  const [vpcs, subnets, tables, igws, nats, eips, sgs] = await Promise.all([
    clients.ec2.send(new DescribeVpcsCommand({})),
    clients.ec2.send(new DescribeSubnetsCommand({})),
    clients.ec2.send(new DescribeRouteTablesCommand({})),
    clients.ec2.send(new DescribeInternetGatewaysCommand({})),
    clients.ec2.send(new DescribeNatGatewaysCommand({})),
    clients.ec2.send(new DescribeAddressesCommand({})),
    clients.ec2.send(new DescribeSecurityGroupsCommand({})),
  ]);
  const found: FoundResource[] = [];
  for (const v of vpcs.Vpcs ?? [])
    if (!v.IsDefault) found.push({ kind: 'ec2.Vpc', id: v.VpcId ?? '', tags: tagsOf(v.Tags) });
  for (const s of subnets.Subnets ?? [])
    if (!inDefault(s.VpcId) && !s.DefaultForAz)
      found.push({ kind: 'ec2.Subnet', id: s.SubnetId ?? '', tags: tagsOf(s.Tags) });
  for (const t of tables.RouteTables ?? []) {
    const main = (t.Associations ?? []).some((a) => a.Main === true);
    if (!inDefault(t.VpcId) && !main)
      found.push({ kind: 'ec2.RouteTable', id: t.RouteTableId ?? '', tags: tagsOf(t.Tags) });
  }
  for (const g of igws.InternetGateways ?? []) {
    const attachedToDefault = (g.Attachments ?? []).some((a) => inDefault(a.VpcId));
    if (!attachedToDefault)
      found.push({ kind: 'ec2.InternetGateway', id: g.InternetGatewayId ?? '', tags: tagsOf(g.Tags) });
  }
  for (const n of nats.NatGateways ?? [])
    if (n.State !== 'deleted' && n.State !== 'deleting')
      found.push({ kind: 'ec2.NatGateway', id: n.NatGatewayId ?? '', tags: tagsOf(n.Tags) });
  for (const a of eips.Addresses ?? [])
    found.push({ kind: 'ec2.ElasticIp', id: a.AllocationId ?? a.PublicIp ?? '', tags: tagsOf(a.Tags) });
  for (const g of sgs.SecurityGroups ?? [])
    if (!inDefault(g.VpcId) && g.GroupName !== 'default')
      found.push({ kind: 'ec2.SecurityGroup', id: g.GroupId ?? '', tags: tagsOf(g.Tags) });
  return found;
}
