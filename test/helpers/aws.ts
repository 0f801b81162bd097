/**
 * Clients pointed at a test moto server, with fixed fake credentials.
 *
 * @module
 */
import { createAwsClients } from '../../src/aws/clients.js';
import type { AwsClients } from '../../src/aws/types.js';

/** Region every integration test uses unless it says otherwise. */
export const TEST_REGION = 'eu-west-1';

/** Builds the client bundle for a moto endpoint. */
export function motoClients(endpoint: string, region = TEST_REGION): AwsClients {
  return createAwsClients({
    region,
    endpoint,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    maxAttempts: 2,
  });
}
