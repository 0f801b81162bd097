import {
  CreateLogGroupCommand,
  DescribeLogGroupsCommand,
  ListTagsForResourceCommand as ListLogTagsCommand,
  PutRetentionPolicyCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import {
  CreateRoleCommand,
  DetachRolePolicyCommand,
  GetRoleCommand,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
  ListRolesCommand,
  ListRoleTagsCommand,
  PutRolePolicyCommand,
  UpdateAssumeRolePolicyCommand,
} from '@aws-sdk/client-iam';
import {
  GetParameterCommand,
  ListTagsForResourceCommand as ListParameterTagsCommand,
  PutParameterCommand,
  RemoveTagsFromResourceCommand,
} from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AwsClients } from '../../../src/aws/types.js';
import { stableJson } from '../../../src/desired/render/canonical.js';
import type { ResourceKind, Spec } from '../../../src/desired/resource-types.js';
import { isOwnedBy, ownershipTags, recordToTagList, tagListToRecord } from '../../../src/desired/tags.js';
import { diffResource } from '../../../src/diff/compare.js';
import { tagDeltas } from '../../../src/diff/tags.js';
import type { FieldDelta } from '../../../src/diff/types.js';
import { normalizePolicyDocument } from '../../../src/observed/iam-policy-document.js';
import { iamRoleObserver } from '../../../src/observed/iam-role.js';
import { logsLogGroupObserver } from '../../../src/observed/logs-log-group.js';
import { ssmParameterObserver } from '../../../src/observed/ssm-parameter.js';
import type { ObserveContext, ObservedResource, Observer } from '../../../src/observed/types.js';
import { OwnershipConflictError } from '../../../src/reconcilers/errors.js';
import { iamRoleApplier } from '../../../src/reconcilers/iam-role.js';
import { logsLogGroupApplier } from '../../../src/reconcilers/logs-log-group.js';
import { ssmParameterApplier } from '../../../src/reconcilers/ssm-parameter.js';
import type { ApplyContext, ResolvedResource } from '../../../src/reconcilers/types.js';
import { motoClients } from '../../helpers/aws.js';
import { type MotoServer, startMoto } from '../../helpers/moto.js';

const PROJECT = 'shop';
const STACK = 'dev';
const EXECUTION_POLICY = 'arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy';
const TRUST = stableJson({
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' },
  ],
});
const READ_SECRETS = stableJson({
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Action: ['ssm:GetParameters'],
      Resource: 'arn:aws:ssm:*:*:parameter/stackctl/shop/dev/*',
    },
  ],
});

let moto: MotoServer;
let clients: AwsClients;

beforeAll(async () => {
  // AWS-managed policies (the ECS execution policy) exist in moto only when it is asked to load them.
  moto = await startMoto({ env: { MOTO_IAM_LOAD_MANAGED_POLICIES: 'true' } });
  clients = motoClients(moto.endpoint);
});

afterAll(async () => {
  await moto?.stop();
});

function applyCtx(): ApplyContext {
  return { clients, project: PROJECT, stack: STACK, clientToken: 'logs-iam-ssm-token' };
}

function observeCtx(): ObserveContext {
  return { clients, project: PROJECT, stack: STACK, outputs: new Map() };
}

function resolved(kind: ResourceKind, logicalId: string, name: string, spec: Spec): ResolvedResource {
  return { kind, logicalId, name, spec, tags: ownershipTags(PROJECT, STACK, logicalId) };
}

function deltasOf(desired: ResolvedResource, observed: ObservedResource): readonly FieldDelta[] {
  return [
    ...diffResource(desired.spec, observed.spec, desired.kind),
    ...tagDeltas(desired.tags, observed.tags),
  ];
}

async function observeOne(
  observer: Observer,
  desired: ResolvedResource,
): Promise<ObservedResource | undefined> {
  const target = { logicalId: desired.logicalId, name: desired.name, spec: desired.spec };
  return (await observer.observe([target], observeCtx())).find((o) => o.logicalId === desired.logicalId);
}

async function logGroups(prefix: string) {
  return (
    (await clients.logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: prefix }))).logGroups ?? []
  );
}

async function parameterValue(name: string): Promise<string | undefined> {
  const out = await clients.ssm.send(new GetParameterCommand({ Name: name, WithDecryption: true }));
  return out.Parameter?.Value;
}

describe('logs.LogGroup', () => {
  const name = '/stackctl/shop/dev/web';
  const desired = resolved('logs.LogGroup', 'log/web', name, { logGroupName: name, retentionInDays: 14 });

  it('creates with tags and retention, adopts, repairs retention and tag drift, and deletes', async () => {
    const result = await logsLogGroupApplier.create(desired, applyCtx());
    expect(result.physicalId).toBe(name);
    expect(result.outputs.name).toBe(name);
    expect(String(result.outputs.arn)).toMatch(/:log-group:\/stackctl\/shop\/dev\/web$/);

    const observed = (await observeOne(logsLogGroupObserver, desired)) as ObservedResource;
    expect(observed.spec).toStrictEqual(desired.spec);
    expect(observed.outputs).toStrictEqual(result.outputs);
    expect(isOwnedBy(observed.tags, PROJECT, STACK)).toBe(true);

    await logsLogGroupApplier.create(desired, applyCtx());
    expect(await logGroups(name)).toHaveLength(1);

    await clients.logs.send(new PutRetentionPolicyCommand({ logGroupName: name, retentionInDays: 30 }));
    await clients.logs.send(
      new UntagResourceCommand({ resourceArn: String(result.outputs.arn), tagKeys: ['stackctl:managed-by'] }),
    );
    const drifted = (await observeOne(logsLogGroupObserver, desired)) as ObservedResource;
    expect(drifted.spec.retentionInDays).toBe(30);
    const deltas = deltasOf(desired, drifted);
    expect(deltas.map((d) => d.path)).toStrictEqual(['retentionInDays', 'tags.stackctl:managed-by']);
    await logsLogGroupApplier.update(desired, drifted, deltas, applyCtx());
    expect((await logGroups(name))[0]?.retentionInDays).toBe(14);
    const tags = await clients.logs.send(new ListLogTagsCommand({ resourceArn: String(result.outputs.arn) }));
    expect(tags.tags?.['stackctl:managed-by']).toBe('stackctl');

    await logsLogGroupApplier.delete(observed, applyCtx());
    expect(await logGroups(name)).toHaveLength(0);
    await expect(logsLogGroupApplier.delete(observed, applyCtx())).resolves.toBeUndefined();
  });

  it('discovers untargeted owned groups under the stack prefix but not foreign ones', async () => {
    const owned = resolved('logs.LogGroup', 'log/old', '/stackctl/shop/dev/old', {
      logGroupName: '/stackctl/shop/dev/old',
      retentionInDays: 7,
    });
    await logsLogGroupApplier.create(owned, applyCtx());
    await clients.logs.send(new CreateLogGroupCommand({ logGroupName: '/stackctl/shop/dev/hand-made' }));

    const found = await logsLogGroupObserver.observe([], observeCtx());
    expect(found.map((o) => [o.logicalId, o.physicalId])).toStrictEqual([
      ['log/old', '/stackctl/shop/dev/old'],
    ]);
  });

  it('refuses a same-name group without our tags and leaves it unchanged', async () => {
    const foreignName = '/stackctl/shop/dev/api';
    await clients.logs.send(new CreateLogGroupCommand({ logGroupName: foreignName, tags: { team: 'data' } }));
    await clients.logs.send(
      new PutRetentionPolicyCommand({ logGroupName: foreignName, retentionInDays: 90 }),
    );
    const want = resolved('logs.LogGroup', 'log/api', foreignName, {
      logGroupName: foreignName,
      retentionInDays: 14,
    });

    const observed = (await observeOne(logsLogGroupObserver, want)) as ObservedResource;
    expect(isOwnedBy(observed.tags, PROJECT, STACK)).toBe(false);
    await expect(logsLogGroupApplier.create(want, applyCtx())).rejects.toBeInstanceOf(OwnershipConflictError);
    await expect(logsLogGroupApplier.delete(observed, applyCtx())).rejects.toBeInstanceOf(
      OwnershipConflictError,
    );

    expect((await logGroups(foreignName))[0]?.retentionInDays).toBe(90);
    const arn = String(observed.outputs.arn);
    expect((await clients.logs.send(new ListLogTagsCommand({ resourceArn: arn }))).tags).toStrictEqual({
      team: 'data',
    });
  });
});

describe('iam.Role', () => {
  const roleName = 'shop-dev-exec-a1b2c3';
  const desired = resolved('iam.Role', 'role/execution', roleName, {
    assumeRolePolicyDocument: TRUST,
    inlinePolicies: { 'read-secrets': READ_SECRETS },
    managedPolicyArns: [EXECUTION_POLICY],
    roleName,
  });

  async function liveRole() {
    const role = (await clients.iam.send(new GetRoleCommand({ RoleName: roleName }))).Role;
    const attached = await clients.iam.send(new ListAttachedRolePoliciesCommand({ RoleName: roleName }));
    const inline = await clients.iam.send(new ListRolePoliciesCommand({ RoleName: roleName }));
    return {
      path: role?.Path,
      trust: normalizePolicyDocument(role?.AssumeRolePolicyDocument ?? ''),
      managed: attached.AttachedPolicies?.map((p) => p.PolicyArn),
      inline: inline.PolicyNames,
    };
  }

  it('creates under the stack path, adopts, repairs policy drift by delta, and deletes', async () => {
    const result = await iamRoleApplier.create(desired, applyCtx());
    expect(result.physicalId).toBe(roleName);
    expect(String(result.outputs.arn)).toMatch(/:role\/stackctl\/shop\/dev\/shop-dev-exec-a1b2c3$/);
    expect(await liveRole()).toStrictEqual({
      path: '/stackctl/shop/dev/',
      trust: TRUST,
      managed: [EXECUTION_POLICY],
      inline: ['read-secrets'],
    });

    const observed = (await observeOne(iamRoleObserver, desired)) as ObservedResource;
    expect(observed.spec).toStrictEqual(desired.spec);
    expect(observed.outputs).toStrictEqual(result.outputs);
    expect(isOwnedBy(observed.tags, PROJECT, STACK)).toBe(true);
    const discovered = await iamRoleObserver.observe([], observeCtx());
    expect(discovered.map((o) => o.logicalId)).toStrictEqual(['role/execution']);

    await iamRoleApplier.create(desired, applyCtx());
    const listed = await clients.iam.send(new ListRolesCommand({ PathPrefix: '/stackctl/shop/dev/' }));
    expect(listed.Roles?.map((r) => r.RoleName)).toStrictEqual([roleName]);
    expect((await liveRole()).managed).toStrictEqual([EXECUTION_POLICY]);

    // Out of band: the managed policy detached, the inline policy rewritten and another added, the trust
    // policy widened.
    await clients.iam.send(new DetachRolePolicyCommand({ RoleName: roleName, PolicyArn: EXECUTION_POLICY }));
    const rewritten = READ_SECRETS.replace('ssm:GetParameters', 'ssm:*');
    await clients.iam.send(
      new PutRolePolicyCommand({ RoleName: roleName, PolicyName: 'read-secrets', PolicyDocument: rewritten }),
    );
    await clients.iam.send(
      new PutRolePolicyCommand({ RoleName: roleName, PolicyName: 'extra', PolicyDocument: READ_SECRETS }),
    );
    const wider = JSON.parse(TRUST) as { Statement: { Principal: { Service: string | string[] } }[] };
    wider.Statement[0] = {
      ...wider.Statement[0],
      Principal: { Service: ['ecs-tasks.amazonaws.com', 'ec2.amazonaws.com'] },
    };
    await clients.iam.send(
      new UpdateAssumeRolePolicyCommand({ RoleName: roleName, PolicyDocument: JSON.stringify(wider) }),
    );
    const drifted = (await observeOne(iamRoleObserver, desired)) as ObservedResource;
    expect(drifted.spec.managedPolicyArns).toStrictEqual([]);
    expect(drifted.spec.inlinePolicies).toStrictEqual({ extra: READ_SECRETS, 'read-secrets': rewritten });
    const deltas = deltasOf(desired, drifted);
    expect(deltas.map((d) => d.path).sort()).toStrictEqual([
      'assumeRolePolicyDocument',
      'inlinePolicies.extra',
      'inlinePolicies.read-secrets',
      'managedPolicyArns',
    ]);
    await iamRoleApplier.update(desired, drifted, deltas, applyCtx());
    expect(await liveRole()).toStrictEqual({
      path: '/stackctl/shop/dev/',
      trust: TRUST,
      managed: [EXECUTION_POLICY],
      inline: ['read-secrets'],
    });

    await iamRoleApplier.delete(observed, applyCtx());
    await expect(clients.iam.send(new GetRoleCommand({ RoleName: roleName }))).rejects.toMatchObject({
      name: 'NoSuchEntityException',
    });
    await expect(iamRoleApplier.delete(observed, applyCtx())).resolves.toBeUndefined();
  });

  it('refuses a same-name role without our tags and leaves it unchanged', async () => {
    const name = 'shop-dev-task-d4e5f6';
    await clients.iam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: TRUST }));
    const want = resolved('iam.Role', 'role/task', name, { ...desired.spec, roleName: name });

    const observed = (await observeOne(iamRoleObserver, want)) as ObservedResource;
    expect(observed.physicalId).toBe(name);
    expect(isOwnedBy(observed.tags, PROJECT, STACK)).toBe(false);
    await expect(iamRoleApplier.create(want, applyCtx())).rejects.toBeInstanceOf(OwnershipConflictError);
    await expect(iamRoleApplier.delete(observed, applyCtx())).rejects.toBeInstanceOf(OwnershipConflictError);

    expect(
      (await clients.iam.send(new ListAttachedRolePoliciesCommand({ RoleName: name }))).AttachedPolicies,
    ).toStrictEqual([]);
    expect(
      (await clients.iam.send(new ListRolePoliciesCommand({ RoleName: name }))).PolicyNames,
    ).toStrictEqual([]);
    expect((await clients.iam.send(new ListRoleTagsCommand({ RoleName: name }))).Tags ?? []).toStrictEqual(
      [],
    );
  });
});

describe('ssm.Parameter', () => {
  const name = '/stackctl/shop/dev/POSTGRES_PASSWORD';
  const desired = resolved('ssm.Parameter', 'param/postgres-password', name, {
    generate: 'random',
    name,
    type: 'SecureString',
  });

  it('creates a random secret once, never rewrites it, repairs tag drift, and deletes', async () => {
    const result = await ssmParameterApplier.create(desired, applyCtx());
    expect(result.outputs.name).toBe(name);
    expect(String(result.outputs.arn)).toMatch(/:parameter\/stackctl\/shop\/dev\/POSTGRES_PASSWORD$/);
    const value = await parameterValue(name);
    expect(value).toMatch(/^[A-Za-z0-9]{32}$/);

    const observed = (await observeOne(ssmParameterObserver, desired)) as ObservedResource;
    expect(observed.spec).toStrictEqual(desired.spec);
    expect(observed.outputs).toStrictEqual(result.outputs);
    expect(JSON.stringify(observed)).not.toContain(value);

    await ssmParameterApplier.create(desired, applyCtx());
    expect(await parameterValue(name)).toBe(value);

    await clients.ssm.send(
      new RemoveTagsFromResourceCommand({
        ResourceType: 'Parameter',
        ResourceId: name,
        TagKeys: ['stackctl:managed-by'],
      }),
    );
    const drifted = (await observeOne(ssmParameterObserver, desired)) as ObservedResource;
    const deltas = deltasOf(desired, drifted);
    expect(deltas.map((d) => d.path)).toStrictEqual(['tags.stackctl:managed-by']);
    await ssmParameterApplier.update(desired, drifted, deltas, applyCtx());
    const tags = await clients.ssm.send(
      new ListParameterTagsCommand({ ResourceType: 'Parameter', ResourceId: name }),
    );
    expect(tagListToRecord(tags.TagList)['stackctl:managed-by']).toBe('stackctl');
    expect(await parameterValue(name)).toBe(value);

    await ssmParameterApplier.delete(observed, applyCtx());
    await expect(parameterValue(name)).rejects.toMatchObject({ name: 'ParameterNotFound' });
    await expect(ssmParameterApplier.delete(observed, applyCtx())).resolves.toBeUndefined();
  });

  it('discovers generated parameters only, skipping user secrets under the same path', async () => {
    const generated = resolved('ssm.Parameter', 'param/redis-password', '/stackctl/shop/dev/REDIS_PASSWORD', {
      generate: 'random',
      name: '/stackctl/shop/dev/REDIS_PASSWORD',
      type: 'SecureString',
    });
    await ssmParameterApplier.create(generated, applyCtx());
    // `stackctl config set API_KEY`: the stack's tags but no logical id, so an input, not a resource.
    await clients.ssm.send(
      new PutParameterCommand({
        Name: '/stackctl/shop/dev/API_KEY',
        Type: 'SecureString',
        Value: 'user-secret-value',
        Tags: recordToTagList({ 'stackctl:project': PROJECT, 'stackctl:stack': STACK }),
      }),
    );

    const found = await ssmParameterObserver.observe([], observeCtx());
    expect(found.map((o) => o.physicalId)).toStrictEqual(['/stackctl/shop/dev/REDIS_PASSWORD']);
  });

  it('reads more targets than one GetParameters batch holds', async () => {
    const targets = Array.from({ length: 11 }, (_, i) => ({
      logicalId: `param/p${i}`,
      name: `/stackctl/shop/dev/P${i}`,
    }));
    await ssmParameterApplier.create(
      resolved('ssm.Parameter', 'param/p10', '/stackctl/shop/dev/P10', {
        generate: 'random',
        name: '/stackctl/shop/dev/P10',
        type: 'SecureString',
      }),
      applyCtx(),
    );

    const found = await ssmParameterObserver.observe(targets, observeCtx());
    expect(found.filter((o) => o.logicalId.startsWith('param/p')).map((o) => o.logicalId)).toStrictEqual([
      'param/p10',
    ]);
  });

  it('refuses a same-name parameter without our tags and leaves its value alone', async () => {
    const foreignName = '/stackctl/shop/dev/ADMIN_PASSWORD';
    await clients.ssm.send(
      new PutParameterCommand({ Name: foreignName, Type: 'SecureString', Value: 'keep-me-1234' }),
    );
    const want = resolved('ssm.Parameter', 'param/admin-password', foreignName, {
      generate: 'random',
      name: foreignName,
      type: 'SecureString',
    });

    const observed = (await observeOne(ssmParameterObserver, want)) as ObservedResource;
    expect(isOwnedBy(observed.tags, PROJECT, STACK)).toBe(false);
    await expect(ssmParameterApplier.create(want, applyCtx())).rejects.toBeInstanceOf(OwnershipConflictError);
    await expect(ssmParameterApplier.delete(observed, applyCtx())).rejects.toBeInstanceOf(
      OwnershipConflictError,
    );
    expect(await parameterValue(foreignName)).toBe('keep-me-1234');
  });
});
