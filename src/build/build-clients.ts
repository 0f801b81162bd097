/**
 * The AWS clients of the build path, kept out of the pass's `AwsClients` bundle: the ECR, S3 and
 * CodeBuild SDKs add about 0.2 s to every CLI start when loaded eagerly, and only a command that has
 * `build:` services needs them. They are loaded here, on first use, with the bundle's configuration
 * (`sdkClientConfig`: region, retry settings, timeouts, endpoint, profile, credentials) and its call-site,
 * call-stats and no-blind-resend middleware.
 *
 * @module
 */
import type { CodeBuildClient } from '@aws-sdk/client-codebuild';
import type { ECRClient } from '@aws-sdk/client-ecr';
import { IAMClient } from '@aws-sdk/client-iam';
import type { S3Client } from '@aws-sdk/client-s3';
import { STSClient } from '@aws-sdk/client-sts';
import { attachCallSiteToClient } from '../aws/call-site.js';
import type { CallStats } from '../aws/call-stats.js';
import { attachCallStatsToClient } from '../aws/call-stats-middleware.js';
import { type AwsClientOptions, sdkClientConfig } from '../aws/clients.js';
import { attachNoBlindResendToClient } from '../aws/no-blind-resend.js';

/** The clients the build path uses, all for one region and one set of credentials. */
export interface BuildClients {
  readonly region: string;
  readonly ecr: ECRClient;
  /** The build-context bucket of in-account builds. */
  readonly s3: S3Client;
  readonly codebuild: CodeBuildClient;
  /** The CodeBuild service role. */
  readonly iam: IAMClient;
  /** The account id (repository URIs, bucket names). */
  readonly sts: STSClient;
}

/**
 * True when S3 is reached through an endpoint override (the option, `AWS_ENDPOINT_URL_S3` or
 * `AWS_ENDPOINT_URL`): such a server (moto, LocalStack) answers on one host name, so bucket names go in
 * the path rather than the host.
 */
function s3PathStyle(endpoint: string | undefined): boolean {
  return Boolean(endpoint || process.env.AWS_ENDPOINT_URL_S3 || process.env.AWS_ENDPOINT_URL);
}

/** Creates the build clients (see the module doc); `stats` counts their calls like the bundle's. */
export async function createBuildClients(
  options: AwsClientOptions & { readonly stats?: CallStats },
): Promise<BuildClients> {
  const [{ ECRClient }, { S3Client }, { CodeBuildClient }] = await Promise.all([
    import('@aws-sdk/client-ecr'),
    import('@aws-sdk/client-s3'),
    import('@aws-sdk/client-codebuild'),
  ]);
  const config = sdkClientConfig(options);
  const clients: BuildClients = {
    region: options.region,
    ecr: new ECRClient(config),
    s3: new S3Client({ ...config, ...(s3PathStyle(options.endpoint) ? { forcePathStyle: true } : {}) }),
    codebuild: new CodeBuildClient(config),
    iam: new IAMClient(config),
    sts: new STSClient(config),
  };
  for (const [service, client] of Object.entries(clients)) {
    if (typeof client !== 'object') continue;
    attachCallSiteToClient(client, service);
    if (options.stats) attachCallStatsToClient(client, options.stats, service);
    attachNoBlindResendToClient(client, service);
  }
  return clients;
}
