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
import type { CliOverrides, Mode, PortExposureOverride, Provenanced, StackFile } from '../stack-types.js';
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
/** Warning code: a compose `domainname` the stack does not serve (the stack has no `domain`). */
export const DOMAINNAME_UNUSED_WARNING = 'DOMAINNAME_UNUSED';
/** Warning code: a service declares no port, so services sharing a network may reach it on any TCP port. */
export const PORTS_UNDECLARED_WARNING = 'PORTS_UNDECLARED';

/** Inputs for one service. @internal */
export interface ServiceInput {
  readonly compose: ComposeModel;
  readonly stackFile: StackFile;
  readonly service: ComposeService;
  readonly cli: CliOverrides;
  /** Images recorded by the last successful reconcile, by service (the `deployed` layer). @default {} */
  readonly deployedImages?: Readonly<Record<string, string>>;
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
 * The service's host name: the stack file's (`false` switches compose's off), else compose's. Without a
 * stack `domain` there is no zone to serve it in: the service answers on the load balancer's own name
 * and a warning says the compose `domainname` is not used, rather than refusing a compose file that
 * works elsewhere.
 */
function resolveDomainname(
  input: ServiceInput,
  problems: StackProblem[],
  warnings: Warning[],
): Provenanced<string> | undefined {
  const { compose, stackFile, service } = input;
  const p = `services.${service.name}`;
  const fromFile = stackFile.services[service.name]?.domainname;
  if (fromFile === false) return undefined;
  const domainname = layered<string>(
    { value: service.domainname, layer: 'compose', location: composeLocation(compose, `${p}.domainname`) },
    fromStackFile(stackFile, `${p}.domainname`, fromFile),
  );
  if (domainname === undefined) return undefined;
  if (stackFile.domain === undefined) {
    warnings.push({
      code: DOMAINNAME_UNUSED_WARNING,
      message:
        `domainname ${domainname.value} is not used in this stack: it has no \`domain:\`, so service ` +
        `"${service.name}" is served on the load balancer's own name. Set \`domain:\` to serve it on its ` +
        `name, or \`services.${service.name}.domainname: false\` in the stack file to say so`,
      field: `${p}.domainname`,
      ...(domainname.location ? { location: domainname.location } : {}),
    });
    return undefined;
  }
  if (!isInZone(domainname.value, stackFile.domain)) {
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
  return domainname;
}

/** The stack file's `ports` overrides; each must name a port compose publishes. */
function resolvePortOverrides(
  input: ServiceInput,
  problems: StackProblem[],
): ResolvedService['portOverrides'] {
  const { stackFile, service } = input;
  const p = `services.${service.name}.ports`;
  const overrides = stackFile.services[service.name]?.ports;
  if (overrides === undefined) return undefined;
  const published = new Set(
    service.ports.filter((port) => port.mode === 'ingress').map((port) => port.published),
  );
  const out: Record<string, Provenanced<PortExposureOverride>> = {};
  for (const [key, value] of Object.entries(overrides)) {
    const c = fromStackFile(stackFile, `${p}.${key}`, value);
    if (!published.has(Number(key))) {
      const list = [...published].filter((n) => n !== undefined).sort((a, b) => a - b);
      problems.push(
        problem(
          STACK_ERROR_CODES.stackInvalid,
          `service "${service.name}" publishes no port ${key} in compose ` +
            `(published: ${list.length > 0 ? list.join(', ') : 'none'})`,
          `${p}.${key}`,
          c.location,
          stackFile.file,
        ),
      );
      continue;
    }
    out[key] = provenanced(value, 'stack-file', c.location);
  }
  return out;
}

/**
 * A service that declares no port (no `ports`, no `expose`) is admitted on every TCP port from the
 * services it shares a network with, as compose does; say so, since `expose` narrows it.
 */
function undeclaredPortsWarning(input: ServiceInput): Warning | undefined {
  const { compose, service } = input;
  if (service.postgres || service.redis || service.ports.length > 0 || service.expose.length > 0) {
    return undefined;
  }
  const shares = Object.values(compose.services).some(
    (other) => other.name !== service.name && other.networks.some((n) => service.networks.includes(n)),
  );
  const runsToCompletion =
    service.restart === 'no' &&
    Object.values(compose.services).some(
      (other) => other.dependsOn[service.name]?.condition === 'service_completed_successfully',
    );
  if (!shares || runsToCompletion) return undefined;
  return {
    code: PORTS_UNDECLARED_WARNING,
    message:
      `service "${service.name}" declares no ports, so services on its networks may reach it on any TCP ` +
      `port; list the ports it listens on under \`expose\` (e.g. expose: ["8080"]) to admit only those`,
    field: `services.${service.name}`,
    location: composeLocation(compose, `services.${service.name}`),
  };
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
    { value: input.deployedImages?.[name], layer: 'deployed' },
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
  // A stack-file literal replaces a composed value of the same key, as it replaces any compose literal.
  const composedEnvironment = Object.fromEntries(
    Object.entries(service.composedEnvironment ?? {})
      .filter(([key]) => environment[key] === undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );
  const domainname = resolveDomainname(input, problems, warnings);
  const portOverrides = resolvePortOverrides(input, problems);
  const undeclared = undeclaredPortsWarning(input);
  if (undeclared !== undefined) warnings.push(undeclared);
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
    composedEnvironment,
    ...(domainname ? { domainname } : {}),
    ...(portOverrides ? { portOverrides } : {}),
    ...(autoscaling ? { autoscaling } : {}),
  };
  return { service: resolved, problems, warnings };
}
