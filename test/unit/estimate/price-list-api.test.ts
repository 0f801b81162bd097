/**
 * Live prices from the AWS Price List API, and the fallback to the shipped table. moto does not
 * implement the Pricing service (no `pricing` backend), so the API is played by aws-sdk-client-mock:
 * an answer, an error (unreachable, no credentials) and silence past the timeout.
 */
import { GetProductsCommand, PricingClient } from '@aws-sdk/client-pricing';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import {
  estimateStack,
  loadPrices,
  onDemandPrice,
  type PriceKey,
  tablePrices,
} from '../../../src/estimate/index.js';

const client = new PricingClient({
  region: 'us-east-1',
  credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
});
const pricing = mockClient(client);
afterEach(() => pricing.reset());

const KEYS: readonly PriceKey[] = ['fargate.vcpu-hour', 'fargate.gb-hour'];

/** A Price List product document as GetProducts returns it (one JSON string per product). */
function product(
  usagetype: string,
  tiers: readonly { begin: string; usd: string }[],
  date = '2026-11-01',
): string {
  const priceDimensions = Object.fromEntries(
    tiers.map((t, i) => [`SKU.TERM.${i}`, { beginRange: t.begin, pricePerUnit: { USD: t.usd } }]),
  );
  return JSON.stringify({
    product: { attributes: { usagetype } },
    publicationDate: `${date}T00:00:00Z`,
    terms: { OnDemand: { 'SKU.TERM': { priceDimensions } } },
  });
}

const fargateStack = {
  project: 'shop',
  stack: 'dev',
  region: 'eu-west-1',
  mode: 'balanced',
  resources: [
    { kind: 'ecs.TaskDefinition' as const, logicalId: 'taskdef/web', spec: { cpu: '1024', memory: '2048' } },
    { kind: 'ecs.Service' as const, logicalId: 'service/web', spec: { desiredCount: 1 } },
  ],
};

describe('the Price List API answers', () => {
  it('its price is used, dated by its publication, and what it lacks is kept from the table and noted', async () => {
    pricing
      .on(GetProductsCommand)
      .resolves({ PriceList: [] })
      .on(GetProductsCommand, { ServiceCode: 'AmazonECS' })
      .resolves({
        PriceList: [
          product('EU-Fargate-ARM-vCPU-Hours:perCPU', [{ begin: '0', usd: '0.03238' }]),
          product('EU-SpotUsage-Fargate-vCPU-Hours:perCPU', [{ begin: '0', usd: '0.013' }]),
          product('EU-Fargate-vCPU-Hours:perCPU', [{ begin: '0', usd: '0.05' }]),
        ],
      });

    const book = await loadPrices('eu-west-1', { client, keys: KEYS });
    const e = estimateStack(fargateStack, book);

    expect(book.source).toEqual({ kind: 'price-list-api', date: '2026-11-01' });
    expect(book.prices['fargate.vcpu-hour']).toEqual({ usd: 0.05, unit: 'vCPU-hour', date: '2026-11-01' });
    // The GB-hour price was not in the answer: the table's, with its own date, and a note.
    expect(book.prices['fargate.gb-hour']).toEqual(tablePrices('eu-west-1').prices['fargate.gb-hour']);
    expect(book.notes.join('\n')).toContain('not from the AWS Price List API (fargate.gb-hour)');
    // 1 × 1 vCPU × $0.05 × 730 h = $36.50 (the x86 on-demand product, not the ARM or Spot ones listed first).
    expect(e.lines[0]).toMatchObject({ item: 'Fargate vCPU (1 × 1 vCPU)', unitPrice: 0.05, monthly: 36.5 });
    expect(e.priceSource.kind).toBe('price-list-api');
  });

  it.each([
    {
      reason: 'tiered (Route 53 zones: first 25 at $0.50, then $0.10): the first tier',
      doc: product('HostedZone', [
        { begin: '25', usd: '0.10' },
        { begin: '0', usd: '0.50' },
      ]),
      usagetype: /^HostedZone$/,
      want: { usd: 0.5, date: '2026-11-01' },
    },
    {
      reason: 'a free tier priced 0 is skipped',
      doc: product('EU-DataProcessing-Bytes', [
        { begin: '0', usd: '0' },
        { begin: '5', usd: '0.57' },
      ]),
      usagetype: /DataProcessing-Bytes$/,
      want: { usd: 0.57, date: '2026-11-01' },
    },
    {
      reason: 'another usage type is not this price',
      doc: product('EU-SpotUsage-Fargate-vCPU-Hours:perCPU', [{ begin: '0', usd: '0.013' }]),
      usagetype: /^([A-Z0-9]+-)?Fargate-vCPU-Hours:perCPU$/,
      want: undefined,
    },
  ])('reads a product document: $reason', ({ doc, usagetype, want }) => {
    expect(onDemandPrice(doc, usagetype)).toEqual(want);
  });
});

describe('the Price List API does not answer: the table, saying why', () => {
  it('unreachable (a network error on every call)', async () => {
    pricing
      .on(GetProductsCommand)
      .rejects(Object.assign(new Error('getaddrinfo ENOTFOUND'), { name: 'Error' }));

    const book = await loadPrices('eu-west-1', { client, keys: KEYS });

    expect(book.source.kind).toBe('table');
    expect(book.prices).toEqual(tablePrices('eu-west-1').prices);
    expect(book.notes).toEqual([
      'AWS Price List API not used (Error: getaddrinfo ENOTFOUND): prices from the table',
    ]);
  });

  it('silent past the timeout', async () => {
    pricing.on(GetProductsCommand).callsFake(() => new Promise(() => {}));
    const started = Date.now();

    const book = await loadPrices('us-east-1', { client, keys: KEYS, timeoutMs: 50 });

    expect(Date.now() - started).toBeLessThan(2000);
    expect(book.source).toEqual({ kind: 'table', date: '2022-05-13' });
    expect(book.notes).toEqual([
      'AWS Price List API not used (no answer within 50 ms): prices from the table',
    ]);
    expect(estimateStack({ ...fargateStack, region: 'us-east-1' }, book).assumptions).toContain(
      book.notes[0],
    );
  });

  it('no client (STACKCTL_PRICE_SOURCE=table): the table, and no call', async () => {
    const book = await loadPrices('eu-west-1', { keys: KEYS });

    expect(book).toEqual(tablePrices('eu-west-1'));
    expect(pricing.calls()).toHaveLength(0);
  });

  it('a region the table lacks, with the API down: every line unpriced, never guessed', async () => {
    pricing.on(GetProductsCommand).rejects(new Error('down'));

    const book = await loadPrices('ap-southeast-2', { client, keys: KEYS });
    const e = estimateStack({ ...fargateStack, region: 'ap-southeast-2' }, book);

    expect(e.total).toBe(0);
    expect(e.lines.every((l) => l.unitPrice === null)).toBe(true);
    expect(e.assumptions.join('\n')).toContain('the price table has no prices for ap-southeast-2');
  });
});
