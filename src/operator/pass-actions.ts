/**
 * Helpers shared by the pass actions (apply, plan, destroy) and the smallest action, pause.
 *
 * @module
 */
import { sanitizeAwsMessage, withCallSite } from '../aws/index.js';
import { StackctlError } from '../errors.js';
import { type RememberedResource, rememberedFromEntry } from '../observed/observe-stack.js';
import type { Health } from '../observed/types.js';
import { Journal, LeaseLostError } from '../state/index.js';
import {
  type ConditionValue,
  type planHealth,
  previousReady,
  READY_REASONS,
  type ReadyReason,
  SYNCED_REASONS,
} from './conditions.js';
import type { PassContext } from './pass-context.js';
import { PASS_EVENT_REASONS } from './pass-record.js';
import type { ActionResult } from './pass-result.js';

/** Longest error text kept in `lastPass.error` and condition messages. */
export const MAX_PASS_ERROR_LENGTH = 300;

/**
 * A short, redacted description of an error: its own text plus the first collected problems
 * (renderer and stack-file errors list them), never a stack trace. StackctlErrors carry no secrets.
 */
export function shortError(err: unknown): string {
  if (!(err instanceof Error)) return String(err).slice(0, MAX_PASS_ERROR_LENGTH);
  const own =
    err instanceof StackctlError ? err.describe() : `${err.name}: ${sanitizeAwsMessage(err.message)}`;
  // A raw AWS failure leads with its call (`ecs:CreateService failed after 3 attempts (…): …`); a stackctl
  // error caused by one ends with `(call: dynamodb:PutItem)`.
  const head = withCallSite(own, err, err instanceof StackctlError ? 'trail' : 'lead');
  const problems = (err as { problems?: readonly { message?: unknown; field?: unknown }[] }).problems ?? [];
  const details = problems
    .slice(0, 3)
    .map((p) => [p.field, p.message].filter((x) => typeof x === 'string' && x !== '').join(': '));
  return [head.split('\n')[0], ...details].join('; ').slice(0, MAX_PASS_ERROR_LENGTH);
}

/** The result of a pass that threw before it could report per resource (render, secrets, AWS). */
export function failedResult(ctx: PassContext, err: unknown): ActionResult {
  if (err instanceof LeaseLostError) throw err;
  const message = shortError(err);
  return {
    observedGeneration: ctx.spec.generation,
    synced: { status: 'False', reason: SYNCED_REASONS.error, message },
    ready: previousReady(ctx.previous),
    result: 'error',
    error: message,
    mutations: 0,
    event: { type: 'Warning', reason: PASS_EVENT_REASONS.failed, message },
    requeue: { kind: 'backoff' },
    driftFound: 0,
    driftCorrected: 0,
  };
}

/**
 * A pass cut short by the operator stopping. The status keeps the previous observed generation, so
 * other replicas' watchers see the stack as pending and take it over at once: the pass is handed back.
 */
export function abortedResult(ctx: PassContext, mutations: number): ActionResult {
  const message = 'the operator stopped during this pass; another replica continues it';
  return {
    observedGeneration: ctx.previous?.observedGeneration ?? 0,
    synced: { status: 'Unknown', reason: SYNCED_REASONS.error, message },
    ready: previousReady(ctx.previous),
    result: 'aborted',
    mutations,
    event: { type: 'Warning', reason: PASS_EVENT_REASONS.failed, message },
    requeue: { kind: 'none' },
    driftFound: 0,
    driftCorrected: 0,
  };
}

/** What the journal remembers, so observers can find resources by id even when tags were stripped. */
export async function rememberedResources(ctx: PassContext): Promise<readonly RememberedResource[]> {
  const journal = new Journal({ ...ctx.ref, lease: ctx.keeper.current() });
  return (await journal.list()).map(rememberedFromEntry);
}

/** True when this pass re-checks a generation an earlier pass applied: changes it finds are drift. */
export function isResync(ctx: PassContext): boolean {
  return ctx.decision.cause === 'resync' || ctx.decision.cause === 'health';
}

/** `Ready` after a pass: Progressing when it changed something, else the observed health. */
export function readiness(
  health: ReturnType<typeof planHealth>,
  applied: number,
): { readonly ready: ConditionValue<ReadyReason>; readonly health: Health } {
  if (applied > 0) {
    return {
      ready: {
        status: 'False',
        reason: READY_REASONS.progressing,
        message: `applied ${applied} changes; health is checked on the next pass`,
      },
      health: 'Progressing',
    };
  }
  if (health.health === 'Healthy')
    return { ready: { status: 'True', reason: READY_REASONS.available, message: '' }, health: 'Healthy' };
  return {
    ready: {
      status: 'False',
      reason: READY_REASONS.unavailable,
      message: `waiting on ${health.unhealthy.join(', ')}`,
    },
    health: health.health,
  };
}

/** Records a pause: nothing in AWS changes, the app keeps running as it is. */
export function pauseAction(ctx: PassContext): ActionResult {
  const by = ctx.spec.updatedBy ? ` by ${ctx.spec.updatedBy}` : '';
  const message = `paused${by}; \`stackctl stacks resume ${ctx.spec.stack}\` resumes reconciliation`;
  return {
    observedGeneration: ctx.spec.generation,
    synced: { status: 'False', reason: SYNCED_REASONS.paused, message },
    ready: previousReady(ctx.previous),
    result: 'paused',
    mutations: 0,
    event: { type: 'Normal', reason: PASS_EVENT_REASONS.paused, message },
    requeue: { kind: 'none' },
    driftFound: 0,
    driftCorrected: 0,
  };
}
