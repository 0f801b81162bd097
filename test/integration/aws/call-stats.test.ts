import { CreateVpcCommand, DescribeVpcsCommand } from '@aws-sdk/client-ec2';
import { CreateClusterCommand, DescribeServicesCommand, ListClustersCommand } from '@aws-sdk/client-ecs';
import { GetParameterCommand, PutParameterCommand } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CallStats, formatStatsTable } from '../../../src/aws/call-stats.js';
import { createAwsClients } from '../../../src/aws/clients.js';
import type { AwsClients } from '../../../src/aws/types.js';
import { TEST_REGION } from '../../helpers/aws.js';
import { type MotoServer, startMoto } from '../../helpers/moto.js';

let moto: MotoServer;

beforeAll(async () => {
  moto = await startMoto();
});

afterAll(async () => {
  await moto.stop();
});

function clientsWith(stats: CallStats): AwsClients {
  return createAwsClients({
    region: TEST_REGION,
    endpoint: moto.endpoint,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    maxAttempts: 2,
    stats,
  });
}

describe('createAwsClients({ stats }) against moto', () => {
  it('counts every logical call by service and operation, read vs mutate, with errors', async () => {
    const stats = new CallStats();
    const clients = clientsWith(stats);

    const vpc = await clients.ec2.send(new CreateVpcCommand({ CidrBlock: '10.42.0.0/16' }));
    const described = await clients.ec2.send(
      new DescribeVpcsCommand({ VpcIds: [vpc.Vpc?.VpcId ?? 'missing'] }),
    );
    await clients.ecs.send(
      new CreateClusterCommand({
        clusterName: 'stats-demo',
        tags: [{ key: 'stackctl:project', value: 'p' }],
      }),
    );
    const listed = await clients.ecs.send(new ListClustersCommand({}));
    await clients.ecs.send(new ListClustersCommand({}));
    const missing = await clients.ecs.send(
      new DescribeServicesCommand({ cluster: 'stats-demo', services: ['nope'] }),
    );
    await clients.ssm.send(new PutParameterCommand({ Name: '/stats/demo', Value: 'v', Type: 'String' }));
    await clients.ssm.send(new GetParameterCommand({ Name: '/stats/demo' }));
    await expect(clients.ssm.send(new GetParameterCommand({ Name: '/stats/absent' }))).rejects.toMatchObject({
      name: 'ParameterNotFound',
    });

    // The calls really happened: the VPC and cluster exist, the missing service came back as a failure.
    expect(described.Vpcs?.[0]?.CidrBlock).toBe('10.42.0.0/16');
    expect(listed.clusterArns?.some((a) => a.endsWith('/stats-demo'))).toBe(true);
    expect(missing.failures?.[0]?.reason).toBe('MISSING');

    expect(stats.snapshot()).toEqual([
      {
        service: 'ec2',
        operation: 'CreateVpc',
        kind: 'mutate',
        count: 1,
        errors: 0,
        attempts: 1,
        throttles: 0,
      },
      {
        service: 'ec2',
        operation: 'DescribeVpcs',
        kind: 'read',
        count: 1,
        errors: 0,
        attempts: 1,
        throttles: 0,
      },
      {
        service: 'ecs',
        operation: 'CreateCluster',
        kind: 'mutate',
        count: 1,
        errors: 0,
        attempts: 1,
        throttles: 0,
      },
      {
        service: 'ecs',
        operation: 'DescribeServices',
        kind: 'read',
        count: 1,
        errors: 0,
        attempts: 1,
        throttles: 0,
      },
      {
        service: 'ecs',
        operation: 'ListClusters',
        kind: 'read',
        count: 2,
        errors: 0,
        attempts: 2,
        throttles: 0,
      },
      {
        service: 'ssm',
        operation: 'GetParameter',
        kind: 'read',
        count: 2,
        errors: 1,
        attempts: 2,
        throttles: 0,
      },
      {
        service: 'ssm',
        operation: 'PutParameter',
        kind: 'mutate',
        count: 1,
        errors: 0,
        attempts: 1,
        throttles: 0,
      },
    ]);
    expect(stats.totals()).toEqual({ calls: 9, reads: 6, mutates: 3, errors: 1, attempts: 9, throttles: 0 });
    expect(stats.byService().map((s) => [s.service, s.reads, s.mutates])).toEqual([
      ['ec2', 1, 1],
      ['ecs', 3, 1],
      ['ssm', 2, 1],
    ]);
    expect(formatStatsTable(stats.snapshot())).toContain('total    6 reads, 3 mutations');
  });

  it('counts nothing on a bundle created without stats, and keeps bundles apart', async () => {
    const stats = new CallStats();
    const counted = clientsWith(stats);
    const uncounted = createAwsClients({
      region: TEST_REGION,
      endpoint: moto.endpoint,
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    });
    await uncounted.ecs.send(new ListClustersCommand({}));
    await counted.ecs.send(new ListClustersCommand({}));
    expect(stats.totals()).toMatchObject({ calls: 1, reads: 1, mutates: 0 });
  });
});
