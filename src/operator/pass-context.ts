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
import type { ClientsFactory } from './pass-session.js';

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
  readonly clientsFor: ClientsFactory;
  readonly metrics: OperatorMetrics;
  readonly logger: Logger;
  readonly onProgress?: (event: ProgressEvent) => void;
}
