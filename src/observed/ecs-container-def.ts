/**
 * Normalizes a described ECS container definition into the `ContainerDef` spec shape of
 * docs/resource-specs.md: only the keys stackctl renders, order-insensitive lists sorted, and the values
 * AWS fills in by itself (empty lists, `hostPort` equal to `containerPort`, health-check defaults) folded
 * so an unchanged task definition never shows as drift.
 *
 * @module
 */
import type { ContainerDefinition, HealthCheck, LogConfiguration, PortMapping } from '@aws-sdk/client-ecs';
import type { Spec, SpecValue } from '../desired/resource-types.js';
import { compactSpec } from './observe-helpers.js';

/** ECS health-check defaults (seconds / count) applied when the field was not set. */
export const HEALTH_CHECK_DEFAULTS = { interval: 30, timeout: 5, retries: 3, startPeriod: 0 } as const;

/** The port-mapping protocol ECS assumes when none is given. */
export const DEFAULT_PORT_PROTOCOL = 'tcp';

function byName<T extends { name?: string | undefined }>(a: T, b: T): number {
  const x = a.name ?? '';
  const y = b.name ?? '';
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Undefined for a missing or empty list, so `[]` and "absent" compare equal. */
function nonEmpty<T extends SpecValue>(items: readonly T[] | undefined): readonly T[] | undefined {
  return items && items.length > 0 ? items : undefined;
}

function normalizePortMapping(p: PortMapping): Spec {
  const containerPort = p.containerPort ?? 0;
  return compactSpec({
    containerPort,
    hostPort: p.hostPort !== undefined && p.hostPort !== containerPort ? p.hostPort : undefined,
    protocol: p.protocol ?? DEFAULT_PORT_PROTOCOL,
  });
}

function comparePorts(a: Spec, b: Spec): number {
  const d = Number(a.containerPort) - Number(b.containerPort);
  return d !== 0 ? d : String(a.protocol) < String(b.protocol) ? -1 : 1;
}

function normalizeHealthCheck(h: HealthCheck | undefined): Spec | undefined {
  if (!h) return undefined;
  return {
    command: [...(h.command ?? [])],
    interval: h.interval ?? HEALTH_CHECK_DEFAULTS.interval,
    retries: h.retries ?? HEALTH_CHECK_DEFAULTS.retries,
    startPeriod: h.startPeriod ?? HEALTH_CHECK_DEFAULTS.startPeriod,
    timeout: h.timeout ?? HEALTH_CHECK_DEFAULTS.timeout,
  };
}

function normalizeLogConfiguration(l: LogConfiguration | undefined): Spec | undefined {
  if (!l?.logDriver) return undefined;
  const options: Record<string, string> = {};
  for (const key of Object.keys(l.options ?? {}).sort()) options[key] = l.options?.[key] ?? '';
  return { logDriver: l.logDriver, options };
}

/**
 * One container definition in spec shape.
 *
 * @example
 * normalizeContainerDefinition({ name: 'web', image: 'nginx', cpu: 0, mountPoints: [], portMappings: [{ containerPort: 80, hostPort: 80, protocol: 'tcp' }] })
 * // { essential: true, image: 'nginx', name: 'web', portMappings: [{ containerPort: 80, protocol: 'tcp' }] }
 */
export function normalizeContainerDefinition(cd: ContainerDefinition): Spec {
  return compactSpec({
    command: nonEmpty(cd.command),
    entryPoint: nonEmpty(cd.entryPoint),
    environment: nonEmpty(
      [...(cd.environment ?? [])].sort(byName).map((e) => ({ name: e.name ?? '', value: e.value ?? '' })),
    ),
    essential: cd.essential ?? true,
    healthCheck: normalizeHealthCheck(cd.healthCheck),
    image: cd.image ?? '',
    logConfiguration: normalizeLogConfiguration(cd.logConfiguration),
    memory: cd.memory,
    name: cd.name ?? '',
    portMappings: nonEmpty((cd.portMappings ?? []).map(normalizePortMapping).sort(comparePorts)),
    readonlyRootFilesystem: cd.readonlyRootFilesystem,
    secrets: nonEmpty(
      [...(cd.secrets ?? [])].sort(byName).map((s) => ({ name: s.name ?? '', valueFrom: s.valueFrom ?? '' })),
    ),
    stopTimeout: cd.stopTimeout,
    user: cd.user,
    workingDirectory: cd.workingDirectory,
  });
}
