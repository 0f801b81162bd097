/**
 * The rollout item: one current fleet rollout per project (`stackctl rollout`, src/rollout/), stored
 * so that `rollout status`, `resume` and `abort` see the same record from any machine, and a rollout
 * whose runner was killed resumes where it stopped.
 *
 * The record is kept as one JSON document plus its `phase` and `version` as attributes. Every write is
 * conditional: a new rollout only when none is unfinished, an update only on the version it read, so two
 * runners (a resume racing a live runner, an abort racing either) can never both advance it; the loser
 * gets {@link RolloutConflictError} and stops.
 *
 * @module
 */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { StackctlError } from '../errors.js';
import { documentClient, failedItemAttribute, isConditionalCheckFailed, storeError } from './client.js';
import { rolloutKey } from './keys.js';
import type { StateTarget } from './types.js';

/** Error code of a rollout write that lost a race. */
export const ROLLOUT_CONFLICT_CODE = 'ROLLOUT_CONFLICT';

/** Phases after which a project may start a new rollout. */
export const FINISHED_ROLLOUT_PHASES = ['completed', 'aborted'] as const;

/** What the store needs of a rollout record; the record itself is src/rollout/record.ts. */
export interface StoredRollout {
  readonly id: string;
  readonly project: string;
  readonly phase: string;
  /** The version this copy was read at (0: never stored). */
  readonly version: number;
}

/** A rollout write refused: another rollout is unfinished, or someone else changed it meanwhile. */
export class RolloutConflictError extends StackctlError {
  constructor(message: string, options: ErrorOptions = {}) {
    super(ROLLOUT_CONFLICT_CODE, message, options);
    this.name = 'RolloutConflictError';
  }
}

function itemOf<R extends StoredRollout>(record: R, version: number) {
  return {
    ...rolloutKey(record.project),
    id: record.id,
    phase: record.phase,
    version,
    body: JSON.stringify({ ...record, version }),
  };
}

/**
 * Stores a new rollout (version 1), unless the project has one that is neither completed nor aborted.
 *
 * @throws RolloutConflictError naming the unfinished rollout
 */
export async function createRollout<R extends StoredRollout>(target: StateTarget, record: R): Promise<R> {
  try {
    await documentClient(target.client).send(
      new PutCommand({
        TableName: target.table,
        Item: itemOf(record, 1),
        ConditionExpression: 'attribute_not_exists(pk) OR phase IN (:completed, :aborted)',
        ExpressionAttributeValues: { ':completed': 'completed', ':aborted': 'aborted' },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    return { ...record, version: 1 };
  } catch (err) {
    if (isConditionalCheckFailed(err)) {
      const id = failedItemAttribute(err, 'id');
      const phase = failedItemAttribute(err, 'phase');
      throw new RolloutConflictError(
        `project ${record.project} has an unfinished rollout ${id ?? ''} (${phase ?? 'unknown'}): \`stackctl rollout resume\` or \`stackctl rollout abort\` it first`,
        { cause: err },
      );
    }
    throw storeError('PutItem', err, `${record.project} rollout`);
  }
}

/**
 * Stores `record` as the next version of the rollout it was read as.
 *
 * @returns the record at its new version
 * @throws RolloutConflictError when the stored version is not `record.version` (someone else wrote)
 */
export async function saveRollout<R extends StoredRollout>(target: StateTarget, record: R): Promise<R> {
  const next = record.version + 1;
  try {
    await documentClient(target.client).send(
      new PutCommand({
        TableName: target.table,
        Item: itemOf(record, next),
        ConditionExpression: 'id = :id AND version = :v',
        ExpressionAttributeValues: { ':id': record.id, ':v': record.version },
      }),
    );
    return { ...record, version: next };
  } catch (err) {
    if (isConditionalCheckFailed(err))
      throw new RolloutConflictError(
        `rollout ${record.id} of ${record.project} was changed by another process (resume, abort or a second runner); this one stops. See \`stackctl rollout status\`.`,
        { cause: err },
      );
    throw storeError('PutItem', err, `${record.project} rollout`);
  }
}

/** The project's current (latest) rollout, or undefined when it never had one. */
export async function readRollout<R extends StoredRollout>(
  target: StateTarget,
  project: string,
): Promise<R | undefined> {
  try {
    const out = await documentClient(target.client).send(
      new GetCommand({ TableName: target.table, Key: rolloutKey(project), ConsistentRead: true }),
    );
    const body = out.Item?.body;
    if (typeof body !== 'string') return undefined;
    return { ...(JSON.parse(body) as R), version: Number(out.Item?.version) };
  } catch (err) {
    throw storeError('GetItem', err, `${project} rollout`);
  }
}
