/**
 * Builds what AWS-calling commands share: the client bundle (region, profile, endpoint), the call
 * accounting behind `--stats`, and progress printing.
 *
 * @module
 */
import { CallStats, createAwsClients, formatStatsTable } from '../../aws/index.js';
import type { AwsClients } from '../../aws/types.js';
import type { ProgressEvent } from '../../reconcilers/engine-types.js';
import { RunningSteps, STEP_HEARTBEAT_MS } from '../../reconcilers/running-steps.js';
import { DEFAULT_TABLE_NAME } from '../../state/index.js';
import type { Flags } from '../args.js';
import { formatData, type Io, paint } from '../output.js';

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
 * Creates clients for `region`, honouring `--endpoint-url` / `AWS_ENDPOINT_URL` and `--aws-profile`,
 * with the command's deadline ({@link commandDeadlineMs}) on every call.
 */
export function openAwsSession(flags: Flags, region: string): AwsSession {
  const stats = new CallStats();
  const endpoint = flags.endpointUrl ?? process.env.AWS_ENDPOINT_URL;
  const clients = createAwsClients({
    region,
    stats,
    deadlineMs: commandDeadlineMs(flags),
    ...(endpoint ? { endpoint } : {}),
    ...(flags.awsProfile ? { profile: flags.awsProfile } : {}),
  });
  return { clients, stats };
}

/** The state table name: `--table`, `STACKCTL_TABLE`, or the default. */
export function stateTableName(flags: Flags): string {
  return flags.table ?? process.env.STACKCTL_TABLE ?? DEFAULT_TABLE_NAME;
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

/** Options for {@link progressPrinter}. */
export interface ProgressPrinterOptions {
  /** How often the steps still running are listed. @default STEP_HEARTBEAT_MS (30 s) */
  readonly heartbeatMs?: number;
}

/**
 * A progress printer for engine events: one line per started, retried and finished resource, on
 * stderr, and every {@link STEP_HEARTBEAT_MS} one line per step still running (how long, and what it
 * waits on), so CI logs of a ten-minute database create are never silent. The heartbeat timer runs
 * only while a step is in flight and never keeps the process alive.
 */
export function progressPrinter(
  io: Io,
  flags: Flags,
  options: ProgressPrinterOptions = {},
): (event: ProgressEvent) => void {
  const c = paint(flags.color);
  const running = new RunningSteps(Date.now);
  const heartbeatMs = options.heartbeatMs ?? STEP_HEARTBEAT_MS;
  let timer: ReturnType<typeof setInterval> | undefined;
  const beat = (): void => {
    for (const s of running.snapshot()) {
      const waiting = s.waitingOn ? `; waiting on ${s.waitingOn}` : '';
      const label = `${s.action.padEnd(7)} ${s.kind} ${s.logicalId}`;
      io.err(
        `  ${c.dim('…')} ${label} ${c.dim(`still running (${Math.round(s.runningForMs / 1000)}s${waiting})`)}\n`,
      );
    }
  };
  const arm = (): void => {
    if (running.size > 0 && timer === undefined) timer = setInterval(beat, heartbeatMs).unref();
    if (running.size === 0 && timer !== undefined) {
      clearInterval(timer);
      timer = undefined;
    }
  };
  return (e) => {
    const label = `${e.action.padEnd(7)} ${e.kind} ${e.logicalId}`;
    const finished = running.observe(e);
    arm();
    switch (e.type) {
      case 'start':
        io.err(`  ${c.dim('…')} ${label}\n`);
        return;
      case 'done': {
        const ms = finished?.durationMs ?? 0;
        io.err(`  ${c.green('✓')} ${label} ${c.dim(`(${(ms / 1000).toFixed(1)}s)`)}\n`);
        return;
      }
      case 'retry':
        io.err(`  ${c.yellow('↻')} ${label}: ${e.message ?? 'retrying'}\n`);
        return;
      case 'failed':
        io.err(`  ${c.red('✗')} ${label}: ${e.message ?? 'failed'}\n`);
        return;
      case 'blocked':
        io.err(`  ${c.yellow('-')} ${label}: ${e.message ?? 'blocked'}\n`);
        return;
    }
  };
}

/** Writes a JSON document to stdout. */
export function printJson(io: Io, value: unknown): void {
  io.out(formatData(value, 'json'));
}
