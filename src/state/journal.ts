/**
 * The resource journal: what stackctl created for a stack, and which creates are still in flight.
 *
 * The crash-safety recipe (ARCHITECTURE "Crash safety"; reconciler-anchors P4, P7 and §c):
 * 1. `recordIntent` writes `createPending {token, at}` before the AWS create, so a crash right after the
 *    call leaves a trace the next pass resolves by looking the resource up by name or tag;
 * 2. the create runs with that token;
 * 3. `recordApplied` stores the physical id and outputs and clears `createPending` (retried: losing
 *    it would orphan the resource, P7);
 * 4. `forget` drops an entry once a later observe confirmed the resource is gone.
 *
 * Every write is fenced by the stack's lease (see `fenced-write.ts`): a paused ex-leader gets a
 * `LeaseLostError` and changes nothing.
 *
 * @module
 */
import { QueryCommand, type QueryCommandOutput } from '@aws-sdk/lib-dynamodb';
import { type RetryStepOptions, retryStep } from '../aws/retry.js';
import type { ResourceKind } from '../desired/resource-types.js';
import { documentClient, iso, storeError } from './client.js';
import { fencedWrite } from './fenced-write.js';
import { resourceKey, SK_RESOURCE_PREFIX, stackPk } from './keys.js';
import type { Clock, JournalEntry, LeaseFence, StackRef } from './types.js';

/** How long a journal write keeps retrying throttles and transaction conflicts. */
export const JOURNAL_WRITE_MAX_RETRY_MS = 30_000;

/** Options for {@link Journal}. */
export interface JournalOptions extends StackRef {
  /** The lease this pass holds; every write checks it is still current. */
  readonly lease: LeaseFence;
  /** @default Date.now */
  readonly now?: Clock;
  /** Retry settings for writes. @default maxRetryTimeMs JOURNAL_WRITE_MAX_RETRY_MS */
  readonly retry?: RetryStepOptions;
}

/** What {@link Journal.recordIntent} stores. */
export interface IntentInput {
  readonly kind: ResourceKind;
  readonly name: string;
  /** The client token the create will use. */
  readonly token: string;
  /**
   * The create's generation, stored as `createPending.at`; the token is derived from it, so a retry
   * after a crash reads it back to reuse the token. @default the journal's clock, now
   */
  readonly at?: string;
}

/** What {@link Journal.recordApplied} stores. Outputs are ids, ARNs, names, hosts and ports only. */
export interface AppliedInput {
  readonly kind: ResourceKind;
  readonly name: string;
  readonly physicalId: string;
  readonly outputs: Readonly<Record<string, string | number>>;
  readonly specHash: string;
}

/** Attribute names of a journal item, aliased in every expression (several are DynamoDB reserved words). */
const NAMES = {
  '#id': 'logicalId',
  '#kind': 'kind',
  '#name': 'name',
  '#pid': 'physicalId',
  '#outputs': 'outputs',
  '#hash': 'specHash',
  '#pending': 'createPending',
  '#at': 'updatedAt',
  '#fence': 'writtenByFence',
} as const;

/** The aliases an expression uses (DynamoDB rejects unused ones). */
function namesIn(expression: string): Record<string, string> {
  return Object.fromEntries(Object.entries(NAMES).filter(([alias]) => expression.includes(alias)));
}

/** Maps a stored item to an entry, keeping only the entry's own fields. */
function toEntry(item: Readonly<Record<string, unknown>>): JournalEntry {
  const pending = item.createPending as { token?: unknown; at?: unknown } | undefined;
  return {
    logicalId: String(item.logicalId),
    kind: item.kind as ResourceKind,
    name: String(item.name),
    ...(typeof item.physicalId === 'string' ? { physicalId: item.physicalId } : {}),
    ...(item.outputs && typeof item.outputs === 'object'
      ? { outputs: item.outputs as Readonly<Record<string, string | number>> }
      : {}),
    ...(typeof item.specHash === 'string' ? { specHash: item.specHash } : {}),
    ...(pending ? { createPending: { token: String(pending.token), at: String(pending.at) } } : {}),
    updatedAt: String(item.updatedAt),
  };
}

/**
 * The journal of one stack, bound to the lease of the pass that writes it.
 *
 * @example
 * const journal = new Journal({ client: clients.dynamodb, table, project, stack, lease });
 * await journal.recordIntent('service/web', { kind: 'ecs.Service', name, token });
 * const created = await applier.create(desired, { ...ctx, clientToken: token });
 * await journal.recordApplied('service/web', { kind, name, ...created, specHash });
 */
export class Journal {
  readonly #ref: StackRef;
  readonly #lease: LeaseFence;
  readonly #now: Clock;
  readonly #retry: RetryStepOptions;

  constructor(options: JournalOptions) {
    this.#ref = {
      client: options.client,
      table: options.table,
      project: options.project,
      stack: options.stack,
    };
    this.#lease = options.lease;
    this.#now = options.now ?? Date.now;
    this.#retry = { maxRetryTimeMs: JOURNAL_WRITE_MAX_RETRY_MS, ...options.retry };
  }

  /** Every entry of the stack, sorted by logical id (strongly consistent; pages through). */
  async list(): Promise<readonly JournalEntry[]> {
    const { client, table, project, stack } = this.#ref;
    const entries: JournalEntry[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      let page: QueryCommandOutput;
      try {
        page = await documentClient(client).send(
          new QueryCommand({
            TableName: table,
            KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
            ExpressionAttributeValues: { ':pk': stackPk(project, stack), ':prefix': SK_RESOURCE_PREFIX },
            ConsistentRead: true,
            ...(start ? { ExclusiveStartKey: start } : {}),
          }),
        );
      } catch (err) {
        throw storeError('Query', err, `${project}/${stack} journal`);
      }
      for (const item of page.Items ?? []) entries.push(toEntry(item));
      start = page.LastEvaluatedKey;
    } while (start);
    return entries;
  }

  /** Records that a create is about to happen with `token`. Must succeed before the AWS call is made. */
  async recordIntent(logicalId: string, input: IntentInput): Promise<void> {
    const at = iso(this.#now());
    const generation = input.at ?? at;
    await this.#write(logicalId, 'recordIntent', {
      expression:
        'SET #id = :id, #kind = :kind, #name = :name, #pending = :pending, #at = :at, #fence = :fence',
      values: {
        ':id': logicalId,
        ':kind': input.kind,
        ':name': input.name,
        ':pending': { token: input.token, at: generation },
        ':at': at,
      },
    });
  }

  /** Records the created or updated resource and clears any pending create. Retried on throttles. */
  async recordApplied(logicalId: string, input: AppliedInput): Promise<void> {
    await this.#write(logicalId, 'recordApplied', {
      expression:
        'SET #id = :id, #kind = :kind, #name = :name, #pid = :pid, #outputs = :outputs, #hash = :hash, #at = :at, #fence = :fence REMOVE #pending',
      values: {
        ':id': logicalId,
        ':kind': input.kind,
        ':name': input.name,
        ':pid': input.physicalId,
        ':outputs': { ...input.outputs },
        ':hash': input.specHash,
        ':at': iso(this.#now()),
      },
    });
  }

  /** Drops an entry, once the resource is confirmed gone. Forgetting an absent entry is a no-op. */
  async forget(logicalId: string): Promise<void> {
    const { table, project, stack } = this.#ref;
    await retryStep(
      () =>
        fencedWrite(
          this.#ref,
          this.#lease,
          { Delete: { TableName: table, Key: resourceKey(project, stack, logicalId) } },
          { operation: `forget ${logicalId}` },
        ),
      this.#retry,
    );
  }

  async #write(
    logicalId: string,
    operation: string,
    update: { readonly expression: string; readonly values: Readonly<Record<string, unknown>> },
  ): Promise<void> {
    const { table, project, stack } = this.#ref;
    await retryStep(
      () =>
        fencedWrite(
          this.#ref,
          this.#lease,
          {
            Update: {
              TableName: table,
              Key: resourceKey(project, stack, logicalId),
              UpdateExpression: update.expression,
              ExpressionAttributeNames: namesIn(update.expression),
              ExpressionAttributeValues: { ...update.values, ':fence': this.#lease.fence },
            },
          },
          { operation: `${operation} ${logicalId}` },
        ),
      this.#retry,
    );
  }
}
