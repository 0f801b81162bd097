/**
 * `stackctl logs`: the services' CloudWatch logs of a stack, interleaved by time and prefixed with the
 * service, like `docker compose logs`.
 *
 * @module
 */
import type { DesiredStack } from '../../desired/resource-types.js';
import {
  fetchServiceLogs,
  followServiceLogs,
  type ServiceLogGroup,
  type ServiceLogLine,
} from '../../observed/service-logs.js';
import { UsageError } from '../args.js';
import { jsonDocument } from '../json-document.js';
import { EXIT, type Io } from '../output.js';
import { openAwsSession } from './aws-context.js';
import { loadFromFlags, requireStack } from './common.js';
import type { Command } from './types.js';

/** How far back `logs` reads without `--since`. */
export const DEFAULT_LOGS_SINCE_SECONDS = 10 * 60;

/** The log groups of the stack's services: `/stackctl/<project>/<stack>/<service>`. */
export function serviceLogGroups(stack: DesiredStack): readonly ServiceLogGroup[] {
  return stack.resources
    .filter((r) => r.kind === 'logs.LogGroup')
    .map((r) => ({ service: r.name.slice(r.name.lastIndexOf('/') + 1), logGroupName: r.name }))
    .sort((a, b) => a.service.localeCompare(b.service));
}

function printer(io: Io, json: boolean, width: number): (lines: readonly ServiceLogLine[]) => void {
  return (lines) => {
    for (const l of lines) {
      if (json) {
        const at = new Date(l.timestamp).toISOString();
        const line = jsonDocument('LogLine', { timestamp: at, service: l.service, message: l.message });
        io.out(`${JSON.stringify(line)}\n`);
      } else io.out(`${l.service.padEnd(width)} | ${new Date(l.timestamp).toISOString()} ${l.message}\n`);
    }
  };
}

/** `logs --stack S [SERVICE] [--follow] [--since 10m]`. */
export const logsCommand: Command = {
  words: ['logs'],
  usage: 'stackctl logs --stack S [SERVICE] [--follow] [--since 10m] [--output text|json]',
  summary:
    "Prints the services' logs from CloudWatch Logs, interleaved by time and prefixed with the service (--output json: one JSON object per line). --follow keeps polling every 2 s until Ctrl-C.",
  async run({ positionals, flags }, io) {
    const { desired } = loadFromFlags(flags, requireStack(flags));
    const all = serviceLogGroups(desired);
    const wanted = positionals[0];
    const groups = wanted === undefined ? all : all.filter((g) => g.service === wanted);
    if (groups.length === 0) {
      throw new UsageError(
        wanted === undefined
          ? `stack ${desired.stack} renders no service log groups`
          : `stack ${desired.stack} has no service "${wanted}" (services: ${all.map((g) => g.service).join(', ')})`,
      );
    }
    const { clients } = openAwsSession(flags, desired.region);
    const startTime = Date.now() - (flags.sinceSeconds ?? DEFAULT_LOGS_SINCE_SECONDS) * 1000;
    const print = printer(io, flags.output === 'json', Math.max(...groups.map((g) => g.service.length)));
    if (!flags.follow) {
      print(await fetchServiceLogs({ clients, groups, startTime }));
      return EXIT.ok;
    }
    const stop = new AbortController();
    const onSigint = (): void => stop.abort();
    process.once('SIGINT', onSigint);
    try {
      await followServiceLogs({ clients, groups, startTime, signal: stop.signal, onLines: print });
    } finally {
      process.off('SIGINT', onSigint);
    }
    return EXIT.ok;
  },
};
