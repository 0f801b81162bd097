import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CallStats } from '../../../src/aws/call-stats.js';
import { attachCallStatsToClient } from '../../../src/aws/call-stats-middleware.js';
import { StateTableError } from '../../../src/state/errors.js';
import { DEFAULT_TABLE_NAME } from '../../../src/state/keys.js';
import { ensureStateTable } from '../../../src/state/table.js';
import { motoClients } from '../../helpers/aws.js';
import { type MotoServer, startMoto } from '../../helpers/moto.js';

let moto: MotoServer;

beforeAll(async () => {
  moto = await startMoto();
});

afterAll(async () => {
  await moto.stop();
});

describe('ensureStateTable', () => {
  it('creates the table with keys, the specs index, on-demand billing and TTL', async () => {
    const { dynamodb } = motoClients(moto.endpoint);
    await ensureStateTable(dynamodb, DEFAULT_TABLE_NAME);

    const { Table } = await dynamodb.send(new DescribeTableCommand({ TableName: DEFAULT_TABLE_NAME }));
    expect(Table?.TableStatus).toBe('ACTIVE');
    expect(Table?.KeySchema).toEqual([
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ]);
    expect(Table?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
    expect(
      Table?.GlobalSecondaryIndexes?.map((i) => [i.IndexName, i.KeySchema?.map((k) => k.AttributeName)]),
    ).toEqual([['specs', ['specsPk', 'specsSk']]]);
    const ttl = await dynamodb.send(new DescribeTimeToLiveCommand({ TableName: DEFAULT_TABLE_NAME }));
    expect(ttl.TimeToLiveDescription).toMatchObject({
      TimeToLiveStatus: 'ENABLED',
      AttributeName: 'expiresAt',
    });
  });

  // Issue 11: the table is checked, not re-created, each pass; TTL only while the table is young.
  it.each([
    {
      reason: 'another process, table settled (older than the TTL window): one DescribeTable',
      later: 2 * 60 * 60 * 1000,
      expected: ['DescribeTable'],
    },
    {
      reason:
        'another process, table just created: TTL checked too, in case its creator died before enabling it',
      later: 0,
      expected: ['DescribeTable', 'DescribeTimeToLive'],
    },
  ])('is idempotent and only reads on a ready table: $reason', async ({ later, expected }) => {
    const table = `state-idempotent-${later}`;
    await ensureStateTable(motoClients(moto.endpoint).dynamodb, table);
    const stats = new CallStats();
    const { dynamodb } = motoClients(moto.endpoint);
    attachCallStatsToClient(dynamodb, stats, 'dynamodb');

    await ensureStateTable(dynamodb, table, { now: () => Date.now() + later });

    expect(stats.totals()).toMatchObject({ mutates: 0, errors: 0 });
    expect(stats.snapshot().map((r) => r.operation)).toEqual(expected);
  });

  it('makes no call at all once this process (this client) confirmed the table', async () => {
    const stats = new CallStats();
    const { dynamodb } = motoClients(moto.endpoint);
    attachCallStatsToClient(dynamodb, stats, 'dynamodb');
    await ensureStateTable(dynamodb, 'state-confirmed');
    stats.reset();

    await ensureStateTable(dynamodb, 'state-confirmed');

    expect(stats.totals().calls).toBe(0);
    const { Table } = await dynamodb.send(new DescribeTableCommand({ TableName: 'state-confirmed' }));
    expect(Table?.TableStatus).toBe('ACTIVE');
  });

  it('tolerates two processes creating the same table at once', async () => {
    const a = motoClients(moto.endpoint).dynamodb;
    const b = motoClients(moto.endpoint).dynamodb;
    await Promise.all([ensureStateTable(a, 'state-race'), ensureStateTable(b, 'state-race')]);
    const { Table } = await a.send(new DescribeTableCommand({ TableName: 'state-race' }));
    expect(Table?.TableStatus).toBe('ACTIVE');
  });

  it('refuses a same-named table with another schema, leaving it alone', async () => {
    const { dynamodb } = motoClients(moto.endpoint);
    await dynamodb.send(
      new CreateTableCommand({
        TableName: 'not-ours',
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
        KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      }),
    );
    await expect(ensureStateTable(dynamodb, 'not-ours')).rejects.toBeInstanceOf(StateTableError);
    const ttl = await dynamodb.send(new DescribeTimeToLiveCommand({ TableName: 'not-ours' }));
    expect(ttl.TimeToLiveDescription?.TimeToLiveStatus).toBe('DISABLED');
  });
});
