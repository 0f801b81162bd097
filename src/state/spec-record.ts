/**
 * Reading stack specs: item → record mapping and listing through the sparse `specs` index.
 *
 * @module
 */
import { QueryCommand, type QueryCommandOutput } from '@aws-sdk/lib-dynamodb';
import { documentClient, storeError } from './client.js';
import { assertKeyPart, SPECS_INDEX, SPECS_PK, SPECS_PK_VALUE, SPECS_SK } from './keys.js';
import type { JsonObject, StackSpecRecord, StateTarget } from './types.js';

/** Page size of one index query; DynamoDB also stops a page at 1 MB. */
export const LIST_SPECS_PAGE_SIZE = 100;

/** Maps a stored spec item to a record, dropping key and index attributes. @internal */
export function toSpecRecord(item: Readonly<Record<string, unknown>>): StackSpecRecord {
  return {
    project: String(item.project),
    stack: String(item.stack),
    spec: (item.spec ?? {}) as JsonObject,
    generation: Number(item.generation ?? 0),
    paused: item.paused === true,
    ...(typeof item.deletionRequestedAt === 'string'
      ? { deletionRequestedAt: item.deletionRequestedAt }
      : {}),
    updatedAt: String(item.updatedAt),
    ...(typeof item.updatedBy === 'string' ? { updatedBy: item.updatedBy } : {}),
  };
}

/** Options for {@link listSpecs}. */
export interface ListSpecsOptions extends StateTarget {
  /** Only this project's stacks. @default every project */
  readonly project?: string;
  /** Items per query page. @default LIST_SPECS_PAGE_SIZE */
  readonly pageSize?: number;
}

/**
 * Lists stack specs, sorted by project then stack, following every page.
 *
 * Reads the `specs` index (eventually consistent, like every GSI): a spec written a moment ago may
 * show up on the next poll. That is fine for a level-triggered watcher; use `getSpec` for one stack.
 *
 * @example
 * for (const s of await listSpecs({ client, table })) queue.add(`${s.project}/${s.stack}`);
 */
export async function listSpecs(options: ListSpecsOptions): Promise<readonly StackSpecRecord[]> {
  if (options.project !== undefined) assertKeyPart(options.project, 'project');
  const byProject = options.project !== undefined;
  const specs: StackSpecRecord[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    let page: QueryCommandOutput;
    try {
      page = await documentClient(options.client).send(
        new QueryCommand({
          TableName: options.table,
          IndexName: SPECS_INDEX,
          KeyConditionExpression: byProject ? '#pk = :pk AND begins_with(#sk, :prefix)' : '#pk = :pk',
          ExpressionAttributeNames: byProject ? { '#pk': SPECS_PK, '#sk': SPECS_SK } : { '#pk': SPECS_PK },
          ExpressionAttributeValues: {
            ':pk': SPECS_PK_VALUE,
            ...(byProject ? { ':prefix': `${options.project}#` } : {}),
          },
          Limit: options.pageSize ?? LIST_SPECS_PAGE_SIZE,
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
    } catch (err) {
      throw storeError('Query', err, 'list stack specs');
    }
    for (const item of page.Items ?? []) specs.push(toSpecRecord(item));
    start = page.LastEvaluatedKey;
  } while (start);
  return specs;
}
