/**
 * Preflight quotas: the account limits a pass can read before it writes, and would otherwise hit halfway.
 *
 * Today one: Elastic IP addresses. Every NAT gateway the plan creates allocates one, and the region's
 * quota (`vpc-max-elastic-ips`, 5 by default) is shared with everything else in the account. Without this
 * check a `high_availability` stack in a busy account built its VPC, subnets, load balancer… and failed
 * on the third `AllocateAddress` with `AddressLimitExceeded`. The quota is read with
 * DescribeAccountAttributes (no Service Quotas permission needed) and compared with DescribeAddresses.
 *
 * Other quotas (VPCs per region, load balancers per region) are not readable through the services
 * stackctl already calls; their failures still stop only the steps that need them.
 *
 * @module
 */
import { DescribeAccountAttributesCommand, DescribeAddressesCommand } from '@aws-sdk/client-ec2';
import type { AwsClients } from '../aws/types.js';
import { TAG_KEYS } from '../desired/resource-types.js';
import { isFullyOwnedBy } from '../desired/tags.js';
import type { Plan } from '../diff/types.js';

/** The EC2 account attribute holding the region's Elastic IP quota for VPCs. */
export const ELASTIC_IP_QUOTA_ATTRIBUTE = 'vpc-max-elastic-ips';

/** Actions of a NAT gateway step that make a new gateway (and so need an address). */
const NEW_GATEWAY_ACTIONS: ReadonlySet<string> = new Set(['create', 'replace']);

/** An account quota the plan would exceed; `message` stands on its own. */
export interface QuotaProblem {
  readonly type: 'quota';
  /** The quota's name as AWS spells it (the account attribute). */
  readonly quota: string;
  readonly needed: number;
  readonly available: number;
  /** The steps that need it. */
  readonly logicalIds: readonly string[];
  readonly message: string;
}

/**
 * The Elastic IP problem of `plan`, if any: NAT gateways to create that cannot each reuse a free address
 * already tagged for them (left by an earlier, interrupted pass), against what the quota leaves.
 * Makes no call when the plan creates no NAT gateway.
 */
export async function elasticIpProblems(clients: AwsClients, plan: Plan): Promise<QuotaProblem[]> {
  const gateways = plan.steps.filter(
    (s) => s.kind === 'ec2.NatGateway' && NEW_GATEWAY_ACTIONS.has(s.action.type),
  );
  if (gateways.length === 0) return [];
  const [attributes, addresses] = await Promise.all([
    clients.ec2.send(new DescribeAccountAttributesCommand({})),
    clients.ec2.send(new DescribeAddressesCommand({})),
  ]);
  const attribute = attributes.AccountAttributes?.find((a) => a.AttributeName === ELASTIC_IP_QUOTA_ATTRIBUTE);
  const limit = Number(attribute?.AttributeValues?.[0]?.AttributeValue);
  if (!Number.isFinite(limit)) return [];
  const all = addresses.Addresses ?? [];
  const reusable = new Set(
    all
      .filter((a) => !a.AssociationId)
      .map((a) => Object.fromEntries((a.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? ''])))
      .filter((tags) => isFullyOwnedBy(tags, plan.project, plan.stack))
      .map((tags) => tags[TAG_KEYS.logicalId]),
  );
  const needing = gateways.filter((s) => !reusable.has(s.logicalId)).map((s) => s.logicalId);
  const available = Math.max(0, limit - all.length);
  if (needing.length <= available) return [];
  return [
    {
      type: 'quota',
      quota: ELASTIC_IP_QUOTA_ATTRIBUTE,
      needed: needing.length,
      available,
      logicalIds: needing,
      message: `Elastic IP addresses: the plan allocates ${needing.length} for NAT gateways (${needing.join(', ')}), but ${all.length} of the region's ${limit} are in use, so only ${available} can be allocated; release unused addresses or raise the quota ("EC2-VPC Elastic IPs" in Service Quotas), or use a mode with fewer NAT gateways`,
    },
  ];
}
