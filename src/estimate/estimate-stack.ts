/**
 * The monthly cost of a rendered stack: one priced line per billable thing each resource brings
 * (Fargate vCPU and memory per service, load balancer hours and capacity units, NAT gateway hours and
 * data, public IPv4 addresses, RDS instance / storage / backups, ElastiCache nodes, hosted zones, Cloud
 * Map registrations, log ingestion, SSM parameters), each with its quantity, unit price and the date of
 * that price. Pure: the same resources and prices give the same estimate, so it runs in CI and inside
 * `plan` without credentials.
 *
 * Usage-driven costs are priced from named assumptions ({@link ESTIMATE_ASSUMPTIONS}) that the estimate
 * lists; resources AWS does not bill (VPCs, subnets, security groups, roles, target groups, …) have no
 * line and are counted in one assumption.
 *
 * @module
 */
import { type DesiredResource, isRef, type ResourceKind, type Spec } from '../desired/resource-types.js';
import {
  cacheNodeKey,
  HOURS_PER_MONTH,
  type PriceBook,
  type PriceKey,
  type PriceSourceKind,
  priceUnit,
  rdsInstanceKey,
} from './price-table.js';

/** Usage the estimate cannot read from the stack, named so the output can say what it assumed. */
export const ESTIMATE_ASSUMPTIONS = {
  /** Load balancer capacity units consumed per hour (a small web app stays below one). */
  loadBalancerCapacityUnits: 1,
  /** GB a NAT gateway processes per month (image pulls, outbound API calls). */
  natGbPerGatewayMonth: 10,
  /** GB of logs each log group ingests per month. */
  logIngestGbPerGroupMonth: 1,
  /** Share of an RDS instance's storage that changes per day (incremental backup size). */
  rdsDailyChangeFraction: 0.05,
} as const;

/** Tasks priced for a service that has neither a desired count nor an autoscaling minimum. */
export const DEFAULT_TASK_COUNT = 1;

/** One priced line of an estimate. */
export interface EstimateLine {
  /** What is billed, e.g. `Fargate Spot vCPU`, `RDS db.t4g.micro (Single-AZ)`. */
  readonly item: string;
  /** The resource that brings the cost. */
  readonly logicalId: string;
  /** Units per month. */
  readonly quantity: number;
  readonly unit: string;
  /** USD per unit; null when no source has the price (then {@link monthly} is 0 and a note says so). */
  readonly unitPrice: number | null;
  /** ISO date of {@link unitPrice}; null when unpriced. */
  readonly priceDate: string | null;
  /** USD per month, rounded to cents. */
  readonly monthly: number;
}

/** The monthly cost of one stack. */
export interface Estimate {
  readonly project: string;
  readonly stack: string;
  readonly region: string;
  readonly mode: string;
  readonly lines: readonly EstimateLine[];
  /** USD per month: the sum of the lines' (rounded) monthly figures. */
  readonly total: number;
  readonly hoursPerMonth: number;
  /** What the estimate assumed or left out, in words. */
  readonly assumptions: readonly string[];
  readonly priceSource: { readonly kind: PriceSourceKind; readonly date: string };
}

/** The resources an estimate reads: a rendered stack, or the same shape built from observed resources. */
export interface EstimateInput {
  readonly project: string;
  readonly stack: string;
  readonly region: string;
  readonly mode: string;
  readonly resources: readonly Pick<DesiredResource, 'kind' | 'logicalId' | 'spec'>[];
}

/** Kinds AWS does not bill by themselves (their cost, if any, shows up on another line). */
const FREE_KINDS: ReadonlySet<ResourceKind> = new Set([
  'ec2.Vpc',
  'ec2.InternetGateway',
  'ec2.Subnet',
  'ec2.RouteTable',
  'ec2.SecurityGroup',
  'ec2.DhcpOptions',
  'iam.Role',
  'ecs.Cluster',
  'ecs.TaskDefinition',
  'elbv2.TargetGroup',
  'elbv2.Listener',
  'elbv2.ListenerRule',
  'acm.Certificate',
  'rds.DBSubnetGroup',
  'elasticache.SubnetGroup',
  'autoscaling.ScalableTarget',
  'autoscaling.ScalingPolicy',
  'servicediscovery.Service',
]);

type Resource = EstimateInput['resources'][number];

/** What a pricing rule produces before prices are applied. */
interface Usage {
  readonly item: string;
  readonly logicalId: string;
  readonly quantity: number;
  readonly key: PriceKey | 'free';
}

/**
 * Prices every billable resource of `stack` with `prices`: one line per billed thing, the total, the
 * assumptions used and where the prices came from.
 *
 * @example
 * const e = estimateStack(project.desired, tablePrices(project.desired.region));
 * e.total; // 71.53
 */
export function estimateStack(stack: EstimateInput, prices: PriceBook): Estimate {
  const byId = new Map(stack.resources.map((r) => [r.logicalId, r]));
  const usages: Usage[] = [];
  const assumptions = new Set<string>();
  const free: string[] = [];
  for (const r of stack.resources) {
    if (FREE_KINDS.has(r.kind)) {
      free.push(r.logicalId);
      continue;
    }
    usages.push(...resourceUsage(r, byId, assumptions));
  }
  const lines = usages.map((u) => priceLine(u, prices, assumptions));
  const cents = lines.reduce((sum, l) => sum + Math.round(l.monthly * 100), 0);
  if (free.length > 0)
    assumptions.add(`${free.length} resources AWS does not bill by themselves have no line`);
  for (const note of prices.notes) assumptions.add(note);
  return {
    project: stack.project,
    stack: stack.stack,
    region: stack.region,
    mode: stack.mode,
    lines,
    total: cents / 100,
    hoursPerMonth: HOURS_PER_MONTH,
    assumptions: [...assumptions],
    priceSource: prices.source,
  };
}

function priceLine(u: Usage, prices: PriceBook, assumptions: Set<string>): EstimateLine {
  const quantity = roundQuantity(u.quantity);
  if (u.key === 'free') {
    return {
      item: u.item,
      logicalId: u.logicalId,
      quantity,
      unit: 'parameter-month',
      unitPrice: 0,
      priceDate: null,
      monthly: 0,
    };
  }
  const price = prices.prices[u.key];
  if (price === undefined) {
    assumptions.add(`no price for ${u.key} in ${prices.region}: ${u.item} (${u.logicalId}) is not counted`);
    return {
      item: u.item,
      logicalId: u.logicalId,
      quantity,
      unit: priceUnit(u.key),
      unitPrice: null,
      priceDate: null,
      monthly: 0,
    };
  }
  return {
    item: u.item,
    logicalId: u.logicalId,
    quantity,
    unit: price.unit,
    unitPrice: price.usd,
    priceDate: price.date,
    monthly: roundCents(u.quantity * price.usd),
  };
}

function resourceUsage(r: Resource, byId: ReadonlyMap<string, Resource>, assumptions: Set<string>): Usage[] {
  switch (r.kind) {
    case 'ecs.Service':
      return serviceUsage(r, byId, assumptions);
    case 'elbv2.LoadBalancer':
      return loadBalancerUsage(r, assumptions);
    case 'ec2.NatGateway':
      assumptions.add(`each NAT gateway processes ${ESTIMATE_ASSUMPTIONS.natGbPerGatewayMonth} GB a month`);
      return [
        { item: 'NAT gateway', logicalId: r.logicalId, quantity: HOURS_PER_MONTH, key: 'nat.hour' },
        {
          item: 'NAT data processed (assumed)',
          logicalId: r.logicalId,
          quantity: ESTIMATE_ASSUMPTIONS.natGbPerGatewayMonth,
          key: 'nat.gb',
        },
        {
          item: 'Public IPv4 (Elastic IP)',
          logicalId: r.logicalId,
          quantity: HOURS_PER_MONTH,
          key: 'public-ipv4.hour',
        },
      ];
    case 'rds.DBInstance':
      return databaseUsage(r, assumptions);
    case 'elasticache.ReplicationGroup': {
      const nodeType = text(r.spec, 'cacheNodeType');
      const nodes = num(r.spec, 'numCacheClusters') ?? 1;
      return [
        {
          item: `ElastiCache ${nodeType} × ${nodes}`,
          logicalId: r.logicalId,
          quantity: nodes * HOURS_PER_MONTH,
          key: cacheNodeKey(nodeType),
        },
      ];
    }
    case 'servicediscovery.Namespace':
      return [
        {
          item: 'Route 53 private hosted zone (Cloud Map)',
          logicalId: r.logicalId,
          quantity: 1,
          key: 'route53.hosted-zone-month',
        },
      ];
    case 'servicediscovery.Instance':
      return [
        {
          item: 'Cloud Map registered instance',
          logicalId: r.logicalId,
          quantity: 1,
          key: 'cloudmap.instance-month',
        },
      ];
    case 'logs.LogGroup':
      assumptions.add(`each log group ingests ${ESTIMATE_ASSUMPTIONS.logIngestGbPerGroupMonth} GB a month`);
      return [
        {
          item: 'CloudWatch Logs ingestion (assumed)',
          logicalId: r.logicalId,
          quantity: ESTIMATE_ASSUMPTIONS.logIngestGbPerGroupMonth,
          key: 'logs.ingest-gb',
        },
      ];
    case 'ssm.Parameter':
      return r.spec.tier === 'Advanced'
        ? [
            {
              item: 'SSM parameter (advanced)',
              logicalId: r.logicalId,
              quantity: 1,
              key: 'ssm.advanced-parameter-month',
            },
          ]
        : [{ item: 'SSM parameter (standard: free)', logicalId: r.logicalId, quantity: 1, key: 'free' }];
    case 'route53.Record':
      assumptions.add('DNS records live in a hosted zone the stack does not create: the zone is not counted');
      return [];
    case 'ecs.OneOffTask':
      assumptions.add('one-off tasks run for minutes per deployment: not counted');
      return [];
    default:
      return [];
  }
}

function serviceUsage(r: Resource, byId: ReadonlyMap<string, Resource>, assumptions: Set<string>): Usage[] {
  const svc = r.logicalId.replace(/^service\//, '');
  const taskDefId = isRef(r.spec.taskDefinition) ? r.spec.taskDefinition.$ref : `taskdef/${svc}`;
  const taskDef = byId.get(taskDefId);
  const vcpu = Number(taskDef?.spec.cpu ?? 256) / 1024;
  const gb = Number(taskDef?.spec.memory ?? 512) / 1024;
  const count = taskCount(r, svc, byId, assumptions);
  const usages: Usage[] = [];
  for (const { spot, share } of capacityShares(r.spec)) {
    const label = spot ? 'Fargate Spot' : 'Fargate';
    const tasks = count * share;
    usages.push(
      {
        item: `${label} vCPU (${tasks} × ${vcpu} vCPU)`,
        logicalId: r.logicalId,
        quantity: tasks * vcpu * HOURS_PER_MONTH,
        key: spot ? 'fargate-spot.vcpu-hour' : 'fargate.vcpu-hour',
      },
      {
        item: `${label} memory (${tasks} × ${gb} GB)`,
        logicalId: r.logicalId,
        quantity: tasks * gb * HOURS_PER_MONTH,
        key: spot ? 'fargate-spot.gb-hour' : 'fargate.gb-hour',
      },
    );
  }
  if (Array.isArray(r.spec.serviceRegistries) && r.spec.serviceRegistries.length > 0) {
    usages.push({
      item: `Cloud Map registered instances (${count} task${count === 1 ? '' : 's'})`,
      logicalId: r.logicalId,
      quantity: count * r.spec.serviceRegistries.length,
      key: 'cloudmap.instance-month',
    });
  }
  const network = r.spec.networkConfiguration;
  if (isObject(network) && network.assignPublicIp === 'ENABLED') {
    usages.push({
      item: `Public IPv4 (${count} task${count === 1 ? '' : 's'})`,
      logicalId: r.logicalId,
      quantity: count * HOURS_PER_MONTH,
      key: 'public-ipv4.hour',
    });
  }
  return usages;
}

/** Running tasks: the desired count, else the autoscaling minimum, else {@link DEFAULT_TASK_COUNT}. */
function taskCount(
  r: Resource,
  svc: string,
  byId: ReadonlyMap<string, Resource>,
  assumptions: Set<string>,
): number {
  const desired = num(r.spec, 'desiredCount');
  if (desired !== undefined) return desired;
  const min = num(byId.get(`scaling/${svc}`)?.spec ?? {}, 'minCapacity');
  if (min !== undefined) {
    assumptions.add('autoscaled services run at their minimum capacity');
    return min;
  }
  assumptions.add(`${r.logicalId} has no desired count: priced at ${DEFAULT_TASK_COUNT} task`);
  return DEFAULT_TASK_COUNT;
}

/** The share of tasks on each capacity provider (by strategy weight; on-demand when absent). */
function capacityShares(spec: Spec): { spot: boolean; share: number }[] {
  const strategy = Array.isArray(spec.capacityProviderStrategy) ? spec.capacityProviderStrategy : [];
  const weights = { spot: 0, onDemand: 0 };
  for (const entry of strategy) {
    if (!isObject(entry)) continue;
    const weight = typeof entry.weight === 'number' ? entry.weight : 1;
    if (entry.capacityProvider === 'FARGATE_SPOT') weights.spot += weight;
    else weights.onDemand += weight;
  }
  const total = weights.spot + weights.onDemand;
  if (total === 0) return [{ spot: false, share: 1 }];
  return [
    ...(weights.onDemand > 0 ? [{ spot: false, share: weights.onDemand / total }] : []),
    ...(weights.spot > 0 ? [{ spot: true, share: weights.spot / total }] : []),
  ];
}

function loadBalancerUsage(r: Resource, assumptions: Set<string>): Usage[] {
  const network = r.spec.type === 'network';
  const name = network ? 'NLB' : 'ALB';
  const subnets = Array.isArray(r.spec.subnets) ? r.spec.subnets.length : 2;
  const units = ESTIMATE_ASSUMPTIONS.loadBalancerCapacityUnits;
  assumptions.add(`a load balancer uses ${units} capacity unit (LCU) per hour`);
  const usages: Usage[] = [
    { item: name, logicalId: r.logicalId, quantity: HOURS_PER_MONTH, key: network ? 'nlb.hour' : 'alb.hour' },
    {
      item: `${name} capacity units (assumed ${units})`,
      logicalId: r.logicalId,
      quantity: units * HOURS_PER_MONTH,
      key: network ? 'nlb.lcu-hour' : 'alb.lcu-hour',
    },
  ];
  if (r.spec.scheme !== 'internal') {
    assumptions.add('an internet-facing load balancer holds one public IPv4 address per subnet');
    usages.push({
      item: `Public IPv4 (${subnets} addresses)`,
      logicalId: r.logicalId,
      quantity: subnets * HOURS_PER_MONTH,
      key: 'public-ipv4.hour',
    });
  }
  return usages;
}

function databaseUsage(r: Resource, assumptions: Set<string>): Usage[] {
  const instanceClass = text(r.spec, 'instanceClass');
  const multiAz = r.spec.multiAz === true;
  const copies = multiAz ? 2 : 1;
  const storage = num(r.spec, 'allocatedStorage') ?? 20;
  const retention = num(r.spec, 'backupRetentionPeriod') ?? 1;
  const az = multiAz ? 'Multi-AZ: 2 instances' : 'Single-AZ';
  const usages: Usage[] = [
    {
      item: `RDS ${instanceClass} (${az})`,
      logicalId: r.logicalId,
      quantity: copies * HOURS_PER_MONTH,
      key: rdsInstanceKey(instanceClass),
    },
    {
      item: `RDS gp3 storage (${storage} GB${multiAz ? ' × 2' : ''})`,
      logicalId: r.logicalId,
      quantity: storage * copies,
      key: 'rds.gp3-gb-month',
    },
  ];
  // Backups up to the provisioned storage are free; each retained day adds the day's changes.
  const billedBackupGb = storage * ESTIMATE_ASSUMPTIONS.rdsDailyChangeFraction * Math.max(0, retention - 1);
  if (billedBackupGb > 0) {
    assumptions.add(
      `RDS backups: ${ESTIMATE_ASSUMPTIONS.rdsDailyChangeFraction * 100}% of the storage changes per day; storage up to the allocated size is free`,
    );
    usages.push({
      item: `RDS backup storage (${retention} days retained)`,
      logicalId: r.logicalId,
      quantity: billedBackupGb,
      key: 'rds.backup-gb-month',
    });
  }
  return usages;
}

function text(spec: Spec, key: string): string {
  const v = spec[key];
  return typeof v === 'string' ? v : 'unknown';
}

function num(spec: Spec, key: string): number | undefined {
  const v = spec[key];
  return typeof v === 'number'
    ? v
    : typeof v === 'string' && v !== '' && !Number.isNaN(Number(v))
      ? Number(v)
      : undefined;
}

function isObject(v: unknown): v is { readonly [key: string]: unknown } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Dollars to cents, half up, after trimming binary noise (730 × 0.0225 is 16.424999…). */
export function roundCents(usd: number): number {
  return Math.round(Number((usd * 100).toFixed(6))) / 100;
}

function roundQuantity(q: number): number {
  return Math.round(q * 10_000) / 10_000;
}
