/**
 * Applies `ecs.OneOffTask`: runs the task definition to completion (migrations before a rollout).
 *
 * create/update: a run already found for this task-definition ARN (`startedBy` marker) is reused: a
 * success is returned at once, a running one is waited for. Otherwise RunTask (count 1, ownership tags,
 * a client token derived from the context's token and the number of failed runs so far, so a replayed
 * call is idempotent and a retry after a failure really starts a new task), then DescribeTasks until
 * STOPPED (bounded, cancellable). Success iff every essential container exited 0; anything else throws
 * `ONE_OFF_TASK_FAILED` with the stop reason and exit code.
 *
 * A strategy of plain on-demand FARGATE is sent as `launchType: 'FARGATE'` (same placement on AWS, and
 * the only form moto 5.2.1 can run; it 500s on a strategy-only RunTask). Delete stops a run still in
 * progress; a finished run is history and needs nothing.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import { RunTaskCommand, StopTaskCommand, type Task } from '@aws-sdk/client-ecs';
import { isNotFound } from '../aws/errors.js';
import { StackctlError } from '../errors.js';
import { oneOffStartedBy, recordToEcsTags, taskOutcome } from '../observed/ecs-common.js';
import { describeTasks, essentialContainers, findRuns, judgeRuns } from '../observed/ecs-one-off-task.js';
import {
  assertObservedOwned,
  pollUntil,
  type ResolvedWait,
  resolveWait,
  type WaitOptions,
} from './apply-helpers.js';
import { isPlainFargate, toNetworkConfiguration, toStrategy } from './ecs-common.js';
import { obj, str } from './spec-read.js';
import type { Applier, ApplyContext, ApplyResult, ResolvedResource } from './types.js';

/** How often a running one-off task is re-described. */
export const ONE_OFF_POLL_MS = 5_000;
/** How long one apply waits for the task to stop before handing back to the engine (NotReadyError). */
export const ONE_OFF_MAX_WAIT_MS = 30 * 60_000;
/** Hex characters of a RunTask client token (ECS allows 64). */
const RUN_TOKEN_LENGTH = 40;

/** Why a one-off task run did not succeed. */
export class OneOffTaskFailedError extends StackctlError {
  constructor(logicalId: string, taskArn: string, reason: string) {
    super('ONE_OFF_TASK_FAILED', `${logicalId}: one-off task ${taskArn} failed: ${reason}`);
    this.name = 'OneOffTaskFailedError';
  }
}

function result(task: Task): ApplyResult {
  const arn = task.taskArn ?? '';
  return { physicalId: arn, outputs: { arn } };
}

async function runTask(
  desired: ResolvedResource,
  ctx: ApplyContext,
  startedBy: string,
  attempt: number,
): Promise<Task> {
  const s = desired.spec;
  const strategy = toStrategy(s);
  const res = await ctx.clients.ecs.send(
    new RunTaskCommand({
      cluster: str(s, 'cluster'),
      taskDefinition: str(s, 'taskDefinition'),
      count: 1,
      ...(isPlainFargate(strategy) ? { launchType: 'FARGATE' } : { capacityProviderStrategy: strategy }),
      networkConfiguration: toNetworkConfiguration(obj(s, 'networkConfiguration')),
      startedBy,
      tags: recordToEcsTags(desired.tags),
      clientToken: createHash('sha256')
        .update(`${ctx.clientToken}/${attempt}`)
        .digest('hex')
        .slice(0, RUN_TOKEN_LENGTH),
    }),
  );
  const task = res.tasks?.[0];
  if (!task?.taskArn) {
    const why = (res.failures ?? [])
      .map((f) => `${f.reason ?? 'unknown'}${f.detail ? ` (${f.detail})` : ''}`)
      .join('; ');
    throw new OneOffTaskFailedError(
      desired.logicalId,
      str(s, 'taskDefinition'),
      `RunTask started nothing: ${why || 'no reason given'}`,
    );
  }
  return task;
}

/** Builds the `ecs.OneOffTask` applier; `wait` controls the poll until the task stops. */
export function createEcsOneOffTaskApplier(wait: WaitOptions = {}): Applier {
  const w: ResolvedWait = resolveWait(wait, {
    pollIntervalMs: ONE_OFF_POLL_MS,
    maxWaitMs: ONE_OFF_MAX_WAIT_MS,
  });

  async function run(desired: ResolvedResource, ctx: ApplyContext): Promise<ApplyResult> {
    const cluster = str(desired.spec, 'cluster');
    const taskDefinition = str(desired.spec, 'taskDefinition');
    const startedBy = oneOffStartedBy(taskDefinition);
    const { best, failures } = await judgeRuns(ctx.clients, await findRuns(ctx.clients, cluster, startedBy));
    if (best?.outcome.state === 'succeeded') return result(best.task);
    const started =
      best?.outcome.state === 'running' ? best.task : await runTask(desired, ctx, startedBy, failures);
    const arn = started.taskArn ?? '';
    const essential = await essentialContainers(ctx.clients, taskDefinition);
    const stopped = await pollUntil(
      async () => {
        const [task] = await describeTasks(ctx.clients, cluster, [arn]);
        return task && taskOutcome(task, essential).state !== 'running' ? task : undefined;
      },
      w,
      `one-off task ${arn} of ${desired.logicalId} to finish`,
      ctx.signal,
    );
    const outcome = taskOutcome(stopped, essential);
    if (outcome.state === 'failed') throw new OneOffTaskFailedError(desired.logicalId, arn, outcome.reason);
    return result(stopped);
  }

  return {
    kind: 'ecs.OneOffTask',
    create: run,
    update: (desired, _observed, _deltas, ctx) => run(desired, ctx),
    async delete(observed, ctx) {
      if (observed.health !== 'Progressing') return;
      assertObservedOwned(observed, ctx, 'stop');
      const cluster = typeof observed.spec.cluster === 'string' ? observed.spec.cluster : undefined;
      try {
        await ctx.clients.ecs.send(
          new StopTaskCommand({
            cluster,
            task: observed.physicalId,
            reason: 'stackctl: one-off task removed from the stack',
          }),
        );
      } catch (err) {
        if (!isNotFound(err)) throw err;
      }
    },
  };
}

/** The `ecs.OneOffTask` applier with production waits. */
export const ecsOneOffTaskApplier: Applier = createEcsOneOffTaskApplier();
