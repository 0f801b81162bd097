/**
 * The CLI side of the operator against moto: `push` stores a renderable spec without secrets, with
 * optimistic concurrency; `push --wait` follows the operator to Ready; `stacks ls --remote`, `show`,
 * `pause`, `resume` and `rm` (the operator destroys, then removes the spec); a preview stack's `ttl`;
 * `operator install` is idempotent; and deploy/table.json is the table the state layer creates.
 */
import { readFileSync } from 'node:fs';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { DescribeVpcsCommand } from '@aws-sdk/client-ec2';
import { DescribeServicesCommand } from '@aws-sdk/client-ecs';
import { GetRolePolicyCommand } from '@aws-sdk/client-iam';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AwsClients } from '../../../src/aws/types.js';
import { loadStackProject } from '../../../src/desired/load-project.js';
import type { Operator } from '../../../src/operator/operator.js';
import { renderStoredSpec } from '../../../src/operator/stored-spec.js';
import { documentClient, getSpec, listEvents, readStatus, type StackRef } from '../../../src/state/index.js';
import { motoClients, TEST_REGION } from '../../helpers/aws.js';
import { type MotoServer, startMoto } from '../../helpers/moto.js';
import {
  cli,
  converged,
  push,
  testConfig,
  testOperator,
  useMotoEnvironment,
  waitFor,
  writeProject,
} from './operator-fixture.js';

const TABLE = 'cli-state';
const PROJECT = 'remote';
const SECRET = 'hunter2-s3cr3t-value-never-stored';

let moto: MotoServer;
let clients: AwsClients;
let dir: string;
let operator: Operator | undefined;

/** The operator of this file, started by the first test that needs one. */
async function ensureOperator(): Promise<void> {
  if (operator) return;
  operator = testOperator(moto.endpoint, testConfig(TABLE, { owner: 'cli-op' }));
  await operator.start();
}

function ref(stack: string): StackRef {
  return { client: clients.dynamodb, table: TABLE, project: PROJECT, stack };
}

async function stackVpcs(stack: string): Promise<number> {
  const out = await clients.ec2.send(
    new DescribeVpcsCommand({
      Filters: [
        { Name: 'tag:stackctl:project', Values: [PROJECT] },
        { Name: 'tag:stackctl:stack', Values: [stack] },
      ],
    }),
  );
  return out.Vpcs?.length ?? 0;
}

beforeAll(async () => {
  moto = await startMoto();
  clients = motoClients(moto.endpoint);
  useMotoEnvironment(moto.endpoint);
  dir = writeProject(PROJECT, { dev: {}, qa: {}, preview: { ttlSeconds: 10 } }, { secret: true });
  for (const stack of ['dev', 'qa', 'preview']) {
    const set = await cli(['config', 'set', 'TOKEN', SECRET, '--stack', stack, '-C', dir], TABLE);
    expect(set.code, set.err).toBe(0);
  }
});

afterAll(async () => {
  await operator?.stop();
  await moto?.stop();
});

describe('push', () => {
  it('stores a spec that renders exactly like the checkout, and no secret value', async () => {
    process.env.TOKEN = SECRET; // even a shell variable of the same name must not leak into the spec
    try {
      await push(dir, 'dev', TABLE);
    } finally {
      delete process.env.TOKEN;
    }
    const raw = await documentClient(clients.dynamodb).send(
      new GetCommand({ TableName: TABLE, Key: { pk: `STACK#${PROJECT}#dev`, sk: 'SPEC' } }),
    );
    expect(JSON.stringify(raw.Item)).not.toContain(SECRET);
    const record = await getSpec(ref('dev'));
    expect(record?.generation).toBe(1);
    const local = loadStackProject({ cwd: dir, stack: 'dev', env: {} });
    expect(record ? renderStoredSpec(record).desired : undefined).toEqual(local.desired);
    expect(local.desired.requiredSecrets).toEqual(['TOKEN']);
  });

  it('bumps the generation on every push and records who pushed', async () => {
    await push(dir, 'dev', TABLE);
    expect((await getSpec(ref('dev')))?.generation).toBe(2);
    const events = await listEvents(ref('dev'));
    expect(events.filter((e) => e.reason === 'Pushed').map((e) => e.message)).toEqual([
      expect.stringContaining('generation 2 pushed by'),
      expect.stringContaining('generation 1 pushed by'),
    ]);
  });

  it('lists pushed stacks with stacks ls --remote', async () => {
    const r = await cli(['stacks', 'ls', '--remote', '--region', TEST_REGION, '--output', 'json'], TABLE);
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out)).toEqual({
      schemaVersion: 1,
      kind: 'RemoteStackList',
      table: TABLE,
      stacks: [
        expect.objectContaining({
          project: PROJECT,
          stack: 'dev',
          generation: 2,
          state: 'Pending',
          observedGeneration: null,
        }),
      ],
    });
  });

  it.each([
    {
      reason: 'pause sets the flag and bumps the generation',
      argv: ['stacks', 'pause', 'dev'],
      paused: true,
      generation: 3,
    },
    {
      reason: 'pausing twice changes nothing',
      argv: ['stacks', 'pause', 'dev'],
      paused: true,
      generation: 3,
    },
    { reason: 'resume clears it', argv: ['stacks', 'resume', 'dev'], paused: false, generation: 4 },
  ])('$reason', async ({ argv, paused, generation }) => {
    const r = await cli([...argv, '--region', TEST_REGION], TABLE);
    expect(r.code, r.err).toBe(0);
    const spec = await getSpec(ref('dev'));
    expect({ paused: spec?.paused, generation: spec?.generation }).toEqual({ paused, generation });
  });

  it('--wait follows the operator until the stack is synced and ready', async () => {
    await ensureOperator();
    const r = await cli(['push', '--stack', 'qa', '-C', dir, '--wait', '--timeout', '90s'], TABLE);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toContain('waiting for the operator to pick up generation 1');
    expect(r.err).toContain(`${PROJECT}/qa is synced and ready at generation 1`);
    const status = await readStatus(ref('qa'));
    expect(status?.conditions.Ready.status).toBe('True');
    expect(await stackVpcs('qa')).toBe(1);
  }, 120_000);

  it('shows a stack: conditions, last pass, resources from the journal, events with pass records', async () => {
    await ensureOperator();
    await converged(ref('dev'), 4, 90_000);
    const r = await cli(['stacks', 'show', 'dev', '--region', TEST_REGION, '--output', 'json'], TABLE);
    expect(r.code, r.err).toBe(0);
    const shown = JSON.parse(r.out);
    expect(shown).toMatchObject({
      schemaVersion: 1,
      kind: 'RemoteStack',
      project: PROJECT,
      stack: 'dev',
      state: 'Ready',
      generation: 4,
      observedGeneration: 4,
    });
    expect(shown.conditions.Synced.status).toBe('True');
    // 15: the network, cluster, roles, log group, task definition and service, its own group (alone on
    // its network, it needs no membership group) and service discovery (namespace, dns/app, dhcp).
    expect(shown.resources).toHaveLength(15);
    expect(shown.resources.map((x: { logicalId: string }) => x.logicalId)).toContain('service/app');
    expect(shown.passes.length).toBeGreaterThan(0);
    expect(shown.passes[0].owner).toBe('cli-op');
    const text = await cli(['stacks', 'show', 'dev', '--region', TEST_REGION], TABLE);
    expect(text.out).toContain(`${PROJECT}/dev: Ready (generation 4, observed 4)`);
  }, 120_000);

  it('refuses to push a stack being deleted, and rm makes the operator destroy it, then forget it', async () => {
    const rm = await cli(['stacks', 'rm', 'dev', '--yes', '--region', TEST_REGION], TABLE);
    expect(rm.code, rm.err).toBe(0);
    const again = await cli(['push', '--stack', 'dev', '-C', dir], TABLE);
    expect(again.code).toBe(1);
    expect(again.err).toContain('marked for deletion');
    await waitFor(
      'the spec to be removed',
      async () => (await getSpec(ref('dev'))) === undefined,
      90_000,
      500,
    );
    expect(await stackVpcs('dev')).toBe(0);
    const events = await listEvents(ref('dev'));
    expect(events.some((e) => e.reason === 'Deleted')).toBe(true);
    expect(await stackVpcs('qa')).toBe(1); // the other stack is untouched
  }, 120_000);

  it('destroys a preview stack once its ttl has passed since the last push', async () => {
    await ensureOperator();
    await push(dir, 'preview', TABLE);
    await waitFor(
      'the preview to expire and go',
      async () => (await getSpec(ref('preview'))) === undefined,
      90_000,
      500,
    );
    expect(await stackVpcs('preview')).toBe(0);
    // It was deployed first, then destroyed by the expiry pass.
    const reasons = (await listEvents(ref('preview'))).map((e) => e.reason);
    expect(reasons).toContain('Applied');
    expect(reasons).toContain('Expired');
    expect(reasons.indexOf('Expired')).toBeLessThan(reasons.indexOf('Applied')); // newest first
  }, 120_000);
});

describe('deploy/', () => {
  it('table.json describes the table the state layer creates', async () => {
    const table = JSON.parse(readFileSync(new URL('../../../deploy/table.json', import.meta.url), 'utf8'));
    const live = (await clients.dynamodb.send(new DescribeTableCommand({ TableName: TABLE }))).Table;
    const sortBy = <T>(xs: readonly T[] | undefined, key: (x: T) => string) =>
      [...(xs ?? [])].sort((p, q) => key(p).localeCompare(key(q)));
    expect(sortBy(live?.KeySchema, (k) => k.AttributeName ?? '')).toEqual(
      sortBy(table.KeySchema, (k: { AttributeName: string }) => k.AttributeName),
    );
    expect(sortBy(live?.AttributeDefinitions, (a) => a.AttributeName ?? '')).toEqual(
      sortBy(table.AttributeDefinitions, (a: { AttributeName: string }) => a.AttributeName),
    );
    const index = live?.GlobalSecondaryIndexes?.[0];
    expect({
      IndexName: index?.IndexName,
      KeySchema: index?.KeySchema,
      Projection: index?.Projection,
    }).toEqual(table.GlobalSecondaryIndexes[0]);
    expect(live?.BillingModeSummary?.BillingMode ?? 'PAY_PER_REQUEST').toBe(table.BillingMode);
  });

  it('operator install deploys the operator with its policy, and a second run changes nothing', async () => {
    const argv = [
      'operator',
      'install',
      '--region',
      TEST_REGION,
      '--image',
      'operator=registry.example.com/stackctl:9.9.9',
    ];
    const first = await cli(argv, TABLE);
    expect(first.code, first.err + first.out).toBe(0);
    const services = await clients.ecs.send(
      new DescribeServicesCommand({ cluster: 'stackctl-operator', services: ['operator'] }),
    );
    const service = services.services?.[0];
    expect(service?.desiredCount).toBe(2);
    const policy = await clients.iam.send(
      new GetRolePolicyCommand({
        RoleName: (await import('../../../src/cli/commands/operator-install.js'))
          .renderOperatorStack({
            region: TEST_REGION,
            table: TABLE,
          })
          .desired.resources.find((x) => x.logicalId === 'role/task')?.name,
        PolicyName: 'stackctl-operator',
      }),
    );
    const document = JSON.parse(decodeURIComponent(policy.PolicyDocument ?? ''));
    const table = document.Statement.find((s: { Sid: string }) => s.Sid === 'StateTable');
    expect(table.Resource).toContain(`arn:aws:dynamodb:${TEST_REGION}:*:table/${TABLE}`);
    const second = await cli(argv, TABLE);
    expect(second.code).toBe(0);
    // 15 = 12 before service discovery + the namespace, the operator's DNS name and the DHCP options
    // (the operator is alone on its network: no membership group).
    expect(second.out).toContain('applied 0, unchanged 15');
  }, 120_000);
});
