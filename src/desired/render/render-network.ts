/**
 * The network: a VPC with public subnets (and private ones when tasks or data need them), an internet
 * gateway, NAT gateways per mode and their route tables; or, for an existing VPC, nothing at all but the
 * literal ids the other modules use in place of refs.
 *
 * @module
 */

import type { ResolvedStack } from '../resolved-types.js';
import type { DesiredResource, SpecValue } from '../resource-types.js';
import { ref } from '../resource-types.js';
import { sortedUnique } from './canonical.js';
import { type NetworkRefs, resource } from './context.js';
import type { StackModel } from './model.js';

/** VPC CIDR when the stack file gives none. */
export const DEFAULT_VPC_CIDR = '10.0.0.0/16';
/** Subnets are /20 (4,091 addresses), or 1/16 of a smaller VPC. */
export const SUBNET_PREFIX = 20;
/** Subnet slots reserved per tier: public subnets use blocks 0–7, private ones 8–15. */
export const MAX_AZS = 8;
/** Largest and smallest VPC a stack may ask for (AWS allows /16–/28; we need 16 subnets of ≥ /28). */
export const VPC_PREFIX_RANGE = { min: 16, max: 24 } as const;

const AZ_LETTERS = 'abcdefgh';
const ANYWHERE = '0.0.0.0/0';

/** A parsed IPv4 CIDR block. */
export interface Cidr {
  readonly address: number;
  readonly prefix: number;
}

/** Parses an aligned IPv4 CIDR with a prefix in {@link VPC_PREFIX_RANGE}; `undefined` otherwise. */
export function parseCidr(text: string): Cidr | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text);
  if (m === null) return undefined;
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  if (octets.some((o) => o > 255) || prefix < VPC_PREFIX_RANGE.min || prefix > VPC_PREFIX_RANGE.max) {
    return undefined;
  }
  const address = octets.reduce((acc, o) => acc * 256 + o, 0);
  if (address % 2 ** (32 - prefix) !== 0) return undefined;
  return { address, prefix };
}

/** The `index`-th subnet block of `vpc`: deterministic, so a re-render never moves a subnet. */
export function subnetCidr(vpc: Cidr, index: number): string {
  const prefix = Math.max(SUBNET_PREFIX, vpc.prefix + 4);
  return formatCidr({ address: vpc.address + index * 2 ** (32 - prefix), prefix });
}

/** `a.b.c.d/p`. */
export function formatCidr(cidr: Cidr): string {
  const octets = [24, 16, 8, 0].map((shift) => Math.floor(cidr.address / 2 ** shift) % 256);
  return `${octets.join('.')}/${cidr.prefix}`;
}

/** The letters of the stack's availability zones (`a`, `b`, …). */
export function azLetters(resolved: ResolvedStack): string[] {
  return [...AZ_LETTERS.slice(0, Math.min(resolved.preset.azCount, MAX_AZS))];
}

/** Where ids come from in the other modules; no resources. */
export function networkRefs(resolved: ResolvedStack, model: StackModel): NetworkRefs {
  const network = resolved.network.value;
  if ('publicSubnets' in network) {
    const literal = (ids: readonly string[]) => ({ ids: sortedUnique(ids), dependsOn: [] });
    return {
      vpcId: network.vpc,
      vpcDependsOn: [],
      publicSubnets: literal(network.publicSubnets),
      privateSubnets: literal(network.privateSubnets),
      vpcKey: network.vpc,
    };
  }
  const azs = azLetters(resolved);
  const subnets = (tier: 'public' | 'private') => azs.map((az) => `subnet/${tier}-${az}`);
  const privateIds = model.needsPrivateSubnets ? subnets('private') : [];
  return {
    vpcId: ref('vpc', 'id'),
    vpcDependsOn: ['vpc'],
    publicSubnets: { ids: idRefs(subnets('public')), dependsOn: [...subnets('public'), 'rt/public'] },
    privateSubnets: {
      ids: idRefs(privateIds),
      dependsOn: [...privateIds, ...privateIds.map((_, i) => `rt/private-${azs[i]}`)],
    },
    vpcKey: `create:${network.cidr ?? DEFAULT_VPC_CIDR}`,
  };
}

function idRefs(logicalIds: readonly string[]): SpecValue[] {
  return sortedUnique(logicalIds.map((id) => ref(id, 'id')));
}

/** The network resources of a created VPC (none for an existing one). */
export function renderNetwork(resolved: ResolvedStack, model: StackModel): DesiredResource[] {
  const network = resolved.network.value;
  if ('publicSubnets' in network) return [];
  const vpc = parseCidr(network.cidr ?? DEFAULT_VPC_CIDR);
  if (vpc === undefined) return []; // reported by validation
  const { base, region } = model;
  const azs = azLetters(resolved);
  const vpcId = ref('vpc', 'id');
  const out: DesiredResource[] = [
    resource(model, {
      kind: 'ec2.Vpc',
      logicalId: 'vpc',
      name: base,
      spec: { cidrBlock: formatCidr(vpc), enableDnsHostnames: true, enableDnsSupport: true },
      dependsOn: [],
    }),
    resource(model, {
      kind: 'ec2.InternetGateway',
      logicalId: 'igw',
      name: base,
      spec: { vpcId },
      dependsOn: ['vpc'],
    }),
  ];
  const subnet = (tier: 'public' | 'private', az: string, index: number) =>
    resource(model, {
      kind: 'ec2.Subnet',
      logicalId: `subnet/${tier}-${az}`,
      name: `${base}-${tier}-${az}`,
      spec: {
        vpcId,
        cidrBlock: subnetCidr(vpc, index),
        availabilityZone: `${region}${az}`,
        mapPublicIpOnLaunch: tier === 'public',
      },
      dependsOn: ['vpc'],
    });
  const publicIds = azs.map((az) => `subnet/public-${az}`);
  out.push(...azs.map((az, i) => subnet('public', az, i)));
  out.push(
    resource(model, {
      kind: 'ec2.RouteTable',
      logicalId: 'rt/public',
      name: `${base}-public`,
      spec: {
        vpcId,
        routes: [{ destinationCidrBlock: ANYWHERE, gatewayId: ref('igw', 'id') }],
        subnetIds: idRefs(publicIds),
      },
      dependsOn: ['vpc', 'igw', ...publicIds],
    }),
  );
  if (!model.needsPrivateSubnets) return out;

  const natCount = Math.min(resolved.preset.natGateways, azs.length);
  const natAzs = azs.slice(0, natCount);
  out.push(...azs.map((az, i) => subnet('private', az, MAX_AZS + i)));
  for (const az of natAzs) {
    out.push(
      resource(model, {
        kind: 'ec2.NatGateway',
        logicalId: `nat/${az}`,
        name: `${base}-${az}`,
        spec: { subnetId: ref(`subnet/public-${az}`, 'id') },
        dependsOn: [`subnet/public-${az}`, 'rt/public'],
      }),
    );
  }
  for (const az of azs) {
    const nat = natAzs.includes(az) ? `nat/${az}` : natAzs.length > 0 ? `nat/${natAzs[0]}` : undefined;
    out.push(
      resource(model, {
        kind: 'ec2.RouteTable',
        logicalId: `rt/private-${az}`,
        name: `${base}-private-${az}`,
        spec: {
          vpcId,
          routes: nat === undefined ? [] : [{ destinationCidrBlock: ANYWHERE, natGatewayId: ref(nat, 'id') }],
          subnetIds: [ref(`subnet/private-${az}`, 'id')],
        },
        dependsOn: ['vpc', `subnet/private-${az}`, ...(nat === undefined ? [] : [nat])],
      }),
    );
  }
  return out;
}
