import { DescribeClustersCommand, ListClustersCommand } from '@aws-sdk/client-ecs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createAwsClients } from '../../../src/aws/clients.js';
import {
  AWS_RATE_BUCKETS,
  attachRateLimits,
  bucketsFor,
  DEFAULT_RATE_SHARE,
  RATE_LIMIT_MIDDLEWARE,
  type RateBucket,
  RateLimiter,
  RateLimiterClosedError,
} from '../../../src/aws/rate-limits.js';
import { cannedHandler } from '../../helpers/canned-http.js';

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
});

afterEach(() => {
  vi.useRealTimers();
});

const REGION = 'eu-west-1';

describe('bucketsFor', () => {
  it.each([
    {
      reason: 'task definitions have their own 1/s bucket',
      service: 'ecs',
      operation: 'RegisterTaskDefinition',
      ids: ['ecs-task-definition-modify'],
    },
    {
      reason: 'an ELBv2 mutation draws from the account bucket and the mutating one',
      service: 'elbv2',
      operation: 'CreateRule',
      ids: ['elbv2-account', 'elbv2-mutating'],
    },
    {
      reason: 'CreateLoadBalancer is resource-intensive, not an ordinary mutation',
      service: 'elbv2',
      operation: 'CreateLoadBalancer',
      ids: ['elbv2-account', 'elbv2-resource-intensive'],
    },
    {
      reason: 'an ELBv2 read draws from the account bucket and the read one',
      service: 'elbv2',
      operation: 'DescribeTags',
      ids: ['elbv2-account', 'elbv2-read'],
    },
    { reason: 'EC2 reads', service: 'ec2', operation: 'DescribeVpcs', ids: ['ec2-non-mutating'] },
    {
      reason: 'EC2 tags have their own bucket',
      service: 'ec2',
      operation: 'CreateTags',
      ids: ['ec2-create-tags'],
    },
    {
      reason: 'security group rules have their own bucket',
      service: 'ec2',
      operation: 'AuthorizeSecurityGroupIngress',
      ids: ['ec2-security-group-rules'],
    },
    { reason: 'other EC2 mutations', service: 'ec2', operation: 'CreateVpc', ids: ['ec2-mutating'] },
    {
      reason: 'every Route 53 call draws from the account bucket',
      service: 'route53',
      operation: 'ChangeResourceRecordSets',
      ids: ['route53-account'],
    },
    {
      reason: 'CreateHostedZone also has its own bucket',
      service: 'route53',
      operation: 'CreateHostedZone',
      ids: ['route53-account', 'route53-create-hosted-zone'],
    },
    {
      reason: 'SSM parameter reads',
      service: 'ssm',
      operation: 'GetParameters',
      ids: ['ssm-parameter-read'],
    },
    { reason: 'RDS publishes no buckets', service: 'rds', operation: 'CreateDBInstance', ids: [] },
  ])('$reason', ({ service, operation, ids }) => {
    expect(bucketsFor(service, operation).map((b) => b.id)).toEqual(ids);
  });

  it('names a source for every bucket and keeps ids unique', () => {
    for (const b of AWS_RATE_BUCKETS) expect(b.source, b.id).toMatch(/\S/);
    expect(new Set(AWS_RATE_BUCKETS.map((b) => b.id)).size).toBe(AWS_RATE_BUCKETS.length);
  });
});

/** Starts `count` acquires at once; resolves each one's wait in ms, in call order. */
async function burst(
  limiter: RateLimiter,
  call: { service: string; operation: string; region?: string },
  count: number,
): Promise<number[]> {
  const waits = Array.from({ length: count }, () =>
    limiter.acquire(call.service, call.operation, call.region ?? REGION),
  );
  await vi.advanceTimersByTimeAsync(600_000);
  return Promise.all(waits);
}

describe('RateLimiter: burst, then the refill rate', () => {
  it.each([
    {
      reason: 'ECS RegisterTaskDefinition: 20 at once, then 1/s',
      call: { service: 'ecs', operation: 'RegisterTaskDefinition' },
      share: 1,
      burst: 20,
      nextWaits: [1_000, 2_000],
    },
    {
      reason: 'at the default share, 16 at once, then 0.8/s',
      call: { service: 'ecs', operation: 'RegisterTaskDefinition' },
      share: DEFAULT_RATE_SHARE,
      burst: 16,
      nextWaits: [1_250, 2_500],
    },
    {
      reason: 'ELBv2 mutations: 20 at once, then 3/s',
      call: { service: 'elbv2', operation: 'CreateRule' },
      share: 1,
      burst: 20,
      nextWaits: [334, 667],
    },
    {
      reason: 'ELBv2 CreateLoadBalancer: 10 at once, then one per 5 s',
      call: { service: 'elbv2', operation: 'CreateLoadBalancer' },
      share: 1,
      burst: 10,
      nextWaits: [5_000, 10_000],
    },
    {
      reason: 'Route 53: 5 at once, then 5/s',
      call: { service: 'route53', operation: 'ChangeResourceRecordSets' },
      share: 1,
      burst: 5,
      nextWaits: [200, 400],
    },
    {
      reason: 'EC2 mutations: 50 at once, then 5/s',
      call: { service: 'ec2', operation: 'CreateVpc' },
      share: 1,
      burst: 50,
      nextWaits: [200, 400],
    },
    {
      reason: 'no bucket: never waits',
      call: { service: 'rds', operation: 'CreateDBInstance' },
      share: 1,
      burst: 100,
      nextWaits: [0, 0],
    },
  ])('$reason', async ({ call, share, burst: size, nextWaits }) => {
    const limiter = new RateLimiter({ share });
    const waits = await burst(limiter, call, size + nextWaits.length);
    expect(waits.slice(0, size)).toEqual(Array(size).fill(0));
    expect(waits.slice(size)).toEqual(nextWaits);
  });

  /** `n` acquires that need no wait (within capacity): no timer has to run. */
  const immediate = (limiter: RateLimiter, service: string, operation: string, region: string, n: number) =>
    Promise.all(Array.from({ length: n }, () => limiter.acquire(service, operation, region)));

  it('keeps regional buckets per region and account buckets across regions', async () => {
    const limiter = new RateLimiter({ share: 1 });
    expect(await immediate(limiter, 'ecs', 'RegisterTaskDefinition', 'eu-west-1', 20)).toEqual(
      Array(20).fill(0),
    );
    expect(await immediate(limiter, 'ecs', 'RegisterTaskDefinition', 'us-east-1', 1)).toEqual([0]);
    await immediate(limiter, 'route53', 'ChangeResourceRecordSets', 'eu-west-1', 5);
    const dns = limiter.acquire('route53', 'ChangeResourceRecordSets', 'us-east-1');
    await vi.advanceTimersByTimeAsync(1_000);
    expect(await dns).toBe(200);
  });

  it('fails waiting and later calls once closed', async () => {
    const limiter = new RateLimiter({ share: 1 });
    await immediate(limiter, 'elbv2', 'CreateLoadBalancer', REGION, 10);
    const outcome = limiter.acquire('elbv2', 'CreateLoadBalancer', REGION).catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(1_000);
    limiter.close();
    expect(await outcome).toBeInstanceOf(RateLimiterClosedError);
    await expect(limiter.acquire('ecs', 'CreateService', REGION)).rejects.toMatchObject({
      code: 'RATE_LIMITER_CLOSED',
    });
  });
});

/** Largest number of grants in any window, minus what the bucket allows in that window (≤ 0 is within). */
function worstExcess(
  grantsMs: readonly number[],
  bucket: { capacity: number; refillPerSecond: number },
): number {
  const sorted = [...grantsMs].sort((a, b) => a - b);
  let worst = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < sorted.length; i++) {
    for (let j = i; j < sorted.length; j++) {
      const allowed =
        bucket.capacity + (bucket.refillPerSecond * ((sorted[j] ?? 0) - (sorted[i] ?? 0))) / 1000;
      worst = Math.max(worst, j - i + 1 - allowed);
    }
  }
  return worst;
}

describe('workers sharing one limiter never exceed a bucket', () => {
  const bucket = (id: string): RateBucket => {
    const found = AWS_RATE_BUCKETS.find((b) => b.id === id);
    if (!found) throw new Error(id);
    return found;
  };
  it.each([
    {
      reason: '8 workers registering task definitions (1/s)',
      calls: [{ service: 'ecs', operation: 'RegisterTaskDefinition', region: REGION }],
      watch: [bucket('ecs-task-definition-modify')],
    },
    {
      reason: '8 workers mixing ELBv2 mutations and reads (account 10/s, mutating 3/s)',
      calls: [
        { service: 'elbv2', operation: 'CreateRule', region: REGION },
        { service: 'elbv2', operation: 'DescribeTags', region: REGION },
        { service: 'elbv2', operation: 'ModifyTargetGroup', region: REGION },
      ],
      watch: [bucket('elbv2-account'), bucket('elbv2-mutating'), bucket('elbv2-read')],
    },
    {
      reason: '8 workers in two regions changing DNS (5/s per account)',
      calls: [
        { service: 'route53', operation: 'ChangeResourceRecordSets', region: 'eu-west-1' },
        { service: 'route53', operation: 'ChangeResourceRecordSets', region: 'us-east-1' },
      ],
      watch: [bucket('route53-account')],
    },
  ])('$reason', async ({ calls, watch }) => {
    const WORKERS = 8;
    const PER_WORKER = 25;
    const limiter = new RateLimiter({ share: 1 });
    const grants = new Map<string, number[]>(watch.map((b) => [b.id, []]));
    const t0 = Date.now();
    const worker = async (w: number): Promise<void> => {
      for (let i = 0; i < PER_WORKER; i++) {
        const call = calls[(w + i) % calls.length] ?? calls[0];
        if (!call) return;
        await limiter.acquire(call.service, call.operation, call.region);
        for (const b of bucketsFor(call.service, call.operation)) grants.get(b.id)?.push(Date.now() - t0);
      }
    };
    const all = Promise.all(Array.from({ length: WORKERS }, (_, w) => worker(w)));
    await vi.advanceTimersByTimeAsync(3_600_000);
    await all;
    for (const b of watch) {
      const times = grants.get(b.id) ?? [];
      expect(times.length, b.id).toBeGreaterThan(b.capacity);
      expect(worstExcess(times, b), b.id).toBeLessThanOrEqual(1e-9);
    }
    // Not slower than needed either: the tightest bucket is kept busy (within one refill of ideal).
    const tight = watch.reduce((a, b) => (b.refillPerSecond < a.refillPerSecond ? b : a));
    const times = grants.get(tight.id) ?? [];
    const ideal = ((times.length - tight.capacity) / tight.refillPerSecond) * 1000;
    expect(Math.max(...times)).toBeLessThanOrEqual(ideal + 1000 / tight.refillPerSecond + 1);
  });
});

describe('attachRateLimits on SDK clients', () => {
  it('sits inside the retry loop, before signing, and holds a call until its bucket has a token', async () => {
    const handler = cannedHandler({ statusCode: 200, body: { clusterArns: [] } });
    const clients = createAwsClients({
      region: REGION,
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    });
    const ecs = clients.ecs;
    (ecs.config as { requestHandler: unknown }).requestHandler = handler.requestHandler;
    const limiter = new RateLimiter({
      share: 1,
      buckets: [
        {
          id: 'test-ecs-cluster-read',
          service: 'ecs',
          match: { kind: 'operations', names: ['ListClusters'] },
          capacity: 1,
          refillPerSecond: 0.5,
          scope: 'region',
          source: 'test',
        },
      ],
    });
    attachRateLimits(clients, limiter);

    const order = ecs.middlewareStack.identify().map((m) => m.split(' ')[0]);
    const at = (name: string) => order.indexOf(name);
    expect(at(RATE_LIMIT_MIDDLEWARE)).toBeGreaterThan(at('retryMiddleware'));
    expect(at(RATE_LIMIT_MIDDLEWARE)).toBeLessThan(at('httpSigningMiddleware'));

    // Warm-up through an operation without a bucket: the SDK's first call loads modules and resolves
    // config on real promises, which a loaded machine may not finish before fake time moves on.
    await ecs.send(new DescribeClustersCommand({}));
    const done: number[] = [];
    const sends = [0, 1, 2].map(() =>
      ecs.send(new ListClustersCommand({})).then(() => done.push(Date.now())),
    );
    const start = Date.now();
    // Small steps with a real turn of the event loop between them, until all three are through.
    for (let step = 0; step < 200 && done.length < 3; step++) {
      await vi.advanceTimersByTimeAsync(100);
      await new Promise((resolve) => setImmediate(resolve));
    }
    await Promise.all(sends);
    expect(handler.attempts()).toBe(4);
    expect(done.map((t) => t - start)).toEqual([0, 2_000, 4_000]);
  });
});
