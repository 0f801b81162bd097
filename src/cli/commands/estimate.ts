/**
 * `stackctl estimate`: the monthly cost of everything a stack renders, line by line, with each unit
 * price and its date; `--mode M` adds the same stack rendered with another mode, and the difference.
 * Calls no AWS API but the Price List API (us-east-1), and falls back to the shipped price table when
 * that does not answer in time.
 *
 * @module
 */
import { PricingClient } from '@aws-sdk/client-pricing';
import { findComposeFile, stackDirOf } from '../../desired/load-project.js';
import type { DesiredStack } from '../../desired/resource-types.js';
import { listStackFiles } from '../../desired/stack/index.js';
import { MODES, type Mode } from '../../desired/stack-types.js';
import {
  type Estimate,
  estimateStack,
  formatEstimateMarkdown,
  formatEstimateText,
  formatMonthlyDifference,
  loadPrices,
  PRICE_LIST_API_REGION,
  type PriceBook,
  type PriceKey,
  priceKeysOf,
  renderWithMode,
} from '../../estimate/index.js';
import { type Flags, UsageError } from '../args.js';
import { jsonDocument } from '../json-document.js';
import { EXIT, printWarnings } from '../output.js';
import { printJson } from './aws-context.js';
import { loadFromFlags, projectLocationFromFlags } from './common.js';
import type { Command } from './types.js';

/** Set to `table` to price from the shipped table without asking the Price List API (CI, offline). */
export const PRICE_SOURCE_ENV = 'STACKCTL_PRICE_SOURCE';

/** A stack estimated in its own mode and, with `--mode`, in another. */
export interface ModeComparison {
  readonly stack: string;
  readonly from: string;
  readonly to: string;
  /** USD per month, the `to` estimate minus the `from` one. */
  readonly monthlyDifference: number;
}

/** `estimate --stack S | --all [--mode M] [--output text|json|markdown]`. */
export const estimateCommand: Command = {
  words: ['estimate'],
  usage: 'stackctl estimate (--stack S | --all) [--mode MODE] [--output text|json|markdown]',
  summary:
    'Prints the monthly cost of everything the stack renders (Fargate incl. Spot, load balancer, NAT, RDS, ElastiCache, hosted zones, logs, SSM), per line with unit price and its date, from the AWS Price List API or the shipped price table. --mode M also prices the stack in another mode.',
  async run({ flags }, io) {
    if (flags.all === (flags.stack !== undefined))
      throw new UsageError('give either --stack NAME or --all (every .stackctl/*.yaml of the project)');
    const otherMode = modeFlag(flags);
    const names = flags.stack
      ? [flags.stack]
      : listStackFiles(stackDirOf(findComposeFile(projectLocationFromFlags(flags)))).map((s) => s.stack);
    const pairs: { readonly own: DesiredStack; readonly other?: DesiredStack }[] = [];
    for (const name of names) {
      const project = loadFromFlags(flags, name);
      printWarnings(io, project.resolved.warnings);
      pairs.push({
        own: project.desired,
        ...(otherMode ? { other: renderWithMode(project, otherMode) } : {}),
      });
    }
    const stacks = pairs.flatMap((p) => (p.other ? [p.own, p.other] : [p.own]));
    const books = await pricesByRegion(stacks, pricingClient(flags));
    const price = (d: DesiredStack): Estimate => estimateStack(d, books.get(d.region) as PriceBook);
    const estimates: Estimate[] = [];
    const comparisons: ModeComparison[] = [];
    for (const { own, other } of pairs) {
      const ownEstimate = price(own);
      estimates.push(ownEstimate);
      if (other) {
        const otherEstimate = price(other);
        estimates.push(otherEstimate);
        comparisons.push({
          stack: own.stack,
          from: own.mode,
          to: other.mode,
          monthlyDifference: Math.round((otherEstimate.total - ownEstimate.total) * 100) / 100,
        });
      }
    }
    if (flags.output === 'json') {
      printJson(io, jsonDocument('Estimate', { estimates, comparisons }));
      return EXIT.ok;
    }
    const format = flags.output === 'markdown' ? formatEstimateMarkdown : formatEstimateText;
    io.out(estimates.map(format).join('\n'));
    for (const c of comparisons)
      io.out(
        `\n${c.stack} in ${c.to} instead of ${c.from}: ${formatMonthlyDifference(c.monthlyDifference)}\n`,
      );
    return EXIT.ok;
  },
};

/** `--mode`, checked against the modes. */
function modeFlag(flags: Flags): Mode | undefined {
  if (flags.mode === undefined) return undefined;
  if (!(MODES as readonly string[]).includes(flags.mode))
    throw new UsageError(`--mode must be one of ${MODES.join(', ')}, not "${flags.mode}"`);
  return flags.mode as Mode;
}

/** The Pricing client, unless {@link PRICE_SOURCE_ENV} says `table`. One attempt: the table is the retry. */
function pricingClient(flags: Flags): PricingClient | undefined {
  if (process.env[PRICE_SOURCE_ENV] === 'table') return undefined;
  return new PricingClient({
    region: PRICE_LIST_API_REGION,
    maxAttempts: 1,
    ...(flags.endpointUrl ? { endpoint: flags.endpointUrl } : {}),
    ...(flags.awsProfile ? { profile: flags.awsProfile } : {}),
  });
}

/** One price book per region, asked once for every price any of its stacks needs. */
async function pricesByRegion(
  stacks: readonly DesiredStack[],
  client: PricingClient | undefined,
): Promise<ReadonlyMap<string, PriceBook>> {
  const keys = new Map<string, Set<PriceKey>>();
  for (const d of stacks) {
    const set = keys.get(d.region) ?? new Set<PriceKey>();
    for (const k of priceKeysOf(d)) set.add(k);
    keys.set(d.region, set);
  }
  const books = new Map<string, PriceBook>();
  try {
    for (const [region, set] of keys) {
      books.set(region, await loadPrices(region, { ...(client ? { client } : {}), keys: [...set] }));
    }
  } finally {
    client?.destroy();
  }
  return books;
}
