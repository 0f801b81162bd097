/**
 * End to end, real moto, through the CLI: a stack deployed into a VPC the user brought. Service names
 * resolve there too, but only because the stack file says `network.dhcpOptions: manage`: stackctl then
 * puts its namespace in the VPC's DHCP search domain, and on destroy gives the VPC back the options set it
 * had before. Without it, the VPC's options are never touched and `check` names the short-name edges
 * that cannot resolve.
 */
import {
  AssociateDhcpOptionsCommand,
  CreateDhcpOptionsCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DescribeVpcsCommand,
  ModifyVpcAttributeCommand,
} from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AwsClients } from '../../src/aws/types.js';
import { type DataEnv, startDataE2e } from './data-helpers/data-env.js';
import { removeProjects, writeProject } from './data-helpers/projects.js';
import { parseJson } from './helpers/harness.js';
import { admits, liveWiring } from './helpers/live-wiring.js';

const COMPOSE = `name: byo
services:
  web:
    image: nginx:1.27-alpine
    ports: ["80:80"]
    environment:
      API_URL: http://api:8080
  api:
    image: nginxdemos/hello:0.4
    expose: [8080]
`;

interface Network {
  readonly vpc: string;
  readonly publicSubnets: readonly string[];
  readonly privateSubnets: readonly string[];
  readonly dhcpOptions: string;
}

async function createNetwork(c: AwsClients, second: number): Promise<Network> {
  const cidr = `10.${second}`;
  const vpc = (await c.ec2.send(new CreateVpcCommand({ CidrBlock: `${cidr}.0.0/16` }))).Vpc?.VpcId ?? '';
  for (const attr of ['EnableDnsSupport', 'EnableDnsHostnames'] as const) {
    await c.ec2.send(new ModifyVpcAttributeCommand({ VpcId: vpc, [attr]: { Value: true } }));
  }
  const dhcpOptions =
    (
      await c.ec2.send(
        new CreateDhcpOptionsCommand({
          DhcpConfigurations: [
            { Key: 'domain-name', Values: ['corp.example.internal'] },
            { Key: 'domain-name-servers', Values: ['AmazonProvidedDNS'] },
          ],
        }),
      )
    ).DhcpOptions?.DhcpOptionsId ?? '';
  await c.ec2.send(new AssociateDhcpOptionsCommand({ DhcpOptionsId: dhcpOptions, VpcId: vpc }));
  const subnet = async (n: number, az: string) =>
    (
      await c.ec2.send(
        new CreateSubnetCommand({ VpcId: vpc, CidrBlock: `${cidr}.${n}.0/24`, AvailabilityZone: az }),
      )
    ).Subnet?.SubnetId ?? '';
  return {
    vpc,
    publicSubnets: [await subnet(0, 'eu-west-1a'), await subnet(1, 'eu-west-1b')],
    privateSubnets: [await subnet(2, 'eu-west-1a'), await subnet(3, 'eu-west-1b')],
    dhcpOptions,
  };
}

function stackFile(net: Network, manage: boolean): string {
  return [
    'region: eu-west-1',
    'mode: affordable',
    'network:',
    `  vpc: ${net.vpc}`,
    `  publicSubnets: [${net.publicSubnets.join(', ')}]`,
    `  privateSubnets: [${net.privateSubnets.join(', ')}]`,
    ...(manage ? ['  dhcpOptions: manage'] : []),
    '',
  ].join('\n');
}

async function vpcOptions(c: AwsClients, vpc: string): Promise<string | undefined> {
  return (await c.ec2.send(new DescribeVpcsCommand({ VpcIds: [vpc] }))).Vpcs?.[0]?.DhcpOptionsId;
}

interface CheckJson {
  readonly edges: readonly { readonly caller: string; readonly callee: string; readonly ok: boolean }[];
}

let env: DataEnv;

beforeAll(async () => {
  env = await startDataE2e();
});
afterAll(async () => {
  await env?.stop();
  await removeProjects();
});

describe('a stack in an existing VPC', () => {
  it('with dhcpOptions: manage, names resolve; destroy gives the VPC its own options set back', async () => {
    const net = await createNetwork(env.clients, 61);
    const dir = await writeProject('byo', COMPOSE, { dev: stackFile(net, true) });
    const dev = (...args: string[]) => env.cliIn(dir)(...args, '--stack', 'dev');

    const first = await dev('reconcile', '--once', '--output', 'json');
    expect(first.code, first.out + first.err).toBe(0);
    const check = await dev('check', '--output', 'json');
    expect(check.code, check.out + check.err).toBe(0);

    const w = await liveWiring(env.clients, {
      project: 'byo',
      stack: 'dev',
      cluster: 'byo-dev',
      vpcId: net.vpc,
    });
    expect(await vpcOptions(env.clients, net.vpc)).not.toBe(net.dhcpOptions);
    expect(w.namespace?.vpcSearchDomains.split(' ')).toContain(w.namespace?.name);
    expect(w.services.get('web')?.registries).toContain(w.names.get('web')?.arn);
    expect(w.services.get('api')?.registries).toContain(w.names.get('api')?.arn);
    const web = w.services.get('web')?.groups ?? [];
    const api = w.services.get('api')?.groups ?? [];
    expect(admits(w, web, api, 8080)).toBe(true);

    const destroy = await dev('destroy', '--yes');
    expect(destroy.code, destroy.out + destroy.err).toBe(0);
    expect(await vpcOptions(env.clients, net.vpc)).toBe(net.dhcpOptions);
  }, 240_000);

  it('without it, the VPC options are untouched and check names the short names that cannot resolve', async () => {
    const net = await createNetwork(env.clients, 62);
    const dir = await writeProject('byo2', COMPOSE.replace('name: byo', 'name: byo2'), {
      dev: stackFile(net, false),
    });
    const dev = (...args: string[]) => env.cliIn(dir)(...args, '--stack', 'dev');

    const first = await dev('reconcile', '--once', '--output', 'json');
    expect(first.code, first.out + first.err).toBe(0);
    expect(await vpcOptions(env.clients, net.vpc)).toBe(net.dhcpOptions);

    const check = await dev('check', '--output', 'json');
    expect(check.code, check.out + check.err).toBe(2);
    const broken = parseJson<CheckJson>(check).edges.filter((e) => !e.ok);
    expect(broken.map((e) => `${e.caller}->${e.callee}`)).toContain('web->api');
  }, 240_000);
});
