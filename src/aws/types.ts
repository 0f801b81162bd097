/**
 * The bundle of AWS SDK v3 clients a pass uses, built once in the composition root and passed down.
 *
 * No observer or applier constructs a client: tests inject clients pointed at moto, or mocked ones.
 *
 * @module
 */
import type { ACMClient } from '@aws-sdk/client-acm';
import type { ApplicationAutoScalingClient } from '@aws-sdk/client-application-auto-scaling';
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { ECSClient } from '@aws-sdk/client-ecs';
import type { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { ElastiCacheClient } from '@aws-sdk/client-elasticache';
import type { IAMClient } from '@aws-sdk/client-iam';
import type { RDSClient } from '@aws-sdk/client-rds';
import type { ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import type { Route53Client } from '@aws-sdk/client-route-53';
import type { ServiceDiscoveryClient } from '@aws-sdk/client-servicediscovery';
import type { SSMClient } from '@aws-sdk/client-ssm';
import type { STSClient } from '@aws-sdk/client-sts';
import type { RetryBudget } from './retry-budget.js';

/** One client per service, all for the same region and credentials. */
export interface AwsClients {
  readonly region: string;
  /**
   * The retries the current pass may still spend, shared by read retries and step retries
   * (retry-budget.ts). Absent in hand-built bundles (tests): no pass-wide cap then.
   */
  readonly retryBudget?: RetryBudget;
  readonly acm: ACMClient;
  readonly autoscaling: ApplicationAutoScalingClient;
  readonly logs: CloudWatchLogsClient;
  readonly dynamodb: DynamoDBClient;
  readonly ec2: EC2Client;
  readonly ecs: ECSClient;
  readonly elbv2: ElasticLoadBalancingV2Client;
  readonly elasticache: ElastiCacheClient;
  readonly iam: IAMClient;
  readonly rds: RDSClient;
  readonly route53: Route53Client;
  /** AWS Cloud Map: the stack's private DNS namespace and its service names. */
  readonly servicediscovery: ServiceDiscoveryClient;
  readonly ssm: SSMClient;
  readonly sts: STSClient;
  readonly tagging: ResourceGroupsTaggingAPIClient;
}
