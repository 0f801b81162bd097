/**
 * Each pricing rule of `estimateStack` against a figure computed by hand from the us-east-1 table
 * (730 h a month), plus Spot against on-demand, Multi-AZ doubling, and the monthly difference a plan
 * makes.
 */
import { describe, expect, it } from 'vitest';
import type { DesiredStack, ResourceKind, Spec } from '../../../src/desired/resource-types.js';
import { ref } from '../../../src/desired/resource-types.js';
import type { Action, Plan } from '../../../src/diff/types.js';
import {
  type EstimateInput,
  estimateStack,
  formatPlanCostLine,
  planCost,
  planCostLine,
  tablePrices,
} from '../../../src/estimate/index.js';
import type { ObservedResource } from '../../../src/observed/types.js';

const US = tablePrices('us-east-1');

type R = EstimateInput['resources'][number];
const res = (kind: ResourceKind, logicalId: string, spec: Spec): R => ({ kind, logicalId, spec });

const stackOf = (...resources: R[]): EstimateInput => ({
  project: 'shop',
  stack: 'test',
  region: 'us-east-1',
  mode: 'balanced',
  resources,
});

const taskdef = (svc: string, cpu: string, memory: string): R =>
  res('ecs.TaskDefinition', `taskdef/${svc}`, { cpu, memory, family: `shop-test-${svc}` });
const service = (svc: string, spec: Spec): R =>
  res('ecs.Service', `service/${svc}`, {
    serviceName: svc,
    taskDefinition: ref(`taskdef/${svc}`, 'arn'),
    ...spec,
  });
const onDemand = [{ capacityProvider: 'FARGATE', weight: 1 }];
const spot = [{ capacityProvider: 'FARGATE_SPOT', weight: 1 }];

describe('one rule, one hand-computed figure (us-east-1 table, 730 h/month)', () => {
  it.each([
    {
      reason: '2 tasks × 0.25 vCPU × $0.04048 × 730 h = $14.7752',
      resources: [
        taskdef('web', '256', '512'),
        service('web', { desiredCount: 2, capacityProviderStrategy: onDemand }),
      ],
      item: 'Fargate vCPU',
      logicalId: 'service/web',
      monthly: 14.78,
    },
    {
      reason: '2 tasks × 0.5 GB × $0.004445 × 730 h = $3.24485',
      resources: [
        taskdef('web', '256', '512'),
        service('web', { desiredCount: 2, capacityProviderStrategy: onDemand }),
      ],
      item: 'Fargate memory',
      logicalId: 'service/web',
      monthly: 3.24,
    },
    {
      reason: 'Spot: 2 tasks × 0.25 vCPU × $0.012144 (70% off $0.04048) × 730 h = $4.43256',
      resources: [
        taskdef('web', '256', '512'),
        service('web', { desiredCount: 2, capacityProviderStrategy: spot }),
      ],
      item: 'Fargate Spot vCPU',
      logicalId: 'service/web',
      monthly: 4.43,
    },
    {
      reason: 'Spot: 2 tasks × 0.5 GB × $0.0013335 × 730 h = $0.973455',
      resources: [
        taskdef('web', '256', '512'),
        service('web', { desiredCount: 2, capacityProviderStrategy: spot }),
      ],
      item: 'Fargate Spot memory',
      logicalId: 'service/web',
      monthly: 0.97,
    },
    {
      reason: 'autoscaled: no desiredCount, minimum 3 tasks × 0.25 vCPU × $0.04048 × 730 h = $22.1628',
      resources: [
        taskdef('api', '256', '512'),
        service('api', { capacityProviderStrategy: onDemand }),
        res('autoscaling.ScalableTarget', 'scaling/api', { minCapacity: 3, maxCapacity: 6 }),
      ],
      item: 'Fargate vCPU',
      logicalId: 'service/api',
      monthly: 22.16,
    },
    {
      reason: 'public task IPs: 2 tasks × 730 h × $0.005 = $7.30',
      resources: [
        taskdef('web', '256', '512'),
        service('web', {
          desiredCount: 2,
          capacityProviderStrategy: spot,
          networkConfiguration: { assignPublicIp: 'ENABLED', subnets: [], securityGroups: [] },
        }),
      ],
      item: 'Public IPv4 (2 tasks)',
      logicalId: 'service/web',
      monthly: 7.3,
    },
    {
      reason: 'Cloud Map: 2 registered tasks × $0.10 = $0.20',
      resources: [
        taskdef('web', '256', '512'),
        service('web', { desiredCount: 2, serviceRegistries: [{ registryArn: ref('dns/web', 'arn') }] }),
      ],
      item: 'Cloud Map registered instances',
      logicalId: 'service/web',
      monthly: 0.2,
    },
    {
      reason: 'ALB: 730 h × $0.0225 = $16.425',
      resources: [
        res('elbv2.LoadBalancer', 'alb', { type: 'application', scheme: 'internet-facing', subnets: [] }),
      ],
      item: 'ALB',
      logicalId: 'alb',
      monthly: 16.43,
    },
    {
      reason: 'ALB capacity: 1 LCU (assumed) × 730 h × $0.008 = $5.84',
      resources: [res('elbv2.LoadBalancer', 'alb', { type: 'application', scheme: 'internet-facing' })],
      item: 'ALB capacity units',
      logicalId: 'alb',
      monthly: 5.84,
    },
    {
      reason: 'ALB addresses: 2 subnets × 730 h × $0.005 = $7.30',
      resources: [
        res('elbv2.LoadBalancer', 'alb', {
          type: 'application',
          scheme: 'internet-facing',
          subnets: [ref('subnet/public-a', 'id'), ref('subnet/public-b', 'id')],
        }),
      ],
      item: 'Public IPv4 (2 addresses)',
      logicalId: 'alb',
      monthly: 7.3,
    },
    {
      reason: 'NLB capacity: 1 NLCU (assumed) × 730 h × $0.006 = $4.38',
      resources: [res('elbv2.LoadBalancer', 'nlb', { type: 'network', scheme: 'internal' })],
      item: 'NLB capacity units',
      logicalId: 'nlb',
      monthly: 4.38,
    },
    {
      reason: 'NAT gateway: 730 h × $0.045 = $32.85',
      resources: [res('ec2.NatGateway', 'nat/a', { subnetId: ref('subnet/public-a', 'id') })],
      item: 'NAT gateway',
      logicalId: 'nat/a',
      monthly: 32.85,
    },
    {
      reason: 'NAT data: 10 GB (assumed) × $0.045 = $0.45',
      resources: [res('ec2.NatGateway', 'nat/a', {})],
      item: 'NAT data processed',
      logicalId: 'nat/a',
      monthly: 0.45,
    },
    {
      reason: "NAT's Elastic IP: 730 h × $0.005 = $3.65",
      resources: [res('ec2.NatGateway', 'nat/a', {})],
      item: 'Public IPv4 (Elastic IP)',
      logicalId: 'nat/a',
      monthly: 3.65,
    },
    {
      reason: 'RDS db.t4g.micro Single-AZ: 730 h × $0.016 = $11.68',
      resources: [
        res('rds.DBInstance', 'db/db', {
          instanceClass: 'db.t4g.micro',
          allocatedStorage: 20,
          multiAz: false,
          backupRetentionPeriod: 1,
        }),
      ],
      item: 'RDS db.t4g.micro (Single-AZ)',
      logicalId: 'db/db',
      monthly: 11.68,
    },
    {
      reason: 'RDS storage: 20 GB × $0.115 = $2.30',
      resources: [
        res('rds.DBInstance', 'db/db', {
          instanceClass: 'db.t4g.micro',
          allocatedStorage: 20,
          multiAz: false,
          backupRetentionPeriod: 1,
        }),
      ],
      item: 'RDS gp3 storage',
      logicalId: 'db/db',
      monthly: 2.3,
    },
    {
      reason: 'RDS backups: 50 GB × 5%/day × (30 − 1) days = 72.5 GB × $0.095 = $6.8875',
      resources: [
        res('rds.DBInstance', 'db/db', {
          instanceClass: 'db.t4g.micro',
          allocatedStorage: 50,
          multiAz: false,
          backupRetentionPeriod: 30,
        }),
      ],
      item: 'RDS backup storage',
      logicalId: 'db/db',
      monthly: 6.89,
    },
    {
      reason: 'ElastiCache: 2 nodes × cache.r6g.large $0.206 × 730 h = $300.76',
      resources: [
        res('elasticache.ReplicationGroup', 'cache/cache', {
          cacheNodeType: 'cache.r6g.large',
          numCacheClusters: 2,
        }),
      ],
      item: 'ElastiCache cache.r6g.large × 2',
      logicalId: 'cache/cache',
      monthly: 300.76,
    },
    {
      reason: 'the Cloud Map namespace is a private hosted zone: $0.50',
      resources: [res('servicediscovery.Namespace', 'namespace', { name: 'test.shop.internal' })],
      item: 'Route 53 private hosted zone',
      logicalId: 'namespace',
      monthly: 0.5,
    },
    {
      reason: 'a CNAME instance registered in Cloud Map: $0.10',
      resources: [res('servicediscovery.Instance', 'dns-instance/db', { instanceId: 'db' })],
      item: 'Cloud Map registered instance',
      logicalId: 'dns-instance/db',
      monthly: 0.1,
    },
    {
      reason: 'log ingestion: 1 GB (assumed) × $0.50 = $0.50',
      resources: [res('logs.LogGroup', 'log/web', { retentionInDays: 7 })],
      item: 'CloudWatch Logs ingestion',
      logicalId: 'log/web',
      monthly: 0.5,
    },
    {
      reason: 'a standard SSM parameter is free',
      resources: [res('ssm.Parameter', 'param/db-password', { type: 'SecureString' })],
      item: 'SSM parameter (standard: free)',
      logicalId: 'param/db-password',
      monthly: 0,
    },
    {
      reason: 'an advanced SSM parameter: $0.05 a month',
      resources: [res('ssm.Parameter', 'param/big', { type: 'SecureString', tier: 'Advanced' })],
      item: 'SSM parameter (advanced)',
      logicalId: 'param/big',
      monthly: 0.05,
    },
  ])('$reason', ({ resources, item, logicalId, monthly }) => {
    const e = estimateStack(stackOf(...resources), US);
    const line = e.lines.find((l) => l.item.startsWith(item) && l.logicalId === logicalId);

    expect(line, JSON.stringify(e.lines)).toBeDefined();
    expect(line?.monthly).toBe(monthly);
    expect(line?.priceDate).toBe(monthly === 0 ? null : '2022-05-13');
  });

  it('prices nothing for kinds AWS does not bill, and says so', () => {
    const e = estimateStack(
      stackOf(
        res('ec2.Vpc', 'vpc', {}),
        res('ec2.SecurityGroup', 'sg/alb', {}),
        res('iam.Role', 'role/task', {}),
        res('elbv2.TargetGroup', 'tg/web-80', {}),
      ),
      US,
    );

    expect(e.lines).toEqual([]);
    expect(e.total).toBe(0);
    expect(e.assumptions).toContain('4 resources AWS does not bill by themselves have no line');
  });

  it('an instance class the prices lack is an unpriced line and a note, never a guess', () => {
    const e = estimateStack(
      stackOf(res('rds.DBInstance', 'db/db', { instanceClass: 'db.x2g.16xlarge', allocatedStorage: 20 })),
      US,
    );
    const line = e.lines.find((l) => l.item.startsWith('RDS db.x2g.16xlarge'));

    expect(line).toMatchObject({ unitPrice: null, priceDate: null, monthly: 0 });
    expect(e.assumptions.join('\n')).toContain('no price for rds.postgres.db.x2g.16xlarge.hour in us-east-1');
  });
});

describe('capacity and availability', () => {
  it('the same service on Spot costs 30% of on-demand (the table’s Spot figure)', () => {
    const on = estimateStack(
      stackOf(
        taskdef('web', '1024', '2048'),
        service('web', { desiredCount: 4, capacityProviderStrategy: onDemand }),
      ),
      US,
    );
    const off = estimateStack(
      stackOf(
        taskdef('web', '1024', '2048'),
        service('web', { desiredCount: 4, capacityProviderStrategy: spot }),
      ),
      US,
    );

    // 4 × (1 × 0.04048 + 2 × 0.004445) × 730 = 144.1632 on demand; 30% of each price on Spot.
    expect(on.total).toBe(144.16);
    expect(off.lines.map((l) => l.item)).toEqual([
      'Fargate Spot vCPU (4 × 1 vCPU)',
      'Fargate Spot memory (4 × 2 GB)',
    ]);
    expect(off.total).toBe(43.25);
  });

  it('a mixed strategy splits the tasks by weight', () => {
    const e = estimateStack(
      stackOf(
        taskdef('web', '256', '512'),
        service('web', {
          desiredCount: 4,
          capacityProviderStrategy: [
            { capacityProvider: 'FARGATE', weight: 1 },
            { capacityProvider: 'FARGATE_SPOT', weight: 3 },
          ],
        }),
      ),
      US,
    );

    expect(e.lines.map((l) => [l.item, l.quantity])).toEqual([
      ['Fargate vCPU (1 × 0.25 vCPU)', 182.5],
      ['Fargate memory (1 × 0.5 GB)', 365],
      ['Fargate Spot vCPU (3 × 0.25 vCPU)', 547.5],
      ['Fargate Spot memory (3 × 0.5 GB)', 1095],
    ]);
  });

  it('Multi-AZ doubles the instance hours and the storage', () => {
    const db = (multiAz: boolean): R =>
      res('rds.DBInstance', 'db/db', {
        instanceClass: 'db.r6g.large',
        allocatedStorage: 100,
        multiAz,
        backupRetentionPeriod: 1,
      });
    const single = estimateStack(stackOf(db(false)), US);
    const multi = estimateStack(stackOf(db(true)), US);

    // Single: 730 × 0.225 + 100 × 0.115 = 164.25 + 11.50; Multi-AZ: twice both.
    expect(single.total).toBe(175.75);
    expect(multi.total).toBe(351.5);
    expect(multi.lines.map((l) => [l.item, l.quantity])).toEqual([
      ['RDS db.r6g.large (Multi-AZ: 2 instances)', 1460],
      ['RDS gp3 storage (100 GB × 2)', 200],
    ]);
  });

  it('the total is the sum of the rounded lines', () => {
    const e = estimateStack(
      stackOf(
        taskdef('web', '256', '512'),
        service('web', { desiredCount: 3, capacityProviderStrategy: onDemand }),
        res('elbv2.LoadBalancer', 'alb', { type: 'application', scheme: 'internet-facing', subnets: [] }),
      ),
      US,
    );
    const cents = e.lines.reduce((s, l) => s + Math.round(l.monthly * 100), 0);

    expect(Math.round(e.total * 100)).toBe(cents);
  });
});

describe('the monthly difference of a plan', () => {
  const desiredStack = (resources: R[]): DesiredStack => ({
    project: 'shop',
    stack: 'test',
    region: 'us-east-1',
    mode: 'balanced',
    requiredSecrets: [],
    resources: resources.map((r) => ({ ...r, name: r.logicalId, tags: {}, dependsOn: [] })),
  });
  const observed = (r: R, spec: Spec): ObservedResource => ({
    kind: r.kind,
    logicalId: r.logicalId,
    name: r.logicalId,
    physicalId: `id-${r.logicalId}`,
    spec,
    tags: {},
    outputs: {},
    health: 'Healthy',
  });
  const planOf = (actions: Action[]): Plan => ({
    project: 'shop',
    stack: 'test',
    steps: actions.map((action) => {
      const r = 'desired' in action ? action.desired : action.observed;
      return { logicalId: r.logicalId, kind: r.kind, action, after: [] };
    }),
    summary: { create: 0, update: 0, replace: 0, delete: 0, noop: 0, conflict: 0, skip: 0 },
  });

  it('scaling 2 → 4 tasks, adding a NAT gateway and deleting a log group', () => {
    const td = taskdef('web', '256', '512');
    const svc = service('web', { desiredCount: 4, capacityProviderStrategy: onDemand });
    const nat = res('ec2.NatGateway', 'nat/a', {});
    const log = res('logs.LogGroup', 'log/old', {});
    const desired = desiredStack([td, svc, nat]);
    const [tdD, svcD, natD] = desired.resources as [
      DesiredStack['resources'][number],
      DesiredStack['resources'][number],
      DesiredStack['resources'][number],
    ];
    const plan = planOf([
      { type: 'noop', desired: tdD, observed: observed(td, { cpu: '256', memory: '512' }) },
      {
        type: 'update',
        desired: svcD,
        observed: observed(svc, {
          desiredCount: 2,
          capacityProviderStrategy: onDemand,
          taskDefinition: 'arn:td:1',
        }),
        deltas: [{ path: 'desiredCount', desired: 4, observed: 2, replace: false }],
      },
      { type: 'create', desired: natD },
      { type: 'delete', observed: observed(log, {}) },
    ]);

    const cost = planCost(plan, desired, US);

    // +2 tasks: 2 × (0.25 × 0.04048 + 0.5 × 0.004445) × 730 = 14.78 + 3.24 = 18.02
    // + NAT: 32.85 + 0.45 + 3.65 = 36.95; − log group: 0.50. Difference: +54.47.
    expect(cost.monthlyDifference).toBe(54.47);
    expect(planCostLine(plan, desired)).toBe('Monthly cost: +$54.47/month (estimate)');
  });

  it('a plan that changes no priced field prints no cost line', () => {
    const td = taskdef('web', '256', '512');
    const desired = desiredStack([td]);
    const plan = planOf([
      {
        type: 'update',
        desired: desired.resources[0] as DesiredStack['resources'][number],
        observed: observed(td, { cpu: '256', memory: '512', family: 'old' }),
        deltas: [{ path: 'family', desired: 'shop-test-web', observed: 'old', replace: false }],
      },
    ]);

    expect(planCostLine(plan, desired)).toBeUndefined();
  });

  it.each([
    { usd: 43.8, line: 'Monthly cost: +$43.80/month (estimate)', reason: 'an increase is signed +' },
    { usd: -1234.5, line: 'Monthly cost: -$1,234.50/month (estimate)', reason: 'a saving is signed -' },
  ])('$reason', ({ usd, line }) => {
    expect(formatPlanCostLine(usd)).toBe(line);
  });
});
