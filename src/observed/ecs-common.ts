/**
 * Normalizers shared by the ECS observers (and reused by the ECS appliers): ECS tags, awsvpc network
 * configuration, capacity provider strategies, the one-off task marker and a stopped task's outcome.
 *
 * ECS spells tags `{ key, value }` (lowercase), unlike EC2/ELB's `{ Key, Value }`; everything here turns
 * AWS responses into the spec shapes of docs/resource-specs.md.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import type {
  CapacityProviderStrategyItem,
  Tag as EcsTag,
  NetworkConfiguration,
  Task,
} from '@aws-sdk/client-ecs';
import type { Spec } from '../desired/resource-types.js';

/** The `startedBy` prefix of every task stackctl runs itself; ECS caps `startedBy` at 36 characters. */
export const ONE_OFF_STARTED_BY_PREFIX = 'stackctl-';

/** Hex characters of the task-definition hash in `startedBy` (9 + 27 = 36, the ECS limit). */
const STARTED_BY_HASH_LENGTH = 27;

/** AWS's `assignPublicIp` when a service or task does not say. */
export const DEFAULT_ASSIGN_PUBLIC_IP = 'DISABLED';

/** Converts ECS `[{ key, value }]` tags to a record; entries without a key are dropped. */
export function ecsTagsToRecord(tags: readonly EcsTag[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of tags ?? []) if (t.key !== undefined) out[t.key] = t.value ?? '';
  return out;
}

/** Converts a record to ECS tags, sorted by key so calls are deterministic. */
export function recordToEcsTags(tags: Readonly<Record<string, string>>): EcsTag[] {
  return Object.keys(tags)
    .sort()
    .map((key) => ({ key, value: tags[key] as string }));
}

/** The last `/`-separated segment of an ARN: a cluster's or service's name. */
export function arnName(arn: string): string {
  return arn.slice(arn.lastIndexOf('/') + 1);
}

/**
 * The cluster name inside a (long-format) service or task ARN,
 * `arn:aws:ecs:<region>:<account>:service/<cluster>/<name>`; undefined for old short ARNs.
 */
export function clusterOfArn(arn: string): string | undefined {
  const parts = arn.split('/');
  return parts.length >= 3 ? parts[parts.length - 2] : undefined;
}

/**
 * The awsvpc configuration in spec shape: `{ assignPublicIp, securityGroups: sorted, subnets: sorted }`,
 * or undefined when the resource has none.
 */
export function normalizeNetworkConfiguration(nc: NetworkConfiguration | undefined): Spec | undefined {
  const vpc = nc?.awsvpcConfiguration;
  if (!vpc) return undefined;
  return {
    assignPublicIp: vpc.assignPublicIp ?? DEFAULT_ASSIGN_PUBLIC_IP,
    securityGroups: [...(vpc.securityGroups ?? [])].sort(),
    subnets: [...(vpc.subnets ?? [])].sort(),
  };
}

/**
 * A capacity provider strategy in spec shape: `[{ capacityProvider, weight }]` sorted by provider, with
 * `base` only when AWS reports a non-default (non-zero) one.
 */
export function normalizeStrategy(items: readonly CapacityProviderStrategyItem[] | undefined): Spec[] {
  return [...(items ?? [])]
    .filter((i) => i.capacityProvider !== undefined)
    .sort((a, b) => ((a.capacityProvider as string) < (b.capacityProvider as string) ? -1 : 1))
    .map((i) => ({
      ...(i.base ? { base: i.base } : {}),
      capacityProvider: i.capacityProvider as string,
      weight: i.weight ?? 0,
    }));
}

/**
 * The `startedBy` marker of a one-off run of `taskDefinitionArn`: deterministic, so any pass can find
 * the run again (the "resource" an `ecs.OneOffTask` is), and ≤36 characters as ECS requires.
 */
export function oneOffStartedBy(taskDefinitionArn: string): string {
  const hash = createHash('sha256').update(taskDefinitionArn).digest('hex');
  return `${ONE_OFF_STARTED_BY_PREFIX}${hash.slice(0, STARTED_BY_HASH_LENGTH)}`;
}

/** Where a one-off task run stands. */
export type TaskOutcome =
  | { readonly state: 'running' }
  | { readonly state: 'succeeded' }
  | { readonly state: 'failed'; readonly reason: string };

/**
 * Judges a task run: still running until `lastStatus` is STOPPED; then it succeeded iff every essential
 * container exited 0. `essential` names the essential containers (from the task definition); when it is
 * empty every container counts, the safe reading.
 */
export function taskOutcome(task: Task, essential: readonly string[]): TaskOutcome {
  if (task.lastStatus !== 'STOPPED') return { state: 'running' };
  const containers = (task.containers ?? []).filter(
    (c) => essential.length === 0 || (c.name !== undefined && essential.includes(c.name)),
  );
  const bad = containers.find((c) => c.exitCode !== 0);
  if (containers.length > 0 && !bad) return { state: 'succeeded' };
  const exit = bad?.exitCode === undefined ? 'no exit code' : `exit code ${bad.exitCode}`;
  const why = [task.stopCode, task.stoppedReason, bad?.reason].filter((s) => s !== undefined && s !== '');
  return {
    state: 'failed',
    reason: `container ${bad?.name ?? '(none)'} stopped with ${exit}${why.length ? `: ${why.join('; ')}` : ''}`,
  };
}
