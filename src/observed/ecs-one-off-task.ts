/**
 * Observes `ecs.OneOffTask`: the "resource" is a run of the desired task definition, found by the
 * deterministic `startedBy` marker `stackctl-<hash of the task-definition ARN>`.
 *
 * - A run whose essential containers all exited 0 is Healthy and `spec.taskDefinition` is its ARN.
 * - A running one is Progressing (same ARN: the run is under way, nothing to re-plan).
 * - A failed one is Degraded with the stop reason and exit code; its spec has no `taskDefinition`, so
 *   the diff plans a new run.
 * - No run for the desired ARN: absent, so the diff plans the first one.
 *
 * A stopped task cannot show its network configuration or capacity provider strategy (its ENI is gone);
 * those are inputs of a past run, not live state, so the observer echoes the resolved desired values.
 * Runs the journal remembers but no longer desired (no spec) are described by their task ARN.
 *
 * @module
 */
import { DescribeTasksCommand, ListTasksCommand, type Task } from '@aws-sdk/client-ecs';
import { isNotFound } from '../aws/errors.js';
import type { AwsClients } from '../aws/types.js';
import {
  clusterOfArn,
  ecsTagsToRecord,
  oneOffStartedBy,
  type TaskOutcome,
  taskOutcome,
} from './ecs-common.js';
import { describeTasksInput } from './ecs-describe.js';
import { describeRevision } from './ecs-task-definition.js';
import { chunks, compactSpec, resolveTargetValue, targetString } from './observe-helpers.js';
import type { TaskDefinitionCache } from './task-definition-cache.js';
import type { Health, ObserveContext, ObservedResource, Observer, ObserveTarget } from './types.js';

/** DescribeTasks accepts at most 100 tasks per call. */
export const DESCRIBE_TASKS_BATCH = 100;

/** The desired statuses a run can have; moto keeps desiredStatus RUNNING even once a task stopped. */
const DESIRED_STATUSES = ['RUNNING', 'STOPPED'] as const;

/** A run together with how it ended (or that it has not). */
export interface JudgedRun {
  readonly task: Task;
  readonly outcome: TaskOutcome;
}

/**
 * Names of the essential containers of a task definition; `[]` (every container counts) if unknown.
 * With `cache`, a revision the pass (or, in the operator, an earlier pass) already described costs no call.
 */
export async function essentialContainers(
  clients: AwsClients,
  taskDefinitionArn: string,
  cache?: TaskDefinitionCache,
): Promise<string[]> {
  try {
    const described = await describeRevision(
      { clients, ...(cache ? { taskDefinitions: cache } : {}) },
      taskDefinitionArn,
    );
    return (described?.td.containerDefinitions ?? [])
      .filter((c) => c.essential !== false && c.name !== undefined)
      .map((c) => c.name as string);
  } catch {
    return [];
  }
}

/** Describes tasks by ARN in batches of 100, tags included. */
export async function describeTasks(
  clients: AwsClients,
  cluster: string,
  arns: readonly string[],
): Promise<Task[]> {
  const out: Task[] = [];
  for (const batch of chunks([...new Set(arns)], DESCRIBE_TASKS_BATCH)) {
    const res = await clients.ecs.send(new DescribeTasksCommand(describeTasksInput(cluster, batch)));
    out.push(...(res.tasks ?? []));
  }
  return out;
}

/** Every task (running or stopped, still visible) started with `startedBy` in `cluster`. */
export async function findRuns(clients: AwsClients, cluster: string, startedBy: string): Promise<Task[]> {
  try {
    // One listing per desired status, side by side: neither waits for the other.
    const perStatus = await Promise.all(
      DESIRED_STATUSES.map(async (desiredStatus) => {
        const arns: string[] = [];
        let nextToken: string | undefined;
        do {
          const page = await clients.ecs.send(
            new ListTasksCommand({ cluster, startedBy, desiredStatus, nextToken }),
          );
          arns.push(...(page.taskArns ?? []));
          nextToken = page.nextToken;
        } while (nextToken);
        return arns;
      }),
    );
    return await describeTasks(clients, cluster, perStatus.flat());
  } catch (err) {
    if (isNotFound(err)) return [];
    throw err;
  }
}

async function describeRemembered(clients: AwsClients, cluster: string, taskArn: string): Promise<Task[]> {
  try {
    return await describeTasks(clients, cluster, [taskArn]);
  } catch (err) {
    if (isNotFound(err)) return [];
    throw err;
  }
}

function startedAt(t: Task): number {
  return (t.createdAt ?? t.startedAt ?? new Date(0)).getTime();
}

/**
 * Judges every run and picks the one that represents the resource: the latest success, else a run still
 * in progress, else the latest failure. `failures` counts failed runs (retries get fresh client tokens).
 */
export async function judgeRuns(
  clients: AwsClients,
  tasks: readonly Task[],
  cache?: TaskDefinitionCache,
): Promise<{ readonly best: JudgedRun | undefined; readonly failures: number }> {
  const essentials = new Map<string, Promise<string[]>>();
  const judged: JudgedRun[] = [];
  for (const task of [...tasks].sort((a, b) => startedAt(b) - startedAt(a))) {
    const arn = task.taskDefinitionArn ?? '';
    if (!essentials.has(arn)) essentials.set(arn, essentialContainers(clients, arn, cache));
    judged.push({ task, outcome: taskOutcome(task, await (essentials.get(arn) as Promise<string[]>)) });
  }
  const best =
    judged.find((j) => j.outcome.state === 'succeeded') ??
    judged.find((j) => j.outcome.state === 'running') ??
    judged[0];
  return { best, failures: judged.filter((j) => j.outcome.state === 'failed').length };
}

function health(outcome: TaskOutcome, task: Task): { health: Health; healthReason?: string } {
  if (outcome.state === 'succeeded') return { health: 'Healthy' };
  if (outcome.state === 'running')
    return { health: 'Progressing', healthReason: `task is ${task.lastStatus ?? 'PENDING'}` };
  return { health: 'Degraded', healthReason: outcome.reason };
}

function toObserved(run: JudgedRun, target: ObserveTarget, ctx: ObserveContext): ObservedResource {
  const arn = run.task.taskArn ?? '';
  return {
    kind: 'ecs.OneOffTask',
    logicalId: target.logicalId,
    name: target.name,
    physicalId: arn,
    spec: compactSpec({
      capacityProviderStrategy: resolveTargetValue(target.spec?.capacityProviderStrategy, ctx.outputs),
      cluster: run.task.clusterArn,
      networkConfiguration: resolveTargetValue(target.spec?.networkConfiguration, ctx.outputs),
      taskDefinition: run.outcome.state === 'failed' ? undefined : run.task.taskDefinitionArn,
    }),
    tags: ecsTagsToRecord(run.task.tags),
    outputs: { arn },
    ...health(run.outcome, run.task),
  };
}

async function observeTarget(
  target: ObserveTarget,
  ctx: ObserveContext,
): Promise<ObservedResource | undefined> {
  const taskDefinition = targetString(target, 'taskDefinition', ctx);
  const cluster =
    targetString(target, 'cluster', ctx) ?? (target.physicalId && clusterOfArn(target.physicalId));
  if (!cluster) return undefined;
  let tasks: Task[];
  if (taskDefinition) tasks = await findRuns(ctx.clients, cluster, oneOffStartedBy(taskDefinition));
  else if (target.physicalId) tasks = await describeRemembered(ctx.clients, cluster, target.physicalId);
  else return undefined;
  const { best } = await judgeRuns(ctx.clients, tasks, ctx.taskDefinitions);
  return best ? toObserved(best, target, ctx) : undefined;
}

/** The `ecs.OneOffTask` observer. */
export const ecsOneOffTaskObserver: Observer = {
  kind: 'ecs.OneOffTask',
  async observe(targets, ctx) {
    const out: ObservedResource[] = [];
    for (const t of targets) {
      const observed = await observeTarget(t, ctx);
      if (observed) out.push(observed);
    }
    return out;
  },
};
