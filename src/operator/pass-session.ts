/**
 * AWS clients for one pass: the stack's region (stacks may live anywhere), the operator's own
 * DynamoDB client for the state table (one table, one region), and a fresh CallStats so the pass's
 * mutating calls are counted exactly (`lastPass.mutations`) before they are added to `/metrics`.
 *
 * @module
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CallStats, createAwsClients } from '../aws/index.js';
import type { AwsClients } from '../aws/types.js';

/** Builds a client bundle for a region, counting calls into `stats`. Injected so tests can use moto. */
export type ClientsFactory = (region: string, stats: CallStats) => AwsClients;

/**
 * The longest one operator pass may keep calling AWS, the operator's counterpart of the CLI's command
 * deadline: a hang guard far above any healthy pass (a Multi-AZ database create takes ~20 min). A call
 * still running then fails (`DEADLINE_EXCEEDED`, naming it), the pass ends with an error and the stack
 * is requeued with backoff, instead of one stuck call holding the stack's lease for hours.
 */
export const PASS_DEADLINE_MS = 60 * 60_000;

/**
 * The default factory: real clients, with an optional endpoint override (moto, LocalStack). Each pass
 * gets fresh clients, so a fresh retry budget and a fresh {@link PASS_DEADLINE_MS}.
 */
export function defaultClientsFactory(endpoint?: string): ClientsFactory {
  return (region, stats) =>
    createAwsClients({ region, stats, deadlineMs: PASS_DEADLINE_MS, ...(endpoint ? { endpoint } : {}) });
}

/** A pass's clients; `close` frees their sockets (the state client is shared and stays open). */
export interface PassSession {
  readonly clients: AwsClients;
  readonly stats: CallStats;
  close(): void;
}

/** Opens the clients of one pass. */
export function openPassSession(factory: ClientsFactory, region: string, state: DynamoDBClient): PassSession {
  const stats = new CallStats();
  const own = factory(region, stats);
  const clients: AwsClients = { ...own, dynamodb: state };
  return {
    clients,
    stats,
    close() {
      for (const [name, client] of Object.entries(own)) {
        if (name === 'region') continue;
        const c = client as { destroy?: () => void };
        c.destroy?.();
      }
    },
  };
}
