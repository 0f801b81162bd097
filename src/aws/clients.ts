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
import { getProfileName, loadConfig, loadSharedConfigFiles } from '@smithy/core/config';
import { NODE_MAX_ATTEMPT_CONFIG_OPTIONS, NODE_RETRY_MODE_CONFIG_OPTIONS } from '@smithy/core/retry';
import { attachCallSites } from './call-site.js';
import type { CallStats } from './call-stats.js';
import { attachCallStats } from './call-stats-middleware.js';
import { bindConfiguredEndpointToProfile } from './configured-endpoint.js';
import { attachDeadline } from './deadline.js';
import { attachFaultInjectionFromEnv } from './fault-injection.js';
import { attachNoBlindResend } from './no-blind-resend.js';
import { attachRandomFaultsFromEnv } from './random-faults.js';
import { attachReadRetry } from './read-retry.js';
import { RetryBudget } from './retry-budget.js';
import { attachSetupErrors } from './setup-errors.js';
import type { AwsClients } from './types.js';

/**
 * SDK attempts per call when neither the caller, `AWS_MAX_ATTEMPTS` nor `max_attempts` in the AWS config
 * file says otherwise; p-retry wraps whole steps on top, so layers must not multiply further.
 */
export const SDK_MAX_ATTEMPTS = 3;

/**
 * The SDK retry mode when neither the caller, `AWS_RETRY_MODE` nor `retry_mode` in the AWS config file
 * names one: `adaptive` adds client-side rate limiting to the standard backoff, which a pass of many
 * parallel describes needs more than the SDK's own default (`standard`).
 */
export const SDK_DEFAULT_RETRY_MODE = 'adaptive';

/**
 * One HTTP attempt that has not been answered in full by then fails with `TimeoutError` (the SDK then
 * retries it). Control-plane calls answer in well under a second, but a timed-out *mutation* may still
 * have been carried out (a lost response: until issue 10's settle-by-tag lands, the SDK's resend can
 * make a second resource), so the limit is set well above any answer a loaded endpoint gives (moto on
 * a busy 2-core machine was seen taking over 10 s): 30 s. With `throwOnRequestTimeout` it is a hard
 * limit: without it the SDK only logs a warning and waits on (a server that accepted and never answered
 * hung `plan` for ~400 s).
 */
export const REQUEST_TIMEOUT_MS = 30_000;

/** Time allowed to open a connection (counted inside {@link REQUEST_TIMEOUT_MS}). */
export const CONNECTION_TIMEOUT_MS = 3_000;

/**
 * The worst case of one call that never gets an answer: {@link SDK_MAX_ATTEMPTS} attempts of
 * {@link REQUEST_TIMEOUT_MS} each, plus under 1 s of SDK backoff between them. Reads are not retried
 * again above the SDK (a timeout classifies `unknown`), so this bounds one read: about 31 s.
 */
export const CALL_WORST_CASE_MS = SDK_MAX_ATTEMPTS * REQUEST_TIMEOUT_MS + 1_000;

/**
 * Overrides {@link REQUEST_TIMEOUT_MS} (milliseconds, positive integer): lets the timeout tests run in
 * well under a second, and an operator on a very slow link raise it. Invalid values are ignored.
 */
export const REQUEST_TIMEOUT_ENV = 'STACKCTL_AWS_REQUEST_TIMEOUT_MS';

/** The request timeout from {@link REQUEST_TIMEOUT_ENV}, else the default. */
export function requestTimeoutFromEnv(
  env: Readonly<Record<string, string | undefined>> = process.env,
): number {
  const n = Number(env[REQUEST_TIMEOUT_ENV]?.trim() || Number.NaN);
  return Number.isSafeInteger(n) && n > 0 ? n : REQUEST_TIMEOUT_MS;
}

/** Options for {@link createAwsClients}. */
export interface AwsClientOptions {
  readonly region: string;
  /**
   * Endpoint for every service (`--endpoint-url`): beats everything the SDK would find itself. Leave it
   * unset to let the SDK resolve `AWS_ENDPOINT_URL_<SERVICE>`, `AWS_ENDPOINT_URL`, `endpoint_url` (and
   * `services` sections) in the AWS config file, then the real AWS endpoint, per service.
   * @default resolved by the SDK
   */
  readonly endpoint?: string;
  /** Named profile from ~/.aws/config. @default the SDK's default chain (`AWS_PROFILE`, else `default`) */
  readonly profile?: string;
  /** Static credentials, mostly for tests against moto. @default the SDK's default chain */
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /** @default `AWS_MAX_ATTEMPTS`, else `max_attempts` of the profile, else {@link SDK_MAX_ATTEMPTS} */
  readonly maxAttempts?: number;
  /** @default `AWS_RETRY_MODE`, else `retry_mode` of the profile, else {@link SDK_DEFAULT_RETRY_MODE} */
  readonly retryMode?: 'standard' | 'adaptive' | 'legacy';
  /** Per-attempt timeout. @default {@link requestTimeoutFromEnv} ({@link REQUEST_TIMEOUT_MS}) */
  readonly requestTimeoutMs?: number;
  /** Every call of the bundle fails once this many ms have passed (see `attachDeadline`). @default none */
  readonly deadlineMs?: number;
  /** Counts every call of every client (see `attachCallStats`). @default no accounting */
  readonly stats?: CallStats;
  /** Retries the pass may spend (read retries and step retries share it). @default a fresh {@link RetryBudget} */
  readonly retryBudget?: RetryBudget;
}

/**
 * Retry mode and attempts the way the SDK itself resolves them (option, else environment, else the
 * profile in the AWS config file), with stackctl's defaults only where all of those are silent. Passed
 * as providers, so the config file is read once, on the first call, as the SDK would.
 */
export function retrySettings(options: Pick<AwsClientOptions, 'maxAttempts' | 'retryMode' | 'profile'>) {
  const where = options.profile ? { profile: options.profile } : {};
  return {
    maxAttempts:
      options.maxAttempts ??
      loadConfig({ ...NODE_MAX_ATTEMPT_CONFIG_OPTIONS, default: SDK_MAX_ATTEMPTS }, where),
    retryMode:
      options.retryMode ??
      loadConfig({ ...NODE_RETRY_MODE_CONFIG_OPTIONS, default: SDK_DEFAULT_RETRY_MODE }, where),
  };
}

/**
 * The `region` of a profile in the AWS config (or credentials) file, as the SDK reads it: `profile`,
 * else `AWS_PROFILE`, else `default`. Undefined when the profile or its region is missing. Never asks
 * the instance metadata service (the SDK's own last resort), which would hang a laptop for seconds.
 *
 * @example await profileRegion('dev') // 'eu-west-1'
 */
export async function profileRegion(profile?: string): Promise<string | undefined> {
  const name = getProfileName(profile ? { profile } : {});
  const files = await loadSharedConfigFiles({ ignoreCache: true });
  const region = files.configFile[name]?.region ?? files.credentialsFile[name]?.region;
  return typeof region === 'string' && region.trim() !== '' ? region.trim() : undefined;
}

/**
 * The SDK client configuration every stackctl client shares (region, retry settings, hard per-attempt
 * timeouts, and the endpoint, profile and credentials the caller stated). Exported for clients built
 * outside the bundle, such as the image build's (src/build/build-clients.ts), which are loaded only
 * when something is built.
 */
export function sdkClientConfig(options: AwsClientOptions) {
  const requestTimeout = options.requestTimeoutMs ?? requestTimeoutFromEnv();
  return {
    region: options.region,
    ...retrySettings(options),
    requestHandler: {
      requestTimeout: requestTimeout,
      connectionTimeout: Math.min(CONNECTION_TIMEOUT_MS, requestTimeout),
      throwOnRequestTimeout: true,
    },
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    ...(options.profile ? { profile: options.profile } : {}),
    ...(options.credentials ? { credentials: { ...options.credentials } } : {}),
  };
}

/**
 * Creates every client the product uses, configured alike (retry settings from {@link retrySettings},
 * hard per-attempt timeouts), each failure tagged with its call site, and credential or connection
 * failures turned into one message saying what was tried and how to fix it (setup-errors.ts).
 *
 * Only what the caller states explicitly is set on the clients: endpoint, profile and retry settings
 * the SDK finds itself (environment, AWS config file) are left to it, so `AWS_ENDPOINT_URL_<SERVICE>`
 * and the config file's `endpoint_url` keep working.
 *
 * @example
 * const clients = createAwsClients({ region: 'eu-west-1', endpoint: 'http://127.0.0.1:5000' });
 */
export function createAwsClients(options: AwsClientOptions): AwsClients {
  const endpoint = options.endpoint;
  const config = sdkClientConfig(options);
  const retryBudget = options.retryBudget ?? new RetryBudget();
  const clients: AwsClients = {
    region: options.region,
    retryBudget,
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
  // `--aws-profile` picks the configured endpoint too, as AWS_PROFILE does (configured-endpoint.ts).
  if (options.profile && !endpoint) {
    for (const value of Object.values(clients)) {
      if (typeof value === 'object' && value !== null && 'config' in value) {
        bindConfiguredEndpointToProfile(value, options.profile);
      }
    }
  }
  // Missing credentials / unreachable endpoint: one message with what was tried and the fix.
  attachSetupErrors(clients, {
    ...(endpoint ? { explicitEndpoint: endpoint } : {}),
    ...(options.profile ? { profile: options.profile } : {}),
  });
  // Every failure names its call (`ecs:CreateService`), endpoint and attempts (see call-site.ts).
  attachCallSites(clients);
  if (options.deadlineMs !== undefined) attachDeadline(clients, { deadlineMs: options.deadlineMs });
  if (options.stats) attachCallStats(clients, options.stats);
  // A call AWS cannot deduplicate is never resent after an ambiguous failure (no-blind-resend.ts).
  attachNoBlindResend(clients);
  // A failed read is tried again a few times under the pass's retry budget (read-retry.ts).
  attachReadRetry(clients, { budget: retryBudget });
  // Crash tests only: inert unless STACKCTL_FAULT_KILL_AFTER_MUTATIONS is set (see fault-injection.ts).
  attachFaultInjectionFromEnv(clients);
  // Fault suite only: inert unless STACKCTL_FAULT_RATE / STACKCTL_FAULT_LOSE_RESPONSE is set.
  attachRandomFaultsFromEnv(clients);
  return clients;
}
