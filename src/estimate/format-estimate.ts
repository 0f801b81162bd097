/**
 * Estimates as text (aligned table), Markdown (for a pull request or a README) and the monthly
 * difference line `plan` prints. Pure string building.
 *
 * @module
 */
import type { Estimate, EstimateLine } from './estimate-stack.js';

/** `$1,234.56`. */
export function formatUsd(usd: number): string {
  return `$${Math.abs(usd).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}

/** `+$43.80/month`, `-$12.00/month`: a monthly difference, always signed. */
export function formatMonthlyDifference(usd: number): string {
  const cents = Math.round(usd * 100);
  return `${cents < 0 ? '-' : '+'}${formatUsd(cents / 100)}/month`;
}

/** A unit price with as many decimals as it has (up to 8): `$0.04048`, `$0.5`. */
export function formatUnitPrice(usd: number | null): string {
  if (usd === null) return 'unpriced';
  return `$${Number(usd.toFixed(8)).toString()}`;
}

/** The heading of an estimate: stack, region, mode and where its prices came from. */
export function estimateHeading(e: Estimate): string {
  const source = e.priceSource.kind === 'table' ? 'price table' : 'AWS Price List API';
  return `${e.project}/${e.stack} in ${e.region} (${e.mode}): prices from the ${source}, ${e.priceSource.date}; ${e.hoursPerMonth} h/month`;
}

function cells(l: EstimateLine): string[] {
  return [
    l.item,
    l.logicalId,
    `${Number(l.quantity.toFixed(4))} ${l.unit}`,
    l.unitPrice === null
      ? 'unpriced'
      : l.priceDate === null
        ? 'free'
        : `${formatUnitPrice(l.unitPrice)} (${l.priceDate})`,
    formatUsd(l.monthly),
  ];
}

const HEADER = ['ITEM', 'RESOURCE', 'QUANTITY', 'UNIT PRICE (DATE)', 'MONTHLY'];

/** One estimate as an aligned table, its total and its assumptions. */
export function formatEstimateText(e: Estimate): string {
  const rows = [HEADER, ...e.lines.map(cells)];
  const widths = HEADER.map((_, i) => Math.max(...rows.map((r) => (r[i] as string).length)));
  const line = (r: readonly string[]): string =>
    `  ${r
      .map((c, i) => (i === r.length - 1 ? c.padStart(widths[i] as number) : c.padEnd(widths[i] as number)))
      .join('  ')}`.trimEnd();
  const tableWidth = widths.reduce((a, b) => a + b, 0) + 2 * (widths.length - 1);
  const total = `${formatUsd(e.total)}/month`;
  return [
    estimateHeading(e),
    ...rows.map(line),
    `  ${'Total'.padEnd(Math.max(0, tableWidth - total.length))}${total}`,
    ...(e.assumptions.length > 0 ? ['  Assumptions:', ...e.assumptions.map((a) => `    - ${a}`)] : []),
    '',
  ].join('\n');
}

/** One estimate as a Markdown table with its total and assumptions. */
export function formatEstimateMarkdown(e: Estimate): string {
  const escapeCell = (s: string): string => s.replaceAll('|', '\\|');
  return [
    `**${estimateHeading(e)}**`,
    '',
    '| item | resource | quantity | unit price (date) | monthly |',
    '|---|---|--:|--:|--:|',
    ...e.lines.map((l) => `| ${cells(l).map(escapeCell).join(' | ')} |`),
    `| **total** | | | | **${formatUsd(e.total)}** |`,
    '',
    ...e.assumptions.map((a) => `- ${a}`),
    '',
  ].join('\n');
}

/** The line `plan` prints after its summary: `Monthly cost: +$43.80/month (estimate)`. */
export function formatPlanCostLine(monthlyDifference: number): string {
  return `Monthly cost: ${formatMonthlyDifference(monthlyDifference)} (estimate)`;
}
