/**
 * EC2 plumbing shared by the network and security-group appliers: tag specifications for create calls,
 * finding a resource by its logical-id tag (EC2 has no idempotency token for most creates), tag deltas
 * as CreateTags/DeleteTags, and deletes that map DependencyViolation to a requeue.
 *
 * @module
 */
import {
  CreateTagsCommand,
  DeleteTagsCommand,
  type EC2Client,
  type Filter,
  type ResourceType,
  type TagSpecification,
} from '@aws-sdk/client-ec2';
import { classifyAwsError, isNotFound } from '../aws/errors.js';
import { TAG_KEYS } from '../desired/resource-types.js';
import { recordToTagList } from '../desired/tags.js';
import type { FieldDelta } from '../diff/types.js';
import { EC2_NAME_TAG, ownershipFilters } from '../observed/ec2-common.js';
import { isEmptyTagChange, tagChanges } from './delta-helpers.js';
import { NotReadyError } from './errors.js';
import type { ApplyContext, ApplyResult, ResolvedResource } from './types.js';

/** How long the engine should wait before retrying a delete that AWS refused for lingering dependents. */
export const DEPENDENCY_RETRY_MS = 15_000;

/** The tags an EC2 resource is created with: `Name=<name>` plus the desired (ownership) tags. */
export function ec2Tags(desired: ResolvedResource): Record<string, string> {
  return { [EC2_NAME_TAG]: desired.name, ...desired.tags };
}

/** `TagSpecifications` for a create call, so the resource is never untagged, not even for a moment. */
export function tagSpecifications(resourceType: ResourceType, desired: ResolvedResource): TagSpecification[] {
  return [{ ResourceType: resourceType, Tags: recordToTagList(ec2Tags(desired)) }];
}

/** Filters matching this stack's resource with one logical id: how a create finds what it made before. */
export function logicalIdFilters(ctx: ApplyContext, logicalId: string): Filter[] {
  return [
    ...ownershipFilters(ctx.project, ctx.stack),
    { Name: `tag:${TAG_KEYS.logicalId}`, Values: [logicalId] },
  ];
}

/** What every EC2 applier returns: the id, which is also the kind's only output. */
export function idResult(id: string): ApplyResult {
  return { physicalId: id, outputs: { id } };
}

/** Applies the `tags.*` deltas with CreateTags / DeleteTags, and nothing when there are none. */
export async function applyEc2TagDeltas(
  ec2: EC2Client,
  resourceId: string,
  deltas: readonly FieldDelta[],
  desired: ResolvedResource,
): Promise<void> {
  const changes = tagChanges(deltas, ec2Tags(desired));
  if (isEmptyTagChange(changes)) return;
  if (Object.keys(changes.set).length > 0) {
    await ec2.send(new CreateTagsCommand({ Resources: [resourceId], Tags: recordToTagList(changes.set) }));
  }
  if (changes.remove.length > 0) {
    await ec2.send(
      new DeleteTagsCommand({ Resources: [resourceId], Tags: changes.remove.map((Key) => ({ Key })) }),
    );
  }
}

/**
 * Runs an EC2 delete call: NotFound is success; DependencyViolation (ENIs, attachments or routes that
 * still use it and are being torn down) becomes a {@link NotReadyError} so the engine retries later.
 */
export async function ec2Delete(what: string, call: () => Promise<unknown>): Promise<void> {
  try {
    await call();
  } catch (err) {
    if (isNotFound(err)) return;
    if (classifyAwsError(err) === 'dependency') {
      throw new NotReadyError(`${what} still has dependents; retrying`, DEPENDENCY_RETRY_MS, { cause: err });
    }
    throw err;
  }
}

/** Resolves after `ms`, or rejects when `signal` aborts: waits in appliers stay cancellable. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
