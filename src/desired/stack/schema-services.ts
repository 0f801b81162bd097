/**
 * Stack-file schema, part two: `services.<svc>` overrides and the environment maps (`env`,
 * `services.<svc>.environment`), including the refusal of secret-looking literals.
 *
 * @module
 * @internal
 */

import { isScalar } from 'yaml';
import {
  PORT_EXPOSURE_OVERRIDES,
  type PortExposureOverride,
  type StackServiceConfig,
} from '../stack-types.js';
import { STACK_ERROR_CODES } from './errors.js';
import { isHostname } from './patterns.js';
import { secretReason } from './secret-detect.js';
import { parseMemoryMiB } from './units.js';
import {
  isEmptyValue,
  joinPath,
  type ReadContext,
  readMap,
  readNumber,
  readScalarText,
  readString,
  report,
  type YamlNode,
} from './yaml-reader.js';

/** Keys allowed under `services.<svc>`. */
export const SERVICE_KEYS = [
  'replicas',
  'cpus',
  'memory',
  'image',
  'domainname',
  'ports',
  'environment',
  'autoscaling',
] as const;

/** Keys allowed under `services.<svc>.autoscaling`. */
export const AUTOSCALING_KEYS = ['min', 'max', 'targetCpu'] as const;

/** Highest TCP port, the largest key of `services.<svc>.ports`. */
const MAX_PORT = 65535;

/** Largest vCPU count of any Fargate size. */
const MAX_FARGATE_VCPU = 16;

/** Variable names usable in `${VAR}` interpolation. */
const INTERPOLATION_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** Container environment names: anything without `=`, whitespace or control characters. */
const ENVIRONMENT_NAME = /^[^=\s\p{Cc}]+$/u;

/** How a secret problem reads; says what to do instead, never what the value was. */
function secretMessage(key: string, reason: string): string {
  return (
    `looks like a secret (${reason}); stack files are committed, so remove it, store it with ` +
    `\`stackctl config set ${key}\` and list ${key} in compose \`environment\` without a value`
  );
}

/**
 * A map of environment literals. `interpolation` restricts names to `${VAR}`-usable ones (the
 * top-level `env`). Secret-looking entries are reported with code `SECRET_IN_STACK_FILE`.
 * @internal
 */
export function readEnvironment(
  ctx: ReadContext,
  node: YamlNode,
  path: string,
  options: { readonly interpolation: boolean },
): Record<string, string> | undefined {
  if (isEmptyValue(node)) return {};
  const entries = readMap(ctx, node, path);
  if (!entries) return undefined;
  const out: Record<string, string> = {};
  for (const [key, valueNode] of entries) {
    const field = joinPath(path, key);
    const namePattern = options.interpolation ? INTERPOLATION_NAME : ENVIRONMENT_NAME;
    if (!namePattern.test(key)) {
      report(
        ctx,
        valueNode,
        field,
        options.interpolation ? 'is not a valid variable name' : 'is not a valid name',
      );
      continue;
    }
    if (isEmptyValue(valueNode)) {
      report(
        ctx,
        valueNode,
        field,
        `needs a value; a variable without one is a secret: store it with \`stackctl config set ${key}\``,
      );
      continue;
    }
    const value = readScalarText(ctx, valueNode, field);
    if (value === undefined) continue;
    const reason = secretReason(key, value);
    if (reason !== undefined) {
      report(ctx, valueNode, field, secretMessage(key, reason), STACK_ERROR_CODES.secretInStackFile);
      continue;
    }
    out[key] = value;
  }
  return out;
}

function readAutoscaling(ctx: ReadContext, node: YamlNode, path: string): StackServiceConfig['autoscaling'] {
  const entries = readMap(ctx, node, path, AUTOSCALING_KEYS);
  if (!entries) return undefined;
  const at = (k: string): YamlNode => entries.get(k) ?? null;
  const min = entries.has('min')
    ? readNumber(ctx, at('min'), `${path}.min`, { integer: true, min: 0 })
    : undefined;
  const max = entries.has('max')
    ? readNumber(ctx, at('max'), `${path}.max`, { integer: true, min: 1 })
    : undefined;
  const targetCpu = entries.has('targetCpu')
    ? readNumber(ctx, at('targetCpu'), `${path}.targetCpu`, { greaterThan: 0, max: 100 })
    : undefined;
  if (min !== undefined && max !== undefined && max < min) {
    report(ctx, at('max'), `${path}.max`, 'must be at least autoscaling.min');
  }
  return {
    ...(min !== undefined ? { min } : {}),
    ...(max !== undefined ? { max } : {}),
    ...(targetCpu !== undefined ? { targetCpu } : {}),
  };
}

function readMemory(ctx: ReadContext, node: YamlNode, path: string): number | undefined {
  if (!isScalar(node) || (typeof node.value !== 'number' && typeof node.value !== 'string')) {
    report(ctx, node, path, 'must be a size like 512, 512MiB, 1024M, 2GiB or 1g');
    return undefined;
  }
  const parsed = parseMemoryMiB(node.value);
  if (!parsed.ok) {
    report(ctx, node, path, parsed.reason);
    return undefined;
  }
  return parsed.value;
}

/**
 * `domainname`: a host name, or `false` to not use compose's `domainname` in this stack (`null` and
 * `""` stay errors: an empty value is more likely a mistake than a decision).
 */
function readDomainname(ctx: ReadContext, node: YamlNode, path: string): string | false | undefined {
  if (isScalar(node) && node.value === false) return false;
  if (isScalar(node) && typeof node.value === 'string' && isHostname(node.value)) return node.value;
  report(
    ctx,
    node,
    path,
    'must be a lower-case DNS name like shop.example.com, or false to not use the compose domainname',
  );
  return undefined;
}

/** `ports`: published port → `private` | `http`. */
function readPortOverrides(
  ctx: ReadContext,
  node: YamlNode,
  path: string,
): Record<string, PortExposureOverride> | undefined {
  const entries = readMap(ctx, node, path);
  if (!entries) return undefined;
  const out: Record<string, PortExposureOverride> = {};
  for (const [key, valueNode] of entries) {
    const field = joinPath(path, key);
    const port = /^\d+$/.test(key) ? Number(key) : Number.NaN;
    if (!(port >= 1 && port <= MAX_PORT)) {
      report(ctx, valueNode, field, `"${key}" is not a published port (1-${MAX_PORT})`);
      continue;
    }
    const value = readString(ctx, valueNode, field);
    if (value === undefined) continue;
    if (!(PORT_EXPOSURE_OVERRIDES as readonly string[]).includes(value)) {
      report(
        ctx,
        valueNode,
        field,
        'must be private (keep it off the load balancer) or http (serve it on the load balancer)',
      );
      continue;
    }
    out[String(port)] = value as PortExposureOverride;
  }
  return out;
}

function readService(ctx: ReadContext, node: YamlNode, path: string): StackServiceConfig {
  // `web:` with every override commented out (as `stackctl init` writes it) means "no overrides".
  if (isEmptyValue(node)) return {};
  const entries = readMap(ctx, node, path, SERVICE_KEYS);
  if (!entries) return {};
  const at = (k: string): YamlNode => entries.get(k) ?? null;
  const p = (k: string): string => joinPath(path, k);
  const replicas = entries.has('replicas')
    ? readNumber(ctx, at('replicas'), p('replicas'), { integer: true, min: 0 })
    : undefined;
  const cpus = entries.has('cpus')
    ? readNumber(ctx, at('cpus'), p('cpus'), { greaterThan: 0, max: MAX_FARGATE_VCPU })
    : undefined;
  const memoryMiB = entries.has('memory') ? readMemory(ctx, at('memory'), p('memory')) : undefined;
  const image = entries.has('image') ? readString(ctx, at('image'), p('image')) : undefined;
  const domainname = entries.has('domainname')
    ? readDomainname(ctx, at('domainname'), p('domainname'))
    : undefined;
  const ports = entries.has('ports') ? readPortOverrides(ctx, at('ports'), p('ports')) : undefined;
  const environment = entries.has('environment')
    ? readEnvironment(ctx, at('environment'), p('environment'), { interpolation: false })
    : undefined;
  const autoscaling = entries.has('autoscaling')
    ? readAutoscaling(ctx, at('autoscaling'), p('autoscaling'))
    : undefined;
  return {
    ...(replicas !== undefined ? { replicas } : {}),
    ...(cpus !== undefined ? { cpus } : {}),
    ...(memoryMiB !== undefined ? { memoryMiB } : {}),
    ...(image !== undefined ? { image } : {}),
    ...(domainname !== undefined ? { domainname } : {}),
    ...(ports !== undefined ? { ports } : {}),
    ...(environment !== undefined ? { environment } : {}),
    ...(autoscaling !== undefined ? { autoscaling } : {}),
  };
}

/** `services:`: per-service overrides, keyed by compose service name. @internal */
export function readServices(ctx: ReadContext, node: YamlNode): Record<string, StackServiceConfig> {
  if (isEmptyValue(node)) return {};
  const entries = readMap(ctx, node, 'services');
  if (!entries) return {};
  const out: Record<string, StackServiceConfig> = {};
  for (const [name, serviceNode] of entries)
    out[name] = readService(ctx, serviceNode, joinPath('services', name));
  return out;
}
