/**
 * Row 7, the peer: terraform's no-op refresh of `../shared/peer/terraform/main.tf` through the same
 * latency proxy, in the same run. Follows the harness README: its patched moto on a port of its own,
 * the certificate and hosted zone `prep.py` makes (made here with the SDK), a CLI config pointing at the
 * local provider mirror, `terraform init` and `apply` once (straight to moto: only the refresh is
 * timed), then `terraform plan -refresh=true` through the proxy. Everything is written to a temp dir;
 * nothing under ../shared is changed and nothing is copied into this repository.
 *
 * @module
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ImportCertificateCommand } from '@aws-sdk/client-acm';
import { CreateHostedZoneCommand } from '@aws-sdk/client-route-53';
import { classifyOperation } from '../../src/aws/call-stats.js';
import { createAwsClients } from '../../src/aws/clients.js';
import { freePort } from '../../test/helpers/moto.js';
import { type ChainFigures, chainFigures, countByOperation, readCallLog, type TimedCall } from './chain.js';
import { progress } from './cli.js';
import { PEER_DIR, peerMissingReason, startLatencyProxy, stopChild, waitForPort } from './proxy.js';

/** Where the README says the provider mirror is; `STACKCTL_BENCH_TF_MIRROR` overrides. */
const MIRROR_CANDIDATES = ['/opt/tf-plugins', '/usr/share/terraform/plugins', '/root/.terraform.d/plugins'];
/** The endpoint main.tf's provider block is written with. */
const MAIN_TF_ENDPOINT = 'http://127.0.0.1:5056';
/** terraform's default, and what the README's 3.05–3.19 s were measured at. */
export const TERRAFORM_PARALLELISM = 10;

/** What the terraform phase measured, or why it was skipped. */
export type TerraformFigures =
  | {
      readonly resources: number;
      readonly calls: number;
      readonly reads: number;
      /** `parse.py plan.log`'s count of HTTP requests, as a cross-check of the proxy's. */
      readonly parsePyRequests?: number;
      readonly readsByOperation: Readonly<Record<string, number>>;
      readonly proxied: ChainFigures;
      readonly planWallSeconds: number;
      readonly planSaysNoChanges: boolean;
    }
  | { readonly skipped: string };

/** The provider mirror directory, or undefined. */
function findMirror(): string | undefined {
  const wanted = process.env.STACKCTL_BENCH_TF_MIRROR;
  if (wanted) return existsSync(wanted) ? wanted : undefined;
  return MIRROR_CANDIDATES.find((d) => existsSync(join(d, 'registry.terraform.io/hashicorp/aws')));
}

/** Why terraform cannot be measured, or undefined. */
function terraformMissingReason(): string | undefined {
  const peer = peerMissingReason();
  if (peer) return peer;
  if (spawnSync('terraform', ['version'], { stdio: 'ignore' }).status !== 0)
    return 'terraform is not on PATH';
  if (!findMirror()) return `no local provider mirror (looked in ${MIRROR_CANDIDATES.join(', ')})`;
  return undefined;
}

/** Runs a command to completion with output to `logFile`; throws on a non-zero exit. */
async function runLogged(
  cmd: string,
  args: readonly string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
  logFile: string,
) {
  const fd = openSync(logFile, 'w');
  const code = await new Promise<number | null>((resolve, reject) => {
    const p = spawn(cmd, args, { cwd, env, stdio: ['ignore', fd, fd] });
    p.on('error', reject);
    p.on('exit', resolve);
  });
  if (code !== 0)
    throw new Error(`${cmd} ${args.join(' ')} exited ${code}: ${readFileSync(logFile, 'utf8').slice(-3000)}`);
}

/** Whether a call reads a resource (REST GETs read; `X-Amz-Target` prefixes are dropped; STS does not). */
function isRead(call: TimedCall): boolean {
  // GetCallerIdentity is the provider's identity check, not a read of a resource (README: 119 + 1).
  if (call.service === 'sts') return false;
  if (call.operation.startsWith('GET:') || call.operation.startsWith('HEAD:')) return true;
  if (call.operation.includes(':')) return false;
  return classifyOperation(call.operation.split('.').pop() ?? '') === 'read';
}

/** Starts the harness's patched moto on `port` (its port is set in memory; the file is not changed). */
function startPatchedMoto(port: number, logFile: string): ChildProcess {
  const code = [
    'import sys',
    "src = open('patched_server.py').read().replace('\"5055\"', repr(sys.argv[1]))",
    "exec(compile(src, 'patched_server.py', 'exec'), {'__name__': '__main__'})",
  ].join('\n');
  const fd = openSync(logFile, 'w');
  return spawn('python3', ['-c', code, String(port)], {
    cwd: PEER_DIR,
    env: { ...process.env, MOTO_IAM_LOAD_MANAGED_POLICIES: 'true' },
    stdio: ['ignore', fd, fd],
  });
}

/** Runs the terraform phase. */
export async function measureTerraform(): Promise<TerraformFigures> {
  const missing = terraformMissingReason();
  if (missing) {
    progress(`terraform: skipped: ${missing}`);
    return { skipped: missing };
  }
  const dir = mkdtempSync(join(tmpdir(), 'stackctl-bench-tf-'));
  const motoPort = await freePort();
  const moto = startPatchedMoto(motoPort, join(dir, 'moto.log'));
  let proxy: Awaited<ReturnType<typeof startLatencyProxy>> | undefined;
  try {
    await waitForPort(motoPort, 60_000);
    proxy = await startLatencyProxy(motoPort);
    const motoEndpoint = `http://127.0.0.1:${motoPort}`;
    const openssl = spawnSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-subj',
        '/CN=example.com',
        '-keyout',
        'key.pem',
        '-out',
        'cert.pem',
      ],
      { cwd: dir, stdio: 'ignore' },
    );
    if (openssl.status !== 0) throw new Error('openssl could not make the self-signed certificate');
    const aws = createAwsClients({
      region: 'us-east-1',
      endpoint: motoEndpoint,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
    const cert = await aws.acm.send(
      new ImportCertificateCommand({
        Certificate: readFileSync(join(dir, 'cert.pem')),
        PrivateKey: readFileSync(join(dir, 'key.pem')),
      }),
    );
    const zone = await aws.route53.send(
      new CreateHostedZoneCommand({ Name: 'example.com', CallerReference: 'bench' }),
    );
    writeFileSync(
      join(dir, 'terraform.tfvars'),
      `cert_arn = "${cert.CertificateArn}"\nzone_id = "${zone.HostedZone?.Id?.split('/').pop()}"\n`,
    );
    const mainTf = readFileSync(join(PEER_DIR, 'main.tf'), 'utf8');
    if (!mainTf.includes(MAIN_TF_ENDPOINT))
      throw new Error(`main.tf no longer points at ${MAIN_TF_ENDPOINT}`);
    const writeMain = (endpoint: string) =>
      writeFileSync(join(dir, 'main.tf'), mainTf.replaceAll(MAIN_TF_ENDPOINT, endpoint));
    const cliConfig = join(dir, 'cli.tfrc');
    writeFileSync(
      cliConfig,
      `provider_installation {\n  filesystem_mirror {\n    path = "${findMirror()}"\n  }\n}\n`,
    );
    const env = {
      ...process.env,
      TF_CLI_CONFIG_FILE: cliConfig,
      TF_IN_AUTOMATION: '1',
      CHECKPOINT_DISABLE: '1',
      TF_INPUT: '0',
    };
    writeMain(motoEndpoint);
    progress('terraform: init and apply of main.tf (straight to moto, not timed)');
    await runLogged('terraform', ['init', '-input=false', '-no-color'], dir, env, join(dir, 'init.log'));
    const applyStarted = performance.now();
    await runLogged(
      'terraform',
      ['apply', '-auto-approve', '-input=false', '-no-color', `-parallelism=${TERRAFORM_PARALLELISM}`],
      dir,
      env,
      join(dir, 'apply.log'),
    );
    const resources = spawnSync('terraform', ['state', 'list'], { cwd: dir, env, encoding: 'utf8' })
      .stdout.split('\n')
      .filter((l) => l.trim() !== '' && !l.startsWith('data.')).length;
    progress(
      `terraform: applied ${resources} resources in ${((performance.now() - applyStarted) / 1000).toFixed(0)} s; timing the no-op refresh`,
    );

    writeMain(proxy.endpoint);
    const t0 = Date.now() / 1000;
    const planStarted = performance.now();
    await runLogged(
      'terraform',
      [
        'plan',
        '-refresh=true',
        '-input=false',
        '-no-color',
        '-lock=false',
        `-parallelism=${TERRAFORM_PARALLELISM}`,
      ],
      dir,
      { ...env, TF_LOG_PROVIDER: 'DEBUG' },
      join(dir, 'plan.log'),
    );
    const planWallSeconds = (performance.now() - planStarted) / 1000;
    const calls = readCallLog(proxy.logFile, t0, Date.now() / 1000);
    const parsed = spawnSync('python3', [join(PEER_DIR, 'parse.py'), join(dir, 'plan.log')], {
      encoding: 'utf8',
    });
    const parseCount = /total HTTP requests: (\d+)/.exec(parsed.stdout ?? '')?.[1];
    const figures: TerraformFigures = {
      resources,
      calls: calls.length,
      reads: calls.filter(isRead).length,
      ...(parseCount !== undefined ? { parsePyRequests: Number(parseCount) } : {}),
      readsByOperation: countByOperation(calls.filter(isRead)),
      proxied: chainFigures(calls),
      planWallSeconds,
      planSaysNoChanges: readFileSync(join(dir, 'plan.log'), 'utf8').includes('No changes.'),
    };
    progress(
      `terraform: no-op refresh made ${figures.calls} calls (${figures.reads} reads), ` +
        `${figures.proxied.callSpanSeconds.toFixed(2)} s in AWS calls, longest chain ${figures.proxied.longestChain}`,
    );
    return figures;
  } finally {
    await proxy?.stop();
    await stopChild(moto);
    rmSync(dir, { recursive: true, force: true });
  }
}
