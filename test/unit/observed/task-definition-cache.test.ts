/**
 * The task definition revision cache: by full revision ARN only, least recently used evicted first, and
 * the bound holds however many revisions pass through it.
 */
import { describe, expect, it } from 'vitest';
import {
  type CachedRevision,
  createTaskDefinitionCache,
  isRevisionArn,
} from '../../../src/observed/task-definition-cache.js';

const ARN = (family: string, revision: number) =>
  `arn:aws:ecs:eu-west-1:123456789012:task-definition/${family}:${revision}`;

function revision(family: string, n: number): CachedRevision {
  return { td: { taskDefinitionArn: ARN(family, n), family, revision: n }, tags: [{ key: 'k', value: 'v' }] };
}

describe('isRevisionArn', () => {
  it.each([
    { ref: ARN('shop-dev-web', 3), want: true, reason: 'a full revision ARN names one immutable revision' },
    { ref: 'shop-dev-web', want: false, reason: 'a family means its latest revision, which changes' },
    { ref: 'shop-dev-web:3', want: false, reason: 'family:revision is not how answers are keyed' },
    {
      ref: 'arn:aws:ecs:eu-west-1:123456789012:task-definition/shop-dev-web',
      want: false,
      reason: 'an ARN without a revision is the family',
    },
  ])('$reason', ({ ref, want }) => {
    expect(isRevisionArn(ref)).toBe(want);
  });
});

describe('createTaskDefinitionCache', () => {
  it('answers a remembered revision by its ARN and nothing else', () => {
    const cache = createTaskDefinitionCache();
    cache.remember(revision('web', 1));
    expect(cache.get(ARN('web', 1))).toEqual(revision('web', 1));
    expect(cache.get(ARN('web', 2))).toBeUndefined();
    cache.remember({ td: { family: 'no-arn' }, tags: undefined });
    expect(cache.size).toBe(1);
  });

  it('keeps at most its bound, dropping the least recently used first', () => {
    const cache = createTaskDefinitionCache(2);
    cache.remember(revision('a', 1));
    cache.remember(revision('b', 1));
    expect(cache.get(ARN('a', 1))).toBeDefined(); // a is now the most recently used
    cache.remember(revision('c', 1));
    expect(cache.size).toBe(2);
    expect(cache.get(ARN('b', 1))).toBeUndefined();
    expect(cache.get(ARN('a', 1))).toBeDefined();
    expect(cache.get(ARN('c', 1))).toBeDefined();
    for (let n = 2; n < 100; n++) cache.remember(revision('c', n));
    expect(cache.size).toBe(2);
  });

  it('remembers nothing with a bound of 0', () => {
    const cache = createTaskDefinitionCache(0);
    cache.remember(revision('a', 1));
    expect(cache.size).toBe(0);
  });
});
