/**
 * Shared setup of the state-store integration tests: one moto server per file, a fresh table per suite.
 *
 * @module
 */
import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import type { AwsClients } from '../../../src/aws/types.js';
import { ensureStateTable } from '../../../src/state/table.js';
import type { StackRef } from '../../../src/state/types.js';
import { motoClients } from '../../helpers/aws.js';
import { type MotoServer, startMoto } from '../../helpers/moto.js';

/** A running moto with clients and a counter for unique table names. */
export interface StateFixture {
  readonly moto: MotoServer;
  readonly clients: AwsClients;
  /** Creates a fresh state table and returns a stack reference into it. */
  freshStack(project?: string, stack?: string): Promise<StackRef>;
  /** The raw item at `key`, straight from DynamoDB (no store code involved). */
  rawItem(table: string, pk: string, sk: string): Promise<Record<string, unknown> | undefined>;
}

let tableCounter = 0;

export async function startStateFixture(): Promise<StateFixture> {
  const moto = await startMoto();
  const clients = motoClients(moto.endpoint);
  return {
    moto,
    clients,
    async freshStack(project = 'shop', stack = 'prod') {
      tableCounter += 1;
      const table = `state-test-${tableCounter}`;
      await ensureStateTable(clients.dynamodb, table);
      return { client: clients.dynamodb, table, project, stack };
    },
    async rawItem(table, pk, sk) {
      const out = await clients.dynamodb.send(
        new GetItemCommand({ TableName: table, Key: { pk: { S: pk }, sk: { S: sk } }, ConsistentRead: true }),
      );
      return out.Item;
    },
  };
}
