/**
 * End to end, against a real moto server: the exact read calls, per operation, of a no-op pass over the
 * example app's stacks. Counts, never times: a change that adds one read per resource (a tag read, a
 * describe that has a batch form) changes a number here and fails, and the diff says which operation.
 *
 * A no-op pass is `plan` right after a converge: what `drift` and the operator's resync read too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPublicZone, type DataEnv, startDataE2e } from './data-helpers/data-env.js';
import { applyOf, planOf, readsByOperation } from './helpers/plan-output.js';
import { SHOP_DIR } from './helpers/workspace.js';

const CONVERGE_TIMEOUT_MS = 240_000;

let env: DataEnv;
let shop: ReturnType<DataEnv['cliIn']>;

beforeAll(async () => {
  env = await startDataE2e();
  shop = env.cliIn(SHOP_DIR);
  await createPublicZone(env.clients, 'example.com');
});
afterAll(async () => {
  await env?.stop();
});

/** Converges `stack`, then returns the reads of a `plan` that finds nothing to do, per operation. */
async function noopReads(stack: string): Promise<Record<string, number>> {
  expect((await shop('config', 'set', 'API_TOKEN', '--random', '--stack', stack)).code).toBe(0);
  const first = await shop('reconcile', '--once', '--stack', stack, '--output', 'json');
  expect(first.code, first.out + first.err).toBe(0);
  expect(applyOf(first).ok).toBe(true);
  const plan = await shop('plan', '--stack', stack, '--stats', '--output', 'json');
  expect(plan.code, plan.err).toBe(0);
  const doc = planOf(plan);
  expect(doc.steps.filter((s) => s.action !== 'noop')).toEqual([]);
  expect(doc.stats).toBeDefined();
  const reads = readsByOperation(doc.stats!);
  console.info(`no-op plan, shop ${stack}: ${doc.stats!.totals.reads} reads`, reads);
  return reads;
}

/**
 * Reads of a no-op pass of shop dev, per operation. Where a count is above 1 AWS (or moto) has no batched
 * form for the read, and the comment says what the count is per.
 */
const SHOP_DEV_READS: Readonly<Record<string, number>> = {
  'acm:ListCertificates': 1,
  'autoscaling:DescribeScalableTargets': 1,
  'dynamodb:Query': 1, // the journal: the secret versions each service was rolled out with
  'ec2:DescribeDhcpOptions': 1,
  'ec2:DescribeInternetGateways': 1,
  'ec2:DescribeNatGateways': 1,
  'ec2:DescribeRouteTables': 1,
  'ec2:DescribeSecurityGroups': 1,
  'ec2:DescribeSubnets': 1,
  'ec2:DescribeVpcAttribute': 2, // one attribute per call: DNS support and DNS hostnames
  'ec2:DescribeVpcs': 2, // the stack's VPC by tags, and the VPCs using its DHCP options (any owner)
  'ecs:DescribeClusters': 1,
  'ecs:DescribeServices': 1,
  'ecs:DescribeTaskDefinition': 4, // the latest revision of each family (web, api, worker, migrate)
  'ecs:DescribeTasks': 1,
  'ecs:ListClusters': 1,
  'ecs:ListServices': 1,
  'ecs:ListTaskDefinitionFamilies': 1,
  'ecs:ListTasks': 2, // the migration's runs: one call per desired status (RUNNING, STOPPED)
  'elasticache:DescribeCacheClusters': 1,
  'elasticache:DescribeCacheSubnetGroups': 1,
  'elasticache:DescribeReplicationGroups': 1,
  'elbv2:DescribeListeners': 1,
  'elbv2:DescribeLoadBalancers': 1,
  'elbv2:DescribeRules': 2, // one listener per call: one per published port
  'elbv2:DescribeTags': 1, // listeners and rules together (load balancer and target groups: tagging API)
  'elbv2:DescribeTargetGroupAttributes': 2, // one target group per call
  'elbv2:DescribeTargetGroups': 1,
  'iam:GetAccountAuthorizationDetails': 1, // every role with its policies and tags, one page per 1,000
  'logs:DescribeLogGroups': 1,
  'rds:DescribeDBInstances': 1,
  'rds:DescribeDBSubnetGroups': 1,
  'rds:ListTagsForResource': 1, // moto's tagging API does not list DB subnet groups (AWS does)
  'servicediscovery:ListInstances': 2, // per Cloud Map service with instances
  'servicediscovery:ListNamespaces': 1,
  'servicediscovery:ListServices': 1,
  'servicediscovery:ListTagsForResource': 6, // moto's tagging API does not list Cloud Map: per resource
  'ssm:DescribeParameters': 1,
  'ssm:GetParameters': 3, // parameters by name, composed values (decrypted), config secrets present
  'ssm:ListTagsForResource': 1, // the API_TOKEN config secret: untagged, so not in the tagging read
  'tagging:GetResources': 1, // every taggable kind's discovery and tags, one call
};

/** shop prod adds a certificate, a hosted zone's records and one more listener's rules. */
const SHOP_PROD_READS: Readonly<Record<string, number>> = {
  ...SHOP_DEV_READS,
  'acm:DescribeCertificate': 1,
  'elbv2:DescribeRules': 3, // one per listener: three here
  'route53:ListHostedZonesByName': 1,
  'route53:ListResourceRecordSets': 1,
};

describe('reads of a no-op pass over the example app, per operation', () => {
  it.each([
    { stack: 'dev', want: SHOP_DEV_READS, reason: 'shop dev (affordable, no domain)' },
    { stack: 'prod', want: SHOP_PROD_READS, reason: 'shop prod (high availability, example.com)' },
  ])(
    '$reason',
    async ({ stack, want }) => {
      const reads = await noopReads(stack);
      expect(reads).toEqual(want);
    },
    CONVERGE_TIMEOUT_MS,
  );
});
