/**
 * `estimate` of the example app (examples/shop): dev and prod with every line item and the total, the
 * same stack priced in another mode, and the command's JSON document. Priced from the table (no Price
 * List API: {@link PRICE_SOURCE_ENV} = table), so the figures are fixed.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PRICE_SOURCE_ENV } from '../../../src/cli/commands/estimate.js';
import { loadStackProject } from '../../../src/desired/load-project.js';
import { type Estimate, estimateStack, renderWithMode, tablePrices } from '../../../src/estimate/index.js';
import { cli } from '../cli/run-cli.js';

const SHOP = fileURLToPath(new URL('../../../examples/shop', import.meta.url));

function estimateOf(stack: string): Estimate {
  const project = loadStackProject({ cwd: SHOP, stack, env: {} });
  return estimateStack(project.desired, tablePrices(project.desired.region));
}

/** `item @ logicalId` per line, with the item's parenthesized detail dropped. */
const shape = (e: Estimate): string[] =>
  e.lines.map((l) => `${l.item.replace(/ \(.*\)$/, '')} @ ${l.logicalId}`);

describe('examples/shop', () => {
  it('dev (affordable, eu-west-1): every billed thing, on Spot, no NAT gateway', () => {
    const e = estimateOf('dev');

    expect(shape(e)).toEqual([
      'ALB @ alb',
      'ALB capacity units @ alb',
      'Public IPv4 @ alb',
      'ElastiCache cache.t4g.micro × 1 @ cache/cache',
      'RDS db.t4g.micro @ db/db',
      'RDS gp3 storage @ db/db',
      'Cloud Map registered instance @ dns-instance/cache',
      'Cloud Map registered instance @ dns-instance/db',
      'CloudWatch Logs ingestion @ log/api',
      'CloudWatch Logs ingestion @ log/migrate',
      'CloudWatch Logs ingestion @ log/web',
      'CloudWatch Logs ingestion @ log/worker',
      'Route 53 private hosted zone @ namespace',
      'SSM parameter @ param/composed/api/DATABASE_URL',
      'SSM parameter @ param/db-password',
      ...['api', 'web', 'worker'].flatMap((s) => [
        `Fargate Spot vCPU @ service/${s}`,
        `Fargate Spot memory @ service/${s}`,
        `Cloud Map registered instances @ service/${s}`,
        `Public IPv4 @ service/${s}`,
      ]),
    ]);
    expect(e.lines.every((l) => l.unitPrice !== null)).toBe(true);
    // ALB 18.40 + 5.84 + 7.30; cache 730 h × $0.017 = 12.41; RDS 12.41 + 2.54; Cloud Map 0.20 + 0.30; logs 4 × 0.57;
    // zone 0.50; 3 services × (2.22 + 0.49 + 3.65).
    expect(e.total).toBe(81.26);
    expect(e.total * 100).toBeCloseTo(
      e.lines.reduce((s, l) => s + Math.round(l.monthly * 100), 0),
      6,
    );
  });

  it('prod (high_availability): on-demand, 3 NAT gateways, Multi-AZ database, 30 days of backups', () => {
    const e = estimateOf('prod');
    const lines = shape(e);

    expect(lines).toEqual(
      expect.arrayContaining([
        'RDS db.r6g.large @ db/db',
        'RDS gp3 storage @ db/db',
        'RDS backup storage @ db/db',
        'ElastiCache cache.r6g.large × 2 @ cache/cache',
        ...['a', 'b', 'c'].flatMap((z) => [
          `NAT gateway @ nat/${z}`,
          `NAT data processed @ nat/${z}`,
          `Public IPv4 @ nat/${z}`,
        ]),
        ...['api', 'web', 'worker'].flatMap((s) => [
          `Fargate vCPU @ service/${s}`,
          `Fargate memory @ service/${s}`,
        ]),
      ]),
    );
    expect(lines.filter((l) => l.includes('Spot') || l.startsWith('Public IPv4 @ service/'))).toEqual([]);
    expect(e.lines.find((l) => l.item.startsWith('Fargate vCPU (4 × 0.5 vCPU)'))?.monthly).toBe(59.1);
    expect(e.assumptions).toContain(
      'DNS records live in a hosted zone the stack does not create: the zone is not counted',
    );
    // ALB 18.40 + 5.84 + 10.95; cache 2 × 166.44; RDS 365.00 + 12.70 + 6.89; Cloud Map 0.20 + 9 × 0.10;
    // logs 4 × 0.57; zone 0.50; NAT 3 × (35.04 + 0.48 + 3.65); Fargate 22.16 + 4.87 + 59.10 + 12.98 + 14.78 + 3.24.
    expect(e.total).toBe(991.18);
    expect(Math.round(e.total * 100)).toBe(e.lines.reduce((s, l) => s + Math.round(l.monthly * 100), 0));
  });

  it('--mode: dev rendered as high_availability costs more, keeps its stack-file settings', () => {
    const project = loadStackProject({ cwd: SHOP, stack: 'dev', env: {} });
    const ha = renderWithMode(project, 'high_availability');
    const own = estimateStack(project.desired, tablePrices('eu-west-1'));
    const other = estimateStack(ha, tablePrices('eu-west-1'));

    expect(ha.mode).toBe('high_availability');
    expect(ha.stack).toBe('dev');
    expect(other.lines.some((l) => l.item === 'NAT gateway')).toBe(true);
    expect(other.lines.some((l) => l.item.startsWith('Fargate Spot'))).toBe(false);
    expect(other.total).toBeGreaterThan(own.total);
  });
});

describe('stackctl estimate', () => {
  let saved: string | undefined;
  beforeAll(() => {
    saved = process.env[PRICE_SOURCE_ENV];
    process.env[PRICE_SOURCE_ENV] = 'table';
  });
  afterAll(() => {
    if (saved === undefined) delete process.env[PRICE_SOURCE_ENV];
    else process.env[PRICE_SOURCE_ENV] = saved;
  });

  it('-o json: the Estimate document, with the mode comparison', async () => {
    const r = await cli('estimate', '-C', SHOP, '--stack', 'dev', '--mode', 'balanced', '-o', 'json');

    expect(r.code, r.err).toBe(0);
    const doc = JSON.parse(r.out) as {
      schemaVersion: number;
      kind: string;
      estimates: Estimate[];
      comparisons: { stack: string; from: string; to: string; monthlyDifference: number }[];
    };
    expect(Object.keys(doc).slice(0, 2)).toEqual(['schemaVersion', 'kind']);
    expect(doc).toMatchObject({ schemaVersion: 1, kind: 'Estimate' });
    expect(doc.estimates.map((e) => [e.stack, e.mode, e.priceSource.kind])).toEqual([
      ['dev', 'affordable', 'table'],
      ['dev', 'balanced', 'table'],
    ]);
    const [own, other] = doc.estimates as [Estimate, Estimate];
    expect(doc.comparisons).toEqual([
      {
        stack: 'dev',
        from: 'affordable',
        to: 'balanced',
        monthlyDifference: Math.round((other.total - own.total) * 100) / 100,
      },
    ]);
  });

  it('text: an aligned table per stack with --all, and the total', async () => {
    const r = await cli('estimate', '-C', SHOP, '--all');

    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('shop/dev in eu-west-1 (affordable): prices from the price table, 2022-05-13');
    expect(r.out).toContain('shop/prod in eu-west-1 (high_availability)');
    expect(r.out).toMatch(/Total +\$81\.26\/month/);
    expect(r.out).toMatch(/Total +\$991\.18\/month/);
  });

  it.each([
    {
      argv: ['--stack', 'dev', '--mode', 'cheap'],
      message: '--mode must be one of',
      reason: 'an unknown mode',
    },
    { argv: [], message: 'give either --stack NAME or --all', reason: 'no stack selected' },
  ])('refuses $reason', async ({ argv, message }) => {
    const r = await cli('estimate', '-C', SHOP, ...argv);

    expect(r.code).toBe(1);
    expect(r.err).toContain(message);
  });
});
