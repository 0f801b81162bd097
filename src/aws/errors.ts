/**
 * Classifies every AWS error once, so no applier, observer or store reinvents "is this retryable?".
 *
 * The classes follow `research/aws-api-facts.md` §2 ("Operator classification"): each class maps to one
 * reaction (back off, requeue, adopt, treat as gone, report). Matching is on the error's name, falling back
 * to `Code`/`code`, because SDK v3 spells the same condition three ways: modeled exceptions with a suffix
 * (`DuplicateTargetGroupNameException`, `DBInstanceAlreadyExistsFault`), EC2's unmodeled raw codes
 * (`InvalidGroup.Duplicate`, `InvalidVpcID.NotFound`), and a few conditions only its message tells apart
 * (ECS `InvalidParameterException` "Creation of service was not idempotent").
 *
 * @module
 */
import { DynamoDBServiceException } from '@aws-sdk/client-dynamodb';
import { StackctlError } from '../errors.js';
import { AmbiguousOutcomeError } from './ambiguous-outcome.js';
import { type AwsCallSite, callSiteOf, describeCallSite, formatCallName } from './call-site.js';
import {
  AWS_ERROR_CLASSES,
  type AwsErrorClass,
  classifyByName,
  classifyCancellation,
} from './error-names.js';
import { AWS_ENDPOINT_UNREACHABLE, AWS_NO_CREDENTIALS } from './setup-errors.js';

export { AWS_ERROR_CLASSES, type AwsErrorClass };

/** How deep {@link classifyAwsError} follows `cause` chains before giving up. */
const MAX_CAUSE_DEPTH = 5;

/** Longest AWS message an {@link AwsCallError} repeats, so a huge validation dump cannot flood a log. */
export const MAX_AWS_MESSAGE_LENGTH = 300;

/**
 * Codes of stackctl's own setup errors (setup-errors.ts): their text is ours, names the call and says
 * how to fix the setup, so {@link AwsCallError} keeps it whole (and its code) instead of shortening it
 * like an AWS message.
 */
const SETUP_ERROR_CODES: ReadonlySet<string> = new Set([AWS_NO_CREDENTIALS, AWS_ENDPOINT_UNREACHABLE]);

/** Classes a whole idempotent step may be retried for (after the SDK's own attempts). */
export const RETRYABLE_CLASSES: ReadonlySet<AwsErrorClass> = new Set(['throttle', 'busy', 'dependency']);

/**
 * Node's codes for a connection that failed under the call (reset, broken pipe, refused). After the
 * SDK's own attempts such a failure is still AWS's side (or the network's), never the request's: the
 * step is retried like a 5xx, a bounded number of times. A timeout (`ETIMEDOUT`, `TimeoutError`) is
 * not: each attempt already waited its full timeout, and repeating it turns a hung endpoint into minutes.
 */
const NETWORK_ERROR_CODES: ReadonlySet<string> = new Set(['ECONNRESET', 'EPIPE', 'ECONNREFUSED']);

/** The fields of an SDK v3 exception (or a plain test object) this module reads. */
interface ErrorLike {
  readonly name?: unknown;
  readonly Code?: unknown;
  readonly code?: unknown;
  readonly message?: unknown;
  readonly $fault?: unknown;
  readonly $metadata?: { readonly httpStatusCode?: unknown };
  readonly CancellationReasons?: unknown;
  readonly cause?: unknown;
}

function asErrorLike(err: unknown): ErrorLike | undefined {
  return typeof err === 'object' && err !== null ? (err as ErrorLike) : undefined;
}

/**
 * The AWS error code of `err`: its `name`, else `Code`, else `code` (a plain `Error` is named `Error`,
 * which says nothing, so it is skipped).
 *
 * @example awsErrorCode(new ServiceNotFoundException({ message: 'x', $metadata: {} })) // 'ServiceNotFoundException'
 */
export function awsErrorCode(err: unknown): string | undefined {
  const e = asErrorLike(err);
  if (!e) return undefined;
  for (const candidate of [e.name, e.Code, e.code]) {
    if (typeof candidate === 'string' && candidate !== '' && candidate !== 'Error') return candidate;
  }
  return undefined;
}

function candidateCodes(e: ErrorLike): string[] {
  return [e.name, e.Code, e.code].filter(
    (c): c is string => typeof c === 'string' && c !== '' && c !== 'Error',
  );
}

/**
 * DynamoDB's `ResourceInUseException` means "the table already exists (or is being created)"; ELBv2's
 * and ACM's mean "something still references it". Only the service tells them apart.
 */
function isDynamoDbError(err: unknown): boolean {
  return err instanceof DynamoDBServiceException;
}

/** The HTTP status of a failed call: modeled errors carry `$metadata`, unparseable bodies only `$response`. */
function httpStatusOf(e: NonNullable<ReturnType<typeof asErrorLike>>): number | undefined {
  const fromMetadata = e.$metadata?.httpStatusCode;
  if (typeof fromMetadata === 'number') return fromMetadata;
  const response = (e as { readonly $response?: { readonly statusCode?: unknown } }).$response;
  return typeof response?.statusCode === 'number' ? response.statusCode : undefined;
}

function classifyOnce(err: unknown): AwsErrorClass | undefined {
  if (err instanceof AwsCallError) return err.errorClass;
  // A bounded retry already gave up on it: no layer above may start the same retries again.
  if (err instanceof ServerFaultLimitError) return 'unknown';
  // The call may have been carried out: the step starts again from its read (no-blind-resend.ts).
  if (err instanceof AmbiguousOutcomeError) return 'busy';
  const e = asErrorLike(err);
  if (!e) return undefined;
  if (typeof e.code === 'string' && NETWORK_ERROR_CODES.has(e.code)) return 'busy';
  const message = typeof e.message === 'string' ? e.message : '';
  for (const code of candidateCodes(e)) {
    if (/^TransactionCanceled(Exception)?$/.test(code)) return classifyCancellation(e.CancellationReasons);
    const cls = classifyByName(code, message, isDynamoDbError(err));
    if (cls) return cls;
  }
  const status = httpStatusOf(e);
  if (status === 429) return 'throttle';
  // A 5xx that outlived the SDK's own retries is still AWS's fault, not the request's: requeue the step.
  if (status !== undefined && status >= 500) return 'busy';
  if (e.$fault === 'client') return 'permanent';
  return undefined;
}

/**
 * Classifies any thrown value into one {@link AwsErrorClass}.
 *
 * An {@link AwsCallError} keeps the class it was built with; anything else is matched by name (see the
 * module doc), and when nothing matches its `cause` chain is tried, so a store error wrapping an SDK
 * exception still classifies. An unrecognised modeled client fault is `permanent` (the request itself is
 * wrong); an HTTP 5xx the SDK already retried is `busy` (server-side, worth a later step retry); anything
 * else unrecognised (network failures, bugs) is `unknown` and is not retried by {@link isRetryable}.
 *
 * @example classifyAwsError({ name: 'InvalidGroup.Duplicate' }) // 'already-exists'
 */
export function classifyAwsError(err: unknown): AwsErrorClass {
  let current: unknown = err;
  for (let depth = 0; depth < MAX_CAUSE_DEPTH && current !== undefined; depth++) {
    const cls = classifyOnce(current);
    if (cls) return cls;
    current = asErrorLike(current)?.cause;
  }
  return 'unknown';
}

/** True when `err` means the resource does not exist: success for a delete, drift for an update. */
export function isNotFound(err: unknown): boolean {
  return classifyAwsError(err) === 'not-found';
}

/** True when a create collided with an existing resource: describe it, check tags, adopt or conflict. */
export function isAlreadyExists(err: unknown): boolean {
  return classifyAwsError(err) === 'already-exists';
}

/** True when AWS rate-limited the call: back off with jitter. */
export function isThrottle(err: unknown): boolean {
  return classifyAwsError(err) === 'throttle';
}

/**
 * True when repeating the same idempotent step later can succeed: AWS throttled it, was busy, or is
 * waiting on a dependency. Permanent and unknown errors are reported instead.
 */
export function isRetryable(err: unknown): boolean {
  return RETRYABLE_CLASSES.has(classifyAwsError(err));
}

/** What each class means to a user reading an error. */
const CLASS_DESCRIPTIONS: Readonly<Record<AwsErrorClass, string>> = {
  throttle: 'AWS throttled the request',
  busy: 'AWS is busy with a conflicting operation',
  dependency: 'waiting on a dependent resource',
  'already-exists': 'the resource already exists',
  'not-found': 'the resource was not found',
  permanent: 'AWS rejected the request',
  unknown: 'unexpected error',
};

/**
 * Shortens an AWS message and masks values AWS echoes back in validation errors
 * (`Value '…' at 'value' failed to satisfy constraint`), so a parameter value can never reach a log.
 */
export function sanitizeAwsMessage(message: string): string {
  const masked = message.replace(/Value '[^']*' at '/g, "Value '***' at '");
  return masked.length > MAX_AWS_MESSAGE_LENGTH ? `${masked.slice(0, MAX_AWS_MESSAGE_LENGTH)}…` : masked;
}

/** What {@link AwsCallError} needs to know about the failed call. */
export interface AwsCallErrorOptions {
  /** Short service name, e.g. `ecs`, `elbv2`. */
  readonly service: string;
  /** API operation, e.g. `CreateService`. */
  readonly operation: string;
  /** The SDK error. */
  readonly cause: unknown;
  /** Extra words for the user, e.g. the logical id the call was for. */
  readonly context?: string;
}

/**
 * An AWS call failed: wraps the SDK error with the service, operation and its {@link AwsErrorClass}, so
 * the CLI can print one readable line and callers can branch on `errorClass` without re-classifying.
 *
 * @example
 * throw new AwsCallError({ service: 'ecs', operation: 'CreateService', cause: err, context: 'service/web' });
 */
export class AwsCallError extends StackctlError {
  readonly service: string;
  readonly operation: string;
  readonly errorClass: AwsErrorClass;
  /** `service`, `operation`, plus the endpoint and SDK attempts when the client recorded them. */
  readonly callSite: AwsCallSite;
  /** The AWS error code (`ThrottlingException`, `InvalidGroup.Duplicate`), when there is one. */
  readonly awsCode: string | undefined;

  constructor(options: AwsCallErrorOptions) {
    const errorClass = classifyAwsError(options.cause);
    const awsCode = awsErrorCode(options.cause);
    const raw = asErrorLike(options.cause)?.message;
    const text = typeof raw === 'string' ? raw : String(options.cause);
    const ours = options.cause instanceof StackctlError && SETUP_ERROR_CODES.has(options.cause.code);
    const detail = ours ? text : sanitizeAwsMessage(text);
    const prefix = options.context ? `${options.context}: ` : '';
    const recorded = callSiteOf(options.cause);
    const site: AwsCallSite = {
      service: options.service,
      operation: options.operation,
      attempts: recorded?.attempts ?? 0,
      ...(recorded?.endpoint ? { endpoint: recorded.endpoint } : {}),
    };
    // A setup error already names the call, the endpoint and the fix: it is the message, with its code.
    super(
      ours ? options.cause.code : 'AWS_CALL_FAILED',
      ours
        ? `${prefix}${detail}`
        : `${prefix}${describeCallSite(site)} (${CLASS_DESCRIPTIONS[errorClass]}${awsCode ? `, ${awsCode}` : ''}): ${detail}`,
      { cause: options.cause },
    );
    this.name = 'AwsCallError';
    this.service = options.service;
    this.operation = options.operation;
    this.callSite = site;
    this.errorClass = errorClass;
    this.awsCode = awsCode;
  }
}

/**
 * Normalised names of the errors AWS raises for its own failures (HTTP 5xx), as opposed to "busy" codes
 * that mean another operation holds the resource. Throttles sent as 503 are matched as throttles first.
 */
const SERVER_FAULT_NAMES: ReadonlySet<string> = new Set([
  'Server',
  'ServiceUnavailable',
  'InternalFailure',
  'InternalError',
  'InternalServerError',
  'InternalServer',
  'InternalService',
  'ServiceFailure',
]);

/**
 * True when `err` (or its cause) is AWS failing on its side: an HTTP 5xx or a 5xx-style error name that
 * is not a throttle. These are retried a bounded number of times ({@link retryStep}'s
 * `serverFaultRetries`), unlike "busy" conflicts, which clear when the other operation ends.
 */
export function isServerFault(err: unknown): boolean {
  if (classifyAwsError(err) !== 'busy') return false;
  let current: unknown = err;
  for (let depth = 0; depth < MAX_CAUSE_DEPTH && current !== undefined; depth++) {
    const e = asErrorLike(current);
    if (!e) return false;
    if (current instanceof AmbiguousOutcomeError) return true;
    if (typeof e.code === 'string' && NETWORK_ERROR_CODES.has(e.code)) return true;
    if (candidateCodes(e).some((c) => SERVER_FAULT_NAMES.has(c.replace(/(?<=.)(Exception|Fault)$/, ''))))
      return true;
    const status = httpStatusOf(e);
    if (status !== undefined && status >= 500) return true;
    current = e.cause;
  }
  return false;
}

/**
 * AWS kept failing on its side (HTTP 5xx) after the step's bounded retries: reported as a failure naming
 * the call, and never retried again in the same pass (the next pass starts afresh).
 */
export class ServerFaultLimitError extends StackctlError {
  /** How many times the whole step ran. */
  readonly stepAttempts: number;
  /** The call that failed last, when its client carried the call-site middleware. */
  readonly call: string | undefined;

  constructor(stepAttempts: number, cause: unknown) {
    const site = callSiteOf(cause);
    // An AwsCallError already says which call failed: describe the SDK error it wraps.
    const inner = cause instanceof AwsCallError ? cause.cause : cause;
    const raw = asErrorLike(inner)?.message;
    const detail = sanitizeAwsMessage(typeof raw === 'string' ? raw : String(inner));
    const code = awsErrorCode(inner) ?? 'server error';
    const what = site ? describeCallSite(site) : 'an AWS call failed';
    // An unreachable endpoint is the setup's fault, not AWS's: its own message (and code) says so.
    const setup = cause instanceof StackctlError && SETUP_ERROR_CODES.has(cause.code) ? cause : undefined;
    super(
      setup ? setup.code : 'AWS_SERVER_FAULT_LIMIT',
      setup
        ? `${setup.message}; gave up after ${stepAttempts} tries of the step`
        : `${what}: AWS kept failing on its side (${code}: ${detail}); gave up after ${stepAttempts} tries of the step`,
      { cause },
    );
    this.name = 'ServerFaultLimitError';
    this.stepAttempts = stepAttempts;
    this.call = site ? formatCallName(site) : undefined;
  }
}
