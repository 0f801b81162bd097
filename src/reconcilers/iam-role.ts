/**
 * Applies `iam.Role`: create under the stack's IAM path with tags, then trust policy, managed and inline
 * policies per delta; delete detaches and deletes policies first, as IAM requires.
 *
 * @module
 */
import {
  AttachRolePolicyCommand,
  CreateRoleCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  DetachRolePolicyCommand,
  type IAMClient,
  PutRolePolicyCommand,
  paginateListAttachedRolePolicies,
  paginateListRolePolicies,
  TagRoleCommand,
  UntagRoleCommand,
  UpdateAssumeRolePolicyCommand,
} from '@aws-sdk/client-iam';
import { isNotFound } from '../aws/errors.js';
import { recordToTagList } from '../desired/tags.js';
import type { FieldDelta } from '../diff/types.js';
import { collectPages } from '../observed/ec2-common.js';
import { normalizePolicyDocument } from '../observed/iam-policy-document.js';
import { readRole, rolePath } from '../observed/iam-role.js';
import type { ObservedResource } from '../observed/types.js';
import { readOrCreate } from './create-or-adopt.js';
import {
  assertObservedOwned,
  assertOwned,
  ignoreNotFound,
  specString,
  touches,
  writeTagDeltas,
} from './delta-helpers.js';
import type { Applier, ApplyContext, ApplyResult, ResolvedResource } from './types.js';

/** The policy parts of a role spec, read defensively from a resolved (untyped) spec. */
interface RolePolicies {
  readonly trust: string;
  readonly managed: readonly string[];
  readonly inline: Readonly<Record<string, string>>;
}

function policiesOf(spec: ResolvedResource['spec'] | ObservedResource['spec']): RolePolicies {
  const inline: Record<string, string> = {};
  const raw = spec.inlinePolicies;
  if (typeof raw === 'object' && raw !== null && !Array.isArray(raw)) {
    for (const [k, v] of Object.entries(raw)) if (typeof v === 'string') inline[k] = v;
  }
  return {
    trust: typeof spec.assumeRolePolicyDocument === 'string' ? spec.assumeRolePolicyDocument : '',
    managed: Array.isArray(spec.managedPolicyArns)
      ? spec.managedPolicyArns.filter((a): a is string => typeof a === 'string')
      : [],
    inline,
  };
}

/** Which policy parts to reconcile: all on create/adopt, only those the deltas name on update. */
interface Parts {
  readonly trust: boolean;
  readonly managed: boolean;
  readonly inline: boolean;
}

const ALL_PARTS: Parts = { trust: true, managed: true, inline: true };

/** Makes the role's policies match `want`, calling IAM only where `have` differs. */
async function converge(
  iam: IAMClient,
  roleName: string,
  have: RolePolicies,
  want: RolePolicies,
  parts: Parts,
): Promise<void> {
  if (parts.trust && normalizePolicyDocument(have.trust) !== normalizePolicyDocument(want.trust)) {
    await iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: roleName, PolicyDocument: want.trust }));
  }
  if (parts.managed) {
    for (const arn of want.managed.filter((a) => !have.managed.includes(a))) {
      await iam.send(new AttachRolePolicyCommand({ RoleName: roleName, PolicyArn: arn }));
    }
    for (const arn of have.managed.filter((a) => !want.managed.includes(a))) {
      await ignoreNotFound(
        () => iam.send(new DetachRolePolicyCommand({ RoleName: roleName, PolicyArn: arn })),
        isNotFound,
      );
    }
  }
  if (parts.inline) {
    for (const [name, doc] of Object.entries(want.inline)) {
      const current = have.inline[name];
      if (current !== undefined && normalizePolicyDocument(current) === normalizePolicyDocument(doc))
        continue;
      await iam.send(new PutRolePolicyCommand({ RoleName: roleName, PolicyName: name, PolicyDocument: doc }));
    }
    for (const name of Object.keys(have.inline).filter((n) => !(n in want.inline))) {
      await ignoreNotFound(
        () => iam.send(new DeleteRolePolicyCommand({ RoleName: roleName, PolicyName: name })),
        isNotFound,
      );
    }
  }
}

/** Creates the role with its trust policy and tags, under the stack's path (see `rolePath`). */
async function createRole(
  iam: IAMClient,
  desired: ResolvedResource,
  roleName: string,
  ctx: ApplyContext,
): Promise<void> {
  await iam.send(
    new CreateRoleCommand({
      RoleName: roleName,
      Path: rolePath(ctx.project, ctx.stack),
      AssumeRolePolicyDocument: policiesOf(desired.spec).trust,
      Tags: recordToTagList(desired.tags),
    }),
  );
}

/**
 * IAM role applier. Create reads the role by name first: a role tagged for this stack is adopted and its
 * policies converged, any other is an {@link OwnershipConflictError}.
 */
export const iamRoleApplier: Applier = {
  kind: 'iam.Role',
  async create(desired: ResolvedResource, ctx: ApplyContext): Promise<ApplyResult> {
    const { iam } = ctx.clients;
    const roleName = specString(desired.spec, 'roleName', desired.logicalId);
    const current = await readOrCreate({
      read: () => readRole(iam, roleName, []),
      create: () => createRole(iam, desired, roleName, ctx),
      what: `${desired.logicalId}: role ${roleName}`,
    });
    assertOwned(desired.logicalId, roleName, current.tags, ctx);
    await converge(iam, roleName, policiesOf(current.spec), policiesOf(desired.spec), ALL_PARTS);
    return { physicalId: roleName, outputs: current.outputs };
  },

  async update(
    desired: ResolvedResource,
    observed: ObservedResource,
    deltas: readonly FieldDelta[],
    ctx: ApplyContext,
  ): Promise<ApplyResult> {
    assertObservedOwned(observed, ctx);
    const { iam } = ctx.clients;
    const roleName = observed.physicalId;
    const parts: Parts = {
      trust: touches(deltas, 'assumeRolePolicyDocument'),
      managed: touches(deltas, 'managedPolicyArns'),
      inline: touches(deltas, 'inlinePolicies'),
    };
    await converge(iam, roleName, policiesOf(observed.spec), policiesOf(desired.spec), parts);
    await writeTagDeltas(deltas, desired.tags, {
      set: (tags) => iam.send(new TagRoleCommand({ RoleName: roleName, Tags: recordToTagList(tags) })),
      remove: (keys) => iam.send(new UntagRoleCommand({ RoleName: roleName, TagKeys: [...keys] })),
    });
    return { physicalId: roleName, outputs: observed.outputs };
  },

  async delete(observed: ObservedResource, ctx: ApplyContext): Promise<void> {
    assertObservedOwned(observed, ctx);
    const { iam } = ctx.clients;
    const roleName = observed.physicalId;
    try {
      const attached = await collectPages(
        paginateListAttachedRolePolicies({ client: iam }, { RoleName: roleName }),
        (p) => p.AttachedPolicies,
      );
      const inline = await collectPages(
        paginateListRolePolicies({ client: iam }, { RoleName: roleName }),
        (p) => p.PolicyNames,
      );
      const have: RolePolicies = {
        trust: '',
        managed: attached.map((p) => p.PolicyArn).filter((a): a is string => a !== undefined),
        inline: Object.fromEntries(inline.map((n) => [n, ''])),
      };
      await converge(
        iam,
        roleName,
        have,
        { trust: '', managed: [], inline: {} },
        { ...ALL_PARTS, trust: false },
      );
      await iam.send(new DeleteRoleCommand({ RoleName: roleName }));
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  },
};
