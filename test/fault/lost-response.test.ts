/**
 * Lost responses, for real (issue 10 item 1): `reconcile --once` of the example app runs as a child of
 * the built CLI with the response of one operation's first call lost (STACKCTL_FAULT_LOSE_RESPONSE: moto
 * carries the call out, the client sees a reset). It must exit 0 within two passes; then, with no
 * faults, `plan` is empty and the account holds exactly one resource per rendered logical id and
 * nothing else, counted by raw describe calls (docs/RELIABILITY.md "Lost responses").
 *
 * Cases:
 * - every call of NO_BLIND_RESEND (never resent by the SDK: it ends with AmbiguousOutcomeError and the
 *   step restarts from its read) that a clean pass of the stacks below makes;
 * - one case per create AWS deduplicates by name or client token (the SDK resends it and AWS answers
 *   "already exists" or the same resource), to show those are safe without the guard.
 *
 * Stacks: `dev` (examples/shop) reaches every guarded EC2 network call, the DHCP options and the task
 * definitions; `wide`, a stack file written into the temp copy (mode balanced: one NAT gateway, so an
 * Elastic IP; domain example.com: a certificate, an HTTPS listener with host rules, Route 53 records),
 * reaches AllocateAddress, CreateRule and the Route 53 changes. Each case checks the fault report says
 * the response was really lost, so no case passes without its fault.
 *
 * Speed (as in kill9.test.ts): the child is the CLI compiled once to JS; two moto lanes run cases in
 * parallel; moto's ECS tasks stop at once (state manager) and certificates are issued at once
 * (MOTO_ACM_VALIDATION_WAIT=0). moto runs with the fidelity fixes of {@link MOTO_FIDELITY_PATH}.
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CreateHostedZoneCommand,
  ListHostedZonesByNameCommand,
  ListResourceRecordSetsCommand,
} from '@aws-sdk/client-route-53';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAULT_KILL_AFTER_MUTATIONS_ENV } from '../../src/aws/fault-injection.js';
import { NO_BLIND_RESEND } from '../../src/aws/no-blind-resend.js';
import { FAULT_ENV } from '../../src/aws/random-faults.js';
import { loadStackProject } from '../../src/desired/load-project.js';
import type { DesiredStack } from '../../src/desired/resource-types.js';
import { TAG_KEYS } from '../../src/desired/resource-types.js';
import { type MotoServer, startMoto } from '../helpers/moto.js';
import { type BuiltCli, buildCli, REPO_ROOT } from './helpers/build-cli.js';
import { failedSteps, mutatingCalls, mutatingOperations } from './helpers/crash-case.js';
import { type CliRun, CrashLane, MOTO_CREDENTIALS } from './helpers/crash-lane.js';
import type { FoundResource } from './helpers/inventory-types.js';
import {
  accountProblems,
  formatLostCase,
  type LostResponseOutcome,
  runLostResponseCase,
  type StackChecks,
} from './helpers/lost-response-case.js';

/** The wide stack: one NAT gateway (balanced), a domain with host rules and records. */
const WIDE_STACK_FILE = `# lost-response suite: reaches the Elastic IP, listener rules and Route 53 records dev does not.
region: eu-west-1
mode: balanced
domain: example.com
network:
  vpc: create
  cidr: 10.30.0.0/16
services:
  web:
    domainname: shop.example.com
  api:
    domainname: api.example.com
`;
const ZONE = 'example.com';

/**
 * Creates AWS deduplicates by name, settings or client token, one case each: the SDK resends them after
 * a lost response and AWS answers "already exists" (or the same resource), which each applier settles.
 * One that NO_BLIND_RESEND also guards runs once, as a guarded case.
 */
const DEDUPLICATED: Readonly<Record<'dev' | 'wide', readonly string[]>> = {
  dev: [
    'elbv2:CreateLoadBalancer',
    'elbv2:CreateTargetGroup',
    'elbv2:CreateListener',
    'ecs:CreateCluster',
    'ecs:CreateService',
    'ecs:RunTask',
    'iam:CreateRole',
    'logs:CreateLogGroup',
    'rds:CreateDBInstance',
    'rds:CreateDBSubnetGroup',
    'elasticache:CreateReplicationGroup',
    'servicediscovery:CreatePrivateDnsNamespace',
    'servicediscovery:CreateService',
    'servicediscovery:RegisterInstance',
    'ssm:PutParameter',
  ],
  wide: ['ec2:CreateNatGateway', 'acm:RequestCertificate', 'route53:ChangeResourceRecordSets'],
};

/**
 * moto with the fault suites' fidelity fixes (helpers/moto-fidelity/sitecustomize.py): CreateLoadBalancer,
 * CreateListener, Cloud Map CreateService and RegisterInstance, and ECS RunTask deduplicate a resend as
 * AWS documents it. Without them moto makes a second load balancer, listener, Cloud Map service, instance
 * entry or migration task where AWS never would, and those cases fail.
 */
const MOTO_FIDELITY_PATH = fileURLToPath(new URL('./helpers/moto-fidelity', import.meta.url));

/** Calls of NO_BLIND_RESEND no example stack makes, and why (the suite fails on any other gap). */
const NOT_REACHED: ReadonlyMap<string, string> = new Map();

/** Makes moto's ECS tasks reach STOPPED on their first describe (moto's state manager). */
async function fastEcsTasks(moto: MotoServer): Promise<void> {
  const res = await fetch(`${moto.endpoint}/moto-api/state-manager/set-transition`, {
    method: 'POST',
    body: JSON.stringify({ model_name: 'ecs::task', transition: { progression: 'immediate' } }),
  });
  if (!res.ok) throw new Error(`moto state manager: ${res.status}`);
}

/** The hosted zone the wide stack's domain needs, as a user creates it once per account. */
async function createZone(lane: CrashLane): Promise<void> {
  await lane.clients.route53.send(
    new CreateHostedZoneCommand({ Name: ZONE, CallerReference: `lost-${Date.now()}-${Math.random()}` }),
  );
}

const countBy = (items: readonly string[]): Map<string, number> => {
  const out = new Map<string, number>();
  for (const i of items) out.set(i, (out.get(i) ?? 0) + 1);
  return out;
};

/**
 * The wide stack's kinds the shared inventory leaves out or cannot tag-match: Elastic IPs (one per NAT
 * logical id), the certificate (one) and the alias records (one A record per host).
 */
function wideChecks(target: DesiredStack): StackChecks {
  const ofKind = (kind: string) => target.resources.filter((r) => r.kind === kind);
  return {
    uncounted: ['acm.Certificate', 'route53.Record'],
    setAside: (r: FoundResource) => r.kind === 'ec2.ElasticIp' || r.kind === 'acm.Certificate',
    extra: async (lane, setAside) => {
      const problems: string[] = [];
      const eips = countBy(
        setAside.filter((r) => r.kind === 'ec2.ElasticIp').map((r) => r.tags[TAG_KEYS.logicalId] ?? '?'),
      );
      const nats = ofKind('ec2.NatGateway').map((r) => r.logicalId);
      if ([...eips.keys()].sort().join() !== nats.sort().join() || [...eips.values()].some((n) => n !== 1))
        problems.push(
          `Elastic IPs by logical id ${JSON.stringify([...eips])}, want one for each of ${nats.join()}`,
        );
      const certs = setAside.filter((r) => r.kind === 'acm.Certificate').length;
      if (certs !== ofKind('acm.Certificate').length) problems.push(`${certs} certificates`);
      const zones = await lane.clients.route53.send(new ListHostedZonesByNameCommand({ DNSName: ZONE }));
      const zoneId = zones.HostedZones?.find((z) => z.Name === `${ZONE}.`)?.Id ?? '';
      const records = await lane.clients.route53.send(
        new ListResourceRecordSetsCommand({ HostedZoneId: zoneId }),
      );
      const aliases = countBy(
        (records.ResourceRecordSets ?? []).filter((r) => r.Type === 'A').map((r) => r.Name ?? ''),
      );
      for (const host of ['shop.example.com.', 'api.example.com.'])
        if (aliases.get(host) !== 1) problems.push(`${aliases.get(host) ?? 0} A records ${host}`);
      return problems;
    },
  };
}

describe('a lost response on any create or association of a pass', () => {
  let cli: BuiltCli;
  let appDir: string;
  let servers: MotoServer[] = [];
  const desired: Partial<Record<'dev' | 'wide', DesiredStack>> = {};
  /** Per stack, one lane per moto server. */
  const lanes: Record<'dev' | 'wide', CrashLane[]> = { dev: [], wide: [] };
  const clean: Partial<Record<'dev' | 'wide', CliRun>> = {};

  const prepare = (stack: 'dev' | 'wide', lane: CrashLane) =>
    stack === 'wide' ? () => createZone(lane) : undefined;
  const checks = (stack: 'dev' | 'wide'): StackChecks | undefined =>
    stack === 'wide' ? wideChecks(desired.wide as DesiredStack) : undefined;

  beforeAll(async () => {
    // The hooks must never arm this process: only the children lose responses.
    delete process.env[FAULT_KILL_AFTER_MUTATIONS_ENV];
    delete process.env[FAULT_ENV.loseResponse];
    delete process.env[FAULT_ENV.rate];
    Object.assign(process.env, MOTO_CREDENTIALS);
    appDir = mkdtempSync(join(tmpdir(), 'stackctl-lost-'));
    cpSync(join(REPO_ROOT, 'examples', 'shop'), appDir, { recursive: true });
    writeFileSync(join(appDir, '.stackctl', 'wide.yaml'), WIDE_STACK_FILE);
    for (const stack of ['dev', 'wide'] as const)
      desired[stack] = loadStackProject({
        cwd: appDir,
        stack,
        env: process.env as Record<string, string>,
      }).desired;
    cli = buildCli();
    const pythonPath = [MOTO_FIDELITY_PATH, process.env.PYTHONPATH].filter(Boolean).join(delimiter);
    servers = await Promise.all(
      [0, 1].map(() =>
        startMoto({
          env: { MOTO_ACM_VALIDATION_WAIT: '0', PYTHONPATH: pythonPath, PYTHONDONTWRITEBYTECODE: '1' },
        }),
      ),
    );
    await Promise.all(servers.map(fastEcsTasks));
    for (const stack of ['dev', 'wide'] as const) {
      const d = desired[stack] as DesiredStack;
      lanes[stack] = servers.map(
        (moto) => new CrashLane({ moto, appDir, cliJs: cli.mainJs, project: d.project, stack: d.stack }),
      );
    }
    // A clean pass of each stack, in parallel (one per server): which calls a pass makes.
    await Promise.all(
      (['dev', 'wide'] as const).map(async (stack, i) => {
        const lane = lanes[stack][i] as CrashLane;
        await lane.freshAccount();
        await prepare(stack, lane)?.();
        clean[stack] = await lane.spawnCli(['reconcile', '--once', '--output', 'json', '--stats']);
      }),
    );
  }, 240_000);

  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop()));
    cli?.remove();
    if (appDir) rmSync(appDir, { recursive: true, force: true });
  });

  it.each([
    { reason: 'the example dev stack', stack: 'dev' as const },
    { reason: 'one NAT gateway, a domain with host rules and records', stack: 'wide' as const },
  ])(
    'a clean pass builds exactly the stack ($reason)',
    async ({ stack }) => {
      const run = clean[stack] as CliRun;
      expect(run.code, failedSteps(run)).toBe(0);
      const lane = lanes[stack][stack === 'dev' ? 0 : 1] as CrashLane;
      const d = desired[stack] as DesiredStack;
      expect(mutatingCalls(run)).toBeGreaterThan(d.resources.length);
      expect(await accountProblems(lane, d, checks(stack))).toEqual([]);
    },
    60_000,
  );

  it(
    'for every guarded call and each deduplicated create: converges within two passes, one of each resource, plan empty',
    async () => {
      const reached = (stack: 'dev' | 'wide') =>
        new Set(mutatingOperations(clean[stack] as CliRun).map((op) => op.replace(' ', ':')));
      const dev = reached('dev');
      const wide = reached('wide');
      const guarded = [...NO_BLIND_RESEND.keys()];
      const cases = [
        ...guarded.filter((op) => dev.has(op)).map((op) => ({ stack: 'dev' as const, op })),
        ...guarded.filter((op) => !dev.has(op) && wide.has(op)).map((op) => ({ stack: 'wide' as const, op })),
        ...(['dev', 'wide'] as const).flatMap((stack) =>
          DEDUPLICATED[stack].filter((op) => !NO_BLIND_RESEND.has(op)).map((op) => ({ stack, op })),
        ),
      ];
      // Every guarded call is a case, or named with the reason no example stack reaches it.
      expect(guarded.filter((op) => !dev.has(op) && !wide.has(op) && !NOT_REACHED.has(op))).toEqual([]);
      // Every deduplicated create named above is really made by its stack's pass.
      expect(
        (['dev', 'wide'] as const).flatMap((s) => DEDUPLICATED[s].filter((op) => !reached(s).has(op))),
      ).toEqual([]);

      const queue = [...cases];
      const outcomes: LostResponseOutcome[] = [];
      const started = performance.now();
      await Promise.all(
        servers.map(async (_, i) => {
          for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
            const lane = lanes[next.stack][i] as CrashLane;
            const outcome = await runLostResponseCase(lane, desired[next.stack] as DesiredStack, next.op, {
              prepare: prepare(next.stack, lane),
              checks: checks(next.stack),
            });
            outcomes.push(outcome);
            if (outcome.problems.length > 0) console.log(`lost response ✗ ${formatLostCase(outcome)}`);
          }
        }),
      );
      console.log(
        [
          `lost-response suite: ${outcomes.length} cases on ${servers.length} lanes in ${((performance.now() - started) / 1000).toFixed(0)} s`,
          ...outcomes.map((o) => `  ${formatLostCase(o)}`),
        ].join('\n'),
      );
      expect(outcomes.filter((o) => o.problems.length > 0).map(formatLostCase)).toEqual([]);
      expect(outcomes.map((o) => o.lost)).toEqual(outcomes.map(() => 1));
      expect(outcomes.length).toBe(cases.length);
    },
    15 * 60_000,
  );
});
