/**
 * End to end, against a real moto server: the read calls of a pass that finds nothing to do must not grow
 * with the number of services, except where AWS offers no batched read. The same generated app is
 * converged with 2 and with 10 services and the no-op pass's `--stats` compared per operation.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type E2eEnv, startE2e } from './helpers/harness.js';
import { applyOf, mutationsByService, readsByOperation } from './helpers/plan-output.js';
import { removeWorkspaces, writeFixtureApp } from './helpers/workspace.js';

let env: E2eEnv;

beforeAll(async () => {
  env = await startE2e();
});
afterAll(async () => {
  await env?.stop();
  await removeWorkspaces();
});

/** The two apps compared: 1 web + 1 worker, and 5 web + 5 workers. */
const SMALL = { web: 1, workers: 1 } as const;
const LARGE = { web: 5, workers: 5 } as const;

/**
 * The only operations allowed to grow: AWS reads one resource per call and has no batched form, so they
 * cost one call per task-definition family (every service) or per target group (every web service).
 * Everything else, tags included (ELB DescribeTags takes 20 ARNs, log group tags come from one tagging
 * query), must stay flat.
 */
const PER_RESOURCE: Readonly<Record<string, { readonly reason: string; readonly per: 'service' | 'web' }>> = {
  'ecs:DescribeTaskDefinition': { reason: 'one family per call, one family per service', per: 'service' },
  'elbv2:DescribeTargetGroupAttributes': {
    reason: 'one target group per call (deregistration delay), one per web service',
    per: 'web',
  },
  // DescribeRules takes one listener, and every published port is a listener of its own.
  'elbv2:DescribeRules': {
    reason: 'rules are read per listener, one listener per published port (one per web service)',
    per: 'web',
  },
  // The tagging API does not list Cloud Map resources on every backend (moto), so ownership is read per
  // resource: the namespace, plus one DNS name (Cloud Map service) per long-running service.
  'servicediscovery:ListTagsForResource': {
    reason: 'Cloud Map returns tags one resource per call, one DNS name per service',
    per: 'service',
  },
};

/**
 * The reads of the 2-service app's no-op `reconcile`, per operation (the state table's included): pinned,
 * so one more read per resource anywhere fails here, not only growth between the two sizes.
 */
const SMALL_APP_READS: Readonly<Record<string, number>> = {
  'acm:ListCertificates': 1,
  'autoscaling:DescribeScalableTargets': 1,
  'dynamodb:DescribeTable': 1,
  'dynamodb:DescribeTimeToLive': 1,
  'dynamodb:Query': 1,
  'ec2:DescribeDhcpOptions': 1,
  'ec2:DescribeInternetGateways': 1,
  'ec2:DescribeNatGateways': 1,
  'ec2:DescribeRouteTables': 1,
  'ec2:DescribeSecurityGroups': 1,
  'ec2:DescribeSubnets': 1,
  'ec2:DescribeVpcAttribute': 2,
  'ec2:DescribeVpcs': 2,
  'ecs:DescribeClusters': 1,
  'ecs:DescribeServices': 1,
  'ecs:DescribeTaskDefinition': 2,
  'ecs:ListClusters': 1,
  'ecs:ListServices': 1,
  'ecs:ListTaskDefinitionFamilies': 1,
  'elbv2:DescribeListeners': 1,
  'elbv2:DescribeLoadBalancers': 2,
  'elbv2:DescribeRules': 1,
  'elbv2:DescribeTags': 1,
  'elbv2:DescribeTargetGroupAttributes': 1,
  'elbv2:DescribeTargetGroups': 1,
  'iam:GetAccountAuthorizationDetails': 1,
  'logs:DescribeLogGroups': 1,
  'servicediscovery:ListNamespaces': 1,
  'servicediscovery:ListServices': 1,
  'servicediscovery:ListTagsForResource': 3,
  'ssm:DescribeParameters': 1,
  'tagging:GetResources': 1,
};

/** Converges a fresh app of `web` + `workers` services and returns its no-op pass's reads per operation. */
async function noopReads(web: number, workers: number): Promise<Record<string, number>> {
  await env.reset();
  const dir = await writeFixtureApp({ name: 'fx', webServices: web, workers });
  const fx = env.cliIn(dir);
  const first = await fx('reconcile', '--once', '--stack', 'dev');
  expect(first.code, first.out).toBe(0);
  const started = performance.now();
  const res = await fx('reconcile', '--once', '--stack', 'dev', '--stats', '--output', 'json');
  const ms = Math.round(performance.now() - started);
  expect(res.code).toBe(0);
  const doc = applyOf(res);
  expect(doc.summary.applied).toBe(0);
  expect(doc.stats).toBeDefined();
  expect(Object.keys(mutationsByService(doc.stats!))).toEqual(['dynamodb']);
  const reads = readsByOperation(doc.stats!);
  console.info(`no-op pass, ${web + workers} services: ${doc.stats!.totals.reads} reads in ${ms} ms`, reads);
  return reads;
}

it('a no-op pass over 10 services reads as much as over 2, but for per-resource APIs', async () => {
  const small = await noopReads(SMALL.web, SMALL.workers);
  expect(small).toEqual(SMALL_APP_READS);
  const large = await noopReads(LARGE.web, LARGE.workers);

  expect(Object.keys(large).sort()).toEqual(Object.keys(small).sort());
  const extra = {
    service: LARGE.web + LARGE.workers - SMALL.web - SMALL.workers,
    web: LARGE.web - SMALL.web,
  };
  for (const [op, count] of Object.entries(large)) {
    const growth = PER_RESOURCE[op];
    const want = (small[op] ?? 0) + (growth ? extra[growth.per] : 0);
    expect(count, `${op}${growth ? ` (${growth.reason})` : ''}`).toBe(want);
  }
});
