/**
 * Creates the state table on first use, so `stackctl` needs no separate install step.
 *
 * Schema (see also `docs/state-table.md`):
 * - key: `pk` (S, partition) + `sk` (S, sort); layout in `keys.ts`;
 * - billing: PAY_PER_REQUEST (a handful of writes per pass; no capacity to plan);
 * - TTL on `expiresAt` (epoch seconds): events expire after a week; nothing else carries it;
 * - sparse GSI `specs` on `specsPk` (S) + `specsSk` (S), projecting ALL: only spec items carry these
 *   attributes, so listing stacks reads specs only, never journals or events.
 *
 * @module
 */
import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  type DynamoDBClient,
  type TableDescription,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { awsErrorCode, isAlreadyExists, isNotFound } from '../aws/errors.js';
import { abortableSleep } from '../aws/retry.js';
import { storeError } from './client.js';
import { StateTableError } from './errors.js';
import { PK, SK, SPECS_INDEX, SPECS_PK, SPECS_SK, TTL_ATTRIBUTE } from './keys.js';

/** How long {@link ensureStateTable} waits for a new table to become ACTIVE (AWS: seconds, moto: at once). */
export const TABLE_ACTIVE_TIMEOUT_MS = 120_000;
/** Poll interval while waiting. */
export const TABLE_POLL_MS = 1_000;

/** Options for {@link ensureStateTable}. */
export interface EnsureStateTableOptions {
  /** @default TABLE_ACTIVE_TIMEOUT_MS */
  readonly timeoutMs?: number;
  /** @default TABLE_POLL_MS */
  readonly pollMs?: number;
  /** Injected wait, for tests. @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
}

async function describe(client: DynamoDBClient, tableName: string): Promise<TableDescription | undefined> {
  try {
    const out = await client.send(new DescribeTableCommand({ TableName: tableName }));
    return out.Table;
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw storeError('DescribeTable', err, `state table ${tableName}`);
  }
}

async function create(client: DynamoDBClient, tableName: string): Promise<void> {
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: PK, AttributeType: 'S' },
          { AttributeName: SK, AttributeType: 'S' },
          { AttributeName: SPECS_PK, AttributeType: 'S' },
          { AttributeName: SPECS_SK, AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: PK, KeyType: 'HASH' },
          { AttributeName: SK, KeyType: 'RANGE' },
        ],
        GlobalSecondaryIndexes: [
          {
            IndexName: SPECS_INDEX,
            KeySchema: [
              { AttributeName: SPECS_PK, KeyType: 'HASH' },
              { AttributeName: SPECS_SK, KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          },
        ],
        Tags: [{ Key: 'stackctl:managed-by', Value: 'stackctl' }],
      }),
    );
  } catch (err) {
    // Another process created it first (DynamoDB's ResourceInUse): fine, wait for it like our own.
    if (isAlreadyExists(err)) return;
    throw storeError('CreateTable', err, `state table ${tableName}`);
  }
}

function isReady(table: TableDescription | undefined): boolean {
  if (table?.TableStatus !== 'ACTIVE') return false;
  return (table.GlobalSecondaryIndexes ?? []).every(
    (i) => i.IndexStatus === undefined || i.IndexStatus === 'ACTIVE',
  );
}

/** Throws unless the table has the key schema and index this store relies on. */
function verifySchema(tableName: string, table: TableDescription): void {
  const keys = (table.KeySchema ?? []).map((k) => `${k.AttributeName}:${k.KeyType}`).sort();
  const index = (table.GlobalSecondaryIndexes ?? []).find((i) => i.IndexName === SPECS_INDEX);
  if (keys.join(',') !== `${PK}:HASH,${SK}:RANGE` || !index) {
    throw new StateTableError(
      `table ${tableName} exists but is not a stackctl state table: it needs key ${PK} (HASH) + ${SK} (RANGE) and the global secondary index "${SPECS_INDEX}" (see docs/state-table.md). Use another table name or recreate it.`,
    );
  }
}

async function ensureTtl(client: DynamoDBClient, tableName: string): Promise<void> {
  try {
    const out = await client.send(new DescribeTimeToLiveCommand({ TableName: tableName }));
    const ttl = out.TimeToLiveDescription;
    const on = ttl?.TimeToLiveStatus === 'ENABLED' || ttl?.TimeToLiveStatus === 'ENABLING';
    if (on && ttl?.AttributeName === TTL_ATTRIBUTE) return;
    if (on) {
      throw new StateTableError(
        `table ${tableName} has TTL on "${ttl?.AttributeName}", but stackctl expires events through "${TTL_ATTRIBUTE}".`,
      );
    }
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: tableName,
        TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
      }),
    );
  } catch (err) {
    if (err instanceof StateTableError) throw err;
    // A concurrent first run enabled it a moment ago.
    if (
      awsErrorCode(err) === 'ValidationException' &&
      /already enabled/i.test(String((err as Error).message))
    )
      return;
    throw storeError('UpdateTimeToLive', err, `state table ${tableName}`);
  }
}

/**
 * Makes sure the state table exists, is ACTIVE, has the expected schema and TTL; creates it otherwise.
 *
 * Idempotent and safe to race: on an existing, ready table it only reads (DescribeTable,
 * DescribeTimeToLive), and two processes creating it at once both succeed.
 *
 * @example
 * await ensureStateTable(clients.dynamodb, DEFAULT_TABLE_NAME);
 */
export async function ensureStateTable(
  client: DynamoDBClient,
  tableName: string,
  options: EnsureStateTableOptions = {},
): Promise<void> {
  const timeoutMs = options.timeoutMs ?? TABLE_ACTIVE_TIMEOUT_MS;
  const pollMs = options.pollMs ?? TABLE_POLL_MS;
  const sleep = options.sleep ?? ((ms: number) => abortableSleep(ms));

  let table = await describe(client, tableName);
  if (!table) {
    await create(client, tableName);
    table = await describe(client, tableName);
  }
  for (let waited = 0; !isReady(table); waited += pollMs) {
    if (waited >= timeoutMs) {
      throw new StateTableError(
        `state table ${tableName} did not become ACTIVE within ${Math.round(timeoutMs / 1000)} s (status ${table?.TableStatus ?? 'missing'}).`,
      );
    }
    await sleep(pollMs);
    table = await describe(client, tableName);
  }
  if (table) verifySchema(tableName, table);
  await ensureTtl(client, tableName);
}
