/**
 * Committing a pass: the status item written under the lease's fence (so a replica that lost the
 * lease writes nothing), the spec removed after a finished destroy, one event carrying the pass record
 * (fence, owner, start, finish) and the metrics and log line.
 *
 * @module
 */
import { appendEvent, type Clock, deleteSpec, writeStatus } from '../state/index.js';
import { buildStatus } from './conditions.js';
import type { PassContext } from './pass-context.js';
import { formatPassTrailer } from './pass-record.js';
import type { ActionResult } from './pass-result.js';

/** Room left in an event message for the pass trailer (events keep 1,000 characters). */
export const EVENT_BODY_LENGTH = 700;

/** `project/stack`, for logs. */
function keyOf(ctx: PassContext): string {
  return `${ctx.ref.project}/${ctx.ref.stack}`;
}

/**
 * Writes what a pass found. The status write is fenced and throws LeaseLostError when the lease moved
 * on; the event is best effort (it never changes what the operator does).
 */
export async function commitPass(
  ctx: PassContext,
  result: ActionResult,
  timing: { readonly startedAtMs: number; readonly now: Clock },
): Promise<void> {
  const { ref, keeper, logger } = ctx;
  const finishedAtMs = timing.now();
  const startedAt = new Date(timing.startedAtMs).toISOString();
  const finishedAt = new Date(finishedAtMs).toISOString();
  const status = buildStatus(
    ctx.previous,
    {
      generation: result.observedGeneration,
      synced: result.synced,
      ready: result.ready,
      ...(result.health ? { health: result.health } : {}),
      ...(result.summary ? { summary: result.summary } : {}),
      lastPass: {
        startedAt,
        finishedAt,
        mutations: result.mutations,
        result: result.result,
        ...(result.error ? { error: result.error } : {}),
      },
    },
    finishedAtMs,
  );
  const lease = keeper.current();
  await writeStatus({ ...ref, lease, status, now: timing.now });
  if (result.deleteSpecAt !== undefined)
    await deleteSpec({ ...ref, expectedGeneration: result.deleteSpecAt });
  const trailer = formatPassTrailer({ fence: lease.fence, owner: lease.owner, startedAt, finishedAt });
  await appendEvent({
    ...ref,
    type: result.event.type,
    reason: result.event.reason,
    message: `${result.event.message.slice(0, EVENT_BODY_LENGTH)} ${trailer}`,
    now: timing.now,
  }).catch((error: unknown) => logger.warn('event not written', { stack: keyOf(ctx), error }));
  const durationMs = finishedAtMs - timing.startedAtMs;
  ctx.metrics.observePass({
    action: ctx.decision.action,
    result: result.result,
    durationMs,
    driftFound: result.driftFound,
    driftCorrected: result.driftCorrected,
  });
  const log = result.result === 'error' ? logger.warn : logger.info;
  log('pass finished', {
    stack: keyOf(ctx),
    action: ctx.decision.action,
    cause: ctx.decision.cause,
    result: result.result,
    fence: lease.fence,
    durationMs,
    mutations: result.mutations,
    synced: result.synced.reason,
    ready: result.ready.reason,
    ...(result.error ? { error: result.error } : {}),
  });
}
