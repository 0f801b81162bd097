/**
 * Cloud Map plumbing shared by the namespace, service and instance appliers: waiting for an
 * asynchronous operation (namespace create/delete), tag deltas, and the wait defaults.
 *
 * @module
 */
import {
  GetOperationCommand,
  type Operation,
  type ServiceDiscoveryClient,
  TagResourceCommand,
  UntagResourceCommand,
} from '@aws-sdk/client-servicediscovery';
import { recordToTagList } from '../desired/tags.js';
import type { FieldDelta } from '../diff/types.js';
import { StackctlError } from '../errors.js';
import type { ObservedResource } from '../observed/types.js';
import { assertObservedOwned, pollUntil, type ResolvedWait } from './apply-helpers.js';
import { writeTagDeltas } from './delta-helpers.js';
import type { ApplyContext, ApplyResult, ResolvedResource } from './types.js';

/** How often a Cloud Map operation is polled. Namespace operations take about a minute on AWS. */
export const OPERATION_POLL_MS = 5_000;
/** How long one apply waits for an operation before handing back to the engine (NotReadyError). */
export const OPERATION_MAX_WAIT_MS = 5 * 60_000;

/** Stable code of {@link CloudMapOperationError}. */
export const CLOUD_MAP_OPERATION_FAILED = 'CLOUD_MAP_OPERATION_FAILED';

/** A Cloud Map operation ended in FAIL: AWS's own error code and message say why. */
export class CloudMapOperationError extends StackctlError {
  constructor(what: string, operation: Operation) {
    super(
      CLOUD_MAP_OPERATION_FAILED,
      `${what} failed: ${operation.ErrorCode ?? 'unknown error'}: ${operation.ErrorMessage ?? ''}`.trim(),
    );
    this.name = 'CloudMapOperationError';
  }
}

/**
 * Polls GetOperation until the operation succeeds (returning it, with its `Targets`), throws
 * {@link CloudMapOperationError} when it fails, and a NotReadyError past the wait limit.
 */
export async function waitForOperation(
  client: ServiceDiscoveryClient,
  operationId: string,
  wait: ResolvedWait,
  what: string,
  signal?: AbortSignal,
): Promise<Operation> {
  return pollUntil(
    async () => {
      const op = (await client.send(new GetOperationCommand({ OperationId: operationId }))).Operation;
      if (op?.Status === 'FAIL') throw new CloudMapOperationError(what, op);
      return op?.Status === 'SUCCESS' ? op : undefined;
    },
    wait,
    what,
    signal,
  );
}

/** Applies the `tags.*` deltas of a namespace or service with TagResource / UntagResource. */
export async function applyCloudMapTagDeltas(
  client: ServiceDiscoveryClient,
  arn: string,
  deltas: readonly FieldDelta[],
  desiredTags: Readonly<Record<string, string>>,
): Promise<void> {
  await writeTagDeltas(deltas, desiredTags, {
    set: (tags) => client.send(new TagResourceCommand({ ResourceARN: arn, Tags: recordToTagList(tags) })),
    remove: (keys) => client.send(new UntagResourceCommand({ ResourceARN: arn, TagKeys: [...keys] })),
  });
}

/**
 * The update of a namespace or Cloud Map service: every owned field of both is create-only (a change is a
 * replacement, planned by the diff), so an in-place update can only be a tag delta.
 */
export async function updateCloudMapTags(
  desired: ResolvedResource,
  observed: ObservedResource,
  deltas: readonly FieldDelta[],
  ctx: ApplyContext,
): Promise<ApplyResult> {
  assertObservedOwned(observed, ctx, 'update');
  await applyCloudMapTagDeltas(
    ctx.clients.servicediscovery,
    String(observed.outputs.arn),
    deltas,
    desired.tags,
  );
  return { physicalId: observed.physicalId, outputs: observed.outputs };
}
