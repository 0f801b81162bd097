/**
 * No blind resend, against a real moto server: a lost response (the server acted, the client saw a
 * reset) on a call AWS cannot deduplicate ends the call with an {@link AmbiguousOutcomeError} and leaves
 * exactly one new resource, counted by raw describe calls; a lost response on a call AWS deduplicates by
 * name is resent by the SDK and answered "already exists", so the guard sits only where it is needed.
 *
 * The loss is the fault suite's own hook (`attachRandomFaults` with `loseResponse`), armed on a fresh
 * client bundle per case: the first call of the named operation is carried out by moto, then fails.
 * Each case also checks that the loss was really injected, so no case can pass without its fault.
 */

import { CreateLogGroupCommand, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import {
  AllocateAddressCommand,
  AttachInternetGatewayCommand,
  CreateDhcpOptionsCommand,
  CreateInternetGatewayCommand,
  CreateRouteTableCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DescribeAddressesCommand,
  DescribeDhcpOptionsCommand,
  DescribeInternetGatewaysCommand,
  DescribeRouteTablesCommand,
  DescribeSubnetsCommand,
  DescribeVpcsCommand,
  type Filter,
} from '@aws-sdk/client-ec2';
import { ListTaskDefinitionsCommand, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import { CreateRoleCommand, GetRoleCommand } from '@aws-sdk/client-iam';
import { GetParameterCommand, PutParameterCommand } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AMBIGUOUS_OUTCOME_CODE, AmbiguousOutcomeError } from '../../../src/aws/ambiguous-outcome.js';
import { isAmbiguousFailure, NO_BLIND_RESEND } from '../../../src/aws/no-blind-resend.js';
import { attachRandomFaults, faultError } from '../../../src/aws/random-faults.js';
import type { AwsClients } from '../../../src/aws/types.js';
import { motoClients } from '../../helpers/aws.js';
import { type MotoServer, startMoto } from '../../helpers/moto.js';

let moto: MotoServer;
/** Clients without any fault: set-up and counting. */
let plain: AwsClients;
let vpcId: string;

beforeAll(async () => {
  moto = await startMoto();
  plain = motoClients(moto.endpoint);
  const vpc = await plain.ec2.send(new CreateVpcCommand({ CidrBlock: '10.60.0.0/16' }));
  vpcId = vpc.Vpc?.VpcId ?? '';
});

afterAll(async () => {
  await moto?.stop();
});

/** A fresh bundle whose first call of `operation` (`service:Operation`) loses its response; and its tally. */
function losing(operation: string): { clients: AwsClients; lost: () => number } {
  const clients = motoClients(moto.endpoint);
  const service = operation.split(':')[0] ?? '';
  const tally = attachRandomFaults(clients, {
    rate: 0,
    seed: 1,
    kinds: [],
    loseResponse: [operation],
    services: [service],
  });
  return { clients, lost: () => tally.injected.lost };
}

/** A tag no other case uses, so a count sees this case's resources only. */
function caseTag(reason: string): { Key: string; Value: string } {
  return { Key: 'stackctl:test-case', Value: reason.replace(/\W+/g, '-') };
}
const tagFilter = (tag: { Key: string; Value: string }): Filter[] => [
  { Name: `tag:${tag.Key}`, Values: [tag.Value] },
];

interface GuardedCase {
  readonly reason: string;
  readonly operation: string;
  /** Makes the call once with the case's tag (or name). */
  readonly call: (clients: AwsClients, tag: { Key: string; Value: string }) => Promise<unknown>;
  /** How many resources the case's call left, by raw describe calls. */
  readonly count: (tag: { Key: string; Value: string }) => Promise<number>;
}

const GUARDED: readonly GuardedCase[] = [
  {
    reason: 'a resent CreateVpc makes a second VPC (issue 10)',
    operation: 'ec2:CreateVpc',
    call: (c, tag) =>
      c.ec2.send(
        new CreateVpcCommand({
          CidrBlock: '10.61.0.0/16',
          TagSpecifications: [{ ResourceType: 'vpc', Tags: [tag] }],
        }),
      ),
    count: async (tag) =>
      (await plain.ec2.send(new DescribeVpcsCommand({ Filters: tagFilter(tag) }))).Vpcs?.length ?? 0,
  },
  {
    reason: 'a resent CreateSubnet makes a second subnet (or fails on the CIDR the first one took)',
    operation: 'ec2:CreateSubnet',
    call: (c, tag) =>
      c.ec2.send(
        new CreateSubnetCommand({
          VpcId: vpcId,
          CidrBlock: '10.60.1.0/24',
          TagSpecifications: [{ ResourceType: 'subnet', Tags: [tag] }],
        }),
      ),
    count: async (tag) =>
      (await plain.ec2.send(new DescribeSubnetsCommand({ Filters: tagFilter(tag) }))).Subnets?.length ?? 0,
  },
  {
    reason: 'a resent CreateInternetGateway makes a second gateway',
    operation: 'ec2:CreateInternetGateway',
    call: (c, tag) =>
      c.ec2.send(
        new CreateInternetGatewayCommand({
          TagSpecifications: [{ ResourceType: 'internet-gateway', Tags: [tag] }],
        }),
      ),
    count: async (tag) =>
      (await plain.ec2.send(new DescribeInternetGatewaysCommand({ Filters: tagFilter(tag) })))
        .InternetGateways?.length ?? 0,
  },
  {
    reason: 'a resent CreateRouteTable makes a second table',
    operation: 'ec2:CreateRouteTable',
    call: (c, tag) =>
      c.ec2.send(
        new CreateRouteTableCommand({
          VpcId: vpcId,
          TagSpecifications: [{ ResourceType: 'route-table', Tags: [tag] }],
        }),
      ),
    count: async (tag) =>
      (await plain.ec2.send(new DescribeRouteTablesCommand({ Filters: tagFilter(tag) }))).RouteTables
        ?.length ?? 0,
  },
  {
    reason: 'a resent CreateDhcpOptions makes a second option set',
    operation: 'ec2:CreateDhcpOptions',
    // moto drops TagSpecifications on option sets: the case's set is told apart by its domain name.
    call: (c, tag) =>
      c.ec2.send(
        new CreateDhcpOptionsCommand({
          DhcpConfigurations: [
            { Key: 'domain-name', Values: [`${tag.Value}.internal`] },
            { Key: 'domain-name-servers', Values: ['AmazonProvidedDNS'] },
          ],
        }),
      ),
    count: async (tag) =>
      ((await plain.ec2.send(new DescribeDhcpOptionsCommand({}))).DhcpOptions ?? []).filter((d) =>
        (d.DhcpConfigurations ?? []).some(
          (c) => c.Key === 'domain-name' && c.Values?.[0]?.Value === `${tag.Value}.internal`,
        ),
      ).length,
  },
  {
    reason: 'a resent AllocateAddress allocates (and bills) a second Elastic IP',
    operation: 'ec2:AllocateAddress',
    call: (c, tag) =>
      c.ec2.send(
        new AllocateAddressCommand({
          Domain: 'vpc',
          TagSpecifications: [{ ResourceType: 'elastic-ip', Tags: [tag] }],
        }),
      ),
    count: async (tag) =>
      (await plain.ec2.send(new DescribeAddressesCommand({ Filters: tagFilter(tag) }))).Addresses?.length ??
      0,
  },
  {
    reason: 'a resent AttachInternetGateway fails on the attachment the first request made',
    operation: 'ec2:AttachInternetGateway',
    call: async (c, tag) => {
      const igw = await plain.ec2.send(
        new CreateInternetGatewayCommand({
          TagSpecifications: [{ ResourceType: 'internet-gateway', Tags: [tag] }],
        }),
      );
      const attachTo = await plain.ec2.send(new CreateVpcCommand({ CidrBlock: '10.62.0.0/16' }));
      return c.ec2.send(
        new AttachInternetGatewayCommand({
          InternetGatewayId: igw.InternetGateway?.InternetGatewayId,
          VpcId: attachTo.Vpc?.VpcId,
        }),
      );
    },
    count: async (tag) => {
      const out = await plain.ec2.send(new DescribeInternetGatewaysCommand({ Filters: tagFilter(tag) }));
      return (out.InternetGateways ?? []).flatMap((g) => g.Attachments ?? []).length;
    },
  },
  {
    reason: 'a resent RegisterTaskDefinition adds a second ACTIVE revision (issue 10)',
    operation: 'ecs:RegisterTaskDefinition',
    call: (c, tag) =>
      c.ecs.send(
        new RegisterTaskDefinitionCommand({
          family: tag.Value,
          containerDefinitions: [{ name: 'web', image: 'nginx:1.27-alpine', memory: 128 }],
        }),
      ),
    count: async (tag) =>
      (await plain.ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: tag.Value, status: 'ACTIVE' })))
        .taskDefinitionArns?.length ?? 0,
  },
];

describe('a lost response on a call AWS cannot deduplicate', () => {
  it.each(GUARDED)(
    'is not resent: one resource, AmbiguousOutcomeError naming the call ($reason)',
    async ({ reason, operation, call, count }) => {
      expect(NO_BLIND_RESEND.has(operation)).toBe(true);
      const tag = caseTag(reason);
      const { clients, lost } = losing(operation);
      const err = await call(clients, tag).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(lost()).toBe(1);
      expect(err).toBeInstanceOf(AmbiguousOutcomeError);
      expect(err).toMatchObject({
        code: AMBIGUOUS_OUTCOME_CODE,
        service: operation.split(':')[0],
        operation: operation.split(':')[1],
      });
      expect((err as Error).message).toContain(operation);
      expect(await count(tag)).toBe(1);
    },
  );
});

interface ResentCase {
  readonly reason: string;
  readonly operation: string;
  readonly call: (clients: AwsClients, name: string) => Promise<unknown>;
  /** AWS's "already exists" answer to the resend. */
  readonly alreadyExists: string;
  readonly count: (name: string) => Promise<number>;
}

const RESENT: readonly ResentCase[] = [
  {
    reason: 'log group names are unique in an account and region',
    operation: 'logs:CreateLogGroup',
    call: (c, name) => c.logs.send(new CreateLogGroupCommand({ logGroupName: `/lost/${name}` })),
    alreadyExists: 'ResourceAlreadyExistsException',
    count: async (name) =>
      (
        await plain.logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: `/lost/${name}` }))
      ).logGroups?.filter((g) => g.logGroupName === `/lost/${name}`).length ?? 0,
  },
  {
    reason: 'role names are unique in an account',
    operation: 'iam:CreateRole',
    call: (c, name) =>
      c.iam.send(
        new CreateRoleCommand({
          RoleName: name,
          AssumeRolePolicyDocument: JSON.stringify({
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Principal: { Service: 'ecs-tasks.amazonaws.com' },
                Action: 'sts:AssumeRole',
              },
            ],
          }),
        }),
      ),
    alreadyExists: 'EntityAlreadyExistsException',
    count: async (name) =>
      (await plain.iam.send(new GetRoleCommand({ RoleName: name }))).Role?.RoleName === name ? 1 : 0,
  },
  {
    reason: 'parameter names are unique (a create without Overwrite)',
    operation: 'ssm:PutParameter',
    call: (c, name) =>
      c.ssm.send(new PutParameterCommand({ Name: `/lost/${name}`, Value: 'v', Type: 'String' })),
    alreadyExists: 'ParameterAlreadyExists',
    count: async (name) =>
      (await plain.ssm.send(new GetParameterCommand({ Name: `/lost/${name}` }))).Parameter?.Version === 1
        ? 1
        : 0,
  },
];

describe('a lost response on a call AWS deduplicates by name', () => {
  it.each(RESENT)(
    'is resent by the SDK and answered "already exists" ($reason)',
    async ({ reason, operation, call, alreadyExists, count }) => {
      expect(NO_BLIND_RESEND.has(operation)).toBe(false);
      const name = caseTag(reason).Value.slice(0, 60);
      const { clients, lost } = losing(operation);
      const err = await call(clients, name).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(lost()).toBe(1);
      expect(err).not.toBeInstanceOf(AmbiguousOutcomeError);
      expect((err as Error | undefined)?.name).toBe(alreadyExists);
      expect(await count(name)).toBe(1);
    },
  );
});

describe('isAmbiguousFailure: whether a failed attempt may have been carried out', () => {
  it.each([
    {
      reason: 'EC2 throttles with 503 RequestLimitExceeded: a definite "not done"',
      err: faultError('throttle', 'ec2'),
      ambiguous: false,
    },
    {
      reason: 'a 400 throttle is a definite "not done"',
      err: faultError('throttle', 'ecs'),
      ambiguous: false,
    },
    { reason: 'a 500 may come after the server acted', err: faultError('500', 'ec2'), ambiguous: true },
    {
      reason: 'a 503 that is no throttle may come after the server acted',
      err: faultError('503', 'ecs'),
      ambiguous: true,
    },
    {
      reason: 'a 4xx is a definite answer',
      err: Object.assign(new Error('bad'), {
        name: 'InvalidParameterValue',
        $metadata: { httpStatusCode: 400 },
      }),
      ambiguous: false,
    },
    {
      reason: 'a conflict (409) is a definite answer',
      err: Object.assign(new Error('in use'), { name: 'ResourceInUse', $metadata: { httpStatusCode: 409 } }),
      ambiguous: false,
    },
    { reason: 'a reset leaves no answer at all', err: faultError('reset', 'ec2'), ambiguous: true },
    {
      reason: 'a request timeout leaves no answer at all',
      err: Object.assign(new Error('Request timed out'), { name: 'TimeoutError', code: 'ETIMEDOUT' }),
      ambiguous: true,
    },
    { reason: 'not an error object', err: 'boom', ambiguous: false },
  ])('$ambiguous for $reason', ({ err, ambiguous }) => {
    expect(isAmbiguousFailure(err)).toBe(ambiguous);
  });
});
