/**
 * Against a real moto server: a second VPC (and internet gateway) carrying exactly the tags of the
 * stack's own, as a create whose response was lost and was sent again leaves behind (issue 10 item 1).
 * The next reconcile keeps the original (the journaled one; without a journal, the one the subnets and
 * route table are built on), deletes the extra, and never plans a replacement; the plan after it is empty.
 */
import {
  CreateInternetGatewayCommand,
  CreateVpcCommand,
  DescribeInternetGatewaysCommand,
  DescribeVpcsCommand,
  type Filter,
  type Tag,
} from '@aws-sdk/client-ec2';
import type { InitializeHandler, InitializeHandlerArguments, MetadataBearer } from '@smithy/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AwsClients } from '../../../src/aws/types.js';
import type { DesiredResource, DesiredStack, SpecValue } from '../../../src/desired/resource-types.js';
import { ref, TAG_KEYS } from '../../../src/desired/resource-types.js';
import { ownershipTags } from '../../../src/desired/tags.js';
import type { Plan } from '../../../src/diff/types.js';
import { type PassInput, planPass, reconcilePass } from '../../../src/reconcilers/reconcile-stack.js';
import { motoClients, TEST_REGION } from '../../helpers/aws.js';
import { type MotoServer, startMoto } from '../../helpers/moto.js';

const PROJECT = 'shop';
const TABLE = 'stackctl-duplicates-test';

let moto: MotoServer;
let clients: AwsClients;
/**
 * Clients whose EC2 Describe answers list VPCs and gateways newest first: AWS promises no order, and in
 * creation order the original would be found first and picked by luck.
 */
let newestFirst: AwsClients;

beforeAll(async () => {
  moto = await startMoto();
  clients = motoClients(moto.endpoint);
  newestFirst = motoClients(moto.endpoint);
  newestFirst.ec2.middlewareStack.add(
    (next: InitializeHandler<object, MetadataBearer>) => async (args: InitializeHandlerArguments<object>) => {
      const result = await next(args);
      const output = result.output as { Vpcs?: unknown[]; InternetGateways?: unknown[] };
      output.Vpcs?.reverse();
      output.InternetGateways?.reverse();
      return result;
    },
    { step: 'initialize', name: 'newestFirst' },
  );
});
afterAll(async () => {
  await moto?.stop();
});

function networkOf(stack: string): DesiredStack {
  const base = `${PROJECT}-${stack}`;
  const r = (
    kind: DesiredResource['kind'],
    logicalId: string,
    name: string,
    spec: Record<string, SpecValue>,
    dependsOn: string[] = [],
  ): DesiredResource => ({
    kind,
    logicalId,
    name,
    spec,
    tags: ownershipTags(PROJECT, stack, logicalId),
    dependsOn,
  });
  const vpcId = ref('vpc', 'id');
  const subnet = (az: string, cidrBlock: string) =>
    r(
      'ec2.Subnet',
      `subnet/public-${az}`,
      `${base}-public-${az}`,
      { vpcId, cidrBlock, availabilityZone: `${TEST_REGION}${az}`, mapPublicIpOnLaunch: true },
      ['vpc'],
    );
  return {
    project: PROJECT,
    stack,
    region: TEST_REGION,
    mode: 'affordable',
    requiredSecrets: [],
    resources: [
      r('ec2.Vpc', 'vpc', base, {
        cidrBlock: '10.0.0.0/16',
        enableDnsHostnames: true,
        enableDnsSupport: true,
      }),
      r('ec2.InternetGateway', 'igw', base, { vpcId }, ['vpc']),
      subnet('a', '10.0.0.0/24'),
      subnet('b', '10.0.1.0/24'),
      r(
        'ec2.RouteTable',
        'rt/public',
        `${base}-public`,
        {
          vpcId,
          routes: [{ destinationCidrBlock: '0.0.0.0/0', gatewayId: ref('igw', 'id') }],
          subnetIds: [ref('subnet/public-a', 'id'), ref('subnet/public-b', 'id')],
        },
        ['vpc', 'igw', 'subnet/public-a', 'subnet/public-b'],
      ),
    ],
  };
}

function byLogicalId(stack: string, logicalId: string): Filter[] {
  return [
    { Name: `tag:${TAG_KEYS.project}`, Values: [PROJECT] },
    { Name: `tag:${TAG_KEYS.stack}`, Values: [stack] },
    { Name: `tag:${TAG_KEYS.logicalId}`, Values: [logicalId] },
  ];
}

/** Raw DescribeVpcs by the ownership tags: what AWS holds, not what the observers make of it. */
async function vpcsTagged(stack: string): Promise<{ id: string; tags: Tag[] }[]> {
  const out = await clients.ec2.send(new DescribeVpcsCommand({ Filters: byLogicalId(stack, 'vpc') }));
  return (out.Vpcs ?? []).map((v) => ({ id: v.VpcId ?? '', tags: v.Tags ?? [] }));
}

async function igwsTagged(stack: string): Promise<{ id: string; tags: Tag[] }[]> {
  const out = await clients.ec2.send(
    new DescribeInternetGatewaysCommand({ Filters: byLogicalId(stack, 'igw') }),
  );
  return (out.InternetGateways ?? []).map((g) => ({ id: g.InternetGatewayId ?? '', tags: g.Tags ?? [] }));
}

function changes(plan: Plan): string[] {
  return plan.steps.filter((s) => s.action.type !== 'noop').map((s) => `${s.action.type} ${s.logicalId}`);
}

describe.each([
  { reason: 'with the journal: the journaled VPC is kept', stack: 'dup-journal', journal: true },
  { reason: 'without a journal: the VPC the subnets use is kept', stack: 'dup-plain', journal: false },
])('a duplicate made by a lost create response, $reason', ({ stack, journal }) => {
  /** Built per call: the moto clients exist only once the suite has started. */
  const input = (aws: AwsClients = clients): PassInput => ({
    desired: networkOf(stack),
    clients: aws,
    finalSnapshot: false,
    ...(journal ? { state: { table: TABLE } } : {}),
  });
  let originalVpc = '';
  let extraVpc = '';
  let originalIgw = '';
  let extraIgw = '';

  beforeAll(async () => {
    const first = await reconcilePass(input());
    expect(first.report.ok).toBe(true);
    const [vpc] = await vpcsTagged(stack);
    const [igw] = await igwsTagged(stack);
    originalVpc = vpc?.id ?? '';
    originalIgw = igw?.id ?? '';
    // The lost response's twins: same CIDR, exactly the same tags (ownership tags and Name).
    const made = await clients.ec2.send(
      new CreateVpcCommand({
        CidrBlock: '10.0.0.0/16',
        TagSpecifications: [{ ResourceType: 'vpc', Tags: vpc?.tags ?? [] }],
      }),
    );
    extraVpc = made.Vpc?.VpcId ?? '';
    const gw = await clients.ec2.send(
      new CreateInternetGatewayCommand({
        TagSpecifications: [{ ResourceType: 'internet-gateway', Tags: igw?.tags ?? [] }],
      }),
    );
    extraIgw = gw.InternetGateway?.InternetGatewayId ?? '';
  });

  it('starts with two VPCs and two gateways carrying the same ownership tags', async () => {
    expect(originalVpc).toMatch(/^vpc-/);
    expect(extraVpc).toMatch(/^vpc-/);
    expect((await vpcsTagged(stack)).map((v) => v.id).sort()).toEqual([originalVpc, extraVpc].sort());
    expect((await igwsTagged(stack)).map((g) => g.id).sort()).toEqual([originalIgw, extraIgw].sort());
  });

  it('reconcile deletes only the extra copies, plans no replacement, and the next plan is empty', async () => {
    const pass = await reconcilePass(input(newestFirst));

    expect(pass.report.ok).toBe(true);
    expect(pass.plan.summary.replace).toBe(0);
    expect(changes(pass.plan).sort()).toEqual([`delete igw#${extraIgw}`, `delete vpc#${extraVpc}`]);
    const extraStep = pass.plan.steps.find((s) => s.logicalId === `vpc#${extraVpc}`);
    expect(extraStep?.action).toMatchObject({
      reason: `duplicate of ${originalVpc} (made by a lost response)`,
    });
    expect((await vpcsTagged(stack)).map((v) => v.id)).toEqual([originalVpc]);
    expect((await igwsTagged(stack)).map((g) => g.id)).toEqual([originalIgw]);

    const next = await planPass(input());
    expect(changes(next.plan)).toEqual([]);
  });
});
