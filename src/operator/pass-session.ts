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

/** The default factory: real clients, with an optional endpoint override (moto, LocalStack). */
export function defaultClientsFactory(endpoint?: string): ClientsFactory {
  return (region, stats) => createAwsClients({ region, stats, ...(endpoint ? { endpoint } : {}) });
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
