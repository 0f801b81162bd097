/**
 * The one way the journal and status are written: a two-item transaction whose first item checks the
 * stack's lease still carries the writer's owner and fence.
 *
 * This is what makes a paused ex-leader harmless (ARCHITECTURE "Crash safety" 4; reconciler-anchors §c 7):
 * once another process has acquired the lease, the fence has moved on, the ConditionCheck fails, the
 * whole transaction is cancelled and the stale write changes nothing.
 *
 * @internal
 * @module
 */
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { documentClient, storeError } from './client.js';
import { LeaseLostError } from './errors.js';
import { leaseKey } from './keys.js';
import type { LeaseFence, StackRef } from './types.js';

/** One write of a transaction, in document-client form (Put, Update or Delete). */
export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** Outcome of the item's own condition, when it has one. */
export interface FencedWriteOptions {
  /** Error to throw when the item's own ConditionExpression fails (rather than the fence). */
  readonly onItemConditionFailed?: () => Error;
  /** Operation name for error messages. */
  readonly operation: string;
}

/** The lease condition as a transaction item: `owner = :me AND fence = :myFence`. */
export function fenceCheck(ref: StackRef, lease: LeaseFence): TransactItem {
  return {
    ConditionCheck: {
      TableName: ref.table,
      Key: leaseKey(ref.project, ref.stack),
      ConditionExpression: '#owner = :owner AND #fence = :fence',
      ExpressionAttributeNames: { '#owner': 'owner', '#fence': 'fence' },
      ExpressionAttributeValues: { ':owner': lease.owner, ':fence': lease.fence },
    },
  };
}

function reasonCodes(err: TransactionCanceledException): readonly (string | undefined)[] {
  return (err.CancellationReasons ?? []).map((r) => r.Code);
}

/**
 * Writes `item` only if the caller still holds the lease with `lease.fence`.
 *
 * @throws LeaseLostError when the fence or owner no longer match (nothing was written)
 * @throws the `onItemConditionFailed` error when the item's own condition failed
 * @throws AwsCallError for anything else (throttles and conflicts classify as retryable)
 */
export async function fencedWrite(
  ref: StackRef,
  lease: LeaseFence,
  item: TransactItem,
  options: FencedWriteOptions,
): Promise<void> {
  try {
    await documentClient(ref.client).send(
      new TransactWriteCommand({ TransactItems: [fenceCheck(ref, lease), item] }),
    );
  } catch (err) {
    if (err instanceof TransactionCanceledException) {
      const [fence, own] = reasonCodes(err);
      if (fence === 'ConditionalCheckFailed') {
        throw new LeaseLostError(ref.project, ref.stack, lease.fence, `${options.operation} was rejected`, {
          cause: err,
        });
      }
      if (own === 'ConditionalCheckFailed' && options.onItemConditionFailed)
        throw options.onItemConditionFailed();
    }
    throw storeError('TransactWriteItems', err, `${ref.project}/${ref.stack} ${options.operation}`);
  }
}
