/**
 * What moto's ECS cannot show, injected as SDK middleware on a client that still talks to moto: a
 * one-off task whose container exits non-zero (moto's tasks always exit 0), and a deployment that takes
 * a while, or fails, to complete (moto's stay as they were created). Everything else is moto's real
 * answer; the middleware only rewrites the fields that say how a task or rollout ended.
 *
 * @module
 */
import type {
  DeploymentRolloutState,
  ECSClient,
  Service,
  ServiceInputTypes,
  ServiceOutputTypes,
  Task,
} from '@aws-sdk/client-ecs';
import type { InitializeHandler, InitializeHandlerArguments, InitializeHandlerOutput } from '@smithy/types';

function intercept(
  client: ECSClient,
  name: string,
  rewrite: (command: string, input: Record<string, unknown>, output: Record<string, unknown>) => void,
): void {
  client.middlewareStack.add(
    (next: InitializeHandler<ServiceInputTypes, ServiceOutputTypes>, context) =>
      async (
        args: InitializeHandlerArguments<ServiceInputTypes>,
      ): Promise<InitializeHandlerOutput<ServiceOutputTypes>> => {
        const result = await next(args);
        rewrite(
          context.commandName ?? '',
          args.input as unknown as Record<string, unknown>,
          result.output as unknown as Record<string, unknown>,
        );
        return result;
      },
    { step: 'initialize', name },
  );
}

/** The exit code of a failed migration's container. */
export const FAILED_EXIT_CODE = 1;
/** The stop reason ECS gives a task whose essential container exited. */
export const FAILED_STOP_REASON = 'Essential container in task exited';

/**
 * Makes every task of a task definition `failing` accepts stop with exit code 1 when described. `off()`
 * stops failing new runs; a run that failed keeps describing as failed (it is history, as on AWS).
 */
export function failTasks(
  client: ECSClient,
  failing: (taskDefinitionArn: string) => boolean,
): { off(): void } {
  let on = true;
  const failed = new Set<string>();
  intercept(client, 'e2eFailTasks', (command, _input, output) => {
    if (command !== 'DescribeTasksCommand') return;
    for (const task of (output.tasks ?? []) as Task[]) {
      const arn = task.taskArn ?? '';
      if (!failed.has(arn) && !(on && failing(task.taskDefinitionArn ?? ''))) continue;
      failed.add(arn);
      task.lastStatus = 'STOPPED';
      task.desiredStatus = 'STOPPED';
      task.stopCode = 'EssentialContainerExited';
      task.stoppedReason = FAILED_STOP_REASON;
      for (const c of task.containers ?? []) c.exitCode = FAILED_EXIT_CODE;
    }
  });
  return {
    off() {
      on = false;
    },
  };
}

/**
 * Plays `states` as the rollout of service `name`, one per DescribeServices answer that includes it
 * (the last one sticks), with tasks running only once COMPLETED. `log` records, in order, every
 * CreateService (`create <name>`) and every faked describe (`describe <name> <state>`).
 */
export function fakeRollout(
  client: ECSClient,
  name: string,
  states: readonly DeploymentRolloutState[],
): { readonly log: string[] } {
  const log: string[] = [];
  let next = 0;
  intercept(client, `e2eFakeRollout-${name}`, (command, input, output) => {
    if (command === 'CreateServiceCommand') log.push(`create ${String(input.serviceName)}`);
    if (command !== 'DescribeServicesCommand') return;
    for (const s of (output.services ?? []) as Service[]) {
      if (s.serviceName !== name || s.status !== 'ACTIVE') continue;
      const state = states[Math.min(next, states.length - 1)] as DeploymentRolloutState;
      next += 1;
      log.push(`describe ${name} ${state}`);
      s.runningCount = state === 'COMPLETED' ? s.desiredCount : 0;
      s.deployments = [
        {
          status: 'PRIMARY',
          rolloutState: state,
          ...(state === 'FAILED' ? { rolloutStateReason: 'tasks failed their health checks' } : {}),
        },
      ];
    }
  });
  return { log };
}
