/**
 * Task definition revisions already described, remembered by ARN.
 *
 * A revision is immutable: its containers, roles and tags-at-registration never change once registered,
 * so a DescribeTaskDefinition by full revision ARN need never be made twice by one process. (Its status
 * does change, ACTIVE to INACTIVE, so only by-ARN answers are served from here: "the latest ACTIVE
 * revision of a family" is always asked of AWS.) The cache is injectable: a CLI pass makes its own, the
 * operator keeps one across passes so every resync re-uses what earlier ones read. Bounded, oldest
 * entry evicted first, so a long-running operator's memory stays flat.
 *
 * @module
 */
import type { Tag, TaskDefinition } from '@aws-sdk/client-ecs';

/** Revisions kept before the least recently used is dropped (a few per service of a large fleet). */
export const DEFAULT_TASK_DEFINITION_CACHE_SIZE = 2_000;

/** One described revision, with the tags DescribeTaskDefinition returned. */
export interface CachedRevision {
  readonly td: TaskDefinition;
  readonly tags: readonly Tag[] | undefined;
}

/** Described revisions by full revision ARN. */
export interface TaskDefinitionCache {
  /** The revision at `arn`, when described before (refreshes its recency). */
  get(arn: string): CachedRevision | undefined;
  /** Remembers a described revision under its own `taskDefinitionArn` (ignored without one). */
  remember(revision: CachedRevision): void;
  /** How many revisions are held. */
  readonly size: number;
}

/** A bounded, least-recently-used {@link TaskDefinitionCache}. */
export function createTaskDefinitionCache(
  maxEntries: number = DEFAULT_TASK_DEFINITION_CACHE_SIZE,
): TaskDefinitionCache {
  const entries = new Map<string, CachedRevision>();
  return {
    get(arn) {
      const hit = entries.get(arn);
      if (hit) {
        entries.delete(arn);
        entries.set(arn, hit);
      }
      return hit;
    },
    remember(revision) {
      const arn = revision.td.taskDefinitionArn;
      if (!arn || maxEntries <= 0) return;
      entries.delete(arn);
      entries.set(arn, revision);
      while (entries.size > maxEntries) {
        const oldest = entries.keys().next().value;
        if (oldest === undefined) break;
        entries.delete(oldest);
      }
    },
    get size() {
      return entries.size;
    },
  };
}

/** True when `ref` is a full revision ARN (`arn:…:task-definition/<family>:<n>`), the only cacheable key. */
export function isRevisionArn(ref: string): boolean {
  return /^arn:[^:]+:ecs:[^:]*:[^:]*:task-definition\/[^:]+:\d+$/.test(ref);
}
