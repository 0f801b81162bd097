import { ECSClient, ListClustersCommand } from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import { CallStats, classifyOperation, formatStatsTable } from '../../../src/aws/call-stats.js';
import { attachCallStatsToClient } from '../../../src/aws/call-stats-middleware.js';

describe('classifyOperation', () => {
  it.each([
    { op: 'DescribeServices', kind: 'read' },
    { op: 'ListClusters', kind: 'read' },
    { op: 'GetParameters', kind: 'read' },
    { op: 'BatchGetItem', kind: 'read' },
    { op: 'Query', kind: 'read' },
    { op: 'Scan', kind: 'read' },
    { op: 'CreateService', kind: 'mutate' },
    { op: 'PutParameter', kind: 'mutate' },
    { op: 'TransactWriteItems', kind: 'mutate' },
    { op: 'BatchWriteItem', kind: 'mutate' },
    { op: 'TagResource', kind: 'mutate' },
    { op: 'QueryLoggingConfig', kind: 'mutate' },
  ])('$op is a $kind', ({ op, kind }) => {
    expect(classifyOperation(op)).toBe(kind);
  });
});

describe('CallStats', () => {
  function sample(): CallStats {
    const stats = new CallStats();
    stats.record('ecs', 'DescribeServices', 'ok');
    stats.record('ecs', 'DescribeServices', 'ok');
    stats.record('ecs', 'CreateService', 'error');
    stats.record('ec2', 'DescribeVpcs', 'throttled');
    stats.recordAttempt('ec2', 'DescribeVpcs', 'throttled');
    stats.recordAttempt('ec2', 'DescribeVpcs', 'throttled');
    return stats;
  }

  it('snapshots rows sorted by service and operation', () => {
    expect(sample().snapshot()).toEqual([
      {
        service: 'ec2',
        operation: 'DescribeVpcs',
        kind: 'read',
        count: 1,
        errors: 1,
        attempts: 2,
        throttles: 2,
      },
      {
        service: 'ecs',
        operation: 'CreateService',
        kind: 'mutate',
        count: 1,
        errors: 1,
        attempts: 0,
        throttles: 0,
      },
      {
        service: 'ecs',
        operation: 'DescribeServices',
        kind: 'read',
        count: 2,
        errors: 0,
        attempts: 0,
        throttles: 0,
      },
    ]);
  });

  it('totals and groups by service', () => {
    const stats = sample();
    expect(stats.totals()).toEqual({ calls: 4, reads: 3, mutates: 1, errors: 2, attempts: 2, throttles: 2 });
    expect(stats.byService()).toEqual([
      { service: 'ec2', calls: 1, reads: 1, mutates: 0, errors: 1, attempts: 2, throttles: 2 },
      { service: 'ecs', calls: 3, reads: 2, mutates: 1, errors: 1, attempts: 0, throttles: 0 },
    ]);
  });

  it('snapshots are copies', () => {
    const stats = sample();
    const before = stats.snapshot();
    stats.record('ecs', 'CreateService', 'ok');
    expect(before.find((r) => r.operation === 'CreateService')?.count).toBe(1);
    stats.reset();
    expect(stats.snapshot()).toEqual([]);
  });

  it('formats an aligned table with a total line', () => {
    expect(formatStatsTable(sample().snapshot())).toBe(
      [
        'SERVICE  OPERATION             KIND    CALLS  ERRORS  ATTEMPTS  THROTTLES',
        'ec2      DescribeVpcs          read        1       1         2          2',
        'ecs      CreateService         mutate      1       1         0          0',
        'ecs      DescribeServices      read        2       0         0          0',
        'total    3 reads, 1 mutations              4       2         2          2',
      ].join('\n'),
    );
  });
});

/** An ECS request handler that plays back `statuses` (429-style throttles, then 200). */
function scriptedHandler(responses: readonly ('throttle' | 'ok')[]) {
  let i = 0;
  return {
    handle: async () => {
      const next = responses[Math.min(i, responses.length - 1)];
      i += 1;
      const throttled = next === 'throttle';
      const body = throttled
        ? { __type: 'ThrottlingException', message: 'Rate exceeded' }
        : { clusterArns: ['arn:aws:ecs:eu-west-1:123456789012:cluster/a'] };
      return {
        response: {
          statusCode: throttled ? 400 : 200,
          headers: { 'content-type': 'application/x-amz-json-1.1' },
          body: new TextEncoder().encode(JSON.stringify(body)),
        },
      };
    },
    sent: () => i,
  };
}

/** SDK retry strategy with no delay, so the test never sleeps. */
function instantRetries(maxAttempts: number) {
  const token = (n: number) => ({ getRetryCount: () => n, getRetryDelay: () => 0 });
  return {
    mode: 'standard',
    acquireInitialRetryToken: async () => token(0),
    refreshRetryTokenForRetry: async (t: { getRetryCount(): number }, info: { error?: unknown }) => {
      if (t.getRetryCount() + 1 >= maxAttempts) throw info.error;
      return token(t.getRetryCount() + 1);
    },
    recordSuccess: () => {},
  };
}

describe('attachCallStatsToClient', () => {
  function client(responses: readonly ('throttle' | 'ok')[]) {
    const handler = scriptedHandler(responses);
    const ecs = new ECSClient({
      region: 'eu-west-1',
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
      requestHandler: handler,
      retryStrategy: instantRetries(3),
    });
    return { ecs, handler };
  }

  it('counts one logical call, every attempt, and the throttled attempts', async () => {
    const { ecs, handler } = client(['throttle', 'throttle', 'ok']);
    const stats = new CallStats();
    attachCallStatsToClient(ecs, stats, 'ecs');
    const out = await ecs.send(new ListClustersCommand({}));
    expect(out.clusterArns).toHaveLength(1);
    expect(handler.sent()).toBe(3);
    expect(stats.snapshot()).toEqual([
      {
        service: 'ecs',
        operation: 'ListClusters',
        kind: 'read',
        count: 1,
        errors: 0,
        attempts: 3,
        throttles: 2,
      },
    ]);
  });

  it('counts a call that stays throttled as one error', async () => {
    const { ecs } = client(['throttle']);
    const stats = new CallStats();
    attachCallStatsToClient(ecs, stats);
    await expect(ecs.send(new ListClustersCommand({}))).rejects.toMatchObject({
      name: 'ThrottlingException',
    });
    expect(stats.snapshot()).toEqual([
      {
        service: 'ECS',
        operation: 'ListClusters',
        kind: 'read',
        count: 1,
        errors: 1,
        attempts: 3,
        throttles: 3,
      },
    ]);
  });

  it('re-attaching replaces the middleware instead of double counting', async () => {
    const { ecs } = client(['ok']);
    const first = new CallStats();
    const second = new CallStats();
    attachCallStatsToClient(ecs, first, 'ecs');
    attachCallStatsToClient(ecs, second, 'ecs');
    await ecs.send(new ListClustersCommand({}));
    expect(first.totals().calls).toBe(0);
    expect(second.totals()).toMatchObject({ calls: 1, attempts: 1 });
  });
});
