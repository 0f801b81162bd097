/**
 * `npm run demo`: the main job end to end, against a local moto server started (and stopped) here.
 *
 * Deploys the example shop app (examples/shop) as two stacks, dev and prod, shows the plan, proves the
 * second pass is a no-op, proves the wiring with `check`, makes out-of-band changes (a revoked security-group
 * rule, a scaled-down service, a changed log retention) and shows them detected and corrected. Every step
 * runs the real CLI (`bin/stackctl.js`) as a user would; only the out-of-band changes use the AWS SDK
 * directly, playing the colleague who clicked around in the console.
 *
 * @module
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PutRetentionPolicyCommand } from '@aws-sdk/client-cloudwatch-logs';
import { DescribeSecurityGroupsCommand, RevokeSecurityGroupIngressCommand } from '@aws-sdk/client-ec2';
import { UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { CreateHostedZoneCommand } from '@aws-sdk/client-route-53';
import { createAwsClients } from '../src/aws/clients.js';
import { MOTO_MISSING_MESSAGE, startMoto } from '../test/helpers/moto.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'bin', 'stackctl.js');
const REGION = 'eu-west-1';
const CREDENTIALS = { accessKeyId: 'demo', secretAccessKey: 'demo' };

const bold = (s: string) => (process.stdout.isTTY ? `\u001b[1m${s}\u001b[0m` : s);

function step(title: string): void {
  process.stdout.write(`\n${bold(`━━ ${title}`)}\n`);
}

/** Runs the CLI with the demo's environment, echoing the command; returns its exit code. */
function stackctl(cwd: string, endpoint: string, args: readonly string[], input?: string): number {
  process.stdout.write(`${bold('$')} stackctl ${args.join(' ')}\n`);
  const res = spawnSync(process.execPath, [bin, ...args], {
    cwd,
    stdio: [input === undefined ? 'inherit' : 'pipe', 'inherit', 'inherit'],
    ...(input === undefined ? {} : { input }),
    env: {
      ...process.env,
      AWS_ENDPOINT_URL: endpoint,
      AWS_ACCESS_KEY_ID: CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: CREDENTIALS.secretAccessKey,
      AWS_REGION: REGION,
      STACKCTL_TABLE: 'stackctl-demo',
    },
  });
  const code = res.status ?? 1;
  process.stdout.write(`${bold(`→ exit ${code}`)}\n`);
  return code;
}

function devGroupFilters(logicalId: string) {
  return [
    { Name: 'tag:stackctl:stack', Values: ['dev'] },
    { Name: 'tag:stackctl:logical-id', Values: [logicalId] },
  ];
}

async function groupOf(clients: ReturnType<typeof createAwsClients>, logicalId: string) {
  const { SecurityGroups } = await clients.ec2.send(
    new DescribeSecurityGroupsCommand({ Filters: devGroupFilters(logicalId) }),
  );
  return SecurityGroups?.[0]?.GroupId;
}

/**
 * Plays the colleague who tidies up security groups: revokes the rules of dev's api group whose source is
 * a network membership group (what lets web, on the same compose network, reach api), not the ALB's.
 */
async function revokeApiFromWeb(clients: ReturnType<typeof createAwsClients>): Promise<void> {
  const { SecurityGroups } = await clients.ec2.send(
    new DescribeSecurityGroupsCommand({ Filters: devGroupFilters('sg/svc/api') }),
  );
  const group = SecurityGroups?.[0];
  const albGroup = await groupOf(clients, 'sg/alb');
  // AWS merges the rules of one port into one permission: keep only its group pairs that are not the ALB.
  const fromNetworks = (group?.IpPermissions ?? [])
    .map((p) => ({
      IpProtocol: p.IpProtocol,
      FromPort: p.FromPort,
      ToPort: p.ToPort,
      UserIdGroupPairs: (p.UserIdGroupPairs ?? [])
        .filter((g) => g.GroupId !== undefined && g.GroupId !== albGroup)
        // moto matches a rule's description too when revoking it.
        .map((g) => ({ GroupId: g.GroupId, Description: g.Description })),
    }))
    .filter((p) => p.UserIdGroupPairs.length > 0);
  if (!group?.GroupId || fromNetworks.length === 0) throw new Error('demo: dev has no api group to break');
  await clients.ec2.send(
    new RevokeSecurityGroupIngressCommand({ GroupId: group.GroupId, IpPermissions: fromNetworks }),
  );
}

function expectCode(actual: number, expected: number, what: string): void {
  if (actual !== expected) throw new Error(`demo: ${what} exited ${actual}, expected ${expected}`);
}

async function main(): Promise<void> {
  let moto: Awaited<ReturnType<typeof startMoto>>;
  try {
    // moto runs no containers: each ECS service reports this many running tasks (enough for prod's
    // replicas, so rollouts complete), and certificates are issued at once (moto does no DNS validation).
    moto = await startMoto({ env: { MOTO_ECS_SERVICE_RUNNING: '10', MOTO_ACM_VALIDATION_WAIT: '0' } });
  } catch (err) {
    process.stderr.write(
      `${err instanceof Error && err.message === MOTO_MISSING_MESSAGE ? err.message : String(err)}\n`,
    );
    process.exitCode = 1;
    return;
  }
  // Ctrl-C must not leave a moto server behind.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      void moto.stop().finally(() => process.exit(130));
    });
  }
  const work = mkdtempSync(join(tmpdir(), 'stackctl-demo-'));
  cpSync(join(root, 'examples', 'shop'), work, { recursive: true });
  const run = (args: readonly string[], input?: string) => stackctl(work, moto.endpoint, args, input);
  try {
    process.stdout.write(
      `moto server on ${moto.endpoint} (pid ${moto.pid}); the app is a copy of examples/shop in ${work}\n`,
    );
    const clients = createAwsClients({ region: REGION, endpoint: moto.endpoint, credentials: CREDENTIALS });
    // prod serves shop.example.com and api.example.com: its public zone must exist, as in a real account.
    await clients.route53.send(
      new CreateHostedZoneCommand({ Name: 'example.com', CallerReference: `stackctl-demo-${Date.now()}` }),
    );

    step('1. The app and its two stacks are valid (no AWS call)');
    expectCode(run(['validate']), 0, 'validate');
    expectCode(run(['stacks', 'ls']), 0, 'stacks ls');

    step('2. Secrets go to SSM, never into files');
    expectCode(run(['config', 'set', 'API_TOKEN', '--random', '--stack', 'dev']), 0, 'config set dev');
    expectCode(
      run(['config', 'set', 'API_TOKEN', '--from-stdin', '--stack', 'prod'], 'prod-token-from-a-vault\n'),
      0,
      'config set prod',
    );

    step('3. What dev would create (exit 2: changes pending)');
    expectCode(run(['plan', '--stack', 'dev']), 2, 'plan dev');

    step('4. Deploy dev and prod');
    expectCode(run(['reconcile', '--once', '--stack', 'dev']), 0, 'reconcile dev');
    expectCode(run(['reconcile', '--once', '--stack', 'prod']), 0, 'reconcile prod');

    step('5. A second pass finds nothing to do: no mutating call to any stack resource');
    expectCode(run(['reconcile', '--once', '--stack', 'dev', '--stats']), 0, 'second reconcile dev');

    step('6. Converged is not working: check proves every edge the app relies on, from AWS itself');
    expectCode(run(['check', '--stack', 'dev']), 0, 'check dev');
    expectCode(run(['check', '--stack', 'prod']), 0, 'check prod');

    step('7. Someone revokes the rule that lets web reach api: check names the broken edge');
    await revokeApiFromWeb(clients);
    expectCode(run(['check', '--stack', 'dev']), 2, 'check dev after the revoke');

    step('8. Someone also scales dev/web to 0 and changes its log retention in the console: drift');
    await clients.ecs.send(
      new UpdateServiceCommand({ cluster: 'shop-dev', service: 'web', desiredCount: 0 }),
    );
    await clients.logs.send(
      new PutRetentionPolicyCommand({ logGroupName: '/stackctl/shop/dev/web', retentionInDays: 365 }),
    );
    expectCode(run(['drift', '--stack', 'dev']), 2, 'drift report');
    expectCode(run(['plan', '--stack', 'dev']), 2, 'plan after drift');

    step('9. The next pass corrects exactly that drift; prod was never touched');
    expectCode(run(['reconcile', '--once', '--stack', 'dev']), 0, 'corrective reconcile');
    expectCode(run(['plan', '--stack', 'dev']), 0, 'plan dev after correction');
    expectCode(run(['check', '--stack', 'dev']), 0, 'check dev after correction');
    expectCode(run(['status', '--all']), 0, 'status --all');
    expectCode(run(['drift', '--all']), 0, 'drift --all');

    process.stdout.write(`\n${bold('Demo complete: two stacks deployed, drift detected and corrected.')}\n`);
  } finally {
    await moto.stop();
    rmSync(work, { recursive: true, force: true });
    process.stdout.write(`moto server (pid ${moto.pid}) stopped\n`);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
