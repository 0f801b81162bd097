/**
 * `stackctl operator`: the long-running reconciler. Reads its configuration from the environment
 * (STACKCTL_*; see src/operator/config.ts), logs JSON lines to stdout, serves one HTTP port and drains
 * gracefully on SIGTERM (ECS's stop signal) or SIGINT: no new work, running passes finish or hand
 * back within the stop timeout, leases released, exit 0.
 *
 * @module
 */
import { CallStats, createAwsClients } from '../../aws/index.js';
import { loadOperatorConfig, type OperatorConfig, type ProfileRegionReader } from '../../operator/config.js';
import { jsonLogger } from '../../operator/logger.js';
import { Operator } from '../../operator/operator.js';
import { defaultClientsFactory } from '../../operator/pass-session.js';
import type { Flags } from '../args.js';
import { EXIT } from '../output.js';
import type { Command } from './types.js';

/** After a clean stop, exit even if an idle SDK socket would keep the event loop alive. */
export const EXIT_GRACE_MS = 100;

/** Signals that start a graceful stop. A second one exits at once. */
export const STOP_SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/** Resolves on the first stop signal; a second signal forces exit 1. */
function stopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    let received = false;
    const handler = (signal: NodeJS.Signals): void => {
      if (received) process.exit(EXIT.error);
      received = true;
      resolve(signal);
    };
    for (const s of STOP_SIGNALS) process.on(s, handler);
  });
}

/**
 * The operator's settings with its command-line flags applied over the environment (flags > environment
 * > AWS profile > defaults): `--port` over `STACKCTL_PORT`, `--table` over `STACKCTL_TABLE`, `--region`
 * over `STACKCTL_TABLE_REGION` / `AWS_REGION` / `AWS_DEFAULT_REGION` / the profile's region,
 * `--endpoint-url` and `--aws-profile` over what the SDK would find itself (`AWS_ENDPOINT_URL`,
 * `AWS_PROFILE`).
 */
export async function operatorConfigFromFlags(
  flags: Pick<Flags, 'port' | 'table' | 'region' | 'endpointUrl' | 'awsProfile'>,
  env: Readonly<Record<string, string | undefined>> = process.env,
  reader: ProfileRegionReader = {},
): Promise<OperatorConfig> {
  return loadOperatorConfig(
    env,
    {
      ...(flags.port !== undefined ? { port: flags.port } : {}),
      ...(flags.table ? { table: flags.table } : {}),
      ...(flags.region ? { region: flags.region } : {}),
      ...(flags.endpointUrl ? { endpoint: flags.endpointUrl } : {}),
      ...(flags.awsProfile ? { profile: flags.awsProfile } : {}),
    },
    reader,
  );
}

/** `operator [--port 8080]`. */
export const operatorCommand: Command = {
  words: ['operator'],
  usage: 'stackctl operator [--port 8080] [--table T] [--region R]',
  summary:
    'Runs the operator: watches the state table, reconciles every pushed stack under per-stack leases, serves /healthz, /readyz, /metrics and a status page; drains on SIGTERM.',
  async run({ flags }, io) {
    const config = await operatorConfigFromFlags(flags);
    const logger = jsonLogger({
      level: config.logLevel,
      base: { owner: config.owner },
      write: (line) => io.out(`${line}\n`),
    });
    const stateStats = new CallStats();
    const base = createAwsClients({
      region: config.region,
      stats: stateStats,
      ...(config.endpoint ? { endpoint: config.endpoint } : {}),
      ...(config.profile ? { profile: config.profile } : {}),
    });
    const operator = new Operator({
      config,
      state: base.dynamodb,
      stateStats,
      clientsFor: defaultClientsFactory(config.endpoint, config.profile),
      logger,
    });
    const signal = stopSignal();
    await operator.start();
    logger.info('stop signal received', { signal: await signal });
    const report = await operator.stop();
    for (const [name, client] of Object.entries(base)) {
      if (name !== 'region') (client as { destroy?: () => void }).destroy?.();
    }
    logger.info('exiting', { unfinished: report.unfinished });
    setTimeout(() => process.exit(EXIT.ok), EXIT_GRACE_MS).unref();
    return EXIT.ok;
  },
};
