/**
 * Live prices from the AWS Price List API (`pricing:GetProducts`), with the shipped table as the fallback:
 * `estimate` asks for the prices a stack needs under one short deadline; whatever the API does not give
 * in time (no network, no credentials, an unknown product) keeps the table's price, and the book says
 * which source it used and what it kept.
 *
 * The API is served from us-east-1 (and ap-south-1) only, whatever region the stack is in. moto does not
 * implement it, so the live path is tested with aws-sdk-client-mock.
 *
 * @module
 */
import { GetProductsCommand, type PricingClient } from '@aws-sdk/client-pricing';
import type { EstimateInput } from './estimate-stack.js';
import {
  cacheNodeKey,
  FLAT_PRICE_KEYS,
  type FlatPriceKey,
  type PriceBook,
  type PriceKey,
  priceUnit,
  rdsInstanceKey,
  tablePrices,
  type UnitPrice,
} from './price-table.js';

/** The region whose endpoint serves the Price List API. */
export const PRICE_LIST_API_REGION = 'us-east-1';

/** How long `estimate` waits for the Price List API before it prices from the table. */
export const PRICE_LIST_TIMEOUT_MS = 4000;

/** One GetProducts query and how to pick the product in its answer. */
interface PriceQuery {
  readonly serviceCode: string;
  /** TERM_MATCH filters besides `regionCode` (added unless {@link global}). */
  readonly filters: Readonly<Record<string, string>>;
  /** The product whose `usagetype` matches. */
  readonly usagetype: RegExp;
  /** Priced the same everywhere: no `regionCode` filter. */
  readonly global?: boolean;
}

const FLAT_QUERIES: Readonly<Record<FlatPriceKey, PriceQuery>> = {
  'fargate.vcpu-hour': {
    serviceCode: 'AmazonECS',
    filters: {},
    usagetype: /^([A-Z0-9]+-)?Fargate-vCPU-Hours:perCPU$/,
  },
  'fargate.gb-hour': { serviceCode: 'AmazonECS', filters: {}, usagetype: /^([A-Z0-9]+-)?Fargate-GB-Hours$/ },
  'fargate-spot.vcpu-hour': {
    serviceCode: 'AmazonECS',
    filters: {},
    usagetype: /SpotUsage-Fargate-vCPU-Hours:perCPU$/,
  },
  'fargate-spot.gb-hour': { serviceCode: 'AmazonECS', filters: {}, usagetype: /SpotUsage-Fargate-GB-Hours$/ },
  'alb.hour': {
    serviceCode: 'AWSELB',
    filters: { productFamily: 'Load Balancer-Application' },
    usagetype: /LoadBalancerUsage$/,
  },
  'alb.lcu-hour': {
    serviceCode: 'AWSELB',
    filters: { productFamily: 'Load Balancer-Application' },
    usagetype: /LCUUsage$/,
  },
  'nlb.hour': {
    serviceCode: 'AWSELB',
    filters: { productFamily: 'Load Balancer-Network' },
    usagetype: /LoadBalancerUsage$/,
  },
  'nlb.lcu-hour': {
    serviceCode: 'AWSELB',
    filters: { productFamily: 'Load Balancer-Network' },
    usagetype: /LCUUsage$/,
  },
  'nat.hour': {
    serviceCode: 'AmazonEC2',
    filters: { productFamily: 'NAT Gateway' },
    usagetype: /NatGateway-Hours$/,
  },
  'nat.gb': {
    serviceCode: 'AmazonEC2',
    filters: { productFamily: 'NAT Gateway' },
    usagetype: /NatGateway-Bytes$/,
  },
  'public-ipv4.hour': { serviceCode: 'AmazonVPC', filters: {}, usagetype: /PublicIPv4:InUseAddress$/ },
  'rds.gp3-gb-month': {
    serviceCode: 'AmazonRDS',
    filters: {
      databaseEngine: 'PostgreSQL',
      deploymentOption: 'Single-AZ',
      volumeType: 'General Purpose-GP3',
    },
    usagetype: /GP3-Storage$/,
  },
  'rds.backup-gb-month': { serviceCode: 'AmazonRDS', filters: {}, usagetype: /ChargedBackupUsage$/ },
  'route53.hosted-zone-month': {
    serviceCode: 'AmazonRoute53',
    filters: {},
    usagetype: /^HostedZone$/,
    global: true,
  },
  'cloudmap.instance-month': { serviceCode: 'AWSCloudMap', filters: {}, usagetype: /RegisteredResource/ },
  'logs.ingest-gb': {
    serviceCode: 'AmazonCloudWatch',
    filters: {},
    usagetype: /^([A-Z0-9]+-)?DataProcessing-Bytes$/,
  },
  'ssm.advanced-parameter-month': {
    serviceCode: 'AWSSystemsManager',
    filters: {},
    usagetype: /PS-Advanced-Param-Tier1$/,
  },
};

/** The query of any price key. */
function queryOf(key: PriceKey): PriceQuery {
  const rds = /^rds\.postgres\.(.+)\.hour$/.exec(key);
  if (rds)
    return {
      serviceCode: 'AmazonRDS',
      filters: {
        instanceType: rds[1] as string,
        databaseEngine: 'PostgreSQL',
        deploymentOption: 'Single-AZ',
      },
      usagetype: /InstanceUsage/,
    };
  const cache = /^elasticache\.redis\.(.+)\.hour$/.exec(key);
  if (cache)
    return {
      serviceCode: 'AmazonElastiCache',
      filters: { instanceType: cache[1] as string, cacheEngine: 'Redis' },
      usagetype: /NodeUsage/,
    };
  return FLAT_QUERIES[key as FlatPriceKey];
}

/** Every price `stack` can need: the flat ones plus its database and cache sizes. */
export function priceKeysOf(stack: EstimateInput): readonly PriceKey[] {
  const sized = new Set<PriceKey>();
  for (const r of stack.resources) {
    if (r.kind === 'rds.DBInstance' && typeof r.spec.instanceClass === 'string')
      sized.add(rdsInstanceKey(r.spec.instanceClass));
    if (r.kind === 'elasticache.ReplicationGroup' && typeof r.spec.cacheNodeType === 'string')
      sized.add(cacheNodeKey(r.spec.cacheNodeType));
  }
  return [...FLAT_PRICE_KEYS, ...[...sized].sort()];
}

/** Options of {@link loadPrices}. */
export interface LoadPricesOptions {
  /** A Pricing client (region {@link PRICE_LIST_API_REGION}); without one, the table is used. */
  readonly client?: PricingClient;
  readonly keys: readonly PriceKey[];
  /** @default {@link PRICE_LIST_TIMEOUT_MS} */
  readonly timeoutMs?: number;
}

/**
 * The prices of `region`: from the Price List API when it answers within the timeout, each price it
 * lacks kept from the table (and noted); the table alone, with the reason, when it does not answer.
 */
export async function loadPrices(region: string, options: LoadPricesOptions): Promise<PriceBook> {
  const table = tablePrices(region);
  if (options.client === undefined) return table;
  const client = options.client;
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), options.timeoutMs ?? PRICE_LIST_TIMEOUT_MS);
  try {
    const results = await Promise.allSettled(
      options.keys.map(
        async (key) =>
          [key, await untilAborted(livePrice(client, region, key, abort.signal), abort.signal)] as const,
      ),
    );
    const prices: Partial<Record<PriceKey, UnitPrice>> = { ...table.prices };
    const kept: PriceKey[] = [];
    let firstError: unknown;
    let live = 0;
    for (const [i, result] of results.entries()) {
      const key = options.keys[i] as PriceKey;
      if (result.status === 'fulfilled' && result.value[1] !== undefined) {
        prices[key] = result.value[1];
        live++;
      } else {
        if (result.status === 'rejected') firstError ??= result.reason;
        kept.push(key);
      }
    }
    if (live === 0) {
      const why = abort.signal.aborted
        ? `no answer within ${options.timeoutMs ?? PRICE_LIST_TIMEOUT_MS} ms`
        : describeError(firstError);
      return {
        ...table,
        notes: [...table.notes, `AWS Price List API not used (${why}): prices from the table`],
      };
    }
    const dates = Object.values(prices)
      .filter((p) => p !== undefined && p.date !== table.source.date)
      .map((p) => (p as UnitPrice).date)
      .sort();
    const notes =
      kept.length === 0
        ? []
        : [
            `not from the AWS Price List API (${kept.join(', ')}): ${
              kept.some((k) => table.prices[k] !== undefined)
                ? 'table prices where the table has them'
                : 'unpriced'
            }`,
          ];
    return {
      region,
      source: { kind: 'price-list-api', date: dates.at(-1) ?? table.source.date },
      prices,
      notes,
    };
  } finally {
    clearTimeout(timer);
  }
}

/** One price from GetProducts: the first matching product's on-demand price, first tier. */
async function livePrice(
  client: PricingClient,
  region: string,
  key: PriceKey,
  signal: AbortSignal,
): Promise<UnitPrice | undefined> {
  const query = queryOf(key);
  const filters = Object.entries({ ...(query.global ? {} : { regionCode: region }), ...query.filters }).map(
    ([Field, Value]) => ({ Type: 'TERM_MATCH' as const, Field, Value }),
  );
  let nextToken: string | undefined;
  do {
    const answer = await client.send(
      new GetProductsCommand({
        ServiceCode: query.serviceCode,
        Filters: filters,
        MaxResults: 100,
        ...(nextToken ? { NextToken: nextToken } : {}),
      }),
      { abortSignal: signal },
    );
    for (const item of answer.PriceList ?? []) {
      const price = onDemandPrice(String(item), query.usagetype);
      if (price !== undefined) return { ...price, unit: priceUnit(key) };
    }
    nextToken = answer.NextToken;
  } while (nextToken);
  return undefined;
}

/** The USD price of a Price List product document whose usagetype matches, first (free-tier-less) tier. */
export function onDemandPrice(
  document: string,
  usagetype: RegExp,
): { usd: number; date: string } | undefined {
  const doc = JSON.parse(document) as PriceListProduct;
  if (!usagetype.test(doc.product?.attributes?.usagetype ?? '')) return undefined;
  const dimensions = Object.values(doc.terms?.OnDemand ?? {}).flatMap((t) =>
    Object.values(t.priceDimensions ?? {}),
  );
  const usd = dimensions
    .map((d) => ({ begin: Number(d.beginRange ?? 0), usd: Number(d.pricePerUnit?.USD) }))
    .filter((d) => Number.isFinite(d.usd) && d.usd > 0)
    .sort((a, b) => a.begin - b.begin)[0]?.usd;
  if (usd === undefined) return undefined;
  return { usd, date: (doc.publicationDate ?? new Date().toISOString()).slice(0, 10) };
}

/** The parts of a Price List product document read here. */
interface PriceListProduct {
  readonly product?: { readonly attributes?: { readonly usagetype?: string } };
  readonly publicationDate?: string;
  readonly terms?: {
    readonly OnDemand?: Readonly<
      Record<
        string,
        {
          readonly priceDimensions?: Readonly<
            Record<
              string,
              { readonly beginRange?: string; readonly pricePerUnit?: { readonly USD?: string } }
            >
          >;
        }
      >
    >;
  };
}

/** `work`, or a rejection as soon as `signal` aborts (whether or not the work itself honours the signal). */
function untilAborted<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new Error('Price List API timeout'));
    if (signal.aborted) onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`.slice(0, 160);
  return 'no matching products';
}
