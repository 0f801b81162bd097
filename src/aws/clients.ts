/**
 * Builds the {@link AwsClients} bundle: one place that knows region, profile, endpoint and retry policy.
 *
 * @module
 */
import { ACMClient } from '@aws-sdk/client-acm';
import { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EC2Client } from '@aws-sdk/client-ec2';
import { ECSClient } from '@aws-sdk/client-ecs';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { ElastiCacheClient } from '@aws-sdk/client-elasticache';
import { IAMClient } from '@aws-sdk/client-iam';
import { RDSClient } from '@aws-sdk/client-rds';
import { ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { Route53Client } from '@aws-sdk/client-route-53';
import { ServiceDiscoveryClient } from '@aws-sdk/client-servicediscovery';
import { SSMClient } from '@aws-sdk/client-ssm';
import { STSClient } from '@aws-sdk/client-sts';
import type { CallStats } from './call-stats.js';
import { attachCallStats } from './call-stats-middleware.js';
import { attachFaultInjectionFromEnv } from './fault-injection.js';
import type { AwsClients } from './types.js';

/** SDK attempts per call; p-retry wraps whole steps on top, so layers must not multiply further. */
export const SDK_MAX_ATTEMPTS = 3;

/** A call that has not answered by then is failed (and retried by the SDK): a hung connection must not stall a pass forever. */
export const REQUEST_TIMEOUT_MS = 60_000;

/** Time allowed to open a connection. */
export const CONNECTION_TIMEOUT_MS = 5_000;

/** Options for {@link createAwsClients}. */
export interface AwsClientOptions {
  readonly region: string;
  /**
   * Endpoint override for every service (moto, LocalStack).
   * @default process.env.AWS_ENDPOINT_URL, else the real AWS endpoints
   */
  readonly endpoint?: string;
  /** Named profile from ~/.aws/config. @default the SDK's default chain */
  readonly profile?: string;
  /** Static credentials, mostly for tests against moto. @default the SDK's default chain */
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /** @default 3 */
  readonly maxAttempts?: number;
  /** Counts every call of every client (see `attachCallStats`). @default no accounting */
  readonly stats?: CallStats;
}

/**
 * Creates every client the product uses, configured alike (`retryMode: 'adaptive'`).
 *
 * @example
 * const clients = createAwsClients({ region: 'eu-west-1', endpoint: 'http://127.0.0.1:5000' });
 */
export function createAwsClients(options: AwsClientOptions): AwsClients {
  const endpoint = options.endpoint ?? process.env.AWS_ENDPOINT_URL;
  const config = {
    region: options.region,
    retryMode: 'adaptive',
    maxAttempts: options.maxAttempts ?? SDK_MAX_ATTEMPTS,
    requestHandler: { requestTimeout: REQUEST_TIMEOUT_MS, connectionTimeout: CONNECTION_TIMEOUT_MS },
    ...(endpoint ? { endpoint } : {}),
    ...(options.profile ? { profile: options.profile } : {}),
    ...(options.credentials ? { credentials: { ...options.credentials } } : {}),
  };
  const clients: AwsClients = {
    region: options.region,
    acm: new ACMClient(config),
    autoscaling: new ApplicationAutoScalingClient(config),
    logs: new CloudWatchLogsClient(config),
    dynamodb: new DynamoDBClient(config),
    ec2: new EC2Client(config),
    ecs: new ECSClient(config),
    elbv2: new ElasticLoadBalancingV2Client(config),
    elasticache: new ElastiCacheClient(config),
    iam: new IAMClient(config),
    rds: new RDSClient(config),
    route53: new Route53Client(config),
    servicediscovery: new ServiceDiscoveryClient(config),
    ssm: new SSMClient(config),
    sts: new STSClient(config),
    tagging: new ResourceGroupsTaggingAPIClient(config),
  };
  if (options.stats) attachCallStats(clients, options.stats);
  // Crash tests only: inert unless STACKCTL_FAULT_KILL_AFTER_MUTATIONS is set (see fault-injection.ts).
  attachFaultInjectionFromEnv(clients);
  return clients;
}
