/**
 * Fixtures for the per-kind integration tests: a network made directly with the EC2 SDK, contexts,
 * resolved resources with ownership tags, and "observe one resource" / "deltas the engine would plan".
 */
import {
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  ModifyVpcAttributeCommand,
} from '@aws-sdk/client-ec2';
import type { AwsClients } from '../../../src/aws/types.js';
import type { ResourceKind, Spec } from '../../../src/desired/resource-types.js';
import { ownershipTags } from '../../../src/desired/tags.js';
import { diffResource } from '../../../src/diff/compare.js';
import { tagDeltas } from '../../../src/diff/tags.js';
import type { FieldDelta } from '../../../src/diff/types.js';
import type { ObserveContext, ObservedResource, Observer } from '../../../src/observed/types.js';
import type { WaitOptions } from '../../../src/reconcilers/apply-helpers.js';
import type { ApplyContext, ResolvedResource } from '../../../src/reconcilers/types.js';

export const PROJECT = 'shop';
export const STACK = 'it';

/** Waits that never sleep: moto is immediate, and a test must not wait on real timers. */
export const INSTANT_WAIT: WaitOptions = { sleep: async () => {}, pollIntervalMs: 1_000, maxWaitMs: 3_000 };

/** A VPC (DNS hostnames on, which RunTask needs on moto), two subnets in two AZs, two security groups. */
export interface Network {
  readonly vpcId: string;
  readonly subnets: readonly string[];
  readonly securityGroups: readonly string[];
}

export async function createNetwork(clients: AwsClients, cidr = '10.40.0.0/16'): Promise<Network> {
  const vpc = await clients.ec2.send(new CreateVpcCommand({ CidrBlock: cidr }));
  const vpcId = vpc.Vpc?.VpcId ?? '';
  await clients.ec2.send(
    new ModifyVpcAttributeCommand({ VpcId: vpcId, EnableDnsHostnames: { Value: true } }),
  );
  const prefix = cidr.split('.').slice(0, 2).join('.');
  const subnets: string[] = [];
  for (const [i, az] of ['a', 'b'].entries()) {
    const s = await clients.ec2.send(
      new CreateSubnetCommand({
        VpcId: vpcId,
        CidrBlock: `${prefix}.${i + 1}.0/24`,
        AvailabilityZone: `eu-west-1${az}`,
      }),
    );
    subnets.push(s.Subnet?.SubnetId ?? '');
  }
  const securityGroups: string[] = [];
  for (const name of ['one', 'two']) {
    const g = await clients.ec2.send(
      new CreateSecurityGroupCommand({ VpcId: vpcId, GroupName: `${STACK}-${name}`, Description: name }),
    );
    securityGroups.push(g.GroupId ?? '');
  }
  return { vpcId, subnets: [...subnets].sort(), securityGroups: [...securityGroups].sort() };
}

export function applyCtx(clients: AwsClients, clientToken = 'token-1'): ApplyContext {
  return { clients, project: PROJECT, stack: STACK, clientToken };
}

export function observeCtx(
  clients: AwsClients,
  outputs: ObserveContext['outputs'] = new Map(),
): ObserveContext {
  return { clients, project: PROJECT, stack: STACK, outputs };
}

/** A resolved desired resource carrying this stack's ownership tags. */
export function resource(kind: ResourceKind, logicalId: string, name: string, spec: Spec): ResolvedResource {
  return { kind, logicalId, name, spec, tags: ownershipTags(PROJECT, STACK, logicalId) };
}

/** Observes `r` (as a target with its spec) and returns the observed resource with its logical id. */
export async function observeOne(
  observer: Observer,
  clients: AwsClients,
  r: ResolvedResource,
  physicalId?: string,
): Promise<ObservedResource | undefined> {
  const target = {
    logicalId: r.logicalId,
    name: r.name,
    spec: r.spec,
    ...(physicalId ? { physicalId } : {}),
  };
  const all = await observer.observe([target], observeCtx(clients));
  return all.find((o) => o.logicalId === r.logicalId);
}

/** The deltas the plan would carry: spec fields present in desired, plus tags. */
export function deltasFor(r: ResolvedResource, observed: ObservedResource): FieldDelta[] {
  return [...diffResource(r.spec, observed.spec, r.kind), ...tagDeltas(r.tags, observed.tags)];
}

/** Delta paths, sorted: what a test compares against the one field changed out of band. */
export function paths(deltas: readonly FieldDelta[]): string[] {
  return deltas.map((d) => d.path).sort();
}
