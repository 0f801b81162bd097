/**
 * The name tables behind {@link classifyAwsError}: which AWS error codes mean which class.
 *
 * Kept apart from `errors.ts` so the table reads as data. Names are compared after dropping the SDK's
 * `Exception` / `Fault` suffix, so `ThrottlingException`, `Throttling` and a query-protocol
 * `DBInstanceAlreadyExistsFault` all hit the same entry.
 *
 * @internal
 * @module
 */

/** Every class an AWS error can fall into; each maps to one reaction of the engine. */
export const AWS_ERROR_CLASSES = [
  'throttle',
  'busy',
  'dependency',
  'already-exists',
  'not-found',
  'permanent',
  'unknown',
] as const;

/**
 * What to do about an AWS error:
 * - `throttle`: back off with jitter;
 * - `busy`: another operation holds the resource, requeue in 5–30 s;
 * - `dependency`: eventual consistency or a dependent resource, requeue with a cap and say what it waits on;
 * - `already-exists`: describe, check ownership tags, adopt or report a conflict;
 * - `not-found`: success for a delete, drift (recreate) for an update;
 * - `permanent`: report, never retry;
 * - `unknown`: not recognised; reported, not retried.
 */
export type AwsErrorClass = (typeof AWS_ERROR_CLASSES)[number];

/** Rate limiting. `RequestLimitExceeded` and `BandwidthLimitExceeded` are throttles despite the suffix. */
const THROTTLE = new Set([
  'Throttling',
  'ThrottlingError',
  'RequestLimitExceeded',
  'TooManyRequests',
  'ProvisionedThroughputExceeded',
  'Throttled',
  'RequestThrottled',
  'SlowDown',
  'EC2Throttled',
  'BandwidthLimitExceeded',
]);

/** Another operation on the same resource is in flight, or AWS had a transient server-side failure. */
const BUSY = new Set([
  'PriorRequestNotComplete',
  'TooManyUpdates',
  'ConcurrentUpdate',
  'ConcurrentModification',
  'Conflict',
  'UpdateInProgress',
  'RequestInProgress',
  'EntityTemporarilyUnmodifiable',
  'OperationAborted',
  'TransactionConflict',
  'TransactionInProgress',
  'InvalidDBInstanceState',
  'InvalidReplicationGroupState',
  'InvalidCacheClusterState',
  'Server',
  'ServiceUnavailable',
  'InternalFailure',
  'InternalError',
  'InternalServerError',
  'InternalServer',
  'InternalService',
  'ServiceFailure',
]);

/** Something still references the resource, or a just-created dependency has not propagated. */
const DEPENDENCY = new Set([
  'DependencyViolation',
  'ResourceInUse',
  'InvalidDBSubnetGroupState',
  'CacheSubnetGroupInUse',
  'HostedZoneNotEmpty',
  'DeleteConflict',
  'ClusterContainsServices',
  'ClusterContainsTasks',
  'ClusterContainsContainerInstances',
]);

/** Named collisions that are not `*AlreadyExists` / `*.Duplicate`. */
const ALREADY_EXISTS = new Set([
  'DuplicateLoadBalancerName',
  'DuplicateTargetGroupName',
  'DuplicateListener',
  'DuplicatePolicyName',
  'PriorityInUse',
]);

/** ECS reports these eventual-consistency waits as InvalidParameterException; only the message differs. */
const DEPENDENCY_MESSAGES: readonly RegExp[] = [
  /creation of service was not idempotent/i,
  /unable to assume (the )?(service linked )?role/i,
  /does not have an associated load balancer/i,
];

/** Request errors: wrong input, no permission, or a quota that waiting will not lift. */
const PERMANENT_PATTERNS: readonly RegExp[] = [
  /^Validation(Error)?$/,
  /^Invalid/,
  /^AccessDenied/,
  /^Unauthorized/,
  /^(AuthFailure|InvalidClientTokenId|ExpiredToken|UnrecognizedClient|IncompleteSignature|OptInRequired)$/,
  /Limits?Exceeded$/,
  /^TooMany/,
  /QuotaExceeded$/,
  /^Unsupported/,
  /^ConditionalCheckFailed$/,
  /^(MissingParameter|MalformedPolicyDocument|Client|PlatformUnknown|PlatformTaskDefinitionIncompatibility)$/,
  /^IdempotentParameterMismatch$/,
];

/** Drops the SDK's `Exception` / `Fault` suffix; leaves bare `Exception` alone. */
export function normalizeErrorName(name: string): string {
  return name.replace(/(?<=.)(Exception|Fault)$/, '');
}

/**
 * Classifies one error code (and its message, for the few codes only the message disambiguates).
 * Returns undefined when the name is not recognised, so the caller can try the next candidate.
 *
 * @param fromDynamoDb - true for DynamoDB exceptions, whose `ResourceInUse` means "table already exists".
 */
export function classifyByName(
  rawName: string,
  message: string,
  fromDynamoDb: boolean,
): AwsErrorClass | undefined {
  const name = normalizeErrorName(rawName);
  if (THROTTLE.has(name)) return 'throttle';
  if (BUSY.has(name)) return 'busy';
  if (name === 'ResourceInUse' && (fromDynamoDb || /already exists/i.test(message))) return 'already-exists';
  if (DEPENDENCY.has(name)) return 'dependency';
  if (name === 'InvalidParameter' || name === 'Client') {
    if (DEPENDENCY_MESSAGES.some((re) => re.test(message))) return 'dependency';
  }
  if (name === 'InvalidChangeBatch') {
    if (/already exists/i.test(message)) return 'already-exists';
    if (/not found/i.test(message)) return 'not-found';
    return 'permanent';
  }
  if (ALREADY_EXISTS.has(name) || name.endsWith('AlreadyExists') || name.endsWith('.Duplicate')) {
    return 'already-exists';
  }
  if (name.endsWith('NotFound') || name.startsWith('NoSuch') || name === 'ServiceNotActive') {
    return 'not-found';
  }
  if (PERMANENT_PATTERNS.some((re) => re.test(name))) return 'permanent';
  return undefined;
}

/** DynamoDB cancellation reason codes that mean "retry the transaction later". */
const CANCELLATION_CLASSES: Readonly<Record<string, AwsErrorClass>> = {
  TransactionConflict: 'busy',
  ThrottlingError: 'throttle',
  ProvisionedThroughputExceeded: 'throttle',
  RequestLimitExceeded: 'throttle',
};

/**
 * Classifies a DynamoDB `TransactionCanceledException` by its `CancellationReasons`: a conflict or
 * throttle on any item is retryable; otherwise (every reason a ConditionalCheckFailed, a validation
 * error) it is permanent: re-read and re-diff rather than repeat the same write.
 */
export function classifyCancellation(reasons: unknown): AwsErrorClass {
  if (!Array.isArray(reasons)) return 'permanent';
  const codes = reasons
    .map((r: unknown) => (typeof r === 'object' && r !== null ? (r as { Code?: unknown }).Code : undefined))
    .filter((c): c is string => typeof c === 'string' && c !== 'None');
  for (const code of codes) {
    const cls = CANCELLATION_CLASSES[code];
    if (cls === 'throttle') return cls;
  }
  for (const code of codes) {
    const cls = CANCELLATION_CLASSES[code];
    if (cls) return cls;
  }
  return 'permanent';
}
