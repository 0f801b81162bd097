/**
 * Shared setup of the drift / day-2 integration tests: one real moto server per test file, the CLI run
 * in-process through `run(argv, io)` with a captured Io, and project directories copied to temp dirs so
 * tests may edit them.
 *
 * @module
 */
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CreateSubnetCommand, CreateVpcCommand } from '@aws-sdk/client-ec2';
import type { AwsClients } from '../../../src/aws/types.js';
import { run } from '../../../src/cli/main.js';
import type { ExitCode, Io } from '../../../src/cli/output.js';
import type { DriftReport } from '../../../src/diff/drift/index.js';
import { motoClients } from '../../helpers/aws.js';
import { type MotoServer, startMoto } from '../../helpers/moto.js';

/** The example app. */
export const SHOP_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../examples/shop');

/** What one CLI invocation printed and returned. */
export interface CliResult {
  readonly code: ExitCode;
  readonly out: string;
  readonly err: string;
}

/** A moto server, SDK clients on it, and the CLI bound to it and to one project directory. */
export interface DriftEnv {
  readonly endpoint: string;
  readonly clients: AwsClients;
  /** The project directory (a private copy). */
  readonly dir: string;
  /** `stackctl -C dir ...args --endpoint-url moto`; `confirm` answers prompts. */
  cli(args: readonly string[], confirm?: boolean): Promise<CliResult>;
  stop(): Promise<void>;
}

const ENV: Readonly<Record<string, string | undefined>> = {
  AWS_ACCESS_KEY_ID: 'testing',
  AWS_SECRET_ACCESS_KEY: 'testing',
  AWS_SESSION_TOKEN: undefined,
  AWS_PROFILE: undefined,
  AWS_ENDPOINT_URL: undefined,
  STACKCTL_TABLE: undefined,
  NO_COLOR: '1',
};

/** Makes moto's one-off tasks finish on first read, so a migration does not cost 15 s per converge. */
async function immediateTasks(endpoint: string): Promise<void> {
  const res = await fetch(`${endpoint}/moto-api/state-manager/set-transition`, {
    method: 'POST',
    body: JSON.stringify({ model_name: 'ecs::task', transition: { progression: 'immediate' } }),
  });
  if (!res.ok) throw new Error(`moto refused the task transition: HTTP ${res.status}`);
}

/** Runs the CLI in-process with a captured Io. */
export async function runCli(argv: readonly string[], confirm = false): Promise<CliResult> {
  let out = '';
  let err = '';
  const io: Io = {
    out: (t) => {
      out += t;
    },
    err: (t) => {
      err += t;
    },
    readStdin: async () => '',
    confirm: async () => confirm,
  };
  const code = await run(argv, io);
  return { code, out, err };
}

/** Starts moto, copies `projectDir` (none: an empty dir) to a temp dir and scopes the CLI's environment. */
export async function startDriftEnv(projectDir: string | null = SHOP_DIR): Promise<DriftEnv> {
  const moto: MotoServer = await startMoto();
  const saved = new Map(Object.keys(ENV).map((k) => [k, process.env[k]] as const));
  for (const [k, v] of Object.entries(ENV)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  await immediateTasks(moto.endpoint);
  const dir = await mkdtemp(join(tmpdir(), 'stackctl-drift-'));
  if (projectDir !== null) await cp(projectDir, dir, { recursive: true });
  return {
    endpoint: moto.endpoint,
    clients: motoClients(moto.endpoint),
    dir,
    cli: (args, confirm = false) => runCli(['-C', dir, ...args, '--endpoint-url', moto.endpoint], confirm),
    async stop() {
      for (const [k, v] of saved) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
      await rm(dir, { recursive: true, force: true });
      await moto.stop();
    },
  };
}

/** Parses a `drift --output json` result, failing with its stderr when it is not JSON. */
export function reportOf(result: CliResult): DriftReport {
  try {
    return JSON.parse(result.out) as DriftReport;
  } catch {
    throw new Error(`not a JSON report (exit ${result.code}): ${result.err}\n${result.out.slice(0, 500)}`);
  }
}

/** The resources of a report that are not in sync, as `status kind logicalId`. */
export function drifted(report: DriftReport): string[] {
  return report.stacks.flatMap((s) =>
    s.resources.filter((r) => r.status !== 'in-sync').map((r) => `${r.status} ${r.kind} ${r.logicalId}`),
  );
}

/** A two-service app (one behind the load balancer, one worker) small enough to converge in seconds. */
export const TINY_COMPOSE = `name: tiny
services:
  web:
    image: nginx:1.27-alpine
    ports:
      - "80:80"
  worker:
    image: busybox:1.36
    command: ["sh", "-c", "sleep 3600"]
`;

/** A stack file of the tiny app in an existing VPC (so many stacks share one network). */
export function tinyStackFile(network: {
  readonly vpc: string;
  readonly publicSubnets: readonly string[];
  readonly privateSubnets: readonly string[];
}): string {
  return [
    'region: eu-west-1',
    'mode: affordable',
    'network:',
    `  vpc: ${network.vpc}`,
    `  publicSubnets: [${network.publicSubnets.join(', ')}]`,
    `  privateSubnets: [${network.privateSubnets.join(', ')}]`,
    '',
  ].join('\n');
}

/** Creates a VPC with two public and two private subnets for stacks that bring their own network. */
export async function createNetwork(c: AwsClients): Promise<{
  vpc: string;
  publicSubnets: string[];
  privateSubnets: string[];
}> {
  const vpc = (await c.ec2.send(new CreateVpcCommand({ CidrBlock: '10.9.0.0/16' }))).Vpc?.VpcId ?? '';
  const subnet = async (cidr: string, az: string): Promise<string> =>
    (await c.ec2.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: cidr, AvailabilityZone: az }))).Subnet
      ?.SubnetId ?? '';
  return {
    vpc,
    publicSubnets: [await subnet('10.9.0.0/24', 'eu-west-1a'), await subnet('10.9.1.0/24', 'eu-west-1b')],
    privateSubnets: [await subnet('10.9.2.0/24', 'eu-west-1a'), await subnet('10.9.3.0/24', 'eu-west-1b')],
  };
}

/** Writes the tiny app's compose file and one stack file per name into `dir`. */
export async function writeTinyApp(dir: string, stacks: Readonly<Record<string, string>>): Promise<void> {
  await mkdir(join(dir, '.stackctl'), { recursive: true });
  await writeFile(join(dir, 'compose.yaml'), TINY_COMPOSE);
  for (const [name, body] of Object.entries(stacks))
    await writeFile(join(dir, '.stackctl', `${name}.yaml`), body);
}
