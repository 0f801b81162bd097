import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  ResourceNotFoundException,
  type TableDescription,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { StateTableError } from '../../../src/state/errors.js';
import { ensureStateTable } from '../../../src/state/table.js';

// moto creates tables ACTIVE at once; the CREATING → ACTIVE wait and its timeout need a mock.
const ddb = mockClient(DynamoDBClient);

afterEach(() => {
  ddb.reset();
});

function table(
  status: TableDescription['TableStatus'],
  indexStatus: 'CREATING' | 'ACTIVE' = 'ACTIVE',
): TableDescription {
  return {
    TableStatus: status,
    KeySchema: [
      { AttributeName: 'pk', KeyType: 'HASH' },
      { AttributeName: 'sk', KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: [{ IndexName: 'specs', IndexStatus: indexStatus }],
  };
}

const notFound = new ResourceNotFoundException({ message: 'Requested resource not found', $metadata: {} });

describe('ensureStateTable (mocked waits)', () => {
  it('waits until the table and its index are ACTIVE, then enables TTL', async () => {
    ddb
      .on(DescribeTableCommand)
      .rejectsOnce(notFound)
      .resolvesOnce({ Table: table('CREATING', 'CREATING') })
      .resolvesOnce({ Table: table('ACTIVE', 'CREATING') })
      .resolves({ Table: table('ACTIVE') });
    ddb.on(CreateTableCommand).resolves({});
    ddb.on(DescribeTimeToLiveCommand).resolves({ TimeToLiveDescription: { TimeToLiveStatus: 'DISABLED' } });
    ddb.on(UpdateTimeToLiveCommand).resolves({});
    const sleeps: number[] = [];

    await ensureStateTable(new DynamoDBClient({}), 'stackctl-state', {
      pollMs: 10,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
    });

    expect(sleeps).toEqual([10, 10]);
    expect(ddb).toHaveReceivedCommandTimes(CreateTableCommand, 1);
    // A table this call created has TTL off: enabled straight away, without reading it first.
    expect(ddb).toHaveReceivedCommandTimes(DescribeTimeToLiveCommand, 0);
    expect(ddb).toHaveReceivedCommandWith(UpdateTimeToLiveCommand, {
      TableName: 'stackctl-state',
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
    });
  });

  it('gives up with a clear error when the table never becomes ACTIVE', async () => {
    ddb.on(DescribeTableCommand).resolves({ Table: table('CREATING') });
    const run = ensureStateTable(new DynamoDBClient({}), 'stuck', {
      pollMs: 10,
      timeoutMs: 30,
      sleep: async () => {},
    });
    await expect(run).rejects.toBeInstanceOf(StateTableError);
    await expect(run).rejects.toThrow(/did not become ACTIVE within/);
    expect(ddb).toHaveReceivedCommandTimes(DescribeTableCommand, 4);
  });

  it('refuses TTL on another attribute', async () => {
    ddb.on(DescribeTableCommand).resolves({ Table: table('ACTIVE') });
    ddb
      .on(DescribeTimeToLiveCommand)
      .resolves({ TimeToLiveDescription: { TimeToLiveStatus: 'ENABLED', AttributeName: 'ttl' } });
    await expect(ensureStateTable(new DynamoDBClient({}), 't')).rejects.toThrow(/TTL on "ttl"/);
    expect(ddb).toHaveReceivedCommandTimes(UpdateTimeToLiveCommand, 0);
  });
});
