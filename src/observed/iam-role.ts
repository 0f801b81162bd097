/**
 * Observes `iam.Role`: trust policy, attached managed policies and inline policies, for every role of the
 * account in one batched read.
 *
 * @module
 */
import {
  GetRoleCommand,
  GetRolePolicyCommand,
  type IAMClient,
  paginateListAttachedRolePolicies,
  paginateListRolePolicies,
  type Role,
  type RoleDetail,
} from '@aws-sdk/client-iam';
import { isNotFound } from '../aws/errors.js';
import { compareStrings } from '../desired/render/canonical.js';
import { isOwnedBy, tagListToRecord } from '../desired/tags.js';
import { collectPages, identify } from './ec2-common.js';
import { findRole, listAccountRoles, type RoleFacts, roleFactsFromDetail } from './iam-account-roles.js';
import { normalizePolicyDocument } from './iam-policy-document.js';
import type { ObserveContext, ObservedResource, Observer, ObserveTarget } from './types.js';

/**
 * The IAM path stackctl creates a stack's roles under. IAM cannot filter roles by tag; the observer reads
 * the account's roles in one batch and takes the ones under this path (and tagged for the stack) as the
 * stack's own, so a role of another stack or project is never even considered.
 */
export function rolePath(project: string, stack: string): string {
  return `/stackctl/${project}/${stack}/`;
}

/** GetRole, or undefined when the role does not exist. */
async function getRole(iam: IAMClient, roleName: string): Promise<Role | undefined> {
  try {
    return (await iam.send(new GetRoleCommand({ RoleName: roleName }))).Role;
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

/**
 * All tags of a role, from its GetRole answer. GetRole returns every tag (a role holds at most 50, and
 * GetRole is not paginated), so the separate ListRoleTags read per role is redundant.
 */
export function roleTags(role: Role): Record<string, string> {
  return tagListToRecord(role.Tags);
}

/** Inline policy names and raw documents of one role. */
async function inlinePolicies(
  iam: IAMClient,
  roleName: string,
): Promise<{ readonly name: string; readonly document: string }[]> {
  const names = await collectPages(
    paginateListRolePolicies({ client: iam }, { RoleName: roleName }),
    (p) => p.PolicyNames,
  );
  return Promise.all(
    names.map(async (name) => {
      const out = await iam.send(new GetRolePolicyCommand({ RoleName: roleName, PolicyName: name }));
      return { name, document: out.PolicyDocument ?? '' };
    }),
  );
}

/**
 * The observed `iam.Role` for `facts`, named `roleName` (the name it was asked for). One mapping for both
 * read paths (the account-wide batch and the per-role reads), so both observe the same spec: documents
 * normalized, inline policies by name and managed policy ARNs sorted.
 */
export function observedRole(
  facts: RoleFacts,
  roleName: string,
  targets: readonly ObserveTarget[],
): ObservedResource {
  const inline: Record<string, string> = {};
  for (const p of [...facts.inlinePolicies].sort((a, b) => compareStrings(a.name, b.name)))
    inline[p.name] = normalizePolicyDocument(p.document);
  const tags = { ...facts.tags };
  return {
    kind: 'iam.Role',
    logicalId: identify(
      roleName,
      tags,
      targets,
      targets.find((t) => t.name === roleName),
    ).logicalId,
    name: roleName,
    physicalId: roleName,
    spec: {
      assumeRolePolicyDocument: normalizePolicyDocument(facts.assumeRolePolicyDocument),
      inlinePolicies: inline,
      managedPolicyArns: [...facts.managedPolicyArns].sort(compareStrings),
      roleName,
    },
    tags,
    outputs: { arn: facts.arn },
    health: 'Healthy',
  };
}

/**
 * Reads one role completely (trust, managed and inline policies, tags) with per-role calls, or undefined
 * when it does not exist. Appliers use it to see what an adopted or just-created role has; the observer
 * reads all roles at once instead (see `iam-account-roles.ts`). `known` is the role's GetRole answer
 * when the caller already has it (saves the GetRole).
 */
export async function readRole(
  iam: IAMClient,
  roleName: string,
  targets: readonly ObserveTarget[],
  known?: Role,
): Promise<ObservedResource | undefined> {
  const role = known ?? (await getRole(iam, roleName));
  if (!role) return undefined;
  const [attached, inline] = await Promise.all([
    collectPages(
      paginateListAttachedRolePolicies({ client: iam }, { RoleName: roleName }),
      (p) => p.AttachedPolicies,
    ),
    inlinePolicies(iam, roleName),
  ]);
  const facts: RoleFacts = {
    roleName,
    arn: role.Arn ?? '',
    assumeRolePolicyDocument: role.AssumeRolePolicyDocument ?? '',
    inlinePolicies: inline,
    managedPolicyArns: attached.map((p) => p.PolicyArn).filter((a): a is string => a !== undefined),
    tags: roleTags(role),
  };
  return observedRole(facts, roleName, targets);
}

/**
 * Reads every role of the account in one batch (see `iam-account-roles.ts`), then keeps each target role
 * by name (owned or not) and the stack's other roles: those under {@link rolePath} tagged for this
 * project+stack.
 */
export const iamRoleObserver: Observer = {
  kind: 'iam.Role',
  async observe(
    targets: readonly ObserveTarget[],
    ctx: ObserveContext,
  ): Promise<readonly ObservedResource[]> {
    const roles = await listAccountRoles(ctx.clients.iam);
    const targetNames = new Set(targets.flatMap((t) => [t.name, ...(t.physicalId ? [t.physicalId] : [])]));
    const matched = new Set<RoleDetail>();
    const targeted = [...targetNames].map((name) => {
      const detail = findRole(roles, name);
      if (detail) matched.add(detail);
      const facts = detail && roleFactsFromDetail(detail);
      return facts && observedRole(facts, name, targets);
    });
    const path = rolePath(ctx.project, ctx.stack);
    const discovered = roles.map((detail) => {
      const facts = roleFactsFromDetail(detail);
      if (!facts || matched.has(detail) || !(detail.Path ?? '').startsWith(path)) return undefined;
      return isOwnedBy(facts.tags, ctx.project, ctx.stack)
        ? observedRole(facts, facts.roleName, targets)
        : undefined;
    });
    return [...targeted, ...discovered].filter((r): r is ObservedResource => r !== undefined);
  },
};
