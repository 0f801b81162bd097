/**
 * What a pass action gets: the stack, its fresh spec and status, the decision, the held lease and the
 * means to reach AWS. Built by the controller once the lease is held.
 *
 * @module
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { ProgressEvent } from '../reconcilers/engine-types.js';
import type { LeaseKeeper, StackRef, StackSpecRecord, StackStatus } from '../state/index.js';
import type { OperatorConfig } from './config.js';
import type { PassDecision } from './decide.js';
import type { Logger } from './logger.js';
import type { OperatorMetrics } from './metrics.js';
import type { RegionClients } from './region-clients.js';

/** Inputs of every pass action. */
export interface PassContext {
  readonly ref: StackRef;
  readonly spec: StackSpecRecord;
  readonly previous: StackStatus | undefined;
  readonly decision: PassDecision;
  readonly keeper: LeaseKeeper;
  /** Aborts on lease loss and when the operator stops. */
  readonly signal: AbortSignal;
  readonly config: OperatorConfig;
  readonly state: DynamoDBClient;
  /** The process's shared AWS clients, by region (a pass opens its session on them). */
  readonly regionClients: RegionClients;
  readonly metrics: OperatorMetrics;
  readonly logger: Logger;
  readonly onProgress?: (event: ProgressEvent) => void;
}
