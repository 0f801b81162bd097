/**
 * What the crash suite's inventory finds: every resource of every kind in a moto account, read with raw
 * describe calls (never through stackctl's observers, so an observer bug cannot hide a duplicate).
 *
 * @module
 */
import type { AwsClients } from '../../../src/aws/types.js';
import { TAG_KEYS } from '../../../src/desired/resource-types.js';

/** One resource found in the account. */
export interface FoundResource {
  /** The stackctl kind it would be (`ec2.Vpc`…), or a bare AWS label for kinds stackctl never makes. */
  readonly kind: string;
  /** Physical id, ARN or name: whatever identifies it in a failure message. */
  readonly id: string;
  readonly tags: Readonly<Record<string, string>>;
}

/** Lists every resource of some kinds, defaults of the account excluded. */
export type KindLister = (clients: AwsClients) => Promise<readonly FoundResource[]>;

/** The logical id a resource's ownership tag names, if any. */
export function logicalIdOf(r: FoundResource): string | undefined {
  return r.tags[TAG_KEYS.logicalId];
}

/** `[{Key, Value}]` (EC2, ELB, RDS, SSM, ElastiCache, IAM) to a record. */
export function tagsOf(
  list: readonly { Key?: string | undefined; Value?: string | undefined }[] | undefined,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of list ?? []) if (t.Key !== undefined) out[t.Key] = t.Value ?? '';
  return out;
}

/** `[{key, value}]` (ECS) to a record. */
export function lowerTagsOf(
  list: readonly { key?: string | undefined; value?: string | undefined }[] | undefined,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of list ?? []) if (t.key !== undefined) out[t.key] = t.value ?? '';
  return out;
}

/** Splits a list into chunks of at most `size` (describe calls that take ≤ N ids). */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
