/**
 * Client-side rate limits per AWS API bucket, so a process running many passes at once (the operator's
 * workers) never throttles itself.
 *
 * Why: AWS meters each account and region with token buckets per API group (`aws-api-facts.md` §0 and
 * §2): ECS task definitions refill at 1/s, ELBv2 mutations at 3/s, Route 53 at 5/s for the whole
 * account. The SDK's adaptive retry only slows down *after* AWS throttled a client, and each client
 * learns alone; a fleet resync with 8 workers then spends its retries on throttles and fails passes
 * that a patient caller would have finished. A {@link RateLimiter} shared by every client of the
 * process keeps the same buckets locally and holds a call until each of its buckets has a token.
 *
 * The limiter sits inside the SDK's retry loop, just before signing ({@link attachRateLimits}), so every
 * HTTP attempt (retries included, as AWS counts them) takes a token, and the signature is made after the
 * wait (a signed request must be sent within minutes).
 *
 * Only the operator attaches it: a single CLI command is one caller and gets AWS's own throttling.
 *
 * @module
 */
import { StackctlError } from '../errors.js';
import { classifyOperation } from './call-stats.js';
import type { AwsClients } from './types.js';

/** Which calls of a service draw from a bucket. */
export type OperationMatch =
  /** exactly these operations */
  | { readonly kind: 'operations'; readonly names: readonly string[] }
  /** every read (`Describe*`, `List*`, `Get*`, see `classifyOperation`) */
  | { readonly kind: 'reads' }
  /** every mutation except the operations listed (they have a bucket of their own) */
  | { readonly kind: 'mutations'; readonly except?: readonly string[] }
  /** every call of the service */
  | { readonly kind: 'all' };

/**
 * One AWS token bucket: `capacity` calls at once, refilled at `refillPerSecond`. `region` buckets are
 * per account and region; `account` buckets are one per account whatever the region (Route 53 is global).
 */
export interface RateBucket {
  readonly id: string;
  /** Bundle key of the client (`ecs`, `elbv2`, `ec2`, `route53`, `ssm`). */
  readonly service: string;
  readonly match: OperationMatch;
  readonly capacity: number;
  readonly refillPerSecond: number;
  readonly scope: 'region' | 'account';
  /** Where the figure comes from (the AWS page quoted in `aws-api-facts.md`). */
  readonly source: string;
}

const ECS_DOC = 'docs.aws.amazon.com/AmazonECS/latest/APIReference/request-throttling.html';
const ELB_DOC = 'docs.aws.amazon.com/elasticloadbalancing/latest/userguide/elb-api-throttling.html';
const EC2_DOC = 'docs.aws.amazon.com/AWSEC2/latest/APIReference/throttling.html';
const R53_DOC = 'docs.aws.amazon.com/Route53/latest/DeveloperGuide/throttling-api-requests.html';
const SSM_DOC = 'aws-api-facts.md §0 (SSM Parameter Store: 40 TPS shared by GetParameter*)';

const ELB_RESOURCE_INTENSIVE = ['CreateLoadBalancer', 'SetSubnets'] as const;
const ELB_REGISTRATION = ['RegisterTargets', 'DeregisterTargets'] as const;
const EC2_SG_RULES = [
  'AuthorizeSecurityGroupIngress',
  'AuthorizeSecurityGroupEgress',
  'RevokeSecurityGroupIngress',
  'RevokeSecurityGroupEgress',
] as const;
const EC2_CREATE_TAGS = ['CreateTags'] as const;

const ops = (...names: readonly string[]): OperationMatch => ({ kind: 'operations', names });

/**
 * The buckets stackctl's calls draw from, with AWS's published default sizes (`aws-api-facts.md` §0/§2).
 * A call draws from every bucket that matches it (an ELBv2 mutation takes from the account bucket and
 * the mutating one). Services without published buckets (RDS, ElastiCache, IAM, ACM, Logs, Cloud Map)
 * are left to the SDK's adaptive retry.
 */
export const AWS_RATE_BUCKETS: readonly RateBucket[] = [
  // ECS
  ...(
    [
      ['ecs-task-definition-modify', ops('RegisterTaskDefinition', 'DeregisterTaskDefinition'), 20, 1],
      [
        'ecs-task-definition-read',
        ops('DescribeTaskDefinition', 'ListTaskDefinitions', 'ListTaskDefinitionFamilies'),
        50,
        20,
      ],
      ['ecs-task-definition-delete', ops('DeleteTaskDefinitions'), 5, 1],
      ['ecs-service-modify', ops('CreateService', 'UpdateService', 'DeleteService'), 50, 5],
      ['ecs-service-read', ops('DescribeServices', 'ListServices'), 100, 20],
      [
        'ecs-cluster-modify',
        ops(
          'CreateCluster',
          'UpdateCluster',
          'DeleteCluster',
          'UpdateClusterSettings',
          'PutClusterCapacityProviders',
        ),
        20,
        1,
      ],
      ['ecs-cluster-read', ops('DescribeClusters', 'ListClusters'), 50, 20],
      ['ecs-tag-modify', ops('TagResource', 'UntagResource'), 20, 10],
      ['ecs-tag-read', ops('ListTagsForResource'), 50, 20],
      ['ecs-task-read', ops('DescribeTasks', 'ListTasks'), 100, 20],
      ['ecs-list-services-by-namespace', ops('ListServicesByNamespace'), 10, 1],
    ] as const
  ).map(
    ([id, match, capacity, refillPerSecond]): RateBucket => ({
      id,
      service: 'ecs',
      match,
      capacity,
      refillPerSecond,
      scope: 'region',
      source: ECS_DOC,
    }),
  ),
  // ELBv2: the account bucket covers every call; each call also takes from exactly one group bucket.
  {
    id: 'elbv2-account',
    service: 'elbv2',
    match: { kind: 'all' },
    capacity: 40,
    refillPerSecond: 10,
    scope: 'region',
    source: ELB_DOC,
  },
  {
    id: 'elbv2-read',
    service: 'elbv2',
    match: { kind: 'reads' },
    capacity: 40,
    refillPerSecond: 10,
    scope: 'region',
    source: ELB_DOC,
  },
  {
    id: 'elbv2-resource-intensive',
    service: 'elbv2',
    match: ops(...ELB_RESOURCE_INTENSIVE),
    capacity: 10,
    refillPerSecond: 0.2,
    scope: 'region',
    source: ELB_DOC,
  },
  {
    id: 'elbv2-registration',
    service: 'elbv2',
    match: ops(...ELB_REGISTRATION),
    capacity: 20,
    refillPerSecond: 4,
    scope: 'region',
    source: ELB_DOC,
  },
  {
    id: 'elbv2-mutating',
    service: 'elbv2',
    match: { kind: 'mutations', except: [...ELB_RESOURCE_INTENSIVE, ...ELB_REGISTRATION] },
    capacity: 20,
    refillPerSecond: 3,
    scope: 'region',
    source: ELB_DOC,
  },
  // EC2
  {
    id: 'ec2-non-mutating',
    service: 'ec2',
    match: { kind: 'reads' },
    capacity: 100,
    refillPerSecond: 20,
    scope: 'region',
    source: EC2_DOC,
  },
  {
    id: 'ec2-security-group-rules',
    service: 'ec2',
    match: ops(...EC2_SG_RULES),
    capacity: 50,
    refillPerSecond: 5,
    scope: 'region',
    source: EC2_DOC,
  },
  {
    id: 'ec2-create-tags',
    service: 'ec2',
    match: ops(...EC2_CREATE_TAGS),
    capacity: 100,
    refillPerSecond: 10,
    scope: 'region',
    source: EC2_DOC,
  },
  {
    id: 'ec2-mutating',
    service: 'ec2',
    match: { kind: 'mutations', except: [...EC2_SG_RULES, ...EC2_CREATE_TAGS] },
    capacity: 50,
    refillPerSecond: 5,
    scope: 'region',
    source: EC2_DOC,
  },
  // Route 53: global. The account bucket is documented at 50/10 but was a hard 5/s: 5/s is the floor.
  {
    id: 'route53-account',
    service: 'route53',
    match: { kind: 'all' },
    capacity: 5,
    refillPerSecond: 5,
    scope: 'account',
    source: R53_DOC,
  },
  {
    id: 'route53-create-hosted-zone',
    service: 'route53',
    match: ops('CreateHostedZone'),
    capacity: 40,
    refillPerSecond: 2,
    scope: 'account',
    source: R53_DOC,
  },
  {
    id: 'route53-delete-hosted-zone',
    service: 'route53',
    match: ops('DeleteHostedZone'),
    capacity: 40,
    refillPerSecond: 5,
    scope: 'account',
    source: R53_DOC,
  },
  {
    id: 'route53-associate-vpc',
    service: 'route53',
    match: ops('AssociateVPCWithHostedZone'),
    capacity: 20,
    refillPerSecond: 5,
    scope: 'account',
    source: R53_DOC,
  },
  // SSM Parameter Store reads (standard throughput)
  {
    id: 'ssm-parameter-read',
    service: 'ssm',
    match: ops('GetParameter', 'GetParameters', 'GetParametersByPath'),
    capacity: 40,
    refillPerSecond: 40,
    scope: 'region',
    source: SSM_DOC,
  },
];

/**
 * Share of each AWS bucket one process uses, capacity and refill alike. The account's buckets are also
 * drawn on by the CLI, the console and other tools; keeping a fifth free leaves them room instead of
 * making them the ones that get throttled. Several operator replicas split the rest ({@link RateLimiterOptions.share}).
 */
export const DEFAULT_RATE_SHARE = 0.8;

/** True when `operation` of the bucket's service draws from `bucket`. */
export function matchesBucket(bucket: RateBucket, operation: string): boolean {
  const m = bucket.match;
  switch (m.kind) {
    case 'all':
      return true;
    case 'reads':
      return classifyOperation(operation) === 'read';
    case 'mutations':
      return classifyOperation(operation) === 'mutate' && !(m.except ?? []).includes(operation);
    default:
      return m.names.includes(operation);
  }
}

/**
 * Every bucket a call draws from (none for services without published buckets).
 *
 * @example bucketsFor('elbv2', 'CreateRule').map((b) => b.id) // ['elbv2-account', 'elbv2-mutating']
 */
export function bucketsFor(
  service: string,
  operation: string,
  buckets: readonly RateBucket[] = AWS_RATE_BUCKETS,
): readonly RateBucket[] {
  return buckets.filter((b) => b.service === service && matchesBucket(b, operation));
}

/**
 * One token bucket on an injected clock: starts full, refills continuously, never goes below zero.
 * Pure bookkeeping: waiting is the {@link RateLimiter}'s job.
 */
export class TokenBucket {
  readonly capacity: number;
  readonly refillPerSecond: number;
  #tokens: number;
  #at: number;

  constructor(capacity: number, refillPerSecond: number, nowMs: number) {
    this.capacity = capacity;
    this.refillPerSecond = refillPerSecond;
    this.#tokens = capacity;
    this.#at = nowMs;
  }

  /** Tokens available at `nowMs` (fractional while refilling). */
  tokens(nowMs: number): number {
    if (nowMs > this.#at) {
      this.#tokens = Math.min(
        this.capacity,
        this.#tokens + ((nowMs - this.#at) / 1000) * this.refillPerSecond,
      );
      this.#at = nowMs;
    }
    return this.#tokens;
  }

  /** Milliseconds from `nowMs` until one whole token is available (0 when one is). */
  waitMs(nowMs: number): number {
    const missing = 1 - this.tokens(nowMs);
    return missing <= 0 ? 0 : Math.ceil((missing / this.refillPerSecond) * 1000);
  }

  /** Takes one token; the caller checked {@link waitMs} is 0 at the same instant. */
  take(nowMs: number): void {
    this.#tokens = this.tokens(nowMs) - 1;
  }
}

/** The limiter was closed (the operator stopped) while a call waited for a token. */
export class RateLimiterClosedError extends StackctlError {
  constructor(call: string) {
    super('RATE_LIMITER_CLOSED', `${call} was not sent: the process is stopping`);
    this.name = 'RateLimiterClosedError';
  }
}

/** Options for {@link RateLimiter}. */
export interface RateLimiterOptions {
  /** @default AWS_RATE_BUCKETS */
  readonly buckets?: readonly RateBucket[];
  /** Share of each bucket this process uses (0–1]. @default DEFAULT_RATE_SHARE */
  readonly share?: number;
  /** @default Date.now (vitest's fake timers replace it) */
  readonly now?: () => number;
}

/**
 * The process's copy of the AWS buckets, shared by every client and worker. {@link acquire} resolves
 * once every bucket of the call has a whole token and takes one from each at the same instant, so no
 * bucket ever sees more than `capacity + refill × t` calls in any window of `t` seconds.
 *
 * @example
 * const limiter = new RateLimiter();
 * await limiter.acquire('ecs', 'RegisterTaskDefinition', 'eu-west-1'); // waits when 16 were just sent
 */
export class RateLimiter {
  readonly #buckets: readonly RateBucket[];
  readonly #share: number;
  readonly #now: () => number;
  readonly #live = new Map<string, TokenBucket>();
  readonly #sleeping = new Set<() => void>();
  #closed = false;
  #waits = 0;
  #waitedMs = 0;

  constructor(options: RateLimiterOptions = {}) {
    this.#buckets = options.buckets ?? AWS_RATE_BUCKETS;
    const share = options.share ?? DEFAULT_RATE_SHARE;
    if (!(share > 0 && share <= 1)) throw new RangeError(`rate share must be in (0, 1], got ${share}`);
    this.#share = share;
    this.#now = options.now ?? (() => Date.now());
  }

  /** Calls that had to wait, and the milliseconds they waited in all (for logs and metrics). */
  get delays(): { readonly calls: number; readonly waitedMs: number } {
    return { calls: this.#waits, waitedMs: this.#waitedMs };
  }

  #bucket(def: RateBucket, region: string, nowMs: number): TokenBucket {
    const key = def.scope === 'account' ? def.id : `${def.id}@${region}`;
    let bucket = this.#live.get(key);
    if (!bucket) {
      const capacity = Math.max(1, Math.floor(def.capacity * this.#share));
      bucket = new TokenBucket(capacity, def.refillPerSecond * this.#share, nowMs);
      this.#live.set(key, bucket);
    }
    return bucket;
  }

  /**
   * Waits until the call may be sent and takes its tokens; resolves with the milliseconds waited.
   *
   * @throws RateLimiterClosedError when {@link close} is called while waiting (or before)
   */
  async acquire(service: string, operation: string, region: string): Promise<number> {
    const defs = bucketsFor(service, operation, this.#buckets);
    if (defs.length === 0) return 0;
    const started = this.#now();
    for (;;) {
      if (this.#closed) throw new RateLimiterClosedError(`${service}:${operation}`);
      const now = this.#now();
      const buckets = defs.map((d) => this.#bucket(d, region, now));
      const wait = Math.max(...buckets.map((b) => b.waitMs(now)));
      if (wait === 0) {
        for (const b of buckets) b.take(now);
        const waited = now - started;
        if (waited > 0) {
          this.#waits += 1;
          this.#waitedMs += waited;
        }
        return waited;
      }
      await this.#sleep(wait);
    }
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        this.#sleeping.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.#sleeping.add(wake);
    });
  }

  /** Fails every waiting call and every later one: the process is stopping. */
  close(): void {
    this.#closed = true;
    for (const wake of [...this.#sleeping]) wake();
  }
}

/** Name of the middleware on every client (also the key to remove it by). */
export const RATE_LIMIT_MIDDLEWARE = 'stackctlRateLimit';
/** The SDK's retry middleware, which the rate limit is placed right after (inside its loop). */
const SDK_RETRY_MIDDLEWARE = 'retryMiddleware';

type Handler = (args: unknown) => Promise<unknown>;
type Middleware = (next: Handler, context: { readonly commandName?: string }) => Handler;
interface RelativeStackLike {
  addRelativeTo(
    middleware: Middleware,
    options: { relation: 'before' | 'after'; toMiddleware: string; name: string; override: boolean },
  ): void;
}

/**
 * Makes every HTTP attempt of every client of the bundle wait for its buckets in `limiter`. Placed
 * right after the SDK's retry middleware (so retries take tokens too) and before signing. Attaching
 * again replaces the middleware.
 *
 * @example attachRateLimits(clients, limiter);
 */
export function attachRateLimits(clients: AwsClients, limiter: RateLimiter): void {
  for (const [service, value] of Object.entries(clients)) {
    if (typeof value !== 'object' || value === null || !('middlewareStack' in value)) continue;
    const middleware: Middleware = (next, context) => async (args) => {
      const operation = (context.commandName ?? 'unknown').replace(/Command$/, '');
      await limiter.acquire(service, operation, clients.region);
      return next(args);
    };
    (value.middlewareStack as RelativeStackLike).addRelativeTo(middleware, {
      relation: 'after',
      toMiddleware: SDK_RETRY_MIDDLEWARE,
      name: RATE_LIMIT_MIDDLEWARE,
      override: true,
    });
  }
}
