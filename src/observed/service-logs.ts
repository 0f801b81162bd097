/**
 * A stack's service logs from CloudWatch Logs, interleaved by time across services, for `stackctl logs`.
 *
 * Each service logs to its own group (`/stackctl/<project>/<stack>/<service>`); FilterLogEvents reads
 * every stream of a group at once. Following polls from the newest timestamp seen, inclusive, and drops
 * events already printed by id, so events that share a millisecond are neither lost nor repeated.
 *
 * @module
 */
import { type FilteredLogEvent, paginateFilterLogEvents } from '@aws-sdk/client-cloudwatch-logs';
import { abortableSleep, isNotFound } from '../aws/index.js';
import type { AwsClients } from '../aws/types.js';

/** How often `--follow` polls. */
export const FOLLOW_INTERVAL_MS = 2_000;

/** One service's log group. */
export interface ServiceLogGroup {
  readonly service: string;
  readonly logGroupName: string;
}

/** One log event, labelled with its service. */
export interface ServiceLogLine {
  readonly timestamp: number;
  readonly service: string;
  readonly message: string;
  readonly eventId: string;
}

/** Inputs of {@link fetchServiceLogs}. */
export interface FetchServiceLogsInput {
  readonly clients: Pick<AwsClients, 'logs'>;
  readonly groups: readonly ServiceLogGroup[];
  /** Epoch ms, inclusive. */
  readonly startTime: number;
  readonly signal?: AbortSignal;
}

async function readGroup(input: FetchServiceLogsInput, group: ServiceLogGroup): Promise<ServiceLogLine[]> {
  const events: FilteredLogEvent[] = [];
  try {
    const pages = paginateFilterLogEvents(
      { client: input.clients.logs },
      { logGroupName: group.logGroupName, startTime: input.startTime },
    );
    for await (const page of pages) events.push(...(page.events ?? []));
  } catch (err) {
    if (isNotFound(err)) return [];
    throw err;
  }
  return events.map((e) => ({
    timestamp: e.timestamp ?? 0,
    service: group.service,
    message: (e.message ?? '').replace(/\r?\n$/, ''),
    eventId: e.eventId ?? `${group.service}:${e.logStreamName ?? ''}:${e.timestamp ?? 0}:${e.message ?? ''}`,
  }));
}

/** Orders lines by time, then service, then id, so the same events always print the same way. */
export function interleave(lines: readonly ServiceLogLine[]): readonly ServiceLogLine[] {
  return [...lines].sort(
    (a, b) =>
      a.timestamp - b.timestamp || a.service.localeCompare(b.service) || a.eventId.localeCompare(b.eventId),
  );
}

/**
 * Every event since `startTime` from every group, interleaved by time. A group that does not exist
 * (the service never started) contributes nothing.
 *
 * @example
 * const lines = await fetchServiceLogs({ clients, groups, startTime: Date.now() - 600_000 });
 */
export async function fetchServiceLogs(input: FetchServiceLogsInput): Promise<readonly ServiceLogLine[]> {
  const perGroup = await Promise.all(input.groups.map((g) => readGroup(input, g)));
  return interleave(perGroup.flat());
}

/** Inputs of {@link followServiceLogs}. */
export interface FollowServiceLogsInput extends FetchServiceLogsInput {
  /** Stops following (SIGINT). Required: following never ends by itself. */
  readonly signal: AbortSignal;
  readonly onLines: (lines: readonly ServiceLogLine[]) => void;
  /** @default FOLLOW_INTERVAL_MS */
  readonly intervalMs?: number;
  /** Injected for tests. @default abortableSleep */
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

/**
 * Prints what exists since `startTime`, then polls for new events until `signal` aborts. Resolves
 * (never rejects) on abort.
 */
export async function followServiceLogs(input: FollowServiceLogsInput): Promise<void> {
  const sleep = input.sleep ?? abortableSleep;
  let cursor = input.startTime;
  let seenAtCursor = new Set<string>();
  while (!input.signal.aborted) {
    const lines = (await fetchServiceLogs({ ...input, startTime: cursor })).filter(
      (l) => !(l.timestamp === cursor && seenAtCursor.has(l.eventId)),
    );
    if (lines.length > 0) {
      input.onLines(lines);
      const newest = lines[lines.length - 1]?.timestamp ?? cursor;
      if (newest !== cursor) seenAtCursor = new Set();
      cursor = newest;
      for (const l of lines) if (l.timestamp === cursor) seenAtCursor.add(l.eventId);
    }
    try {
      await sleep(input.intervalMs ?? FOLLOW_INTERVAL_MS, input.signal);
    } catch {
      return;
    }
  }
}
