/**
 * Input checks that need the whole stack (images, domains, dependencies, network): everything the
 * loaders cannot see on their own. All problems are collected, then thrown together by the renderer.
 *
 * @module
 */
import type { ResolvedStack } from '../resolved-types.js';
import { compareStrings } from './canonical.js';
import { locate, type RenderProblem, serviceProblem } from './errors.js';
import type { ServiceModel, StackModel } from './model.js';
import { publishedPortExposure, refusedPortMessage } from './port-exposure.js';
import { parseCidr } from './render-network.js';

/** Security groups Fargate allows on one task ENI. */
export const MAX_TASK_SECURITY_GROUPS = 5;
/** Compose networks one task may be on: one group per network, plus the service's own. */
export const MAX_TASK_NETWORKS = MAX_TASK_SECURITY_GROUPS - 1;

/** Name rules of RDS PostgreSQL: master user and database names. */
const PG_IDENTIFIER = /^[A-Za-z][A-Za-z0-9_]{0,62}$/;

/** Every problem of `resolved` (empty when it renders). */
export function validateStack(resolved: ResolvedStack, model: StackModel): RenderProblem[] {
  return [
    ...model.services.flatMap((svc) => checkService(resolved, model, svc)),
    ...checkCycles(resolved, model),
    ...checkNetwork(resolved, model),
  ];
}

function checkService(resolved: ResolvedStack, model: StackModel, svc: ServiceModel): RenderProblem[] {
  const problems: RenderProblem[] = [];
  const at = (field: string, message: string, location?: RenderProblem['location']) =>
    problems.push(serviceProblem(resolved, svc.name, field, message, location));
  const { compose, domainname } = svc.resolved;
  const managed = svc.role === 'postgres' || svc.role === 'redis';

  if (!managed && svc.resolved.image === undefined) {
    const field = compose.build === undefined ? 'image' : 'build';
    at(
      field,
      compose.build === undefined
        ? `service "${svc.name}" has no image: set one in compose, in the stack file ` +
            `(services.${svc.name}.image: <ref>) or pass --image ${svc.name}=<ref>`
        : `service "${svc.name}" has no image: \`reconcile\` builds it from its build: context (not with ` +
            `--no-build), or set one in the stack file (services.${svc.name}.image: <ref>) or pass --image ${svc.name}=<ref>`,
    );
  }
  if (svc.role === 'service') problems.push(...checkPublishedPorts(resolved, svc));
  if ((svc.role === 'service' || svc.role === 'one-off') && svc.networks.length > MAX_TASK_NETWORKS) {
    at(
      'networks',
      `service "${svc.name}" is on ${svc.networks.length} networks (${svc.networks.join(', ')}); a Fargate ` +
        `task carries at most ${MAX_TASK_SECURITY_GROUPS} security groups, its own plus one per network, ` +
        `so at most ${MAX_TASK_NETWORKS} networks`,
    );
  }
  const domain = resolved.domain?.value.toLowerCase();
  // Without a stack domain the resolver has already dropped domainname (with a warning).
  if (domainname !== undefined && domain !== undefined) {
    const name = domainname.value.toLowerCase();
    const where = domainname.location;
    if (svc.albPorts.length === 0) {
      const why = managed
        ? `a managed ${svc.role} service is never exposed through the load balancer`
        : svc.role === 'one-off'
          ? 'a one-off task is not behind the load balancer'
          : 'it needs a published HTTP port (a `ports` entry like "80:8080", which the load balancer serves)';
      at(
        'domainname',
        `domainname "${name}" cannot be served: ${why}; set \`services.${svc.name}.domainname: false\` in the stack file to not use it`,
        where,
      );
    }
    if (name !== domain && !name.endsWith(`.${domain}`)) {
      at('domainname', `domainname "${name}" is not inside the stack's domain "${domain}"`, where);
    }
  }
  for (const [dep, how] of Object.entries(compose.dependsOn)) {
    if (resolved.services[dep] === undefined && how.required) {
      at(
        `depends_on.${dep}`,
        `depends on unknown service "${dep}"`,
        locate(resolved, dependsPath(svc.name, dep)),
      );
    }
  }
  for (const kind of ['postgres', 'redis'] as const) {
    const deps = svc.dependsOn.filter((d) => model.services.find((s) => s.name === d)?.role === kind);
    if (deps.length > 1 && !managed) {
      at(
        'depends_on',
        `depends on several managed ${kind} services (${deps.join(', ')}): their settings would collide`,
      );
    }
  }
  if (svc.role === 'postgres') {
    for (const key of ['POSTGRES_DB', 'POSTGRES_USER'] as const) {
      const value = svc.resolved.environment[key];
      if (value !== undefined && !PG_IDENTIFIER.test(value.value)) {
        at(
          `environment.${key}`,
          `${key} "${value.value}" is not a valid RDS name (a letter, then letters, digits or _, at most 63)`,
          value.location,
        );
      }
    }
  }
  return problems;
}

/**
 * Published ports the load balancer cannot serve (not HTTP, or UDP), each located at its `ports`
 * entry with what to write instead.
 */
function checkPublishedPorts(resolved: ResolvedStack, svc: ServiceModel): RenderProblem[] {
  const problems: RenderProblem[] = [];
  for (const port of svc.resolved.compose.ports) {
    if (port.mode !== 'ingress' || port.published === undefined) continue;
    const field = port.source ?? `services.${svc.name}.ports`;
    const location = locate(resolved, field, `services.${svc.name}.ports`, `services.${svc.name}`);
    if (port.protocol === 'udp') {
      problems.push({
        message:
          `UDP port ${port.published}:${port.target} cannot be published: the load balancer serves HTTP(S) ` +
          `only. To reach it from the stack's services, drop the host side ("${port.target}/udp")`,
        field,
        location,
      });
      continue;
    }
    const exposure = publishedPortExposure(svc.resolved, port);
    if (exposure.kind === 'refused') {
      problems.push({ message: refusedPortMessage(svc.name, port, exposure.reason), field, location });
    }
  }
  return problems;
}

function dependsPath(service: string, dep: string): string {
  return `services.${service}.depends_on.${dep}`;
}

/** A depends_on cycle would deadlock the rollout order; name one service of each cycle found. */
function checkCycles(resolved: ResolvedStack, model: StackModel): RenderProblem[] {
  const state = new Map<string, 'open' | 'done'>();
  const problems: RenderProblem[] = [];
  const visit = (name: string, path: readonly string[]): void => {
    const seen = state.get(name);
    if (seen === 'done') return;
    if (seen === 'open') {
      const cycle = [...path.slice(path.indexOf(name)), name];
      const from = path[path.length - 1] as string;
      problems.push({
        message: `depends_on cycle: ${cycle.join(' -> ')}`,
        field: dependsPath(from, name),
        location: locate(
          resolved,
          dependsPath(from, name),
          `services.${from}.depends_on`,
          `services.${from}`,
        ),
      });
      return;
    }
    state.set(name, 'open');
    const svc = model.services.find((s) => s.name === name);
    for (const dep of svc?.dependsOn ?? []) visit(dep, [...path, name]);
    state.set(name, 'done');
  };
  for (const svc of [...model.services].sort((a, b) => compareStrings(a.name, b.name))) visit(svc.name, []);
  return problems;
}

function checkNetwork(resolved: ResolvedStack, model: StackModel): RenderProblem[] {
  const network = resolved.network.value;
  const location = resolved.network.location ?? { file: resolved.compose.file };
  const problem = (field: string, message: string): RenderProblem => ({ message, field, location });
  if (!('publicSubnets' in network)) {
    const { cidr } = network;
    if (cidr !== undefined && parseCidr(cidr) === undefined) {
      return [problem('network.cidr', `"${cidr}" is not an aligned IPv4 CIDR block between /16 and /24`)];
    }
    return [];
  }
  const problems: RenderProblem[] = [];
  const needsPublic = model.hasAlb || resolved.preset.taskSubnets === 'public';
  if (needsPublic && network.publicSubnets.length === 0) {
    problems.push(
      problem('network.publicSubnets', 'the stack needs public subnets (load balancer or tasks)'),
    );
  }
  if (model.needsPrivateSubnets && network.privateSubnets.length === 0) {
    problems.push(
      problem('network.privateSubnets', 'the stack needs private subnets (tasks or managed data)'),
    );
  }
  return problems;
}
