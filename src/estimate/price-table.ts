/**
 * The price table shipped with stackctl: the on-demand list prices (USD) `estimate` uses when the AWS
 * Price List API cannot be reached, per region, dated by its sources. Every figure cites the public
 * source it was checked against and the date that source states, or says it is unverified; a region not
 * listed here is priced only through the Price List API.
 *
 * Prices are keyed by {@link PriceKey}: a fixed name for flat prices (`fargate.vcpu-hour`) and a
 * name built from the instance type for sized ones ({@link rdsInstanceKey}, {@link cacheNodeKey}), so
 * the live client can fill the same map (price-list-api.ts).
 *
 * @module
 */

/** Hours in the month every estimate uses: AWS's own calculator convention (8,760 h / 12). */
export const HOURS_PER_MONTH = 730;

/**
 * The table's as-of date: the oldest date stated by the sources its figures were checked against (ISO
 * date; see the source list above TABLE_FIGURES). Undated and unverified figures do not move it.
 */
export const PRICE_TABLE_DATE = '2022-05-13';

/**
 * Fargate Spot prices move with supply and demand (the pricing page shows the current one). The table
 * holds the quoted discount, "up to 70%" off on-demand (wring.co, 2026-03-10), as its Spot figure; the
 * Price List API path replaces it with the published Spot rate.
 */
export const FARGATE_SPOT_TABLE_FRACTION = 0.3;

/** A flat price of the table (per region). */
export const FLAT_PRICE_KEYS = [
  'fargate.vcpu-hour',
  'fargate.gb-hour',
  'fargate-spot.vcpu-hour',
  'fargate-spot.gb-hour',
  'alb.hour',
  'alb.lcu-hour',
  'nlb.hour',
  'nlb.lcu-hour',
  'nat.hour',
  'nat.gb',
  'public-ipv4.hour',
  'rds.gp3-gb-month',
  'rds.backup-gb-month',
  'route53.hosted-zone-month',
  'cloudmap.instance-month',
  'logs.ingest-gb',
  'ssm.advanced-parameter-month',
] as const;

/** The name of a flat price. */
export type FlatPriceKey = (typeof FLAT_PRICE_KEYS)[number];

/** A price's key: a flat one, or an instance type's hourly price. */
export type PriceKey = FlatPriceKey | `rds.postgres.${string}.hour` | `elasticache.redis.${string}.hour`;

/** The Single-AZ hourly price key of an RDS for PostgreSQL instance class (`db.t4g.micro`). */
export function rdsInstanceKey(instanceClass: string): PriceKey {
  return `rds.postgres.${instanceClass}.hour`;
}

/** The hourly price key of an ElastiCache for Redis node type (`cache.t4g.micro`). */
export function cacheNodeKey(nodeType: string): PriceKey {
  return `elasticache.redis.${nodeType}.hour`;
}

/** One unit price: US dollars per `unit`, and when it was read. */
export interface UnitPrice {
  readonly usd: number;
  /** `vCPU-hour`, `GB-month`, … */
  readonly unit: string;
  /** ISO date the price was read (the table's date, or the Price List API's publication date). */
  readonly date: string;
}

/** Where a set of prices came from. */
export type PriceSourceKind = 'table' | 'price-list-api';

/** The prices of one region, from one source. */
export interface PriceBook {
  readonly region: string;
  readonly source: { readonly kind: PriceSourceKind; readonly date: string };
  readonly prices: Readonly<Partial<Record<PriceKey, UnitPrice>>>;
  /** What the source could not give (kept from the table, or left unpriced), in words. */
  readonly notes: readonly string[];
}

/** The unit of each flat price, and of the sized ones. */
export const PRICE_UNITS: Readonly<Record<FlatPriceKey, string>> = {
  'fargate.vcpu-hour': 'vCPU-hour',
  'fargate.gb-hour': 'GB-hour',
  'fargate-spot.vcpu-hour': 'vCPU-hour',
  'fargate-spot.gb-hour': 'GB-hour',
  'alb.hour': 'hour',
  'alb.lcu-hour': 'LCU-hour',
  'nlb.hour': 'hour',
  'nlb.lcu-hour': 'NLCU-hour',
  'nat.hour': 'hour',
  'nat.gb': 'GB',
  'public-ipv4.hour': 'address-hour',
  'rds.gp3-gb-month': 'GB-month',
  'rds.backup-gb-month': 'GB-month',
  'route53.hosted-zone-month': 'zone-month',
  'cloudmap.instance-month': 'instance-month',
  'logs.ingest-gb': 'GB',
  'ssm.advanced-parameter-month': 'parameter-month',
};

/** The unit of any price key. */
export function priceUnit(key: PriceKey): string {
  return key.endsWith('.hour') && (key.startsWith('rds.postgres.') || key.startsWith('elasticache.redis.'))
    ? 'instance-hour'
    : PRICE_UNITS[key as FlatPriceKey];
}

type RegionFigures = Readonly<Partial<Record<PriceKey, number>>>;

// Sources, as cited next to each figure below (third-party pages quote AWS's list prices; the
// Infracost outputs in public READMEs are AWS Price List figures × 730 h, divided back here):
// [cloudburn-nat]   https://cloudburn.io/blog/aws-nat-gateway-pricing (dated 2026-02-24)
// [factualminds]    https://www.factualminds.com/blog/amazon-fargate-ecs-task-pricing-2026/ (2026-06-17)
// [wring-fargate]   https://www.wring.co/blog/aws-fargate-pricing-guide (2026-03-10)
// [awsneg-elb]      https://awsnegotiations.com/elastic-load-balancer-cost.html (published May 2026)
// [usage-rds]       https://www.usage.ai/blogs/aws/reserved-instances/rds/pricing-calculator/ (June 2026)
// [infratally-rds]  https://infratally.com/articles/aws-rds-pricing-explained-2026.html (undated, "2026")
// [c3x-logs]        https://c3x.dev/blog/cloudwatch-logs-cost-optimization (us-east-1, June 2026)
// [ns1-r53]         https://ns1.com/resources/aws-dns (undated)
// [twt-ssm]         https://think-with-tech.blogspot.com/2025/10/aws-systems-manager-parameter-store-ssm_94.html (2025-10-21)
// [gm-ecs]          https://github.com/gordonmurray/terraform_aws_ecs README, "Assuming eu-west-1" (2024-07-20)
// [gm-pg]           https://github.com/gordonmurray/terraform_aws_rds_postgres_atlas README, eu-west-1 (2023-04-30)
// [gm-cdc]          https://github.com/gordonmurray/terraform_rds_debezium_kafka_ksqldb README, eu-west-1 (2023-10-01)
// [jaeger]          https://github.com/mikesupertrampster-corp/terraform-jaeger README (2022-05-13; region not
//                   named, its $0.57/GB logs ingestion is eu-west-1's)

/** Figures shared by both regions of the table (global or same-priced services). */
const GLOBAL_FIGURES: RegionFigures = {
  // [cloudburn-nat] 2026-02-24: public IPv4 "$0.005/hour per IP" (charged since 2024-02-01, in use or idle)
  'public-ipv4.hour': 0.005,
  // [ns1-r53] undated: "$0.50 per hosted DNS zone / month for the first 25 hosted zones"
  'route53.hosted-zone-month': 0.5,
  // unverified: no public source found for Cloud Map's $0.10 per registered resource per month
  'cloudmap.instance-month': 0.1,
  // [twt-ssm] 2025-10-21: advanced parameter "$0.05 per parameter" a month (standard: no charge)
  'ssm.advanced-parameter-month': 0.05,
  // [usage-rds] June 2026 (us-east-1, "~$0.095/GB-month"); [gm-pg] 2023-04-30 (eu-west-1, "$0.095 per GB")
  'rds.backup-gb-month': 0.095,
};

/** The shipped figures, per region. */
const TABLE_FIGURES: Readonly<Record<string, RegionFigures>> = {
  'us-east-1': {
    ...GLOBAL_FIGURES,
    // [factualminds] 2026-06-17: Linux/x86 "$0.04048/vCPU-hour and $0.004445/GB-hour in us-east-1"
    'fargate.vcpu-hour': 0.04048,
    'fargate.gb-hour': 0.004445,
    // Derived, not a published rate: Spot floats; [wring-fargate] 2026-03-10 "Fargate Spot saves up to 70%"
    'fargate-spot.vcpu-hour': round8(0.04048 * FARGATE_SPOT_TABLE_FRACTION),
    'fargate-spot.gb-hour': round8(0.004445 * FARGATE_SPOT_TABLE_FRACTION),
    // [awsneg-elb] May 2026: ALB "$0.0225 / hour", "$0.008 per LCU-hour"
    'alb.hour': 0.0225,
    'alb.lcu-hour': 0.008,
    // [awsneg-elb] May 2026: NLB "$0.0225 / hour", "$0.006 per NLCU-hour"
    'nlb.hour': 0.0225,
    'nlb.lcu-hour': 0.006,
    // [cloudburn-nat] 2026-02-24: "$0.045/hour in US East", "$0.045/GB processed"
    'nat.hour': 0.045,
    'nat.gb': 0.045,
    // [usage-rds] June 2026: gp3 "$0.115/month" per GB (us-east-1)
    'rds.gp3-gb-month': 0.115,
    // [c3x-logs] June 2026: standard log class "Ingestion: $0.50 per GB"
    'logs.ingest-gb': 0.5,
    // RDS for PostgreSQL, On-Demand, Single-AZ ([infratally-rds]: "Multi-AZ pricing is exactly double")
    // [infratally-rds] undated (2026), us-east-1 PostgreSQL: micro $0.016, small $0.032, medium $0.065
    [rdsInstanceKey('db.t4g.micro')]: 0.016,
    [rdsInstanceKey('db.t4g.small')]: 0.032,
    [rdsInstanceKey('db.t4g.medium')]: 0.065,
    // unverified: no credible public source found for these four classes
    [rdsInstanceKey('db.t4g.large')]: 0.129,
    [rdsInstanceKey('db.m6g.large')]: 0.159,
    [rdsInstanceKey('db.r6g.large')]: 0.225,
    [rdsInstanceKey('db.r6g.xlarge')]: 0.45,
    // ElastiCache On-Demand nodes, Redis OSS. unverified (no citable URL): all six match an AWS Price
    // List extract (AmazonElastiCache, us-east-1, read 2026-10-02) quoted in a public code file whose
    // repository the search index did not name
    [cacheNodeKey('cache.t4g.micro')]: 0.016,
    [cacheNodeKey('cache.t4g.small')]: 0.032,
    [cacheNodeKey('cache.t4g.medium')]: 0.065,
    [cacheNodeKey('cache.m6g.large')]: 0.149,
    [cacheNodeKey('cache.r6g.large')]: 0.206,
    [cacheNodeKey('cache.r6g.xlarge')]: 0.411,
  },
  'eu-west-1': {
    ...GLOBAL_FIGURES,
    // [jaeger] 2022-05-13: 0.25 vCPU × 730 h = $7.39, 0.5 GB × 730 h = $1.62 (= the us-east-1 rates)
    'fargate.vcpu-hour': 0.04048,
    'fargate.gb-hour': 0.004445,
    // Derived, not a published rate: see FARGATE_SPOT_TABLE_FRACTION
    'fargate-spot.vcpu-hour': round8(0.04048 * FARGATE_SPOT_TABLE_FRACTION),
    'fargate-spot.gb-hour': round8(0.004445 * FARGATE_SPOT_TABLE_FRACTION),
    // [gm-ecs] 2024-07-20: ALB 730 h = $18.40 (→ $0.0252/h), "$5.84 per LCU" a month (→ $0.008/LCU-hour)
    'alb.hour': 0.0252,
    'alb.lcu-hour': 0.008,
    // unverified: no public eu-west-1 NLB figure found
    'nlb.hour': 0.0252,
    'nlb.lcu-hour': 0.006,
    // [gm-ecs] 2024-07-20: NAT gateway 730 h = $35.04 (→ $0.048/h), data processed "$0.048 per GB"
    'nat.hour': 0.048,
    'nat.gb': 0.048,
    // unverified for gp3 (the eu-west-1 Infracost outputs above price RDS gp2 at $0.127/GB-month)
    'rds.gp3-gb-month': 0.127,
    // [gm-ecs] 2024-07-20: CloudWatch Logs "Data ingested ... $0.57 per GB"
    'logs.ingest-gb': 0.57,
    // RDS for PostgreSQL, On-Demand, Single-AZ (Multi-AZ is twice this)
    // [gm-pg] 2023-04-30: PostgreSQL db.t4g.micro Single-AZ 730 h = $12.41 (→ $0.017/h)
    [rdsInstanceKey('db.t4g.micro')]: 0.017,
    // unverified: no credible public source found for these classes in eu-west-1 (for db.m6g.large a
    // 2021 gist, https://gist.github.com/philmcmahon/25bc821e34dd34a2335079e2a75145d4, gives $128 a
    // month, ≈ $0.175/h, engine not stated)
    [rdsInstanceKey('db.t4g.small')]: 0.034,
    [rdsInstanceKey('db.t4g.medium')]: 0.068,
    [rdsInstanceKey('db.t4g.large')]: 0.136,
    [rdsInstanceKey('db.m6g.large')]: 0.172,
    [rdsInstanceKey('db.r6g.large')]: 0.25,
    [rdsInstanceKey('db.r6g.xlarge')]: 0.5,
    // ElastiCache On-Demand nodes, Redis OSS
    // [gm-cdc] 2023-10-01: cache.t4g.micro 730 h = $12.41 (→ $0.017/h; the table had $0.018)
    [cacheNodeKey('cache.t4g.micro')]: 0.017,
    // unverified: no credible public source found for these node types in eu-west-1
    [cacheNodeKey('cache.t4g.small')]: 0.036,
    [cacheNodeKey('cache.t4g.medium')]: 0.072,
    [cacheNodeKey('cache.m6g.large')]: 0.166,
    [cacheNodeKey('cache.r6g.large')]: 0.228,
    [cacheNodeKey('cache.r6g.xlarge')]: 0.457,
  },
};

/** Regions the shipped table prices. */
export const TABLE_REGIONS: readonly string[] = Object.keys(TABLE_FIGURES).sort();

/**
 * The shipped prices of `region`, dated {@link PRICE_TABLE_DATE}. A region the table lacks gives an
 * empty book whose note says so: every line of its estimate is then unpriced rather than guessed.
 */
export function tablePrices(region: string): PriceBook {
  const figures = TABLE_FIGURES[region];
  const prices: Partial<Record<PriceKey, UnitPrice>> = {};
  for (const [key, usd] of Object.entries(figures ?? {}) as [PriceKey, number][]) {
    prices[key] = { usd, unit: priceUnit(key), date: PRICE_TABLE_DATE };
  }
  return {
    region,
    source: { kind: 'table', date: PRICE_TABLE_DATE },
    prices,
    notes:
      figures === undefined
        ? [`the price table has no prices for ${region} (it has ${TABLE_REGIONS.join(', ')})`]
        : [],
  };
}

function round8(n: number): number {
  return Math.round(n * 1e8) / 1e8;
}
