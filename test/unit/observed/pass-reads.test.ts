/**
 * Reads shared by the observers of one pass: a key is read once (its failure too), and ELB tags already
 * read this pass are not asked again, so the rule observer's tags come from the listener observer's call.
 */
import { DescribeTagsCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { describe, expect, it } from 'vitest';
import type { AwsClients } from '../../../src/aws/types.js';
import { passElbTags } from '../../../src/observed/elbv2-common.js';
import { createPassReads } from '../../../src/observed/pass-reads.js';

describe('createPassReads', () => {
  it('reads a key once and gives every caller the same answer', async () => {
    const reads = createPassReads();
    let calls = 0;
    const read = async () => {
      calls += 1;
      return ['answer'];
    };
    const [a, b] = await Promise.all([reads.once('k', read), reads.once('k', read)]);
    expect(a).toBe(b);
    expect(calls).toBe(1);
    expect(reads.has('k')).toBe(true);
    expect(reads.has('other')).toBe(false);
  });

  it('shares a failure instead of retrying it within the pass', async () => {
    const reads = createPassReads();
    let calls = 0;
    const read = async () => {
      calls += 1;
      throw new Error('AccessDenied');
    };
    await expect(reads.once('k', read)).rejects.toThrow('AccessDenied');
    await expect(reads.once('k', read)).rejects.toThrow('AccessDenied');
    expect(calls).toBe(1);
  });
});

/** An ELBv2 client that answers DescribeTags from `tags` and records each call's ARNs. */
function fakeElb(tags: Readonly<Record<string, Record<string, string>>>, fail = false) {
  const calls: string[][] = [];
  const elbv2 = {
    async send(command: unknown) {
      if (!(command instanceof DescribeTagsCommand)) throw new Error('unexpected call');
      const arns = command.input.ResourceArns ?? [];
      calls.push([...arns]);
      if (fail) throw Object.assign(new Error('boom'), { name: 'InternalFailure' });
      return {
        TagDescriptions: arns.map((arn) => ({
          ResourceArn: arn,
          Tags: Object.entries(tags[arn] ?? {}).map(([Key, Value]) => ({ Key, Value })),
        })),
      };
    },
  };
  return { clients: { elbv2 } as unknown as AwsClients, calls };
}

describe('passElbTags', () => {
  it.each([
    {
      reason: 'with shared reads, ARNs read earlier in the pass cost no call; the rest one call',
      shared: true,
      wantCalls: [['l1', 'r1'], ['r2']],
    },
    {
      reason: 'without shared reads (outside observeStack), every call asks AWS',
      shared: false,
      wantCalls: [
        ['l1', 'r1'],
        ['l1', 'r1', 'r2'],
      ],
    },
  ])('$reason', async ({ shared, wantCalls }) => {
    const { clients, calls } = fakeElb({ l1: { a: '1' }, r1: { b: '2' }, r2: { c: '3' } });
    const ctx = { clients, ...(shared ? { passReads: createPassReads() } : {}) };
    const first = await passElbTags(ctx, ['l1', 'r1']);
    const second = await passElbTags(ctx, ['l1', 'r1', 'r2', '']);
    expect(Object.fromEntries(first)).toEqual({ l1: { a: '1' }, r1: { b: '2' } });
    expect(Object.fromEntries(second)).toEqual({ l1: { a: '1' }, r1: { b: '2' }, r2: { c: '3' } });
    expect(calls).toEqual(wantCalls);
  });

  it('throws a failed DescribeTags to its caller, and to a later caller of the same ARNs', async () => {
    const { clients, calls } = fakeElb({}, true);
    const ctx = { clients, passReads: createPassReads() };
    await expect(passElbTags(ctx, ['l1'])).rejects.toThrow('boom');
    await expect(passElbTags(ctx, ['l1'])).rejects.toThrow('boom');
    expect(calls).toEqual([['l1']]);
  });
});
