import { describe, expect, it } from 'vitest';
import { diffTags, tagDeltas } from '../../../src/diff/tags.js';

describe('diffTags', () => {
  it.each([
    {
      reason: 'a missing desired tag is added',
      desired: { env: 'prod' },
      observed: {},
      want: { added: { env: 'prod' }, changed: {}, removed: [] },
    },
    {
      reason: 'a desired tag with another value is changed',
      desired: { env: 'prod' },
      observed: { env: 'dev' },
      want: { added: {}, changed: { env: 'prod' }, removed: [] },
    },
    {
      reason: 'tags someone else added are left alone',
      desired: { env: 'prod' },
      observed: { env: 'prod', costCenter: '42' },
      want: { added: {}, changed: {}, removed: [] },
    },
    {
      reason: 'aws:* tags are never compared',
      desired: { 'aws:cloudformation:stack-name': 'x' },
      observed: { 'aws:cloudformation:stack-name': 'y' },
      want: { added: {}, changed: {}, removed: [] },
    },
    {
      reason: 'a stackctl:* tag we no longer want is removed',
      desired: { 'stackctl:project': 'shop' },
      observed: { 'stackctl:project': 'shop', 'stackctl:spec-hash': 'abc' },
      want: { added: {}, changed: {}, removed: ['stackctl:spec-hash'] },
    },
  ])('$reason', ({ desired, observed, want }) => {
    expect(diffTags(desired, observed)).toEqual(want);
  });

  it('turns the tag diff into tags.<key> field deltas, sorted', () => {
    const deltas = tagDeltas({ team: 'a', env: 'prod' }, { env: 'dev', 'stackctl:old': 'x', other: 'kept' });

    expect(deltas).toEqual([
      { path: 'tags.env', desired: 'prod', observed: 'dev', replace: false },
      { path: 'tags.stackctl:old', desired: undefined, observed: 'x', replace: false },
      { path: 'tags.team', desired: 'a', observed: undefined, replace: false },
    ]);
  });
});
