/**
 * Stack events: a short, self-expiring history of what happened ("Created tg/web-80", "Drift corrected"),
 * shown by `stackctl status` and the dashboard.
 *
 * Events are not fenced: anyone may append (the CLI on push, a non-leader reporting a conflict), and an
 * event never changes what the operator does. DynamoDB's TTL removes them after {@link EVENT_TTL_MS}.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient, iso, storeError } from './client.js';
import { eventSk, SK_EVENT_PREFIX, stackPk, TTL_ATTRIBUTE } from './keys.js';
import type { Clock, EventType, StackEvent, StackRef } from './types.js';

/** How long events are kept. */
export const EVENT_TTL_MS = 7 * 24 * 60 * 60 * 1000;
/** Events returned by {@link listEvents} when no limit is given. */
export const DEFAULT_EVENT_LIMIT = 50;
/** Longest message stored; events are one-liners, not logs. */
export const MAX_EVENT_MESSAGE_LENGTH = 1_000;

/** Options for {@link appendEvent}. */
export interface AppendEventOptions extends StackRef {
  readonly type: EventType;
  readonly reason: string;
  /** Human text; must not contain secrets (callers pass redacted values only). */
  readonly message: string;
  readonly logicalId?: string;
  /** @default Date.now */
  readonly now?: Clock;
}

/**
 * Appends one event, expiring a week later.
 *
 * @example
 * await appendEvent({ client, table, project, stack, type: 'Normal', reason: 'Created', message: 'created tg/web-80' });
 */
export async function appendEvent(options: AppendEventOptions): Promise<StackEvent> {
  const t = (options.now ?? Date.now)();
  const event: StackEvent = {
    at: iso(t),
    type: options.type,
    reason: options.reason,
    message: options.message.slice(0, MAX_EVENT_MESSAGE_LENGTH),
    ...(options.logicalId === undefined ? {} : { logicalId: options.logicalId }),
  };
  try {
    await documentClient(options.client).send(
      new PutCommand({
        TableName: options.table,
        Item: {
          pk: stackPk(options.project, options.stack),
          sk: eventSk(event.at, randomBytes(4).toString('hex')),
          ...event,
          [TTL_ATTRIBUTE]: Math.floor((t + EVENT_TTL_MS) / 1000),
        },
      }),
    );
  } catch (err) {
    throw storeError('PutItem', err, `${options.project}/${options.stack} event`);
  }
  return event;
}

/** Options for {@link listEvents}. */
export interface ListEventsOptions extends StackRef {
  /** @default DEFAULT_EVENT_LIMIT */
  readonly limit?: number;
  /** Decides which events have expired. @default Date.now */
  readonly now?: Clock;
}

/**
 * The newest events of a stack, newest first. Expired events that DynamoDB has not swept yet (TTL
 * deletion lags up to days) are filtered out here.
 */
export async function listEvents(options: ListEventsOptions): Promise<readonly StackEvent[]> {
  const limit = options.limit ?? DEFAULT_EVENT_LIMIT;
  const nowSeconds = Math.floor((options.now ?? Date.now)() / 1000);
  try {
    const out = await documentClient(options.client).send(
      new QueryCommand({
        TableName: options.table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: {
          ':pk': stackPk(options.project, options.stack),
          ':prefix': SK_EVENT_PREFIX,
        },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return (out.Items ?? [])
      .filter((item) => typeof item[TTL_ATTRIBUTE] !== 'number' || item[TTL_ATTRIBUTE] > nowSeconds)
      .map((item) => ({
        at: String(item.at),
        type: item.type === 'Warning' ? 'Warning' : 'Normal',
        reason: String(item.reason),
        message: String(item.message),
        ...(typeof item.logicalId === 'string' ? { logicalId: item.logicalId } : {}),
      }));
  } catch (err) {
    throw storeError('Query', err, `${options.project}/${options.stack} events`);
  }
}
