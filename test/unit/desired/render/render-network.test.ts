import { describe, expect, it } from 'vitest';
import { renderStack } from '../../../../src/desired/render/index.js';
import { parseCidr, subnetCidr } from '../../../../src/desired/render/render-network.js';
import type { NetworkConfig } from '../../../../src/desired/stack-types.js';
import { composeService, resolvedStack, typicalServices } from '../../../helpers/resolved-fixture.js';
import { expectInvariants, get, idsOf } from './invariants.js';

describe('network', () => {
  it.each([
    {
      reason: 'the default /16 is carved into /20s, public first, private from block 8',
      cidr: undefined,
      vpc: '10.0.0.0/16',
      subnets: {
        'subnet/public-a': '10.0.0.0/20',
        'subnet/public-b': '10.0.16.0/20',
        'subnet/private-a': '10.0.128.0/20',
      },
    },
    {
      reason: 'a /20 VPC gets /24 subnets',
      cidr: '172.16.32.0/20',
      vpc: '172.16.32.0/20',
      subnets: {
        'subnet/public-a': '172.16.32.0/24',
        'subnet/public-b': '172.16.33.0/24',
        'subnet/private-b': '172.16.41.0/24',
      },
    },
    {
      reason: 'a /24 VPC gets /28 subnets',
      cidr: '192.168.5.0/24',
      vpc: '192.168.5.0/24',
      subnets: { 'subnet/public-a': '192.168.5.0/28', 'subnet/private-a': '192.168.5.128/28' },
    },
  ])('$reason', ({ cidr, vpc, subnets }) => {
    const network: NetworkConfig = cidr === undefined ? { vpc: 'create' } : { vpc: 'create', cidr };
    const desired = renderStack(resolvedStack({ mode: 'balanced', network, services: typicalServices() }));
    expectInvariants(desired);
    expect(get(desired, 'vpc').spec).toEqual({
      cidrBlock: vpc,
      enableDnsHostnames: true,
      enableDnsSupport: true,
    });
    for (const [id, block] of Object.entries(subnets))
      expect(get(desired, id).spec.cidrBlock, id).toBe(block);
  });

  it('gives every subnet of a three-AZ VPC a distinct block inside the VPC', () => {
    const vpc = parseCidr('10.0.0.0/16');
    expect(vpc).toBeDefined();
    if (vpc === undefined) return;
    const blocks = Array.from({ length: 16 }, (_, i) => subnetCidr(vpc, i));
    expect(new Set(blocks).size).toBe(16);
    expect(blocks[15]).toBe('10.0.240.0/20');
  });

  it.each([
    { reason: 'not a CIDR', text: 'ten' },
    { reason: 'an octet above 255', text: '10.0.256.0/16' },
    { reason: 'a prefix larger than /16', text: '10.0.0.0/8' },
    { reason: 'a prefix too small to carve', text: '10.0.0.0/25' },
    { reason: 'an unaligned address', text: '10.0.1.0/16' },
  ])('parseCidr rejects $reason', ({ text }) => {
    expect(parseCidr(text)).toBeUndefined();
  });

  it('uses the literal ids of an existing VPC and renders no network resources', () => {
    const desired = renderStack(
      resolvedStack({
        mode: 'balanced',
        network: {
          vpc: 'vpc-0abc',
          publicSubnets: ['subnet-p2', 'subnet-p1'],
          privateSubnets: ['subnet-q1'],
        },
        services: [...typicalServices(), composeService('db', { postgres: {} })],
      }),
    );
    expectInvariants(desired);
    for (const kind of [
      'ec2.Vpc',
      'ec2.Subnet',
      'ec2.RouteTable',
      'ec2.NatGateway',
      'ec2.InternetGateway',
    ] as const) {
      expect(idsOf(desired, kind), kind).toEqual([]);
    }
    expect(get(desired, 'alb').spec.subnets).toEqual(['subnet-p1', 'subnet-p2']);
    expect(get(desired, 'alb').dependsOn).toEqual(['sg/alb']);
    expect(get(desired, 'sg/alb').spec.vpcId).toBe('vpc-0abc');
    expect(get(desired, 'sg/alb').dependsOn).toEqual([]);
    expect(get(desired, 'tg/web-80').spec.vpcId).toBe('vpc-0abc');
    expect(get(desired, 'service/web').spec.networkConfiguration).toMatchObject({ subnets: ['subnet-q1'] });
    expect(get(desired, 'db/subnets').spec.subnetIds).toEqual(['subnet-q1']);
  });

  it('renames target groups when the VPC changes (they cannot move, so they are replaced)', () => {
    const one = renderStack(resolvedStack({ services: typicalServices() }));
    const other = renderStack(
      resolvedStack({ services: typicalServices(), network: { vpc: 'create', cidr: '10.1.0.0/16' } }),
    );
    expect(get(one, 'tg/web-80').name).not.toBe(get(other, 'tg/web-80').name);
    expect(get(one, 'alb').name).toBe(get(other, 'alb').name);
  });
});
