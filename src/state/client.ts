/**
 * The document client the store talks through, and the one place SDK failures become store errors.
 *
 * @internal
 * @module
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { AwsCallError } from '../aws/errors.js';
import type { StateClient } from './types.js';

/**
 * Marshalling options, identical for every document client: `DynamoDBDocumentClient.from` writes them
 * into the shared client config, so two different settings on one base client would race.
 */
const TRANSLATE_CONFIG = {
  marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  unmarshallOptions: { wrapNumbers: false },
} as const;

const documentClients = new WeakMap<DynamoDBClient, DynamoDBDocumentClient>();

/**
 * Returns a document client over `client`, created once per base client. A document client shares its
 * base client's middleware, so call accounting (`attachCallStats`) sees store calls too.
 */
export function documentClient(client: StateClient): DynamoDBDocumentClient {
  if (client instanceof DynamoDBDocumentClient) return client;
  let doc = documentClients.get(client);
  if (!doc) {
    doc = DynamoDBDocumentClient.from(client, TRANSLATE_CONFIG);
    documentClients.set(client, doc);
  }
  return doc;
}

/** True for a DynamoDB conditional-check failure on a single-item write. */
export function isConditionalCheckFailed(err: unknown): boolean {
  return (
    typeof err === 'object' &&
    err !== null &&
    (err as { name?: unknown }).name === 'ConditionalCheckFailedException'
  );
}

/** Wraps an unexpected SDK failure of a store call so it names the operation and still classifies. */
export function storeError(operation: string, cause: unknown, context?: string): AwsCallError {
  return new AwsCallError({ service: 'dynamodb', operation, cause, ...(context ? { context } : {}) });
}

/** ISO-8601 for a clock reading. */
export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/**
 * A scalar attribute of the current item that a failed conditional write returned
 * (`ReturnValuesOnConditionCheckFailure: 'ALL_OLD'`). The document client does not unmarshall error
 * payloads, so the item is still in `{ S }` / `{ N }` form; undefined when absent.
 */
export function failedItemAttribute(err: unknown, name: string): string | number | undefined {
  const item = (err as { Item?: Record<string, { S?: unknown; N?: unknown } | undefined> } | undefined)?.Item;
  const value = item?.[name];
  if (typeof value?.S === 'string') return value.S;
  if (typeof value?.N === 'string') return Number(value.N);
  return undefined;
}

/** True when a failed conditional write returned the current item (so it exists). */
export function failedItemExists(err: unknown): boolean {
  const item = (err as { Item?: unknown } | undefined)?.Item;
  return typeof item === 'object' && item !== null && Object.keys(item).length > 0;
}
