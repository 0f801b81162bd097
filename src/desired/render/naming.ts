/**
 * Physical names: deterministic, within each AWS limit, unique per project+stack.
 *
 * Names are what makes creates idempotent and crash-safe (a retried create finds the resource by name),
 * so they must never depend on anything but the logical resource and its immutable fields. Where AWS caps
 * the length, the readable base is truncated and a short hash keeps names unique; the hash also covers
 * immutable fields, so a replacement gets a new name and can be created before the old one is deleted.
 * Rules: research/aws-api-facts.md §5.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import type { ResourceKind } from '../resource-types.js';

/**
 * The longest name AWS accepts, per kind. For kinds whose "name" is only a `Name` tag or a label
 * (subnets, listeners, rules), the tag-value limit applies.
 */
export const NAME_LIMITS: Readonly<Record<ResourceKind, number>> = {
  'ec2.Vpc': 255,
  'ec2.InternetGateway': 255,
  'ec2.Subnet': 255,
  'ec2.RouteTable': 255,
  'ec2.NatGateway': 255,
  'ec2.SecurityGroup': 255,
  'logs.LogGroup': 512,
  'iam.Role': 64,
  'ecs.Cluster': 255,
  'ecs.TaskDefinition': 255,
  'ecs.Service': 255,
  'ecs.OneOffTask': 255,
  'elbv2.LoadBalancer': 32,
  'elbv2.TargetGroup': 32,
  'elbv2.Listener': 255,
  'elbv2.ListenerRule': 255,
  'acm.Certificate': 253,
  'route53.Record': 255,
  'rds.DBSubnetGroup': 255,
  'rds.DBInstance': 63,
  'elasticache.SubnetGroup': 255,
  'elasticache.ReplicationGroup': 40,
  'ssm.Parameter': 1011,
  'autoscaling.ScalableTarget': 1600,
  'autoscaling.ScalingPolicy': 256,
  'ec2.DhcpOptions': 255,
  // DNS names: the namespace, and `<label>.<namespace>` for a service and its instance.
  'servicediscovery.Namespace': 253,
  'servicediscovery.Service': 255,
  'servicediscovery.Instance': 255,
};

/** Hex characters of the name hash: 24 bits, enough to tell a foreign name collision from our own. */
export const NAME_HASH_LENGTH = 6;

/** The shortest `max` {@link physicalName} accepts: one letter, a dash and the hash. */
export const MIN_PHYSICAL_NAME_LENGTH = NAME_HASH_LENGTH + 2;

/** Identifies one logical resource for naming. */
export interface PhysicalNameParts {
  readonly project: string;
  readonly stack: string;
  /** The readable, resource-specific part, e.g. a service name or `web-80`. */
  readonly name: string;
  /** What the resource is within the stack (the logical-id prefix, e.g. `tg`, `db`, `sg/svc`). */
  readonly kind: string;
}

const INTERNAL_PREFIX = 'internal-';

/** Short hex sha256 of `text`. */
export function shortHash(text: string, length = NAME_HASH_LENGTH): string {
  return createHash('sha256').update(text).digest('hex').slice(0, length);
}

/** Lowercases and reduces `text` to `[a-z0-9-]`, with no leading, trailing or doubled `-`. */
export function cleanName(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^-+|-+$/g, '');
}

/**
 * `<project>-<stack>-<name>`, sanitized and truncated, plus `-<hash6>` of the logical resource and its
 * immutable properties.
 *
 * The result is at most `max` characters of `[a-z0-9-]`, starts with a letter, never starts with
 * `internal-` (ALB rule) and has no trailing or doubled `-` (RDS/ElastiCache rule).
 *
 * @example
 * physicalName({ project: 'shop', stack: 'prod', name: 'checkout-api-8080', kind: 'tg' }, 32, 'HTTP:8080:ip');
 * // "shop-prod-checkout-api-80-1a2b3c"
 */
export function physicalName(parts: PhysicalNameParts, max: number, immutable = ''): string {
  if (max < MIN_PHYSICAL_NAME_LENGTH) {
    throw new RangeError(`physical names need at least ${MIN_PHYSICAL_NAME_LENGTH} characters, got ${max}`);
  }
  const suffix = shortHash([parts.project, parts.stack, parts.kind, parts.name, immutable].join('\u0000'));
  const room = max - suffix.length - 1;
  let base = cleanName(`${parts.project}-${parts.stack}-${parts.name}`);
  if (!/^[a-z]/.test(base)) base = `r${base}`;
  base = base.slice(0, room).replace(/-+$/, '');
  const name = `${base}-${suffix}`;
  return name.startsWith(INTERNAL_PREFIX) ? `i${name.slice(INTERNAL_PREFIX.length - 1)}` : name;
}

/** The readable stack prefix `clean("<project>-<stack>")`, used for labels and `Name` tags. */
export function stackBase(project: string, stack: string): string {
  return cleanName(`${project}-${stack}`);
}

/**
 * An ECS name (cluster, service, task family): `[A-Za-z0-9_-]`, at most 255 characters.
 *
 * Kept readable and unhashed when the input is already valid (the common case, and what users expect
 * to see in the console); otherwise falls back to {@link physicalName} so two different inputs that
 * sanitize alike (`a.b`, `a-b`) still get different names.
 */
export function ecsName(parts: PhysicalNameParts, readable: string): string {
  const max = NAME_LIMITS['ecs.Service'];
  if (/^[A-Za-z0-9_-]+$/.test(readable) && readable.length <= max) return readable;
  return physicalName(parts, max);
}

/**
 * The environment-variable-style key of a service: `my-db` → `MY_DB`.
 *
 * Used for generated SSM parameter names such as `/stackctl/P/S/MY_DB_PASSWORD`.
 */
export function envKey(service: string): string {
  return service.toUpperCase().replace(/[^A-Z0-9_]+/g, '_');
}

/** SSM path of a stack key: `/stackctl/<project>/<stack>/<KEY>` (ARCHITECTURE "Secrets"). */
export function parameterName(project: string, stack: string, key: string): string {
  return `/stackctl/${project}/${stack}/${key}`;
}

/** Log group of a service: `/stackctl/<project>/<stack>/<service>`. */
export function logGroupName(project: string, stack: string, service: string): string {
  return `/stackctl/${project}/${stack}/${service}`;
}
