/**
 * End to end, against a real moto server: what each additional stack costs `drift --all`, per AWS
 * operation. Three tiny stacks (each in its own VPC) are converged; `drift --all --stats` then runs over a
 * project with one of them and over the project with all three. Every list AWS can answer for the whole
 * region or project is made once per sweep (observed/shared-reads.ts, fleet-lists.ts); what may still grow
 * per stack is pinned below with the reason AWS forces it, so a change that adds a per-stack read fails
 * here. The sharing must not change any stack's verdict: each stack's drift with shared reads equals
 * its drift read without sharing.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAwsClients } from '../../src/aws/index.js';
import { loadStackProject } from '../../src/desired/load-project.js';
import { wiringEdges } from '../../src/diff/wiring/index.js';
import { driftStacks } from '../../src/reconcilers/drift-pass.js';
import {
  type CliResult,
  createNetwork,
  type DriftEnv,
  reportOf,
  runCli,
  startDriftEnv,
  tinyStackFile,
  writeTinyApp,
} from '../integration/drift/drift-env.js';

const NAMES = ['s1', 's2', 's3'] as const;

/**
 * Reads per additional stack of the tiny app (one web service behind the load balancer, one worker, a
 * Cloud Map namespace with one A-record name per service), and why AWS offers no fleet-wide form.
 */
const PER_ADDITIONAL_STACK: Readonly<Record<string, { readonly reads: number; readonly reason: string }>> = {
  'ec2 DescribeVpcAttribute': {
    reads: 2,
    reason: 'one attribute of one VPC per call; each stack has its VPC',
  },
  'ecs DescribeServices': { reads: 1, reason: 'services of one cluster per call (10 at most)' },
  'ecs DescribeTaskDefinition': { reads: 2, reason: 'one revision per call, one per service' },
  'ecs ListServices': { reads: 1, reason: 'one cluster per call; each stack has its cluster' },
  'elbv2 DescribeListeners': { reads: 1, reason: 'one load balancer per call' },
  'elbv2 DescribeRules': { reads: 1, reason: 'one listener per call' },
  'elbv2 DescribeTags': {
    reads: 1,
    reason: "listener and rule ARNs are known only from the stack's own listener reads (20 ARNs a call)",
  },
  'elbv2 DescribeTargetGroupAttributes': { reads: 1, reason: 'one target group per call' },
  'route53 GetHostedZone': { reads: 1, reason: "the namespace zone's VPCs: one zone per call" },
  'servicediscovery ListTagsForResource': {
    reads: 3,
    reason:
      'one Cloud Map resource per call (namespace + one name per service); no tagging-API listing on moto',
  },
};

let env: DriftEnv;
let oneDir: string;

/** Reads per `service operation` from the `--stats` table on stderr. */
function readsOf(result: CliResult): Map<string, number> {
  const reads = new Map<string, number>();
  for (const line of result.err.split('\n')) {
    const m = /^(\S+)\s+(\S+)\s+read\s+(\d+)\s/.exec(line);
    if (m?.[1] && m[2] && m[3]) reads.set(`${m[1]} ${m[2]}`, Number(m[3]));
  }
  if (reads.size === 0) throw new Error(`no --stats table in: ${result.err.slice(-2000)}`);
  return reads;
}

const driftAll = (dir: string): Promise<CliResult> =>
  runCli(['-C', dir, 'drift', '--all', '--output', 'json', '--stats', '--endpoint-url', env.endpoint]);

beforeAll(async () => {
  env = await startDriftEnv(null);
  oneDir = await mkdtemp(join(tmpdir(), 'stackctl-fleet-one-'));
  // Each stack brings its own VPC: moto takes one Cloud Map namespace per VPC (AWS takes one per name).
  const files: Record<string, string> = {};
  for (const n of NAMES) files[n] = tinyStackFile(await createNetwork(env.clients));
  await writeTinyApp(env.dir, files);
  await writeTinyApp(oneDir, { s1: files.s1 as string });
  for (const stack of NAMES) {
    const r = await env.cli(['reconcile', '--once', '--stack', stack]);
    expect(r.code, r.err + r.out).toBe(0);
  }
}, 600_000);

afterAll(async () => {
  await env?.stop();
  if (oneDir) await rm(oneDir, { recursive: true, force: true });
});

describe('drift --all reads per additional stack', () => {
  it('grows only by the reads AWS has no fleet-wide form of', async () => {
    const one = await driftAll(oneDir);
    const all = await driftAll(env.dir);
    expect(reportOf(one).sync, one.err).toBe('Synced');
    expect(reportOf(all).sync, all.err).toBe('Synced');
    const [single, many] = [readsOf(one), readsOf(all)];
    const perStack: Record<string, number> = {};
    for (const op of new Set([...single.keys(), ...many.keys()])) {
      const extra = ((many.get(op) ?? 0) - (single.get(op) ?? 0)) / (NAMES.length - 1);
      if (extra !== 0) perStack[op] = extra;
    }
    const pinned = Object.fromEntries(Object.entries(PER_ADDITIONAL_STACK).map(([op, v]) => [op, v.reads]));
    expect(perStack).toEqual(pinned);
  }, 300_000);

  it('gives every stack the verdict it gets without sharing', async () => {
    const sweep = async (shareReads: boolean) =>
      driftStacks({
        project: 'tiny',
        shareReads,
        stacks: NAMES.map((stack) => {
          const { desired, resolved } = loadStackProject({
            cwd: env.dir,
            stack,
            env: {},
            cli: { images: {} },
          });
          return { stack, region: desired.region, desired, edges: wiringEdges(resolved) };
        }),
        clientsFor: (region) =>
          createAwsClients({
            region,
            endpoint: env.endpoint,
            credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
          }),
      });
    const shared = (await sweep(true)).map((r) => r.drift);
    const alone = (await sweep(false)).map((r) => r.drift);
    expect(shared.map((d) => [d.stack, d.sync])).toEqual(NAMES.map((n) => [n, 'Synced']));
    expect(shared).toEqual(alone);
  }, 300_000);
});
