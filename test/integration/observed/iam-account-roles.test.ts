/**
 * Against a real moto server: a role observed from the one account-wide GetAccountAuthorizationDetails
 * read has exactly the spec, tags and outputs the per-role reads (GetRole, ListRolePolicies,
 * GetRolePolicy, ListAttachedRolePolicies) give, so switching the observer to the batch plans nothing.
 */
import {
  AttachRolePolicyCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  PutRolePolicyCommand,
} from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CallStats } from '../../../src/aws/call-stats.js';
import { createAwsClients } from '../../../src/aws/clients.js';
import type { AwsClients } from '../../../src/aws/types.js';
import { stableJson } from '../../../src/desired/render/canonical.js';
import { ownershipTags, recordToTagList } from '../../../src/desired/tags.js';
import { iamRoleObserver, readRole, rolePath } from '../../../src/observed/iam-role.js';
import { shareReads } from '../../../src/observed/shared-reads.js';
import type { ObserveTarget } from '../../../src/observed/types.js';
import { motoClients, TEST_REGION } from '../../helpers/aws.js';
import { type MotoServer, startMoto } from '../../helpers/moto.js';

const PROJECT = 'shop';
const STACK = 'dev';
const TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' },
  ],
});
/** A document whose encoding matters: spaces, `&`, `/` and `*` in a resource. */
const INLINE = JSON.stringify({
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Action: ['ssm:GetParameters'], Resource: 'arn:aws:ssm:*:*:parameter/a b&c/*' },
  ],
});

let moto: MotoServer;
let clients: AwsClients;

beforeAll(async () => {
  moto = await startMoto();
  clients = motoClients(moto.endpoint);
});
afterAll(async () => {
  await moto?.stop();
});

interface RoleCase {
  readonly reason: string;
  readonly name: string;
  readonly path: string;
  readonly inline: readonly string[];
  readonly managed: readonly string[];
  readonly tags: Readonly<Record<string, string>>;
  readonly target: boolean;
}

async function createRole(c: RoleCase): Promise<void> {
  await clients.iam.send(
    new CreateRoleCommand({
      RoleName: c.name,
      Path: c.path,
      AssumeRolePolicyDocument: TRUST,
      Tags: recordToTagList(c.tags),
    }),
  );
  for (const policy of c.inline)
    await clients.iam.send(
      new PutRolePolicyCommand({ RoleName: c.name, PolicyName: policy, PolicyDocument: INLINE }),
    );
  for (const policy of c.managed) {
    const created = await clients.iam.send(
      new CreatePolicyCommand({ PolicyName: `${c.name}-${policy}`, PolicyDocument: INLINE }),
    );
    await clients.iam.send(
      new AttachRolePolicyCommand({ RoleName: c.name, PolicyArn: created.Policy?.Arn ?? '' }),
    );
  }
}

describe('a role observed from the account-wide batch equals the per-role reads', () => {
  it.each<RoleCase>([
    {
      reason: 'an owned role with inline and attached policies and extra tags',
      name: 'shop-dev-exec',
      path: rolePath(PROJECT, STACK),
      inline: ['read-secrets', 'another'],
      managed: ['logs', 'ecr'],
      tags: { ...ownershipTags(PROJECT, STACK, 'role/execution'), team: 'payments', note: 'a b&c' },
      target: true,
    },
    {
      reason: 'an owned role found by path and tags only (no longer desired)',
      name: 'shop-dev-leftover',
      path: rolePath(PROJECT, STACK),
      inline: ['read-secrets'],
      managed: [],
      tags: ownershipTags(PROJECT, STACK, 'role/leftover'),
      target: false,
    },
    {
      reason: 'an unowned role at the root path, a target by name (adoption)',
      name: 'hand-made',
      path: '/',
      inline: [],
      managed: ['by-hand'],
      tags: {},
      target: true,
    },
  ])('$reason', async (c) => {
    await createRole(c);
    const targets: ObserveTarget[] = c.target ? [{ logicalId: 'role/wanted', name: c.name }] : [];
    const stats = new CallStats();
    const counted = createAwsClients({
      region: TEST_REGION,
      endpoint: moto.endpoint,
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
      stats,
    });
    const batch = await iamRoleObserver.observe(targets, {
      clients: counted,
      project: PROJECT,
      stack: STACK,
      outputs: new Map(),
    });
    const perRole = await readRole(clients.iam, c.name, targets);
    expect(perRole).toBeDefined();
    expect(batch.find((o) => o.name === c.name)).toStrictEqual(perRole);
    expect(perRole?.spec.inlinePolicies).toStrictEqual(
      Object.fromEntries([...c.inline].sort().map((n) => [n, stableJson(JSON.parse(INLINE))])),
    );
    expect(perRole?.spec.managedPolicyArns).toHaveLength(c.managed.length);
    expect(perRole?.tags).toStrictEqual(c.tags);
    const reads = stats.snapshot().filter((r) => r.service === 'iam');
    expect(reads.map((r) => `${r.operation} ${r.count}`)).toStrictEqual(['GetAccountAuthorizationDetails 1']);
  });
});

describe('a multi-stack sweep with shared reads', () => {
  it("asks for the account's roles once, and each stack keeps only its own", async () => {
    for (const stack of ['qa', 'staging'])
      await createRole({
        reason: stack,
        name: `shop-${stack}-exec`,
        path: rolePath(PROJECT, stack),
        inline: ['read-secrets'],
        managed: [],
        tags: ownershipTags(PROJECT, stack, 'role/execution'),
        target: false,
      });
    const stats = new CallStats();
    const swept = createAwsClients({
      region: TEST_REGION,
      endpoint: moto.endpoint,
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
      stats,
    });
    shareReads(swept, { project: PROJECT });
    const seen = await Promise.all(
      ['qa', 'staging'].map(async (stack) => {
        const found = await iamRoleObserver.observe([], {
          clients: swept,
          project: PROJECT,
          stack,
          outputs: new Map(),
        });
        return found.map((o) => o.name);
      }),
    );
    expect(seen).toStrictEqual([['shop-qa-exec'], ['shop-staging-exec']]);
    const reads = stats.snapshot().filter((r) => r.service === 'iam');
    expect(reads.map((r) => `${r.operation} ${r.count}`)).toStrictEqual(['GetAccountAuthorizationDetails 1']);
  });
});
