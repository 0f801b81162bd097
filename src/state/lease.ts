/**
 * Per-stack leases with fencing tokens, on DynamoDB conditional writes only (awslabs lock-client
 * semantics plus a monotonic fence; reconciler-anchors P22).
 *
 * The lease item (`LEASE#<project>#<stack>` / `LEASE`) holds:
 * - `owner`: who holds it; removed on release;
 * - `fence`: a counter incremented by every acquisition, never reset: the fencing token every journal
 *   and status write is conditioned on;
 * - `rvn`: record version number, a fresh random value on every acquire and renew, so an observer can
 *   tell a live heartbeat from a stuck one without comparing clocks;
 * - `leaseExpiresAtMs`, `durationMs`, `acquiredAt`, `renewedAt`.
 *
 * Expiry compares the acquirer's clock with the holder's, so skew can let two processes both believe
 * they hold a lease for a moment; the fence makes that harmless, because only the newest fence can write.
 * The item never carries the table's TTL attribute: deleting it would reset the fence.
 *
 * @module
 */
import { randomUUID } from 'node:crypto';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  documentClient,
  failedItemAttribute,
  failedItemExists,
  isConditionalCheckFailed,
  iso,
  storeError,
} from './client.js';
import { LeaseLostError } from './errors.js';
import { leaseKey } from './keys.js';
import type { Clock, LeaseFence, StackRef } from './types.js';

/** How long a lease lasts without renewal (awslabs default). */
export const DEFAULT_LEASE_MS = 20_000;
/** How often a holder renews: at most a quarter of the lease, so three heartbeats may fail first. */
export const DEFAULT_HEARTBEAT_MS = 5_000;

/** A held lease. Pass it to `renewLease`, `releaseLease`, `Journal` and `writeStatus`. */
export interface Lease extends LeaseFence, StackRef {
  /** Record version number written by the last acquire or renew. */
  readonly rvn: string;
  readonly durationMs: number;
  /** When the lease lapses unless renewed, by the holder's clock. */
  readonly expiresAtMs: number;
  /** The clock used to acquire it; renewals use it too. */
  readonly now: Clock;
}

/** Options for {@link acquireLease}. */
export interface AcquireLeaseOptions extends StackRef {
  /** Stable, unique id of this process (e.g. `hostname:pid:uuid`). */
  readonly owner: string;
  /** @default DEFAULT_LEASE_MS */
  readonly durationMs?: number;
  /** @default Date.now */
  readonly now?: Clock;
}

const NAMES = {
  '#owner': 'owner',
  '#fence': 'fence',
  '#rvn': 'rvn',
  '#exp': 'leaseExpiresAtMs',
  '#dur': 'durationMs',
  '#acq': 'acquiredAt',
  '#ren': 'renewedAt',
  '#project': 'project',
  '#stack': 'stack',
} as const;

interface LeaseItem {
  readonly owner?: string;
  readonly fence?: number;
  readonly rvn?: string;
  readonly leaseExpiresAtMs?: number;
}

/**
 * Takes the lease when it is free, expired, or already ours, and bumps its fence. Returns undefined
 * when someone else holds a live lease.
 *
 * Re-acquiring a lease we already hold still yields a new fence, so writers bound to the old
 * acquisition are cut off: one acquisition, one fence.
 *
 * @example
 * const lease = await acquireLease({ client: clients.dynamodb, table, project, stack, owner: processId });
 * if (!lease) return; // another replica is on it
 */
export async function acquireLease(options: AcquireLeaseOptions): Promise<Lease | undefined> {
  const now = options.now ?? Date.now;
  const durationMs = options.durationMs ?? DEFAULT_LEASE_MS;
  const t = now();
  const rvn = randomUUID();
  try {
    const out = await documentClient(options.client).send(
      new UpdateCommand({
        TableName: options.table,
        Key: leaseKey(options.project, options.stack),
        UpdateExpression:
          'SET #owner = :owner, #rvn = :rvn, #exp = :exp, #dur = :dur, #acq = :at, #ren = :at, #project = :project, #stack = :stack ADD #fence :one',
        ConditionExpression: 'attribute_not_exists(#owner) OR #exp <= :now OR #owner = :owner',
        ExpressionAttributeNames: NAMES,
        ExpressionAttributeValues: {
          ':owner': options.owner,
          ':rvn': rvn,
          ':exp': t + durationMs,
          ':dur': durationMs,
          ':at': iso(t),
          ':now': t,
          ':one': 1,
          ':project': options.project,
          ':stack': options.stack,
        },
        ReturnValues: 'ALL_NEW',
      }),
    );
    const item = (out.Attributes ?? {}) as LeaseItem;
    return {
      client: options.client,
      table: options.table,
      project: options.project,
      stack: options.stack,
      owner: options.owner,
      fence: item.fence ?? 0,
      rvn,
      durationMs,
      expiresAtMs: t + durationMs,
      now,
    };
  } catch (err) {
    if (isConditionalCheckFailed(err)) return undefined;
    throw storeError('UpdateItem', err, `acquire lease ${options.project}/${options.stack}`);
  }
}

function lostDetail(err: unknown): string {
  if (!failedItemExists(err)) return 'the lease item is gone';
  const owner = failedItemAttribute(err, 'owner');
  const fence = failedItemAttribute(err, 'fence') ?? '?';
  return owner === undefined
    ? `it was released (fence ${fence})`
    : `now held by ${owner} with fence ${fence}`;
}

/**
 * Extends a held lease by its duration and writes a new record version.
 *
 * @throws LeaseLostError when another owner acquired it (the fence moved) or it was released
 */
export async function renewLease(lease: Lease): Promise<Lease> {
  const t = lease.now();
  const rvn = randomUUID();
  try {
    await documentClient(lease.client).send(
      new UpdateCommand({
        TableName: lease.table,
        Key: leaseKey(lease.project, lease.stack),
        UpdateExpression: 'SET #rvn = :rvn, #exp = :exp, #ren = :at',
        ConditionExpression: '#owner = :owner AND #fence = :fence',
        ExpressionAttributeNames: {
          '#owner': 'owner',
          '#fence': 'fence',
          '#rvn': 'rvn',
          '#exp': NAMES['#exp'],
          '#ren': NAMES['#ren'],
        },
        ExpressionAttributeValues: {
          ':owner': lease.owner,
          ':fence': lease.fence,
          ':rvn': rvn,
          ':exp': t + lease.durationMs,
          ':at': iso(t),
        },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    return { ...lease, rvn, expiresAtMs: t + lease.durationMs };
  } catch (err) {
    if (isConditionalCheckFailed(err)) {
      throw new LeaseLostError(lease.project, lease.stack, lease.fence, lostDetail(err), { cause: err });
    }
    throw storeError('UpdateItem', err, `renew lease ${lease.project}/${lease.stack}`);
  }
}

/**
 * Gives the lease up so another replica can take it at once instead of waiting for expiry. The fence
 * stays, so the next acquisition still gets a higher one.
 *
 * @returns false when the lease was no longer ours (nothing to release)
 */
export async function releaseLease(lease: Lease): Promise<boolean> {
  try {
    await documentClient(lease.client).send(
      new UpdateCommand({
        TableName: lease.table,
        Key: leaseKey(lease.project, lease.stack),
        UpdateExpression: 'SET #exp = :zero, #rvn = :rvn REMOVE #owner',
        ConditionExpression: '#owner = :owner AND #fence = :fence',
        ExpressionAttributeNames: {
          '#owner': 'owner',
          '#fence': 'fence',
          '#rvn': 'rvn',
          '#exp': NAMES['#exp'],
        },
        ExpressionAttributeValues: {
          ':owner': lease.owner,
          ':fence': lease.fence,
          ':zero': 0,
          ':rvn': randomUUID(),
        },
      }),
    );
    return true;
  } catch (err) {
    if (isConditionalCheckFailed(err)) return false;
    throw storeError('UpdateItem', err, `release lease ${lease.project}/${lease.stack}`);
  }
}

/** The lease item as stored, for status pages and tests; undefined when never acquired. */
export interface LeaseRecord {
  readonly owner: string | undefined;
  readonly fence: number;
  readonly rvn: string | undefined;
  readonly expiresAtMs: number;
}

/** Reads a stack's lease item (strongly consistent). */
export async function readLease(target: StackRef): Promise<LeaseRecord | undefined> {
  try {
    const out = await documentClient(target.client).send(
      new GetCommand({
        TableName: target.table,
        Key: leaseKey(target.project, target.stack),
        ConsistentRead: true,
      }),
    );
    if (!out.Item) return undefined;
    const item = out.Item as LeaseItem;
    return {
      owner: item.owner,
      fence: item.fence ?? 0,
      rvn: item.rvn,
      expiresAtMs: item.leaseExpiresAtMs ?? 0,
    };
  } catch (err) {
    throw storeError('GetItem', err, `read lease ${target.project}/${target.stack}`);
  }
}
