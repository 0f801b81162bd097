/**
 * Observes `iam.Role`: trust policy, attached managed policies and inline policies.
 *
 * @module
 */
import {
  GetRoleCommand,
  GetRolePolicyCommand,
  type IAMClient,
  paginateListAttachedRolePolicies,
  paginateListRolePolicies,
  paginateListRoles,
  type Role,
} from '@aws-sdk/client-iam';
import { isNotFound } from '../aws/errors.js';
import { compareStrings } from '../desired/render/canonical.js';
import { isOwnedBy, tagListToRecord } from '../desired/tags.js';
import { collectPages, identify } from './ec2-common.js';
import { normalizePolicyDocument } from './iam-policy-document.js';
import type { ObserveContext, ObservedResource, Observer, ObserveTarget } from './types.js';

/**
 * The IAM path stackctl creates a stack's roles under. IAM cannot filter roles by tag, but ListRoles can
 * filter by path prefix, so this path makes "every role of this stack" one cheap paginated call.
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

/** Inline policies by name, each document normalized. */
async function inlinePolicies(iam: IAMClient, roleName: string): Promise<Record<string, string>> {
  const names = await collectPages(
    paginateListRolePolicies({ client: iam }, { RoleName: roleName }),
    (p) => p.PolicyNames,
  );
  const docs = await Promise.all(
    names.map(async (name) => {
      const out = await iam.send(new GetRolePolicyCommand({ RoleName: roleName, PolicyName: name }));
      return [name, normalizePolicyDocument(out.PolicyDocument ?? '')] as const;
    }),
  );
  const sorted: Record<string, string> = {};
  for (const [name, doc] of docs.sort((a, b) => compareStrings(a[0], b[0]))) sorted[name] = doc;
  return sorted;
}

/**
 * Reads one role completely (trust, managed and inline policies, tags), or undefined when it does not
 * exist. Appliers reuse it to see what an adopted role already has. `known` is the role's GetRole answer
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
  const tags = roleTags(role);
  const [attached, inline] = await Promise.all([
    collectPages(
      paginateListAttachedRolePolicies({ client: iam }, { RoleName: roleName }),
      (p) => p.AttachedPolicies,
    ),
    inlinePolicies(iam, roleName),
  ]);
  const arn = role.Arn ?? '';
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
      assumeRolePolicyDocument: normalizePolicyDocument(role.AssumeRolePolicyDocument ?? ''),
      inlinePolicies: inline,
      managedPolicyArns: attached
        .map((p) => p.PolicyArn)
        .filter((a): a is string => a !== undefined)
        .sort(compareStrings),
      roleName,
    },
    tags,
    outputs: { arn },
    health: 'Healthy',
  };
}

/**
 * Reads every target role by name (owned or not) and discovers the stack's other roles through
 * ListRoles under {@link rolePath}, keeping those tagged for this project+stack.
 */
export const iamRoleObserver: Observer = {
  kind: 'iam.Role',
  async observe(
    targets: readonly ObserveTarget[],
    ctx: ObserveContext,
  ): Promise<readonly ObservedResource[]> {
    const { iam } = ctx.clients;
    const targetNames = new Set(targets.flatMap((t) => [t.name, ...(t.physicalId ? [t.physicalId] : [])]));
    const listed = await collectPages(
      paginateListRoles({ client: iam }, { PathPrefix: rolePath(ctx.project, ctx.stack) }),
      (p) => p.Roles,
    );
    const extra = listed
      .map((r) => r.RoleName)
      .filter((n): n is string => n !== undefined && !targetNames.has(n));
    const discovered = await Promise.all(
      extra.map(async (name) => {
        // ListRoles omits tags; GetRole has them all, and readRole reuses its answer.
        const role = await getRole(iam, name);
        if (!role || !isOwnedBy(roleTags(role), ctx.project, ctx.stack)) return undefined;
        return readRole(iam, name, targets, role);
      }),
    );
    const targeted = await Promise.all([...targetNames].map((name) => readRole(iam, name, targets)));
    return [...targeted, ...discovered].filter((r): r is ObservedResource => r !== undefined);
  },
};
