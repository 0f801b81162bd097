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
/**
 * A table younger than this also gets its TTL checked (DescribeTimeToLive, UpdateTimeToLive when off).
 * TTL can only be enabled once the table is ACTIVE, so a creator killed between CreateTable and
 * UpdateTimeToLive leaves a table without it; any pass within this window finishes the job. An older
 * table had its TTL settled long ago: checking it on every pass cost a read on every pass's critical
 * path (issue 11), for events that would at worst not expire.
 */
export const TTL_SETTLE_WINDOW_MS = 60 * 60 * 1000;

/**
 * Tables this process already confirmed ready, per client: a table does not stop being a stackctl
 * table between passes, so the operator's resyncs (which reuse their clients) skip the check entirely.
 * Keyed by client so a test's fresh moto and its fresh clients never see a stale answer.
 */
const confirmedTables = new WeakMap<DynamoDBClient, Set<string>>();

/** Options for {@link ensureStateTable}. */
export interface EnsureStateTableOptions {
  /** @default TABLE_ACTIVE_TIMEOUT_MS */
  readonly timeoutMs?: number;
  /** @default TABLE_POLL_MS */
  readonly pollMs?: number;
  /** Injected wait, for tests. @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
  /** The clock that dates the table against {@link TTL_SETTLE_WINDOW_MS}. @default Date.now */
  readonly now?: () => number;
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

/**
 * Creates the table; returns what CreateTable answered, or undefined when another process created it
 * first (DynamoDB's ResourceInUse: fine, it is waited for like our own).
 */
async function create(client: DynamoDBClient, tableName: string): Promise<TableDescription | undefined> {
  try {
    const out = await client.send(
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
    return out.TableDescription ?? {};
  } catch (err) {
    if (isAlreadyExists(err)) return undefined;
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

/** Enables TTL; `known: 'off'` when this process just created the table (TTL is off on a new table). */
async function ensureTtl(client: DynamoDBClient, tableName: string, known?: 'off'): Promise<void> {
  try {
    if (known !== 'off') {
      const out = await client.send(new DescribeTimeToLiveCommand({ TableName: tableName }));
      const ttl = out.TimeToLiveDescription;
      const on = ttl?.TimeToLiveStatus === 'ENABLED' || ttl?.TimeToLiveStatus === 'ENABLING';
      if (on && ttl?.AttributeName === TTL_ATTRIBUTE) return;
      if (on) {
        throw new StateTableError(
          `table ${tableName} has TTL on "${ttl?.AttributeName}", but stackctl expires events through "${TTL_ATTRIBUTE}".`,
        );
      }
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
 * Idempotent and safe to race. The common case, an existing settled table, costs one DescribeTable, and
 * nothing at all once this process (this client) confirmed the table; first use costs DescribeTable,
 * CreateTable (its answer stands in for a describe when already ACTIVE) and UpdateTimeToLive. TTL is checked when this call
 * created the table, found it still being created, or found it younger than {@link TTL_SETTLE_WINDOW_MS};
 * two processes creating it at once both succeed.
 *
 * @example
 * await ensureStateTable(clients.dynamodb, DEFAULT_TABLE_NAME);
 */
export async function ensureStateTable(
  client: DynamoDBClient,
  tableName: string,
  options: EnsureStateTableOptions = {},
): Promise<void> {
  if (confirmedTables.get(client)?.has(tableName)) return;
  const timeoutMs = options.timeoutMs ?? TABLE_ACTIVE_TIMEOUT_MS;
  const pollMs = options.pollMs ?? TABLE_POLL_MS;
  const sleep = options.sleep ?? ((ms: number) => abortableSleep(ms));
  const now = options.now ?? Date.now;

  let table = await describe(client, tableName);
  let settled = isReady(table);
  let createdHere = false;
  if (!table) {
    const answer = await create(client, tableName);
    createdHere = answer !== undefined;
    // CreateTable answers with the new table (ACTIVE at once on moto): no need to describe it again.
    table = isReady(answer) ? answer : await describe(client, tableName);
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
  const created = table?.CreationDateTime?.getTime();
  if (created === undefined || now() - created < TTL_SETTLE_WINDOW_MS) settled = false;
  if (!settled) await ensureTtl(client, tableName, createdHere ? 'off' : undefined);
  const confirmed = confirmedTables.get(client) ?? new Set<string>();
  confirmed.add(tableName);
  confirmedTables.set(client, confirmed);
}
