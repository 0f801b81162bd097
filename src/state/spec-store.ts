/**
 * Stack specs: what `stackctl push` writes and the operator reconciles, with optimistic concurrency.
 *
 * `generation` rises by one on every change the operator must act on (spec, pause, deletion), so a
 * watcher only compares generations and a status's `observedGeneration` says which spec it reflects.
 * Writers pass the generation they read (`expectedGeneration`, 0 for "must not exist yet"); a stale
 * one is a {@link SpecConflictError}, never a silent overwrite.
 *
 * @module
 */
import { DeleteCommand, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, failedItemAttribute, isConditionalCheckFailed, iso, storeError } from './client.js';
import { SpecConflictError, SpecTooLargeError, StackDeletingError } from './errors.js';
import { SPECS_PK, SPECS_PK_VALUE, SPECS_SK, specKey, specsSortKey } from './keys.js';
import { toSpecRecord } from './spec-record.js';
import type { Clock, JsonObject, StackRef, StackSpecRecord } from './types.js';

/** Largest spec stored, leaving headroom under DynamoDB's 400 KB item limit for the other attributes. */
export const MAX_SPEC_BYTES = 350_000;

/** Options shared by every spec write. */
export interface SpecWriteOptions extends StackRef {
  /** The generation the writer read; 0 when the spec must not exist yet. */
  readonly expectedGeneration: number;
  /** Who is writing (user, CI job), kept for audit. */
  readonly updatedBy?: string;
  /** @default Date.now */
  readonly now?: Clock;
}

/** Options for {@link putSpec}. */
export interface PutSpecOptions extends SpecWriteOptions {
  /** Resolved compose model + stack config; no secret values. */
  readonly spec: JsonObject;
}

const NAMES = {
  '#spec': 'spec',
  '#gen': 'generation',
  '#paused': 'paused',
  '#del': 'deletionRequestedAt',
  '#at': 'updatedAt',
  '#by': 'updatedBy',
  '#project': 'project',
  '#stack': 'stack',
  '#specsPk': SPECS_PK,
  '#specsSk': SPECS_SK,
} as const;

function namesIn(expression: string): Record<string, string> {
  return Object.fromEntries(Object.entries(NAMES).filter(([alias]) => expression.includes(alias)));
}

/** Runs one conditional spec update and maps a failed condition to the right error. */
async function conditionalUpdate(
  options: SpecWriteOptions,
  set: string,
  values: Readonly<Record<string, unknown>>,
  extraCondition?: string,
): Promise<StackSpecRecord> {
  const { project, stack } = options;
  const at = iso((options.now ?? Date.now)());
  const by = options.updatedBy === undefined ? '' : ', #by = :by';
  const update = `SET ${set}, #gen = :next, #at = :at${by}`;
  const base = options.expectedGeneration === 0 ? 'attribute_not_exists(pk)' : '#gen = :expected';
  const condition = extraCondition ? `${base} AND ${extraCondition}` : base;
  try {
    const out = await documentClient(options.client).send(
      new UpdateCommand({
        TableName: options.table,
        Key: specKey(project, stack),
        UpdateExpression: update,
        ConditionExpression: condition,
        ExpressionAttributeNames: namesIn(`${update} ${condition}`),
        ExpressionAttributeValues: {
          ...values,
          ':next': options.expectedGeneration + 1,
          ':at': at,
          ...(options.updatedBy === undefined ? {} : { ':by': options.updatedBy }),
          ...(options.expectedGeneration === 0 ? {} : { ':expected': options.expectedGeneration }),
        },
        ReturnValues: 'ALL_NEW',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    return toSpecRecord(out.Attributes ?? {});
  } catch (err) {
    if (isConditionalCheckFailed(err)) {
      if (failedItemAttribute(err, 'deletionRequestedAt') !== undefined) {
        throw new StackDeletingError(project, stack, { cause: err });
      }
      const actual = failedItemAttribute(err, 'generation');
      throw new SpecConflictError(
        project,
        stack,
        options.expectedGeneration,
        typeof actual === 'number' ? actual : undefined,
        {
          cause: err,
        },
      );
    }
    throw storeError('UpdateItem', err, `${project}/${stack} spec`);
  }
}

/**
 * Creates or replaces a stack's spec if its generation is still `expectedGeneration`; returns the
 * stored record with the new generation. New stacks start unpaused at generation 1.
 *
 * @throws SpecConflictError on a stale `expectedGeneration`
 * @throws StackDeletingError when the stack is marked for deletion
 * @throws SpecTooLargeError when the spec cannot fit one item
 *
 * @example
 * const current = await getSpec({ client, table, project, stack });
 * await putSpec({ client, table, project, stack, spec, expectedGeneration: current?.generation ?? 0 });
 */
export async function putSpec(options: PutSpecOptions): Promise<StackSpecRecord> {
  const bytes = Buffer.byteLength(JSON.stringify(options.spec));
  if (bytes > MAX_SPEC_BYTES)
    throw new SpecTooLargeError(options.project, options.stack, bytes, MAX_SPEC_BYTES);
  return conditionalUpdate(
    options,
    '#spec = :spec, #paused = if_not_exists(#paused, :false), #project = :project, #stack = :stack, #specsPk = :specsPk, #specsSk = :specsSk',
    {
      ':spec': options.spec,
      ':false': false,
      ':project': options.project,
      ':stack': options.stack,
      ':specsPk': SPECS_PK_VALUE,
      ':specsSk': specsSortKey(options.project, options.stack),
    },
    'attribute_not_exists(#del)',
  );
}

/** Pauses or resumes reconciliation of a stack (bumps the generation so watchers notice). */
export async function setPaused(
  options: SpecWriteOptions & { readonly paused: boolean },
): Promise<StackSpecRecord> {
  if (options.expectedGeneration === 0)
    throw new SpecConflictError(options.project, options.stack, 0, undefined);
  return conditionalUpdate(options, '#paused = :paused', { ':paused': options.paused });
}

/**
 * Asks the operator to tear the stack down: it deletes the resources, then calls {@link deleteSpec}.
 * Idempotent in effect: marking again keeps the first request time.
 */
export async function markForDeletion(options: SpecWriteOptions): Promise<StackSpecRecord> {
  if (options.expectedGeneration === 0)
    throw new SpecConflictError(options.project, options.stack, 0, undefined);
  const at = iso((options.now ?? Date.now)());
  return conditionalUpdate(options, '#del = if_not_exists(#del, :del)', { ':del': at });
}

/** Reads one stack's spec (strongly consistent); undefined when there is none. */
export async function getSpec(options: StackRef): Promise<StackSpecRecord | undefined> {
  try {
    const out = await documentClient(options.client).send(
      new GetCommand({
        TableName: options.table,
        Key: specKey(options.project, options.stack),
        ConsistentRead: true,
      }),
    );
    return out.Item ? toSpecRecord(out.Item) : undefined;
  } catch (err) {
    throw storeError('GetItem', err, `${options.project}/${options.stack} spec`);
  }
}

/**
 * Removes a stack's spec for good, once its resources are gone. Conditional on the generation the
 * caller read, so a spec pushed again meanwhile survives.
 *
 * @returns false when there was no spec to delete
 * @throws SpecConflictError when the spec changed since it was read
 */
export async function deleteSpec(
  options: StackRef & { readonly expectedGeneration: number },
): Promise<boolean> {
  try {
    const out = await documentClient(options.client).send(
      new DeleteCommand({
        TableName: options.table,
        Key: specKey(options.project, options.stack),
        ConditionExpression: 'attribute_not_exists(pk) OR #gen = :expected',
        ExpressionAttributeNames: { '#gen': 'generation' },
        ExpressionAttributeValues: { ':expected': options.expectedGeneration },
        ReturnValues: 'ALL_OLD',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    return out.Attributes !== undefined;
  } catch (err) {
    if (isConditionalCheckFailed(err)) {
      const actual = failedItemAttribute(err, 'generation');
      throw new SpecConflictError(
        options.project,
        options.stack,
        options.expectedGeneration,
        typeof actual === 'number' ? actual : undefined,
        { cause: err },
      );
    }
    throw storeError('DeleteItem', err, `${options.project}/${options.stack} spec`);
  }
}
