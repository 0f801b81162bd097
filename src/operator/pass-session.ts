/**
 * AWS clients for one pass: the process's shared clients of the stack's region (stacks may live
 * anywhere; see region-clients.ts), the operator's own DynamoDB client for the state table (one table,
 * one region), and what stays per pass: a fresh CallStats so the pass's mutating calls are counted
 * exactly (`lastPass.mutations`) before they are added to `/metrics`, a fresh retry budget and the
 * pass deadline.
 *
 * @module
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CallStats, createAwsClients, RetryBudget } from '../aws/index.js';
import type { AwsClients } from '../aws/types.js';
import { passBundle } from './pass-scope.js';
import type { RegionClients } from './region-clients.js';

/**
 * Builds a region's client bundle, counting calls into `stats` and spending read retries from
 * `retryBudget`. Called once per region for the whole process (region-clients.ts): the `stats` and
 * `retryBudget` it gets pass each call on to the pass that made it. Injected so tests can use moto.
 */
export type ClientsFactory = (region: string, stats: CallStats, retryBudget?: RetryBudget) => AwsClients;

/**
 * The longest one operator pass may keep calling AWS, the operator's counterpart of the CLI's command
 * deadline: a hang guard far above any healthy pass (a Multi-AZ database create takes ~20 min). A call
 * still running then fails (`DEADLINE_EXCEEDED`, naming it), the pass ends with an error and the stack
 * is requeued with backoff, instead of one stuck call holding the stack's lease for hours.
 */
export const PASS_DEADLINE_MS = 60 * 60_000;

/**
 * The default factory: real clients, with an optional endpoint override (moto, LocalStack) and the
 * `--aws-profile` the operator was started with (every region's clients use the same profile as the
 * state table's, so the flag is never beaten by `AWS_PROFILE` for the stacks' calls). No
 * deadline of its own: the clients live as long as the process, and each pass gets its
 * {@link PASS_DEADLINE_MS} through its scope (pass-scope.ts).
 */
export function defaultClientsFactory(endpoint?: string, profile?: string): ClientsFactory {
  return (region, stats, retryBudget) =>
    createAwsClients({
      region,
      stats,
      ...(retryBudget ? { retryBudget } : {}),
      ...(endpoint ? { endpoint } : {}),
      ...(profile ? { profile } : {}),
    });
}

/** A pass's clients and its own call counts; the clients are shared, so there is nothing to close. */
export interface PassSession {
  readonly clients: AwsClients;
  readonly stats: CallStats;
}

/** Options for {@link openPassSession}; tests shorten the deadline. */
export interface PassSessionOptions {
  /** @default PASS_DEADLINE_MS */
  readonly deadlineMs?: number;
  /** @default Date.now */
  readonly now?: () => number;
}

/** Opens one pass over `region`: shared clients, fresh stats, budget and deadline. */
export function openPassSession(
  regions: RegionClients,
  region: string,
  state: DynamoDBClient,
  options: PassSessionOptions = {},
): PassSession {
  const stats = new CallStats();
  const deadlineMs = options.deadlineMs ?? PASS_DEADLINE_MS;
  const scope = {
    stats,
    retryBudget: new RetryBudget(),
    deadlineMs,
    deadlineAt: (options.now ?? Date.now)() + deadlineMs,
  };
  return { clients: passBundle(regions.get(region), scope, state), stats };
}
