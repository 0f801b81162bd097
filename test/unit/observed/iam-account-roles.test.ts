/**
 * Roles observed from one GetAccountAuthorizationDetails page: the mapping of a role entry to the
 * `iam.Role` spec, and which entries the observer keeps (targets by name, the stack's own roles by path
 * and ownership tags). The page is served by aws-sdk-client-mock so the entries can carry what moto
 * cannot make (a URL-encoded trust policy as AWS returns it, unnamed entries).
 */
import { GetAccountAuthorizationDetailsCommand, IAMClient, type RoleDetail } from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import type { AwsClients } from '../../../src/aws/types.js';
import { stableJson } from '../../../src/desired/render/canonical.js';
import { ownershipTags, recordToTagList } from '../../../src/desired/tags.js';
import { findRole, roleFactsFromDetail } from '../../../src/observed/iam-account-roles.js';
import { iamRoleObserver, observedRole, rolePath } from '../../../src/observed/iam-role.js';
import type { ObserveContext, ObserveTarget } from '../../../src/observed/types.js';

const TRUST = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole' }] };
const INLINE = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'ssm:GetParameters' }] };
const ARN = (name: string) => `arn:aws:iam::123456789012:role${rolePath('shop', 'dev')}${name}`;
const OWNED = recordToTagList(ownershipTags('shop', 'dev', 'role/execution'));

function detail(name: string, extra: Partial<RoleDetail> = {}): RoleDetail {
  return {
    RoleName: name,
    Path: rolePath('shop', 'dev'),
    Arn: ARN(name),
    AssumeRolePolicyDocument: encodeURIComponent(JSON.stringify(TRUST)),
    RolePolicyList: [],
    AttachedManagedPolicies: [],
    Tags: OWNED,
    ...extra,
  };
}

describe('roleFactsFromDetail → observedRole', () => {
  it.each([
    {
      reason: 'a URL-encoded trust policy (as AWS returns it) is normalized like GetRole answers are',
      entry: detail('exec'),
      want: { assumeRolePolicyDocument: stableJson(TRUST), inlinePolicies: {}, managedPolicyArns: [] },
    },
    {
      reason: 'a plain JSON trust policy (as moto returns it) normalizes to the same text',
      entry: detail('exec', { AssumeRolePolicyDocument: JSON.stringify(TRUST, null, 2) }),
      want: { assumeRolePolicyDocument: stableJson(TRUST), inlinePolicies: {}, managedPolicyArns: [] },
    },
    {
      reason: 'inline policies come keyed by name in name order, each document decoded and canonical',
      entry: detail('exec', {
        RolePolicyList: [
          { PolicyName: 'zeta', PolicyDocument: encodeURIComponent(JSON.stringify(INLINE)) },
          { PolicyName: 'alpha', PolicyDocument: JSON.stringify(INLINE) },
          { PolicyDocument: '{}' },
        ],
      }),
      want: {
        assumeRolePolicyDocument: stableJson(TRUST),
        inlinePolicies: { alpha: stableJson(INLINE), zeta: stableJson(INLINE) },
        managedPolicyArns: [],
      },
    },
    {
      reason: 'attached managed policies become sorted ARNs; entries without an ARN are dropped',
      entry: detail('exec', {
        AttachedManagedPolicies: [
          { PolicyArn: 'arn:aws:iam::aws:policy/b' },
          { PolicyName: 'no-arn' },
          { PolicyArn: 'arn:aws:iam::aws:policy/a' },
        ],
      }),
      want: {
        assumeRolePolicyDocument: stableJson(TRUST),
        inlinePolicies: {},
        managedPolicyArns: ['arn:aws:iam::aws:policy/a', 'arn:aws:iam::aws:policy/b'],
      },
    },
  ])('$reason', ({ entry, want }) => {
    const facts = roleFactsFromDetail(entry);
    expect(facts).toBeDefined();
    const observed = observedRole(facts!, 'exec', [{ logicalId: 'role/execution', name: 'exec' }]);
    expect(observed).toStrictEqual({
      kind: 'iam.Role',
      logicalId: 'role/execution',
      name: 'exec',
      physicalId: 'exec',
      spec: { ...want, roleName: 'exec' },
      tags: ownershipTags('shop', 'dev', 'role/execution'),
      outputs: { arn: ARN('exec') },
      health: 'Healthy',
    });
  });

  it('has no facts for an entry without a name', () => {
    expect(roleFactsFromDetail({ Arn: ARN('x') })).toBeUndefined();
  });
});

describe('findRole', () => {
  const roles = [detail('Exec'), detail('task')];
  it.each([
    { name: 'task', want: 'task', reason: 'the exact name' },
    { name: 'exec', want: 'Exec', reason: 'another spelling of the name: IAM role names ignore case' },
    { name: 'gone', want: undefined, reason: 'a role that does not exist' },
  ])('$reason', ({ name, want }) => {
    expect(findRole(roles, name)?.RoleName).toBe(want);
  });
});

describe('iamRoleObserver over one GetAccountAuthorizationDetails page', () => {
  const iamMock = mockClient(IAMClient);
  afterEach(() => iamMock.reset());

  const foreignStack = recordToTagList(ownershipTags('shop', 'prod', 'role/execution'));
  const page: RoleDetail[] = [
    detail('shop-dev-exec'),
    detail('shop-dev-leftover'),
    detail('shop-dev-untagged', { Tags: [] }),
    detail('shop-prod-exec', { Path: rolePath('shop', 'prod'), Tags: foreignStack }),
    detail('hand-made', { Path: '/', Tags: [] }),
    detail('elsewhere', { Path: '/other/', Tags: OWNED }),
  ];

  it.each([
    {
      reason: 'a target is read by name and the stack path adds its other owned roles',
      targets: [{ logicalId: 'role/execution', name: 'shop-dev-exec' }],
      want: ['shop-dev-exec', 'shop-dev-leftover'],
    },
    {
      reason: 'a target outside the stack path (adopted, unowned) is still observed by name',
      targets: [{ logicalId: 'role/task', name: 'hand-made' }],
      want: ['hand-made', 'shop-dev-exec', 'shop-dev-leftover'],
    },
    {
      reason: 'a target spelled in another case is that role, observed once and not also as discovered',
      targets: [{ logicalId: 'role/execution', name: 'SHOP-DEV-EXEC' }],
      want: ['SHOP-DEV-EXEC', 'shop-dev-leftover'],
    },
    {
      reason: 'a target that does not exist is absent, not an error',
      targets: [{ logicalId: 'role/task', name: 'missing' }],
      want: ['shop-dev-exec', 'shop-dev-leftover'],
    },
  ] satisfies { reason: string; targets: ObserveTarget[]; want: string[] }[])(
    '$reason',
    async ({ targets, want }) => {
      iamMock
        .on(GetAccountAuthorizationDetailsCommand)
        .resolves({ RoleDetailList: page, IsTruncated: false });
      const ctx: ObserveContext = {
        clients: { iam: new IAMClient({ region: 'eu-west-1' }) } as unknown as AwsClients,
        project: 'shop',
        stack: 'dev',
        outputs: new Map(),
      };
      const observed = await iamRoleObserver.observe(targets, ctx);
      expect(observed.map((o) => o.name)).toStrictEqual(want);
      expect(iamMock.commandCalls(GetAccountAuthorizationDetailsCommand)).toHaveLength(1);
      expect(iamMock.commandCalls(GetAccountAuthorizationDetailsCommand)[0]?.args[0].input).toMatchObject({
        Filter: ['Role'],
        MaxItems: 1000,
      });
    },
  );

  it('reads every page when the account has more roles than one page holds', async () => {
    iamMock
      .on(GetAccountAuthorizationDetailsCommand)
      .resolvesOnce({ RoleDetailList: [detail('shop-dev-a')], IsTruncated: true, Marker: 'm1' })
      .resolvesOnce({ RoleDetailList: [detail('shop-dev-b')], IsTruncated: false });
    const ctx: ObserveContext = {
      clients: { iam: new IAMClient({ region: 'eu-west-1' }) } as unknown as AwsClients,
      project: 'shop',
      stack: 'dev',
      outputs: new Map(),
    };
    const observed = await iamRoleObserver.observe([], ctx);
    expect(observed.map((o) => o.name)).toStrictEqual(['shop-dev-a', 'shop-dev-b']);
    // The paginator reuses one input object, so only the last Marker can be seen: the one page 1 gave.
    const calls = iamMock.commandCalls(GetAccountAuthorizationDetailsCommand);
    expect(calls).toHaveLength(2);
    expect(calls[1]?.args[0].input.Marker).toBe('m1');
  });
});
