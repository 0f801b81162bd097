/**
 * Builds what AWS-calling commands share: the client bundle (region, profile, endpoint), the call
 * accounting behind `--stats`, and progress printing (progress-printer.ts, re-exported here).
 *
 * @module
 */
import { CallStats, createAwsClients, formatStatsTable, profileRegion } from '../../aws/index.js';
import type { AwsClients } from '../../aws/types.js';
import { DEFAULT_TABLE_NAME } from '../../state/index.js';
import type { Flags } from '../args.js';
import { formatData, type Io } from '../output.js';

/** Clients plus the stats that count their calls. */
export interface AwsSession {
  readonly clients: AwsClients;
  readonly stats: CallStats;
}

/**
 * The longest any command may keep calling AWS: a hang guard, far above any healthy pass (a Multi-AZ
 * database create takes ~20 min), so a pass can never run for hours.
 */
export const COMMAND_DEADLINE_SECONDS = 60 * 60;

/**
 * A command's deadline: {@link COMMAND_DEADLINE_SECONDS}, or twice `--timeout` when that is longer
 * (`reconcile --wait --timeout T` may spend T on the pass and T more waiting for health).
 */
export function commandDeadlineMs(flags: Pick<Flags, 'timeoutSeconds'>): number {
  return Math.max(COMMAND_DEADLINE_SECONDS, 2 * (flags.timeoutSeconds ?? 0)) * 1000;
}

/**
 * Creates clients for `region`, with the command's deadline ({@link commandDeadlineMs}) on every call.
 * Only the explicit overrides are set: `--endpoint-url` (beats every endpoint setting) and
 * `--aws-profile`. Everything else (`AWS_ENDPOINT_URL_<SERVICE>`, `AWS_ENDPOINT_URL`, the config file's
 * `endpoint_url`, `AWS_PROFILE`, `AWS_RETRY_MODE`, `AWS_MAX_ATTEMPTS`, credentials) the SDK resolves
 * itself, as it does for the AWS CLI.
 */
export function openAwsSession(flags: Flags, region: string): AwsSession {
  const stats = new CallStats();
  const endpoint = flags.endpointUrl;
  const clients = createAwsClients({
    region,
    stats,
    deadlineMs: commandDeadlineMs(flags),
    ...(endpoint ? { endpoint } : {}),
    ...(flags.awsProfile ? { profile: flags.awsProfile } : {}),
  });
  return { clients, stats };
}

/** Where a region came from, in precedence order (see {@link resolveRegion}). */
export type RegionSource =
  | 'flag'
  | 'table-env'
  | 'stack'
  | 'AWS_REGION'
  | 'AWS_DEFAULT_REGION'
  | 'profile'
  | 'default';

/** A region and the setting that chose it, so messages can say why a command went where it did. */
export interface RegionChoice {
  readonly value: string;
  readonly source: RegionSource;
}

/** What, besides flags and the environment, can name a region. */
export interface RegionInputs {
  /** `STACKCTL_TABLE_REGION`'s value when the region is the state table's (that variable is for it only). */
  readonly tableRegion?: string | undefined;
  /** The stack's own region (its stack file's `region:`). */
  readonly stackRegion?: string | undefined;
  /** The last resort when nothing else names one (`init` writes `us-east-1`). @default none */
  readonly fallback?: string;
  /** @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** @default the SDK's config-file reader ({@link profileRegion}) */
  readonly readProfileRegion?: (profile?: string) => Promise<string | undefined>;
}

/**
 * The one region precedence of every command: `--region` > `STACKCTL_TABLE_REGION` (state table only)
 * > the stack file's `region:` > `AWS_REGION` > `AWS_DEFAULT_REGION` (the AWS CLI's name; the SDK v3
 * ignores it) > `region` of the profile (`--aws-profile`, else `AWS_PROFILE`, else `default`) in the
 * AWS config file > `fallback`. Undefined when none names one.
 *
 * @example await resolveRegion(flags, { stackRegion: 'eu-west-1' }) // { value: 'eu-west-1', source: 'stack' }
 */
export async function resolveRegion(
  flags: Pick<Flags, 'region' | 'awsProfile'>,
  inputs: RegionInputs = {},
): Promise<RegionChoice | undefined> {
  const env = inputs.env ?? process.env;
  const layers: readonly (readonly [RegionSource, string | undefined])[] = [
    ['flag', flags.region],
    ['table-env', inputs.tableRegion],
    ['stack', inputs.stackRegion],
    ['AWS_REGION', env.AWS_REGION],
    ['AWS_DEFAULT_REGION', env.AWS_DEFAULT_REGION],
  ];
  for (const [source, value] of layers) {
    if (value?.trim()) return { value: value.trim(), source };
  }
  const fromProfile = await (inputs.readProfileRegion ?? profileRegion)(flags.awsProfile || env.AWS_PROFILE);
  if (fromProfile) return { value: fromProfile, source: 'profile' };
  return inputs.fallback ? { value: inputs.fallback, source: 'default' } : undefined;
}

/**
 * The state table name: `--table`, else `STACKCTL_TABLE`, else the default (flags beat the environment;
 * an empty value counts as unset).
 */
export function stateTableName(
  flags: Pick<Flags, 'table'>,
  env: Readonly<Record<string, string | undefined>> = process.env,
): string {
  return flags.table || env.STACKCTL_TABLE || DEFAULT_TABLE_NAME;
}

/** Prints `--stats` (to stderr in text mode so stdout stays the command's result). */
export function printStats(io: Io, flags: Flags, stats: CallStats): void {
  if (!flags.stats) return;
  if (flags.output === 'json') return;
  io.err(`\nAWS calls:\n${formatStatsTable(stats.snapshot())}\n`);
}

/** The stats as JSON-ready data, for `--output json --stats`. */
export function statsJson(stats: CallStats): unknown {
  return { totals: stats.totals(), calls: stats.snapshot() };
}

export {
  type ProgressPrinterOptions,
  progressPrinter,
} from './progress-printer.js';

/** Writes a JSON document to stdout. */
export function printJson(io: Io, value: unknown): void {
  io.out(formatData(value, 'json'));
}
