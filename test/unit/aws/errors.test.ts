import { ResourceInUseException as AcmResourceInUse } from '@aws-sdk/client-acm';
import {
  ConditionalCheckFailedException,
  ResourceInUseException as DdbResourceInUse,
  ProvisionedThroughputExceededException,
  TransactionCanceledException,
  TransactionConflictException,
} from '@aws-sdk/client-dynamodb';
import { EC2ServiceException } from '@aws-sdk/client-ec2';
import {
  ClusterNotFoundException,
  InvalidParameterException,
  LimitExceededException,
  ServerException,
  ServiceNotFoundException,
} from '@aws-sdk/client-ecs';
import {
  DuplicateTargetGroupNameException,
  ResourceInUseException as ElbResourceInUse,
  PriorityInUseException,
  TargetGroupNotFoundException,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { CacheSubnetGroupInUse, InvalidReplicationGroupStateFault } from '@aws-sdk/client-elasticache';
import {
  DBInstanceAlreadyExistsFault,
  DBInstanceNotFoundFault,
  InvalidDBInstanceStateFault,
} from '@aws-sdk/client-rds';
import {
  HostedZoneNotEmpty,
  InvalidChangeBatch,
  NoSuchHostedZone,
  PriorRequestNotComplete,
} from '@aws-sdk/client-route-53';
import { ParameterAlreadyExists, ParameterNotFound, TooManyUpdates } from '@aws-sdk/client-ssm';
import { describe, expect, it } from 'vitest';
import {
  AwsCallError,
  type AwsErrorClass,
  awsErrorCode,
  classifyAwsError,
  isAlreadyExists,
  isNotFound,
  isRetryable,
  isThrottle,
  sanitizeAwsMessage,
} from '../../../src/aws/errors.js';
import { StackctlError } from '../../../src/errors.js';
import { NotReadyError } from '../../../src/reconcilers/errors.js';

const meta = { $metadata: {} };

/** An EC2 error as the SDK builds it: unmodeled, so the raw code is the name. */
function ec2Error(name: string, message = 'x'): EC2ServiceException {
  return new EC2ServiceException({ name, message, $fault: 'client', ...meta });
}

describe('classifyAwsError', () => {
  it.each<{ reason: string; err: unknown; want: AwsErrorClass }>([
    // throttle
    { reason: 'plain ThrottlingException', err: { name: 'ThrottlingException' }, want: 'throttle' },
    { reason: 'Route 53 Throttling (no suffix)', err: { name: 'Throttling' }, want: 'throttle' },
    {
      reason: 'EC2 RequestLimitExceeded despite the LimitExceeded suffix',
      err: ec2Error('RequestLimitExceeded'),
      want: 'throttle',
    },
    {
      reason: 'TooManyRequestsException despite the TooMany prefix',
      err: { name: 'TooManyRequestsException' },
      want: 'throttle',
    },
    {
      reason: 'DynamoDB ProvisionedThroughputExceeded (real class)',
      err: new ProvisionedThroughputExceededException({ message: 'x', ...meta }),
      want: 'throttle',
    },
    {
      reason: 'HTTP 429 with an unknown name',
      err: { name: 'Weird', $metadata: { httpStatusCode: 429 } },
      want: 'throttle',
    },
    // busy
    {
      reason: 'Route 53 PriorRequestNotComplete',
      err: new PriorRequestNotComplete({ message: 'x', ...meta }),
      want: 'busy',
    },
    {
      reason: 'SSM TooManyUpdates despite the TooMany prefix',
      err: new TooManyUpdates({ message: 'x', ...meta }),
      want: 'busy',
    },
    { reason: 'AAS ConcurrentUpdateException', err: { name: 'ConcurrentUpdateException' }, want: 'busy' },
    { reason: 'Logs OperationAbortedException', err: { name: 'OperationAbortedException' }, want: 'busy' },
    {
      reason: 'DynamoDB TransactionConflict',
      err: new TransactionConflictException({ message: 'x', ...meta }),
      want: 'busy',
    },
    {
      reason: 'DynamoDB TransactionInProgress',
      err: { name: 'TransactionInProgressException' },
      want: 'busy',
    },
    {
      reason: 'RDS InvalidDBInstanceState (not Invalid* permanent)',
      err: new InvalidDBInstanceStateFault({ message: 'x', ...meta }),
      want: 'busy',
    },
    {
      reason: 'ElastiCache InvalidReplicationGroupState',
      err: new InvalidReplicationGroupStateFault({ message: 'x', ...meta }),
      want: 'busy',
    },
    {
      reason: 'ECS ServerException (500)',
      err: new ServerException({ message: 'x', ...meta }),
      want: 'busy',
    },
    // dependency
    {
      reason: 'EC2 DependencyViolation (lingering ENIs)',
      err: ec2Error('DependencyViolation'),
      want: 'dependency',
    },
    {
      reason: 'ELBv2 ResourceInUse (TG used by a listener)',
      err: new ElbResourceInUse({ message: 'in use', ...meta }),
      want: 'dependency',
    },
    {
      reason: 'ACM ResourceInUseException',
      err: new AcmResourceInUse({ message: 'in use', ...meta }),
      want: 'dependency',
    },
    {
      reason: 'RDS InvalidDBSubnetGroupState',
      err: { name: 'InvalidDBSubnetGroupStateFault' },
      want: 'dependency',
    },
    {
      reason: 'ElastiCache CacheSubnetGroupInUse',
      err: new CacheSubnetGroupInUse({ message: 'x', ...meta }),
      want: 'dependency',
    },
    {
      reason: 'Route 53 HostedZoneNotEmpty',
      err: new HostedZoneNotEmpty({ message: 'x', ...meta }),
      want: 'dependency',
    },
    {
      reason: 'ECS "Creation of service was not idempotent" (same name still DRAINING)',
      err: new InvalidParameterException({ message: 'Creation of service was not idempotent.', ...meta }),
      want: 'dependency',
    },
    {
      reason: 'ECS "Unable to assume role" (IAM propagation)',
      err: new InvalidParameterException({
        message: 'Unable to assume role and validate the listeners',
        ...meta,
      }),
      want: 'dependency',
    },
    {
      reason: 'ECS target group without a load balancer yet',
      err: new InvalidParameterException({
        message: 'The target group with targetGroupArn arn:x does not have an associated load balancer.',
        ...meta,
      }),
      want: 'dependency',
    },
    // already exists
    {
      reason: 'EC2 InvalidGroup.Duplicate raw name',
      err: ec2Error('InvalidGroup.Duplicate'),
      want: 'already-exists',
    },
    {
      reason: 'EC2 InvalidPermission.Duplicate',
      err: ec2Error('InvalidPermission.Duplicate'),
      want: 'already-exists',
    },
    {
      reason: 'ELBv2 DuplicateTargetGroupNameException (SDK suffix)',
      err: new DuplicateTargetGroupNameException({ message: 'x', ...meta }),
      want: 'already-exists',
    },
    {
      reason: 'ELBv2 PriorityInUse',
      err: new PriorityInUseException({ message: 'x', ...meta }),
      want: 'already-exists',
    },
    {
      reason: 'RDS DBInstanceAlreadyExistsFault',
      err: new DBInstanceAlreadyExistsFault({ message: 'x', ...meta }),
      want: 'already-exists',
    },
    {
      reason: 'SSM ParameterAlreadyExists',
      err: new ParameterAlreadyExists({ message: 'x', ...meta }),
      want: 'already-exists',
    },
    {
      reason: 'Logs ResourceAlreadyExistsException',
      err: { name: 'ResourceAlreadyExistsException' },
      want: 'already-exists',
    },
    {
      reason: 'DynamoDB ResourceInUse (table exists) by class',
      err: new DdbResourceInUse({ message: 'x', ...meta }),
      want: 'already-exists',
    },
    {
      reason: 'ResourceInUse whose message says already exists',
      err: { name: 'ResourceInUseException', message: 'Table already exists: t' },
      want: 'already-exists',
    },
    {
      reason: 'Route 53 InvalidChangeBatch "already exists"',
      err: new InvalidChangeBatch({
        message: 'Tried to create resource record set but it already exists',
        ...meta,
      }),
      want: 'already-exists',
    },
    // not found
    {
      reason: 'ECS ServiceNotFound',
      err: new ServiceNotFoundException({ message: 'x', ...meta }),
      want: 'not-found',
    },
    {
      reason: 'ECS ClusterNotFound',
      err: new ClusterNotFoundException({ message: 'x', ...meta }),
      want: 'not-found',
    },
    {
      reason: 'ELBv2 TargetGroupNotFound',
      err: new TargetGroupNotFoundException({ message: 'x', ...meta }),
      want: 'not-found',
    },
    {
      reason: 'RDS DBInstanceNotFoundFault',
      err: new DBInstanceNotFoundFault({ message: 'x', ...meta }),
      want: 'not-found',
    },
    {
      reason: 'SSM ParameterNotFound',
      err: new ParameterNotFound({ message: 'x', ...meta }),
      want: 'not-found',
    },
    {
      reason: 'Route 53 NoSuchHostedZone',
      err: new NoSuchHostedZone({ message: 'x', ...meta }),
      want: 'not-found',
    },
    {
      reason: 'EC2 InvalidGroup.NotFound (not Invalid* permanent)',
      err: ec2Error('InvalidGroup.NotFound'),
      want: 'not-found',
    },
    { reason: 'EC2 InvalidVpcID.NotFound', err: ec2Error('InvalidVpcID.NotFound'), want: 'not-found' },
    {
      reason: 'Route 53 InvalidChangeBatch delete of a missing record',
      err: {
        name: 'InvalidChangeBatch',
        message: 'Tried to delete resource record set but it was not found',
      },
      want: 'not-found',
    },
    { reason: 'IAM NoSuchEntity', err: { name: 'NoSuchEntityException' }, want: 'not-found' },
    // permanent
    { reason: 'ValidationException', err: { name: 'ValidationException' }, want: 'permanent' },
    {
      reason: 'ECS InvalidParameterException with another message',
      err: new InvalidParameterException({ message: 'desiredCount must be >= 0', ...meta }),
      want: 'permanent',
    },
    { reason: 'EC2 InvalidParameterValue', err: ec2Error('InvalidParameterValue'), want: 'permanent' },
    { reason: 'AccessDeniedException', err: { name: 'AccessDeniedException' }, want: 'permanent' },
    { reason: 'EC2 UnauthorizedOperation', err: ec2Error('UnauthorizedOperation'), want: 'permanent' },
    {
      reason: 'ECS LimitExceededException is a quota, not a throttle',
      err: new LimitExceededException({ message: 'x', ...meta }),
      want: 'permanent',
    },
    { reason: 'EC2 VpcLimitExceeded', err: ec2Error('VpcLimitExceeded'), want: 'permanent' },
    { reason: 'ELBv2 TooManyTargetGroups', err: { name: 'TooManyTargetGroupsException' }, want: 'permanent' },
    {
      reason: 'ServiceQuotaExceededException',
      err: { name: 'ServiceQuotaExceededException' },
      want: 'permanent',
    },
    { reason: 'Route 53 LimitsExceeded', err: { name: 'LimitsExceeded' }, want: 'permanent' },
    {
      reason: 'DynamoDB ConditionalCheckFailed',
      err: new ConditionalCheckFailedException({ message: 'x', ...meta }),
      want: 'permanent',
    },
    {
      reason: 'TransactionCanceled where every reason is ConditionalCheckFailed',
      err: new TransactionCanceledException({
        message: 'x',
        ...meta,
        CancellationReasons: [{ Code: 'ConditionalCheckFailed' }, { Code: 'None' }],
      }),
      want: 'permanent',
    },
    {
      reason: 'TransactionCanceled by a conflict',
      err: new TransactionCanceledException({
        message: 'x',
        ...meta,
        CancellationReasons: [{ Code: 'None' }, { Code: 'TransactionConflict' }],
      }),
      want: 'busy',
    },
    {
      reason: 'TransactionCanceled by a throttle',
      err: { name: 'TransactionCanceledException', CancellationReasons: [{ Code: 'ThrottlingError' }] },
      want: 'throttle',
    },
    {
      reason: 'an unrecognised modeled client fault',
      err: { name: 'SomethingOdd', $fault: 'client', ...meta },
      want: 'permanent',
    },
    // fallbacks
    {
      reason: 'name is Error, Code carries the code',
      err: Object.assign(new Error('x'), { Code: 'Throttling' }),
      want: 'throttle',
    },
    { reason: 'lower-case code fallback', err: { code: 'InvalidGroup.NotFound' }, want: 'not-found' },
    // unknown
    { reason: 'a plain Error', err: new Error('boom'), want: 'unknown' },
    {
      reason: 'a connection reset that outlived the SDK attempts is retried like a server fault',
      err: Object.assign(new Error('socket'), { code: 'ECONNRESET' }),
      want: 'busy',
    },
    {
      reason: 'an unrecognised server fault',
      err: { name: 'UnknownError', $fault: 'server', ...meta },
      want: 'unknown',
    },
    { reason: 'a string', err: 'nope', want: 'unknown' },
    { reason: 'undefined', err: undefined, want: 'unknown' },
    { reason: 'NotReadyError is not an AWS error', err: new NotReadyError('wait', 10), want: 'unknown' },
    // wrapping
    {
      reason: 'a StackctlError whose cause is an AWS error',
      err: new StackctlError('X', 'wrapped', { cause: ec2Error('DependencyViolation') }),
      want: 'dependency',
    },
  ])('$reason → $want', ({ err, want }) => {
    expect(classifyAwsError(err)).toBe(want);
  });
});

describe('predicates', () => {
  it.each([
    {
      reason: 'not found',
      err: ec2Error('InvalidVpcID.NotFound'),
      notFound: true,
      exists: false,
      throttle: false,
      retryable: false,
    },
    {
      reason: 'duplicate',
      err: ec2Error('InvalidGroup.Duplicate'),
      notFound: false,
      exists: true,
      throttle: false,
      retryable: false,
    },
    {
      reason: 'throttle',
      err: { name: 'Throttling' },
      notFound: false,
      exists: false,
      throttle: true,
      retryable: true,
    },
    {
      reason: 'busy',
      err: { name: 'PriorRequestNotComplete' },
      notFound: false,
      exists: false,
      throttle: false,
      retryable: true,
    },
    {
      reason: 'dependency',
      err: ec2Error('DependencyViolation'),
      notFound: false,
      exists: false,
      throttle: false,
      retryable: true,
    },
    {
      reason: 'permanent',
      err: { name: 'ValidationException' },
      notFound: false,
      exists: false,
      throttle: false,
      retryable: false,
    },
    {
      reason: 'unknown',
      err: new Error('x'),
      notFound: false,
      exists: false,
      throttle: false,
      retryable: false,
    },
  ])('$reason', ({ err, notFound, exists, throttle, retryable }) => {
    expect({
      notFound: isNotFound(err),
      exists: isAlreadyExists(err),
      throttle: isThrottle(err),
      retryable: isRetryable(err),
    }).toEqual({ notFound, exists, throttle, retryable });
  });
});

describe('AwsCallError', () => {
  it('carries service, operation, class, AWS code and cause, with a readable message', () => {
    const cause = new InvalidParameterException({ message: 'Unable to assume role', ...meta });
    const err = new AwsCallError({
      service: 'ecs',
      operation: 'CreateService',
      cause,
      context: 'service/web',
    });
    expect(err).toBeInstanceOf(StackctlError);
    expect(err).toMatchObject({
      code: 'AWS_CALL_FAILED',
      service: 'ecs',
      operation: 'CreateService',
      errorClass: 'dependency',
      awsCode: 'InvalidParameterException',
      cause,
    });
    expect(err.message).toBe(
      'service/web: ecs:CreateService failed (waiting on a dependent resource, InvalidParameterException): Unable to assume role',
    );
    expect(classifyAwsError(err)).toBe('dependency');
  });

  it('never repeats a value AWS echoes in a validation message', () => {
    const cause = {
      name: 'ValidationException',
      message: "1 validation error: Value 'hunter2' at 'value' failed",
    };
    const err = new AwsCallError({ service: 'ssm', operation: 'PutParameter', cause });
    expect(err.message).not.toContain('hunter2');
    expect(err.message).toContain("Value '***' at 'value'");
  });

  it('truncates very long messages', () => {
    expect(sanitizeAwsMessage('x'.repeat(1000)).length).toBeLessThan(310);
  });
});

describe('awsErrorCode', () => {
  it.each([
    { reason: 'name wins', err: { name: 'ThrottlingException', Code: 'Other' }, want: 'ThrottlingException' },
    {
      reason: 'generic Error name falls back to Code',
      err: Object.assign(new Error('x'), { Code: 'Throttling' }),
      want: 'Throttling',
    },
    { reason: 'nothing usable', err: new Error('x'), want: undefined },
  ])('$reason', ({ err, want }) => {
    expect(awsErrorCode(err)).toBe(want);
  });
});
