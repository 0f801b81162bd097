/**
 * The stack status item: conditions `Synced` and `Ready` (crossplane's pair, P10), the last pass and
 * the resource summary, read by `stackctl status`, the dashboard and CI gates.
 *
 * Written by the lease holder only, fenced like the journal; not retried (P7: a lost status write is
 * repaired by the next pass, a retried one could overwrite a newer pass's status).
 *
 * @module
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, iso, storeError } from './client.js';
import { fencedWrite } from './fenced-write.js';
import { statusKey } from './keys.js';
import type { Clock, ConditionStatus, LeaseFence, StackCondition, StackRef, StackStatus } from './types.js';

/** Options for {@link writeStatus}. */
export interface WriteStatusOptions extends StackRef {
  readonly lease: LeaseFence;
  readonly status: StackStatus;
  /** @default Date.now */
  readonly now?: Clock;
}

/**
 * Replaces the stack's status, if this process still holds the lease.
 *
 * @throws LeaseLostError when the lease moved on (nothing was written)
 */
export async function writeStatus(options: WriteStatusOptions): Promise<void> {
  const now = options.now ?? Date.now;
  const ref: StackRef = {
    client: options.client,
    table: options.table,
    project: options.project,
    stack: options.stack,
  };
  await fencedWrite(
    ref,
    options.lease,
    {
      Put: {
        TableName: options.table,
        Item: {
          ...statusKey(options.project, options.stack),
          ...options.status,
          updatedAt: iso(now()),
          writtenByFence: options.lease.fence,
        },
      },
    },
    { operation: 'writeStatus' },
  );
}

/** Options for {@link readStatus}. */
export type ReadStatusOptions = StackRef;

/** Reads a stack's status; undefined before the first pass wrote one. */
export async function readStatus(options: ReadStatusOptions): Promise<StackStatus | undefined> {
  try {
    const out = await documentClient(options.client).send(
      new GetCommand({
        TableName: options.table,
        Key: statusKey(options.project, options.stack),
        ConsistentRead: true,
      }),
    );
    if (!out.Item) return undefined;
    const { pk: _pk, sk: _sk, updatedAt: _u, writtenByFence: _f, ...status } = out.Item;
    return status as StackStatus;
  } catch (err) {
    throw storeError('GetItem', err, `${options.project}/${options.stack} status`);
  }
}

/** The fields of a condition a pass computes; the transition time is derived. */
export interface ConditionInput {
  readonly status: ConditionStatus;
  readonly reason: string;
  readonly message: string;
  readonly observedGeneration: number;
}

/**
 * Builds the next value of a condition, keeping `lastTransitionTime` when the status did not change
 * (Kubernetes semantics: the time says since when, not when last written).
 *
 * @example
 * const synced = nextCondition(previous?.conditions.Synced, { status: 'True', reason: 'ReconcileSuccess', message: '', observedGeneration: 3 }, Date.now());
 */
export function nextCondition(
  previous: StackCondition | undefined,
  next: ConditionInput,
  nowMs: number,
): StackCondition {
  const lastTransitionTime =
    previous && previous.status === next.status ? previous.lastTransitionTime : iso(nowMs);
  return { ...next, lastTransitionTime };
}
