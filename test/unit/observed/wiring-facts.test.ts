/**
 * `readWiringFacts` on what moto cannot show: ElastiCache member clusters carrying the groups, a private
 * hosted zone that lists its VPCs, weighted forwards and host-header rules. aws-sdk-client-mock stands in
 * for AWS; the real-moto path is covered end to end (test/e2e/check.test.ts).
 */
import {
  DescribeDhcpOptionsCommand,
  DescribeSecurityGroupsCommand,
  DescribeVpcsCommand,
} from '@aws-sdk/client-ec2';
import {
  DescribeListenersCommand,
  DescribeLoadBalancersCommand,
  DescribeRulesCommand,
  DescribeTargetGroupsCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { DescribeCacheClustersCommand, DescribeReplicationGroupsCommand } from '@aws-sdk/client-elasticache';
import { GetHostedZoneCommand } from '@aws-sdk/client-route-53';
import {
  GetNamespaceCommand,
  ListInstancesCommand,
  ListNamespacesCommand,
  ListServicesCommand,
} from '@aws-sdk/client-servicediscovery';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAwsClients } from '../../../src/aws/clients.js';
import { type DesiredStack, ref } from '../../../src/desired/resource-types.js';
import { ownershipTags } from '../../../src/desired/tags.js';
import { readWiringFacts } from '../../../src/observed/wiring-facts.js';

const clients = createAwsClients({
  region: 'eu-west-1',
  credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
});
const ec2 = mockClient(clients.ec2);
const elbv2 = mockClient(clients.elbv2);
const elasticache = mockClient(clients.elasticache);
const route53 = mockClient(clients.route53);
const sd = mockClient(clients.servicediscovery);

const NS = 'dev.shop.internal';
const TG = 'arn:aws:elasticloadbalancing:eu-west-1:1:targetgroup/web/1';

const desired: DesiredStack = {
  project: 'shop',
  stack: 'dev',
  region: 'eu-west-1',
  mode: 'affordable',
  requiredSecrets: [],
  resources: [
    {
      kind: 'elasticache.ReplicationGroup',
      logicalId: 'cache/sessions',
      name: 'shop-dev-sessions',
      spec: { securityGroupIds: [ref('sg/cache/sessions', 'id')] },
      tags: ownershipTags('shop', 'dev', 'cache/sessions'),
      dependsOn: [],
    },
    {
      kind: 'elbv2.LoadBalancer',
      logicalId: 'alb',
      name: 'shop-dev-alb',
      spec: {},
      tags: ownershipTags('shop', 'dev', 'alb'),
      dependsOn: [],
    },
  ],
};
const outputs = new Map([
  ['vpc', { id: 'vpc-1' }],
  ['sg/cache/sessions', { id: 'sg-rendered' }],
]);

function mockAws(member: { SecurityGroups?: { SecurityGroupId: string; Status: string }[] } | undefined) {
  ec2.on(DescribeVpcsCommand).resolves({ Vpcs: [{ VpcId: 'vpc-1', DhcpOptionsId: 'dopt-1' }] });
  ec2.on(DescribeDhcpOptionsCommand).resolves({
    DhcpOptions: [
      {
        DhcpOptionsId: 'dopt-1',
        DhcpConfigurations: [
          { Key: 'domain-name', Values: [{ Value: `${NS} eu-west-1.compute.internal` }] },
          { Key: 'domain-name-servers', Values: [{ Value: 'AmazonProvidedDNS' }] },
        ],
      },
    ],
  });
  ec2.on(DescribeSecurityGroupsCommand).resolves({
    SecurityGroups: [
      {
        GroupId: 'sg-live',
        GroupName: 'shop-dev-cache-sessions',
        Tags: [{ Key: 'stackctl:logical-id', Value: 'sg/cache/sessions' }],
        IpPermissions: [
          { IpProtocol: 'tcp', FromPort: 6379, ToPort: 6379, UserIdGroupPairs: [{ GroupId: 'sg-net' }] },
        ],
      },
    ],
  });
  sd.on(ListNamespacesCommand).resolves({
    Namespaces: [
      { Id: 'ns-public', Name: NS, Type: 'DNS_PUBLIC' },
      { Id: 'ns-1', Name: NS, Type: 'DNS_PRIVATE' },
    ],
  });
  sd.on(GetNamespaceCommand).resolves({
    Namespace: { Id: 'ns-1', Properties: { DnsProperties: { HostedZoneId: 'Z1' } } },
  });
  route53.on(GetHostedZoneCommand).resolves({
    HostedZone: { Id: 'Z1', Name: `${NS}.`, CallerReference: 'x' },
    VPCs: [{ VPCId: 'vpc-1', VPCRegion: 'eu-west-1' }],
  });
  sd.on(ListServicesCommand).resolves({ Services: [{ Id: 'srv-1', Arn: 'arn:srv-1', Name: 'Sessions' }] });
  sd.on(ListInstancesCommand).resolves({
    Instances: [
      { Id: 'sessions', Attributes: { AWS_INSTANCE_CNAME: 'master.sessions.cache.amazonaws.com' } },
    ],
  });
  elasticache.on(DescribeReplicationGroupsCommand).resolves({
    ReplicationGroups: [
      {
        ReplicationGroupId: 'shop-dev-sessions',
        MemberClusters: member ? ['shop-dev-sessions-001'] : [],
        NodeGroups: [{ PrimaryEndpoint: { Address: 'master.sessions.cache.amazonaws.com', Port: 6379 } }],
      },
    ],
  });
  elasticache.on(DescribeCacheClustersCommand).resolves({ CacheClusters: member ? [member] : [] });
  elbv2.on(DescribeLoadBalancersCommand).resolves({
    LoadBalancers: [
      {
        LoadBalancerArn: 'arn:alb',
        LoadBalancerName: 'shop-dev-alb',
        DNSName: 'alb.example',
        SecurityGroups: ['sg-alb'],
      },
    ],
  });
  elbv2.on(DescribeListenersCommand).resolves({
    Listeners: [
      {
        ListenerArn: 'arn:l443',
        Port: 443,
        Protocol: 'HTTPS',
        DefaultActions: [{ Type: 'fixed-response' }],
      },
    ],
  });
  elbv2.on(DescribeRulesCommand).resolves({
    Rules: [
      {
        IsDefault: false,
        Conditions: [{ Field: 'host-header', HostHeaderConfig: { Values: ['Shop.Example.com'] } }],
        Actions: [{ Type: 'forward', ForwardConfig: { TargetGroups: [{ TargetGroupArn: TG, Weight: 1 }] } }],
      },
      { IsDefault: true, Actions: [{ Type: 'fixed-response' }] },
    ],
  });
  elbv2.on(DescribeTargetGroupsCommand).resolves({
    TargetGroups: [{ TargetGroupArn: TG, TargetGroupName: 'shop-dev-web-3000', Port: 3000 }],
  });
}

beforeEach(() => {
  for (const m of [ec2, elbv2, elasticache, route53, sd]) m.reset();
});
afterEach(() => {
  for (const m of [ec2, elbv2, elasticache, route53, sd]) m.reset();
});

describe('readWiringFacts: the live wiring as plain facts', () => {
  it.each([
    {
      member: {
        SecurityGroups: [
          { SecurityGroupId: 'sg-live', Status: 'active' },
          { SecurityGroupId: 'sg-old', Status: 'removing' },
        ],
      },
      groups: ['sg-live'],
      reason: "AWS: a replication group's groups are its member cluster's, minus those being removed",
    },
    {
      member: undefined,
      groups: ['sg-rendered'],
      reason: 'moto: no member cluster, so the rendered groups stand in',
    },
  ])('$reason', async ({ member, groups }) => {
    mockAws(member);
    const facts = await readWiringFacts({ clients, desired, outputs, namespaceName: NS });
    expect(facts.caches.sessions).toEqual({
      id: 'shop-dev-sessions',
      endpoint: 'master.sessions.cache.amazonaws.com',
      securityGroupIds: groups,
    });
  });

  it('reads the private namespace with its VPCs, the DHCP search list, names, rules and groups', async () => {
    mockAws({ SecurityGroups: [{ SecurityGroupId: 'sg-live', Status: 'active' }] });
    const facts = await readWiringFacts({ clients, desired, outputs, namespaceName: NS });
    expect(facts.vpcId).toBe('vpc-1');
    expect(facts.dhcp).toEqual({ id: 'dopt-1', domainNames: [NS, 'eu-west-1.compute.internal'] });
    expect(facts.namespace).toEqual({ id: 'ns-1', name: NS, vpcIds: ['vpc-1'] });
    expect(facts.dnsServices).toEqual([
      {
        id: 'srv-1',
        arn: 'arn:srv-1',
        name: 'sessions',
        instances: [{ id: 'sessions', cname: 'master.sessions.cache.amazonaws.com' }],
      },
    ]);
    expect(facts.listeners).toEqual([
      {
        arn: 'arn:l443',
        port: 443,
        protocol: 'HTTPS',
        defaultTargetGroupArns: [],
        rules: [{ hosts: ['shop.example.com'], targetGroupArns: [TG] }],
      },
    ]);
    expect(facts.targetGroups).toEqual({ [TG]: { name: 'shop-dev-web-3000', port: 3000 } });
    expect(facts.securityGroups['sg-live']).toEqual({
      id: 'sg-live',
      name: 'shop-dev-cache-sessions',
      logicalId: 'sg/cache/sessions',
      ingress: [{ protocol: 'tcp', fromPort: 6379, toPort: 6379, sourceGroupId: 'sg-net' }],
    });
    expect(ec2.commandCalls(DescribeSecurityGroupsCommand)[0]?.args[0].input.Filters).toEqual([
      { Name: 'group-id', Values: ['sg-live', 'sg-alb'] },
    ]);
  });
});
