/**
 * One Fargate task definition per ECS-run service, with exactly one container named after the service.
 *
 * Environment precedence: compose literals < connection settings of managed data the service depends on
 * (a compose `POSTGRES_HOST: db` means the local container, which does not exist in AWS) < stack-file and
 * CLI values (the user asked for them explicitly). Secrets (SSM) always win over literals of the same name.
 *
 * @module
 */
import type { ComposeHealthcheck } from '../compose-types.js';
import type { DesiredResource, SpecValue } from '../resource-types.js';
import { ref } from '../resource-types.js';
import { compact, compareStrings } from './canonical.js';
import { type RenderContext, resource } from './context.js';
import { dataBindings } from './data-env.js';
import type { ServiceModel, StackModel } from './model.js';
import { ecsName, logGroupName, parameterName } from './naming.js';
import { composedBindings, composedSecrets } from './render-composed.js';
import { logGroupId } from './render-logs.js';

/** Compose's health-check defaults (seconds), used when the file leaves a field out. */
export const HEALTHCHECK_DEFAULTS = { interval: 30, timeout: 30, retries: 3, startPeriod: 0 } as const;
/** What ECS accepts for each health-check field. */
export const HEALTHCHECK_RANGES = {
  interval: { min: 5, max: 300 },
  timeout: { min: 2, max: 60 },
  retries: { min: 1, max: 10 },
  startPeriod: { min: 0, max: 300 },
} as const;
/** ECS caps `stopTimeout` on Fargate at 120 s. */
export const MAX_STOP_TIMEOUT_SECONDS = 120;

/** Layers that beat injected data settings. */
const EXPLICIT_LAYERS: ReadonlySet<string> = new Set(['stack-file', 'cli']);

/** Logical id of a service's task definition. */
export function taskDefinitionId(service: string): string {
  return `taskdef/${service}`;
}

/** The container name of a service: ECS allows `[A-Za-z0-9_-]`. */
export function containerName(service: string): string {
  return service.replace(/[^A-Za-z0-9_-]/g, '-');
}

/**
 * Env name → SSM parameter name for `svc`: composed values (derived parameters), its own secret keys and
 * injected data passwords, later ones winning.
 */
export function serviceSecrets(model: StackModel, svc: ServiceModel): Record<string, string> {
  const own = Object.fromEntries(
    svc.resolved.secretKeys.map((k) => [k, parameterName(model.project, model.stack, k)]),
  );
  return { ...composedSecrets(model, svc), ...own, ...dataBindings(model, svc).secrets };
}

function environmentOf(model: StackModel, svc: ServiceModel, secrets: Record<string, string>): SpecValue[] {
  const env: Record<string, SpecValue> = {};
  const injected = dataBindings(model, svc).environment;
  for (const [key, value] of Object.entries(svc.resolved.environment)) env[key] = value.value;
  for (const [key, value] of Object.entries(injected)) {
    const own = svc.resolved.environment[key];
    if (own === undefined || !EXPLICIT_LAYERS.has(own.layer)) env[key] = value;
  }
  return Object.keys(env)
    .filter((k) => secrets[k] === undefined)
    .sort(compareStrings)
    .map((name) => ({ name, value: env[name] as SpecValue }));
}

function clamp(value: number, range: { readonly min: number; readonly max: number }): number {
  return Math.min(range.max, Math.max(range.min, Math.ceil(value)));
}

/** The ECS form of a compose health check, or `undefined` when there is none or it is disabled. */
export function healthCheckOf(hc: ComposeHealthcheck | undefined): SpecValue | undefined {
  if (hc === undefined || hc.disable || hc.test.length === 0 || hc.test[0] === 'NONE') return undefined;
  const command =
    hc.test[0] === 'CMD' || hc.test[0] === 'CMD-SHELL' ? [...hc.test] : ['CMD-SHELL', hc.test.join(' ')];
  const interval = clamp(hc.interval ?? HEALTHCHECK_DEFAULTS.interval, HEALTHCHECK_RANGES.interval);
  // An unset timeout longer than the interval would let checks overlap: cap the default at the interval.
  const timeout = hc.timeout ?? Math.min(HEALTHCHECK_DEFAULTS.timeout, interval);
  return {
    command,
    interval,
    timeout: clamp(timeout, HEALTHCHECK_RANGES.timeout),
    retries: clamp(hc.retries ?? HEALTHCHECK_DEFAULTS.retries, HEALTHCHECK_RANGES.retries),
    startPeriod: clamp(hc.startPeriod ?? HEALTHCHECK_DEFAULTS.startPeriod, HEALTHCHECK_RANGES.startPeriod),
  };
}

function containerDefinition(ctx: RenderContext, svc: ServiceModel): SpecValue {
  const { model } = ctx;
  const c = svc.resolved.compose;
  const secrets = serviceSecrets(model, svc);
  return compact({
    name: containerName(svc.name),
    image: svc.resolved.image?.value ?? '',
    essential: true,
    // The task's whole memory as the container's hard limit: the same as leaving it unset on Fargate
    // (one container per task), and what ECS schedulers that sum container limits expect (moto's RunTask).
    memory: svc.resolved.memoryMiB.value,
    command: c.command === undefined ? undefined : [...c.command],
    entryPoint: c.entrypoint === undefined ? undefined : [...c.entrypoint],
    environment: environmentOf(model, svc, secrets),
    secrets: Object.keys(secrets)
      .sort(compareStrings)
      .map((name) => ({ name, valueFrom: secrets[name] as string })),
    portMappings: svc.containerPorts.map((p) => ({ containerPort: p.port, protocol: p.protocol })),
    healthCheck: healthCheckOf(c.healthcheck),
    logConfiguration: {
      logDriver: 'awslogs',
      options: {
        'awslogs-group': logGroupName(model.project, model.stack, svc.name),
        'awslogs-region': model.region,
        'awslogs-stream-prefix': containerName(svc.name),
      },
    },
    user: c.user,
    workingDirectory: c.workingDir,
    readonlyRootFilesystem: c.readOnly,
    stopTimeout:
      c.stopGracePeriodSeconds === undefined
        ? undefined
        : Math.min(MAX_STOP_TIMEOUT_SECONDS, Math.ceil(c.stopGracePeriodSeconds)),
  });
}

/** `taskdef/<svc>` for every ECS-run service. */
export function renderTaskDefinitions(ctx: RenderContext): DesiredResource[] {
  const { model } = ctx;
  return model.ecs.map((svc) => {
    const family = ecsName(
      { project: model.project, stack: model.stack, name: svc.name, kind: 'taskdef' },
      `${model.project}-${model.stack}-${svc.name}`,
    );
    return resource(model, {
      kind: 'ecs.TaskDefinition',
      logicalId: taskDefinitionId(svc.name),
      name: family,
      spec: {
        family,
        cpu: String(svc.resolved.cpu.value),
        memory: String(svc.resolved.memoryMiB.value),
        networkMode: 'awsvpc',
        requiresCompatibilities: ['FARGATE'],
        executionRoleArn: ref('role/execution', 'arn'),
        taskRoleArn: ref('role/task', 'arn'),
        containerDefinitions: [containerDefinition(ctx, svc)],
      },
      dependsOn: [
        'role/execution',
        'role/task',
        logGroupId(svc.name),
        ...dataBindings(model, svc).dependsOn,
        ...composedBindings(model, svc).map((b) => b.logicalId),
      ],
    });
  });
}
