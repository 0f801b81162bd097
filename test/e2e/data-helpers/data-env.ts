/**
 * The end-to-end setup of the managed-data, domain and release tests: a real moto server configured so
 * that what it cannot model does not stand in the way of what is asserted, plus the CLI and SDK clients
 * pointed at it. The CLI itself comes from the shared e2e harness (`runCli`).
 *
 * moto settings, and why:
 * - `MOTO_ACM_VALIDATION_WAIT=0`: moto ignores DNS and issues an Amazon certificate a fixed time after
 *   the request (60 s by default); 0 issues it on the first describe after the request, so the HTTPS
 *   listener's wait for ISSUED passes at once. The waiting itself is tested with mocks.
 * - `MOTO_ECS_SERVICE_RUNNING=10`: moto runs no containers and marks a deployment COMPLETED only when
 *   this many tasks "run" at creation, forever IN_PROGRESS otherwise; 10 covers every replica count of
 *   the example, so services another one awaits with `service_healthy` are healthy as on a good day.
 * - ECS tasks progress "immediately": a one-off task stops (exit code 0) on its first describe.
 *
 * @module
 */
import { CreateHostedZoneCommand } from '@aws-sdk/client-route-53';
import type { AwsClients } from '../../../src/aws/types.js';
import { motoClients } from '../../helpers/aws.js';
import { type MotoServer, startMoto } from '../../helpers/moto.js';
import { type CliResult, runCli } from '../helpers/harness.js';
import type { StatsJson } from '../helpers/plan-output.js';

/** The moto environment of these tests (see the module doc). */
export const DATA_MOTO_ENV: Readonly<Record<string, string>> = {
  MOTO_ACM_VALIDATION_WAIT: '0',
  MOTO_ECS_SERVICE_RUNNING: '10',
};

/** Environment the CLI reads while a test file runs (restored by `stop`). */
const SCOPED_ENV: Readonly<Record<string, string | undefined>> = {
  AWS_ACCESS_KEY_ID: 'testing',
  AWS_SECRET_ACCESS_KEY: 'testing',
  AWS_SESSION_TOKEN: undefined,
  AWS_PROFILE: undefined,
  AWS_ENDPOINT_URL: undefined,
  STACKCTL_TABLE: undefined,
  NO_COLOR: '1',
};

/** A moto server, SDK clients for it, and the CLI pointed at it. */
export interface DataEnv {
  readonly endpoint: string;
  readonly moto: MotoServer;
  /** For setting up scenarios and reading AWS back; not counted by the CLI's `--stats`. */
  readonly clients: AwsClients;
  /** `stackctl -C dir …args --endpoint-url <moto>`. */
  cliIn(dir: string): (...args: string[]) => Promise<CliResult>;
  stop(): Promise<void>;
}

/** Starts moto with {@link DATA_MOTO_ENV} (plus `env`); call in `beforeAll`, `stop()` in `afterAll`. */
export async function startDataE2e(env: Readonly<Record<string, string>> = {}): Promise<DataEnv> {
  const moto = await startMoto({ env: { ...DATA_MOTO_ENV, ...env } });
  const saved = new Map<string, string | undefined>();
  for (const [key, value] of Object.entries(SCOPED_ENV)) {
    saved.set(key, process.env[key]);
    if (value === undefined) delete process.env[key];
    else process.env[key] = value;
  }
  const res = await fetch(`${moto.endpoint}/moto-api/state-manager/set-transition`, {
    method: 'POST',
    body: JSON.stringify({ model_name: 'ecs::task', transition: { progression: 'immediate' } }),
  });
  if (!res.ok) throw new Error(`moto refused the ECS task transition: HTTP ${res.status}`);
  return {
    endpoint: moto.endpoint,
    moto,
    clients: motoClients(moto.endpoint),
    cliIn:
      (dir) =>
      (...args) =>
        runCli(['-C', dir, ...args, '--endpoint-url', moto.endpoint]),
    async stop() {
      for (const [key, value] of saved) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
      await moto.stop();
    },
  };
}

/** Creates the public hosted zone a stack's `domain` lives in, as a user does once per account. */
export async function createPublicZone(clients: AwsClients, name: string): Promise<string> {
  const res = await clients.route53.send(
    new CreateHostedZoneCommand({ Name: name, CallerReference: `e2e-${name}-${Date.now()}` }),
  );
  return res.HostedZone?.Id ?? '';
}

/** Mutating calls per service from `--stats`, without the state table's lease writes (DynamoDB). */
export function stackMutations(stats: StatsJson | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const row of stats?.calls ?? []) {
    if (row.kind !== 'mutate' || row.service === 'dynamodb') continue;
    out[`${row.service}:${row.operation}`] = (out[`${row.service}:${row.operation}`] ?? 0) + row.count;
  }
  return out;
}
