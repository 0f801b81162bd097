/**
 * One service through the layers: default → compose → mode → stack file → CLI, each resolved value
 * keeping the layer and place that set it.
 *
 * @module
 * @internal
 */
import type { SourceLocation, Warning } from '../../errors.js';
import type { ComposeModel, ComposeService } from '../compose-types.js';
import type { ModePreset, ResolvedService } from '../resolved-types.js';
import type { CliOverrides, Mode, Provenanced, StackFile } from '../stack-types.js';
import { STACK_ERROR_CODES, type StackProblem } from './errors.js';
import { isInZone } from './patterns.js';
import { composeLocation, fromStackFile, layered, layeredWithDefault, provenanced } from './provenance.js';
import { resolveSize } from './resolve-size.js';

/** Tasks per service when nothing says otherwise (compose's own default). */
export const DEFAULT_REPLICAS = 1;
/** Autoscaling target CPU utilisation, percent, when neither compose nor the stack file sets one. */
export const DEFAULT_TARGET_CPU = 70;
/** Autoscaling max defaults to this many times min. */
export const AUTOSCALING_MAX_FACTOR = 2;
/** Warning code: fewer replicas than the mode expects. */
export const REPLICAS_BELOW_MODE_WARNING = 'REPLICAS_BELOW_MODE_MINIMUM';

/** Inputs for one service. @internal */
export interface ServiceInput {
  readonly compose: ComposeModel;
  readonly stackFile: StackFile;
  readonly service: ComposeService;
  readonly cli: CliOverrides;
  readonly mode: Mode;
  readonly preset: ModePreset;
}

/** A resolved service plus what went wrong or deserves a warning. @internal */
export interface ServiceResult {
  readonly service: ResolvedService;
  readonly problems: readonly StackProblem[];
  readonly warnings: readonly Warning[];
}

function problem(
  code: string,
  message: string,
  field: string,
  location: SourceLocation | undefined,
  file: string,
): StackProblem {
  return { code, message, field, location: location ?? { file } };
}

function resolveEnvironment(input: ServiceInput, secretKeys: readonly string[], problems: StackProblem[]) {
  const { compose, stackFile, service } = input;
  const p = `services.${service.name}`;
  const env: Record<string, Provenanced<string>> = {};
  for (const [key, value] of Object.entries(service.environment)) {
    if (value === null) continue;
    env[key] = provenanced(value, 'compose', composeLocation(compose, `${p}.environment.${key}`));
  }
  for (const [key, value] of Object.entries(stackFile.services[service.name]?.environment ?? {})) {
    const c = fromStackFile(stackFile, `${p}.environment.${key}`, value);
    if (secretKeys.includes(key)) {
      problems.push(
        problem(
          STACK_ERROR_CODES.envShadowsSecret,
          `${key} is a secret in compose (supplied from SSM); a literal cannot replace it: set it with \`stackctl config set ${key}\``,
          `${p}.environment.${key}`,
          c.location,
          stackFile.file,
        ),
      );
      continue;
    }
    env[key] = provenanced(value, 'stack-file', c.location);
  }
  return Object.fromEntries(
    Object.keys(env)
      .sort()
      .map((k) => [k, env[k]!] as const),
  );
}

function resolveAutoscaling(
  input: ServiceInput,
  replicas: number,
  problems: StackProblem[],
): ResolvedService['autoscaling'] {
  const { compose, stackFile, service } = input;
  const p = `services.${service.name}`;
  const fromFile = stackFile.services[service.name]?.autoscaling;
  const fromCompose = service.autoscaling;
  if (fromFile === undefined && fromCompose === undefined) return undefined;
  const min = fromFile?.min ?? fromCompose?.min ?? replicas;
  const max = fromFile?.max ?? fromCompose?.max ?? AUTOSCALING_MAX_FACTOR * min;
  const targetCpu = fromFile?.targetCpu ?? fromCompose?.targetCpu ?? DEFAULT_TARGET_CPU;
  const where =
    fromFile !== undefined
      ? fromStackFile(stackFile, `${p}.autoscaling`, fromFile)
      : {
          layer: 'compose' as const,
          location: composeLocation(compose, `${p}.x-stackctl-autoscaling`, `${p}.x-defang-autoscaling`),
        };
  if (max < min) {
    problems.push(
      problem(
        STACK_ERROR_CODES.autoscalingInvalid,
        `autoscaling max (${max}) is below min (${min})`,
        `${p}.autoscaling`,
        where.location,
        stackFile.file,
      ),
    );
  }
  return provenanced({ min, max, targetCpu }, where.layer, where.location);
}

/**
 * Resolves one compose service against the stack file and CLI flags.
 * @internal
 */
export function resolveService(input: ServiceInput): ServiceResult {
  const { compose, stackFile, service, cli, preset } = input;
  const name = service.name;
  const p = `services.${name}`;
  const overrides = stackFile.services[name];
  const problems: StackProblem[] = [];
  const warnings: Warning[] = [];

  const image = layered<string>(
    { value: service.image, layer: 'compose', location: composeLocation(compose, `${p}.image`) },
    fromStackFile(stackFile, `${p}.image`, overrides?.image),
    { value: cli.images?.[name], layer: 'cli' },
  );
  const replicas = layeredWithDefault<number>(
    { value: DEFAULT_REPLICAS, layer: 'default' },
    { value: service.replicas, layer: 'compose', location: composeLocation(compose, `${p}.deploy.replicas`) },
    fromStackFile(stackFile, `${p}.replicas`, overrides?.replicas),
    { value: cli.replicas?.[name], layer: 'cli' },
  );
  const secretKeys = [
    ...new Set([
      ...Object.entries(service.environment)
        .filter(([, v]) => v === null)
        .map(([k]) => k),
      ...service.secrets,
    ]),
  ].sort();
  const environment = resolveEnvironment(input, secretKeys, problems);
  const domainname = layered<string>(
    { value: service.domainname, layer: 'compose', location: composeLocation(compose, `${p}.domainname`) },
    fromStackFile(stackFile, `${p}.domainname`, overrides?.domainname),
  );
  if (domainname && stackFile.domain !== undefined && !isInZone(domainname.value, stackFile.domain)) {
    problems.push(
      problem(
        STACK_ERROR_CODES.domainOutsideZone,
        `${domainname.value} is not inside the stack's domain ${stackFile.domain}`,
        `${p}.domainname`,
        domainname.location,
        stackFile.file,
      ),
    );
  }
  const autoscaling = resolveAutoscaling(input, replicas.value, problems);
  const minimum = preset.warnWhenReplicasBelow;
  // Managed data services and run-once tasks (`restart: "no"`) have no task count to keep up.
  const longRunning = !service.postgres && !service.redis && service.restart !== 'no';
  const scaledUp = autoscaling !== undefined && autoscaling.value.min >= minimum;
  if (longRunning && replicas.value < minimum && !scaledUp) {
    warnings.push({
      code: REPLICAS_BELOW_MODE_WARNING,
      message:
        `service "${name}" runs ${replicas.value} replica(s) in ${input.mode} mode; with fewer than ${minimum} ` +
        'one task or AZ failure takes it down',
      field: `${p}.replicas`,
      ...(replicas.location ? { location: replicas.location } : {}),
    });
  }
  const size = resolveSize(compose, stackFile, service, problems);
  const resolved: ResolvedService = {
    name,
    compose: service,
    ...(image ? { image } : {}),
    replicas,
    cpu: size.cpu,
    memoryMiB: size.memoryMiB,
    environment,
    secretKeys,
    ...(domainname ? { domainname } : {}),
    ...(autoscaling ? { autoscaling } : {}),
  };
  return { service: resolved, problems, warnings };
}
