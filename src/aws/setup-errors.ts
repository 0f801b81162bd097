/**
 * Failures of the local AWS setup, as opposed to AWS answering: no credentials anywhere in the SDK's
 * default chain, or an endpoint that cannot be reached. Raw, they read `CredentialsProviderError: Could
 * not load credentials from any providers` and `getaddrinfo ENOTFOUND …`, which say neither what was
 * tried nor what to change. {@link attachSetupErrors} turns them, once per call (after every retry
 * layer), into a {@link AwsNoCredentialsError} / {@link AwsEndpointUnreachableError} that names what the
 * SDK looked at and how to fix it; the original stays the `cause`, so classification is unchanged.
 *
 * Only names of variables, files and profiles are printed, never their values (keys are secrets).
 *
 * @module
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { StackctlError } from '../errors.js';
import { callSiteOf } from './call-site.js';
import type { Middleware, StackLike } from './middleware-types.js';
import type { AwsClients } from './types.js';

/** Stable code of {@link AwsNoCredentialsError}. */
export const AWS_NO_CREDENTIALS = 'AWS_NO_CREDENTIALS';
/** Stable code of {@link AwsEndpointUnreachableError}. */
export const AWS_ENDPOINT_UNREACHABLE = 'AWS_ENDPOINT_UNREACHABLE';

/** Name of the middleware on every client's stack. */
export const SETUP_ERRORS_MIDDLEWARE = 'stackctlSetupErrors';

/** How deep the cause chain is searched (retry layers wrap the SDK error). */
const MAX_CAUSE_DEPTH = 6;

/** Longest piece of an SDK message repeated (its text is not ours). */
const MAX_SDK_DETAIL_LENGTH = 200;

/** Error names the SDK's credential and token providers throw when nothing in the chain answered. */
const CREDENTIAL_ERROR_NAMES: ReadonlySet<string> = new Set([
  'CredentialsProviderError',
  'TokenProviderError',
]);

/** Node's codes for "no connection was ever made", with the words a user reads. */
const UNREACHABLE_CODES: Readonly<Record<string, string>> = {
  ENOTFOUND: 'host name not found',
  EAI_AGAIN: 'host name lookup failed',
  ECONNREFUSED: 'connection refused: nothing listens there',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
};

type Env = Readonly<Record<string, string | undefined>>;

/** What {@link attachSetupErrors} knows about how the clients were built. */
export interface SetupContext {
  /** `--endpoint-url`, when given: set on every client, so nothing else counts. */
  readonly explicitEndpoint?: string;
  /** `--aws-profile`, when given. */
  readonly profile?: string;
  /** @default process.env, read when a call fails */
  readonly env?: Env;
}

/**
 * Where an endpoint setting came from, in the SDK's order: the flag, `AWS_ENDPOINT_URL_<SERVICE>`,
 * `AWS_ENDPOINT_URL`, the AWS config file, the region's default.
 */
export type EndpointSource =
  | { readonly kind: 'flag' }
  | { readonly kind: 'env'; readonly variable: string }
  | { readonly kind: 'config-file'; readonly file: string; readonly profile: string }
  | { readonly kind: 'default' };

/**
 * The variable the SDK reads for one service's endpoint: `AWS_ENDPOINT_URL_` plus the client's
 * `serviceId` upper-cased with spaces as `_` (`Elastic Load Balancing v2` →
 * `AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2`), exactly as `@smithy/core/endpoints` builds it.
 */
export function serviceEndpointEnvName(serviceId: string): string {
  return ['AWS_ENDPOINT_URL', ...serviceId.split(' ').map((w) => w.toUpperCase())].join('_');
}

/** The profile the SDK uses: the option, else `AWS_PROFILE`, else `default`. */
export function effectiveProfile(context: SetupContext): string {
  const env = context.env ?? process.env;
  return context.profile || env.AWS_PROFILE || 'default';
}

function configFile(env: Env): string {
  return env.AWS_CONFIG_FILE || join(homedir(), '.aws', 'config');
}

function credentialsFile(env: Env): string {
  return env.AWS_SHARED_CREDENTIALS_FILE || join(homedir(), '.aws', 'credentials');
}

/** True for a host of AWS's own endpoints (`ecs.eu-west-1.amazonaws.com`, `….amazonaws.com.cn`). */
function isAwsHost(endpoint: string | undefined): boolean {
  if (!endpoint) return false;
  try {
    return /\.amazonaws\.com(\.cn)?$/i.test(new URL(endpoint).hostname);
  } catch {
    return false;
  }
}

/**
 * Which setting gave `serviceId` the endpoint it called, following the SDK's precedence. A non-AWS host
 * that no flag or variable names came from the config file (`endpoint_url`, or a `services` section).
 */
export function endpointSource(
  serviceId: string,
  endpoint: string | undefined,
  context: SetupContext,
): EndpointSource {
  const env = context.env ?? process.env;
  if (context.explicitEndpoint) return { kind: 'flag' };
  if (env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS?.toLowerCase() !== 'true') {
    const perService = serviceEndpointEnvName(serviceId);
    if (env[perService]) return { kind: 'env', variable: perService };
    if (env.AWS_ENDPOINT_URL) return { kind: 'env', variable: 'AWS_ENDPOINT_URL' };
    if (endpoint && !isAwsHost(endpoint)) {
      return { kind: 'config-file', file: configFile(env), profile: effectiveProfile(context) };
    }
  }
  return { kind: 'default' };
}

/** `--endpoint-url`, `AWS_ENDPOINT_URL_ECS`, … as a user reads it. */
export function describeEndpointSource(source: EndpointSource): string {
  switch (source.kind) {
    case 'flag':
      return '--endpoint-url';
    case 'env':
      return source.variable;
    case 'config-file':
      return `endpoint_url of profile "${source.profile}" in ${source.file}`;
    case 'default':
      return "the SDK's default AWS endpoint for the region";
  }
}

function fixFor(source: EndpointSource): string {
  switch (source.kind) {
    case 'flag':
      return 'check the URL given to --endpoint-url (is that server running?)';
    case 'env':
      return `check ${source.variable} (is that server running?), or unset it`;
    case 'config-file':
      return `check endpoint_url (and any services section) of profile "${source.profile}" in ${source.file}, or set AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true`;
    case 'default':
      return 'check your network connection and the region, or point stackctl at another endpoint with --endpoint-url';
  }
}

function shorten(text: string): string {
  return text.length > MAX_SDK_DETAIL_LENGTH ? `${text.slice(0, MAX_SDK_DETAIL_LENGTH)}…` : text;
}

/**
 * The SDK's default credential chain found nothing: names what it tried (in its order) and the fixes.
 * With a profile named (`--aws-profile`, `AWS_PROFILE`) the chain skips the environment keys.
 */
export class AwsNoCredentialsError extends StackctlError {
  /** The profile the chain read. */
  readonly profile: string;

  /** @param failed - the error the call failed with (its call site names the call); @default cause */
  constructor(cause: unknown, context: SetupContext, failed: unknown = cause) {
    const env = context.env ?? process.env;
    const site = callSiteOf(failed) ?? callSiteOf(cause);
    const call = site ? `${site.service}:${site.operation}: ` : '';
    const profile = effectiveProfile(context);
    const named = Boolean(context.profile || env.AWS_PROFILE);
    const sdk = cause instanceof Error ? shorten(cause.message) : String(cause);
    const metadata = env.AWS_EC2_METADATA_DISABLED?.toLowerCase() === 'true' ? ' (disabled)' : '';
    const tried = [
      named
        ? `environment keys AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (skipped: profile "${profile}" is named)`
        : 'environment keys AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY',
      `profile "${profile}" in ${credentialsFile(env)} and ${configFile(env)} (keys, SSO, credential_process, role)`,
      'web identity token (AWS_WEB_IDENTITY_TOKEN_FILE)',
      `container credentials, then EC2 instance metadata${metadata}`,
    ];
    const profileFlag = profile === 'default' ? '' : ` --profile ${profile}`;
    super(
      AWS_NO_CREDENTIALS,
      [
        `no AWS credentials found for profile "${profile}" (${call}${sdk})`,
        `  tried: ${tried.join('; ')}`,
        `  fix: run \`aws configure${profileFlag}\`, or \`aws sso login --profile ${profile}\` for an SSO profile, ` +
          'or pick a profile that has credentials with --aws-profile NAME (or AWS_PROFILE)',
      ].join('\n'),
      { cause },
    );
    this.name = 'AwsNoCredentialsError';
    this.profile = profile;
  }
}

/** A call never reached its endpoint: names the endpoint, the setting it came from and the fix. */
export class AwsEndpointUnreachableError extends StackctlError {
  /** `protocol//host:port` called, when the request was built. */
  readonly endpoint: string | undefined;
  /** The setting that chose it. */
  readonly source: EndpointSource;

  constructor(cause: unknown, networkCode: string, serviceId: string, context: SetupContext) {
    const site = callSiteOf(cause);
    const endpoint = site?.endpoint;
    const source = endpointSource(serviceId, endpoint, context);
    const reason = UNREACHABLE_CODES[networkCode] ?? networkCode;
    const what = site ? `${site.service}:${site.operation}` : serviceId;
    super(
      AWS_ENDPOINT_UNREACHABLE,
      `cannot reach the AWS endpoint ${endpoint ?? '(unknown)'} for ${what} (${networkCode}: ${reason}); ` +
        `the endpoint came from ${describeEndpointSource(source)}: ${fixFor(source)}`,
      { cause },
    );
    this.name = 'AwsEndpointUnreachableError';
    this.endpoint = endpoint;
    this.source = source;
  }
}

/** A failure of the local setup, found anywhere in `err`'s cause chain. */
type SetupFailure =
  | { readonly kind: 'credentials'; readonly error: unknown }
  | { readonly kind: 'unreachable'; readonly code: string };

function findSetupFailure(err: unknown): SetupFailure | undefined {
  let current: unknown = err;
  for (let depth = 0; depth < MAX_CAUSE_DEPTH; depth++) {
    if (typeof current !== 'object' || current === null) return undefined;
    const e = current as { name?: unknown; code?: unknown; cause?: unknown };
    if (typeof e.name === 'string' && CREDENTIAL_ERROR_NAMES.has(e.name)) {
      return { kind: 'credentials', error: current };
    }
    if (typeof e.code === 'string' && e.code in UNREACHABLE_CODES)
      return { kind: 'unreachable', code: e.code };
    current = e.cause;
  }
  return undefined;
}

/**
 * `err` as a setup error when a missing credential or an unreachable endpoint is behind it, else
 * undefined. `serviceId` is the SDK client's (`ECS`, `Elastic Load Balancing v2`).
 */
export function toSetupError(
  err: unknown,
  serviceId: string,
  context: SetupContext,
): StackctlError | undefined {
  if (err instanceof AwsNoCredentialsError || err instanceof AwsEndpointUnreachableError) return undefined;
  const failure = findSetupFailure(err);
  if (!failure) return undefined;
  return failure.kind === 'credentials'
    ? new AwsNoCredentialsError(failure.error, context, err)
    : new AwsEndpointUnreachableError(err, failure.code, serviceId, context);
}

/**
 * Adds the translation to every client of the bundle, first in `initialize`, so it sees each call's
 * final failure (after the SDK's and stackctl's retries) with its call site already recorded. Attach
 * it before every other middleware: the first added of a priority runs outermost.
 */
export function attachSetupErrors(clients: AwsClients, context: SetupContext): void {
  for (const value of Object.values(clients)) {
    if (typeof value !== 'object' || value === null || !('middlewareStack' in value)) continue;
    const serviceId = (value as { config?: { serviceId?: unknown } }).config?.serviceId;
    const id = typeof serviceId === 'string' ? serviceId : 'unknown';
    const middleware: Middleware = (next) => async (args) => {
      try {
        return await next(args);
      } catch (err) {
        throw toSetupError(err, id, context) ?? err;
      }
    };
    (value.middlewareStack as StackLike).add(middleware, {
      step: 'initialize',
      name: SETUP_ERRORS_MIDDLEWARE,
      priority: 'high',
      override: true,
    });
  }
}
