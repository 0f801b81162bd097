/**
 * Applies `ec2.RouteTable`: create (or find by tag), routes and subnet associations per delta, delete.
 *
 * @module
 */
import {
  AssociateRouteTableCommand,
  CreateRouteCommand,
  CreateRouteTableCommand,
  DeleteRouteCommand,
  DeleteRouteTableCommand,
  DescribeRouteTablesCommand,
  DisassociateRouteTableCommand,
  type EC2Client,
  ReplaceRouteCommand,
  type RouteTable,
} from '@aws-sdk/client-ec2';
import { isNotFound } from '../aws/errors.js';
import { stableJson } from '../desired/render/canonical.js';
import type { FieldDelta } from '../diff/types.js';
import { ownedRoutes, type RouteSpec } from '../observed/ec2-route-table.js';
import type { ObservedResource } from '../observed/types.js';
import { assertObservedOwned, ignoreNotFound, specString, touches } from './delta-helpers.js';
import { applyEc2TagDeltas, ec2Delete, idResult, logicalIdFilters, tagSpecifications } from './ec2-common.js';
import type { Applier, ApplyContext, ApplyResult, ResolvedResource } from './types.js';

/** The desired routes, checked: the engine hands over a resolved spec, but its shape is not typed. */
function desiredRoutes(spec: ResolvedResource['spec']): RouteSpec[] {
  const raw = spec.routes;
  if (!Array.isArray(raw)) return [];
  return raw.map((r: unknown) => {
    const o = (typeof r === 'object' && r !== null ? r : {}) as Record<string, unknown>;
    return {
      destinationCidrBlock: String(o.destinationCidrBlock),
      ...(typeof o.gatewayId === 'string' ? { gatewayId: o.gatewayId } : {}),
      ...(typeof o.natGatewayId === 'string' ? { natGatewayId: o.natGatewayId } : {}),
    };
  });
}

function desiredSubnetIds(spec: ResolvedResource['spec']): string[] {
  return Array.isArray(spec.subnetIds)
    ? spec.subnetIds.filter((s): s is string => typeof s === 'string')
    : [];
}

/** The route's target as CreateRoute/ReplaceRoute parameters. */
function targetOf(route: RouteSpec): { GatewayId?: string; NatGatewayId?: string } {
  if (route.natGatewayId) return { NatGatewayId: route.natGatewayId };
  return route.gatewayId ? { GatewayId: route.gatewayId } : {};
}

/** Creates missing routes, replaces ones whose target changed, deletes ones no longer desired. */
async function convergeRoutes(
  ec2: EC2Client,
  table: RouteTable,
  wanted: readonly RouteSpec[],
): Promise<void> {
  const tableId = table.RouteTableId ?? '';
  const current = new Map(ownedRoutes(table.Routes).map((r) => [r.destinationCidrBlock, r]));
  for (const route of wanted) {
    const have = current.get(route.destinationCidrBlock);
    const input = {
      RouteTableId: tableId,
      DestinationCidrBlock: route.destinationCidrBlock,
      ...targetOf(route),
    };
    if (!have) await ec2.send(new CreateRouteCommand(input));
    else if (stableJson(have) !== stableJson(route)) await ec2.send(new ReplaceRouteCommand(input));
  }
  const keep = new Set(wanted.map((r) => r.destinationCidrBlock));
  for (const dest of current.keys()) {
    if (keep.has(dest)) continue;
    await ignoreNotFound(
      () => ec2.send(new DeleteRouteCommand({ RouteTableId: tableId, DestinationCidrBlock: dest })),
      isNotFound,
    );
  }
}

/** Explicit (non-main) associations: subnet id → association id. */
function associations(table: RouteTable): Map<string, string> {
  const out = new Map<string, string>();
  for (const a of table.Associations ?? []) {
    if (!a.Main && a.SubnetId && a.RouteTableAssociationId) out.set(a.SubnetId, a.RouteTableAssociationId);
  }
  return out;
}

/** Associates desired subnets that are not associated yet and disassociates the others. */
async function convergeAssociations(
  ec2: EC2Client,
  table: RouteTable,
  wanted: readonly string[],
): Promise<void> {
  const current = associations(table);
  for (const subnetId of wanted) {
    if (!current.has(subnetId)) {
      await ec2.send(
        new AssociateRouteTableCommand({ RouteTableId: table.RouteTableId ?? '', SubnetId: subnetId }),
      );
    }
  }
  for (const [subnetId, associationId] of current) {
    if (wanted.includes(subnetId)) continue;
    await ignoreNotFound(
      () => ec2.send(new DisassociateRouteTableCommand({ AssociationId: associationId })),
      isNotFound,
    );
  }
}

async function describeTable(ec2: EC2Client, tableId: string): Promise<RouteTable | undefined> {
  const out = await ec2.send(
    new DescribeRouteTablesCommand({ Filters: [{ Name: 'route-table-id', Values: [tableId] }] }),
  );
  return out.RouteTables?.[0];
}

/**
 * Route table applier. Routes and associations are reconciled against the live table (association ids
 * are not part of the spec), touching only the parts the deltas name.
 */
export const ec2RouteTableApplier: Applier = {
  kind: 'ec2.RouteTable',
  async create(desired: ResolvedResource, ctx: ApplyContext): Promise<ApplyResult> {
    const { ec2 } = ctx.clients;
    const vpcId = specString(desired.spec, 'vpcId', desired.logicalId);
    const found = await ec2.send(
      new DescribeRouteTablesCommand({ Filters: logicalIdFilters(ctx, desired.logicalId) }),
    );
    // A tagged table in another VPC is the old half of a replacement, not this one.
    let table = found.RouteTables?.find((t) => t.VpcId === vpcId);
    if (!table) {
      const created = await ec2.send(
        new CreateRouteTableCommand({
          VpcId: vpcId,
          TagSpecifications: tagSpecifications('route-table', desired),
        }),
      );
      table = created.RouteTable ?? {};
    }
    await convergeRoutes(ec2, table, desiredRoutes(desired.spec));
    await convergeAssociations(ec2, table, desiredSubnetIds(desired.spec));
    return idResult(table.RouteTableId ?? '');
  },

  async update(
    desired: ResolvedResource,
    observed: ObservedResource,
    deltas: readonly FieldDelta[],
    ctx: ApplyContext,
  ): Promise<ApplyResult> {
    assertObservedOwned(observed, ctx);
    const { ec2 } = ctx.clients;
    const routes = touches(deltas, 'routes');
    const subnets = touches(deltas, 'subnetIds');
    if (routes || subnets) {
      const table = await describeTable(ec2, observed.physicalId);
      if (table && routes) await convergeRoutes(ec2, table, desiredRoutes(desired.spec));
      if (table && subnets) await convergeAssociations(ec2, table, desiredSubnetIds(desired.spec));
    }
    await applyEc2TagDeltas(ec2, observed.physicalId, deltas, desired);
    return idResult(observed.physicalId);
  },

  async delete(observed: ObservedResource, ctx: ApplyContext): Promise<void> {
    assertObservedOwned(observed, ctx);
    const { ec2 } = ctx.clients;
    const table = await describeTable(ec2, observed.physicalId);
    if (!table) return;
    await convergeAssociations(ec2, table, []);
    await ec2Delete(`route table ${observed.physicalId}`, () =>
      ec2.send(new DeleteRouteTableCommand({ RouteTableId: observed.physicalId })),
    );
  },
};
