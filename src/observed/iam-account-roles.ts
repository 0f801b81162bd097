/**
 * Every IAM role of the account, with its policies and tags, in one paginated read.
 *
 * Observing a role one by one costs ListRoles, then per role GetRole, ListRolePolicies, a GetRolePolicy
 * per inline policy and ListAttachedRolePolicies. `GetAccountAuthorizationDetails` (Filter `Role`)
 * returns all of that for up to {@link ACCOUNT_ROLES_PAGE_SIZE} roles per call: trust policy, inline
 * policies with their documents, attached managed policies and every tag. The request names no stack,
 * so a `drift --all` sweep (see `shared-reads.ts`) makes it once for all stacks.
 *
 * @module
 */
import { type IAMClient, paginateGetAccountAuthorizationDetails, type RoleDetail } from '@aws-sdk/client-iam';
import { tagListToRecord } from '../desired/tags.js';
import { collectPages } from './ec2-common.js';

/** Roles per GetAccountAuthorizationDetails page (the API maximum). */
export const ACCOUNT_ROLES_PAGE_SIZE = 1_000;

/**
 * What the `iam.Role` observer needs of one role, raw as AWS returned it (documents not yet
 * normalized), whichever read produced it.
 */
export interface RoleFacts {
  readonly roleName: string;
  readonly arn: string;
  /** The trust policy, URL-encoded or not. */
  readonly assumeRolePolicyDocument: string;
  /** Inline policies in any order, documents URL-encoded or not. */
  readonly inlinePolicies: readonly { readonly name: string; readonly document: string }[];
  /** Attached managed policy ARNs in any order. */
  readonly managedPolicyArns: readonly string[];
  readonly tags: Readonly<Record<string, string>>;
}

/** Every role of the account with its details: one call per {@link ACCOUNT_ROLES_PAGE_SIZE} roles. */
export async function listAccountRoles(iam: IAMClient): Promise<RoleDetail[]> {
  return collectPages(
    paginateGetAccountAuthorizationDetails(
      { client: iam, pageSize: ACCOUNT_ROLES_PAGE_SIZE },
      { Filter: ['Role'] },
    ),
    (page) => page.RoleDetailList,
  );
}

/**
 * The {@link RoleFacts} of one GetAccountAuthorizationDetails role entry, or undefined for an entry
 * without a name (which no target or discovery could refer to).
 */
export function roleFactsFromDetail(detail: RoleDetail): RoleFacts | undefined {
  if (!detail.RoleName) return undefined;
  return {
    roleName: detail.RoleName,
    arn: detail.Arn ?? '',
    assumeRolePolicyDocument: detail.AssumeRolePolicyDocument ?? '',
    inlinePolicies: (detail.RolePolicyList ?? []).flatMap((p) =>
      p.PolicyName ? [{ name: p.PolicyName, document: p.PolicyDocument ?? '' }] : [],
    ),
    managedPolicyArns: (detail.AttachedManagedPolicies ?? []).flatMap((p) =>
      p.PolicyArn ? [p.PolicyArn] : [],
    ),
    tags: tagListToRecord(detail.Tags),
  };
}

/**
 * The entry for `roleName` among `roles`: the exact name, else one equal ignoring case (IAM role names
 * are unique ignoring case, and GetRole answers either spelling).
 */
export function findRole(roles: readonly RoleDetail[], roleName: string): RoleDetail | undefined {
  const lower = roleName.toLowerCase();
  return roles.find((r) => r.RoleName === roleName) ?? roles.find((r) => r.RoleName?.toLowerCase() === lower);
}
