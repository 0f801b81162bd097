/**
 * Observes `ec2.RouteTable`: its non-local IPv4 routes and explicit subnet associations.
 *
 * @module
 */
import {
  type EC2Client,
  type Filter,
  paginateDescribeRouteTables,
  type Route,
  type RouteTable,
} from '@aws-sdk/client-ec2';
import type { Spec } from '../desired/resource-types.js';
import { tagListToRecord } from '../desired/tags.js';
import {
  alignToDesired,
  collectPages,
  identify,
  missingTargetIds,
  ownershipFilters,
  targetFor,
} from './ec2-common.js';
import type { ObserveContext, ObservedResource, Observer, ObserveTarget } from './types.js';

/** The route AWS adds for the VPC's own CIDR: not ours to manage. */
const LOCAL_GATEWAY = 'local';

/** One owned route in the desired shape. */
export type RouteSpec = {
  readonly destinationCidrBlock: string;
  readonly gatewayId?: string;
  readonly natGatewayId?: string;
};

async function describeTables(ec2: EC2Client, filters: Filter[]): Promise<RouteTable[]> {
  return collectPages(
    paginateDescribeRouteTables({ client: ec2 }, { Filters: filters }),
    (p) => p.RouteTables,
  );
}

/**
 * Routes stackctl owns: every IPv4 route except the local one and propagated VPN routes. A route to some
 * other target (peering, endpoint) is kept with only its destination, so the diff sees it as drift.
 */
export function ownedRoutes(routes: readonly Route[] | undefined): RouteSpec[] {
  return (routes ?? [])
    .filter((r) => r.DestinationCidrBlock !== undefined && r.GatewayId !== LOCAL_GATEWAY)
    .filter((r) => r.Origin !== 'EnableVgwRoutePropagation')
    .map((r) => ({
      destinationCidrBlock: r.DestinationCidrBlock as string,
      ...(r.GatewayId ? { gatewayId: r.GatewayId } : {}),
      ...(r.NatGatewayId ? { natGatewayId: r.NatGatewayId } : {}),
    }));
}

/** Subnets explicitly associated with the table (the main-table association has no subnet). */
export function associatedSubnetIds(table: RouteTable): string[] {
  return (table.Associations ?? [])
    .filter((a) => !a.Main && a.SubnetId !== undefined)
    .filter(
      (a) => a.AssociationState?.State !== 'disassociated' && a.AssociationState?.State !== 'disassociating',
    )
    .map((a) => a.SubnetId as string);
}

/**
 * Finds route tables by ownership tags plus journaled ids, normalized to `{ routes, subnetIds, vpcId }`;
 * both lists follow the desired order where they match it (see `alignToDesired`).
 */
export const ec2RouteTableObserver: Observer = {
  kind: 'ec2.RouteTable',
  async observe(
    targets: readonly ObserveTarget[],
    ctx: ObserveContext,
  ): Promise<readonly ObservedResource[]> {
    const { ec2 } = ctx.clients;
    const tagged = await describeTables(ec2, ownershipFilters(ctx.project, ctx.stack));
    const missing = missingTargetIds(targets, new Set(tagged.map((t) => t.RouteTableId ?? '')));
    const byId =
      missing.length > 0 ? await describeTables(ec2, [{ Name: 'route-table-id', Values: missing }]) : [];
    return [...tagged, ...byId].map((table): ObservedResource => {
      const id = table.RouteTableId ?? '';
      const tags = tagListToRecord(table.Tags);
      const desired: Spec | undefined = targetFor(id, tags, targets)?.spec;
      return {
        kind: 'ec2.RouteTable',
        ...identify(id, tags, targets),
        physicalId: id,
        spec: {
          routes: alignToDesired(ownedRoutes(table.Routes), desired?.routes, ctx),
          subnetIds: alignToDesired(associatedSubnetIds(table), desired?.subnetIds, ctx),
          vpcId: table.VpcId ?? '',
        },
        tags,
        outputs: { id },
        health: 'Healthy',
      };
    });
  },
};
