import { describe, expect, it } from 'vitest';
import { TAG_KEYS } from '../../../src/desired/resource-types.js';
import { chooseAmongDuplicates, type JournaledId, markDuplicates } from '../../../src/observed/duplicates.js';
import type { ObservedResource } from '../../../src/observed/types.js';
import { observed, PROJECT, STACK } from '../diff/fixtures.js';

const scope = { project: PROJECT, stack: STACK };
const cidr = { cidrBlock: '10.0.0.0/16' };

function vpc(id: string, extra: { name?: string; tags?: Record<string, string> } = {}): ObservedResource {
  return observed('ec2.Vpc', 'vpc', cidr, { physicalId: id, outputs: { id }, ...extra });
}

function subnet(logicalId: string, vpcId: string): ObservedResource {
  return observed(
    'ec2.Subnet',
    logicalId,
    { vpcId, cidrBlock: '10.0.0.0/24' },
    { physicalId: `subnet-${logicalId}`, outputs: { id: `subnet-${logicalId}` } },
  );
}

const journalOf = (physicalId?: string): JournaledId[] => [
  { logicalId: 'vpc', kind: 'ec2.Vpc', ...(physicalId ? { physicalId } : {}) },
];

describe('chooseAmongDuplicates', () => {
  it.each([
    {
      reason: 'the journal decides, even against references',
      observed: [vpc('vpc-1'), vpc('vpc-2'), subnet('a', 'vpc-1'), subnet('b', 'vpc-1')],
      journal: journalOf('vpc-2'),
      kept: 'vpc-2',
      duplicates: ['vpc-1'],
      basis: 'journal',
    },
    {
      reason: 'no journal entry: the one more resources reference',
      observed: [vpc('vpc-1'), vpc('vpc-2'), subnet('a', 'vpc-2')],
      journal: [],
      kept: 'vpc-2',
      duplicates: ['vpc-1'],
      basis: 'references',
    },
    {
      reason: 'a pending journal entry (no id yet): references',
      observed: [vpc('vpc-1'), vpc('vpc-2'), subnet('a', 'vpc-2')],
      journal: journalOf(undefined),
      kept: 'vpc-2',
      duplicates: ['vpc-1'],
      basis: 'references',
    },
    {
      reason: 'a journaled id that is neither copy: references',
      observed: [vpc('vpc-1'), vpc('vpc-2'), subnet('a', 'vpc-2')],
      journal: journalOf('vpc-9'),
      kept: 'vpc-2',
      duplicates: ['vpc-1'],
      basis: 'references',
    },
    {
      reason: 'references counted per resource: two subnets beat one',
      observed: [
        vpc('vpc-1'),
        vpc('vpc-2'),
        subnet('a', 'vpc-1'),
        subnet('b', 'vpc-2'),
        subnet('c', 'vpc-2'),
      ],
      journal: [],
      kept: 'vpc-2',
      duplicates: ['vpc-1'],
      basis: 'references',
    },
    {
      reason: 'nothing references either: the lowest id, whatever the order found',
      observed: [vpc('vpc-b'), vpc('vpc-a')],
      journal: [],
      kept: 'vpc-a',
      duplicates: ['vpc-b'],
      basis: 'lowest-id',
    },
    {
      reason: 'a tie in references: the lowest id',
      observed: [vpc('vpc-b'), vpc('vpc-a'), subnet('a', 'vpc-a'), subnet('b', 'vpc-b')],
      journal: [],
      kept: 'vpc-a',
      duplicates: ['vpc-b'],
      basis: 'lowest-id',
    },
    {
      reason: 'a subnet in each VPC copy, unjournaled: the one in the kept (journaled) VPC',
      observed: [
        vpc('vpc-1'),
        vpc('vpc-2'),
        observed('ec2.Subnet', 'subnet/a', { vpcId: 'vpc-1' }, { physicalId: 'subnet-1' }),
        observed('ec2.Subnet', 'subnet/a', { vpcId: 'vpc-2' }, { physicalId: 'subnet-2' }),
      ],
      journal: journalOf('vpc-2'),
      group: 'subnet/a',
      kept: 'subnet-2',
      duplicates: ['subnet-1'],
      basis: 'parents',
    },
    {
      reason: 'three copies: one kept, two duplicates sorted by id',
      observed: [vpc('vpc-3'), vpc('vpc-1'), vpc('vpc-2')],
      journal: journalOf('vpc-3'),
      kept: 'vpc-3',
      duplicates: ['vpc-1', 'vpc-2'],
      basis: 'journal',
    },
  ])('$reason', ({ observed: live, journal, group = 'vpc', kept, duplicates, basis }) => {
    const choice = chooseAmongDuplicates(live, journal, scope).find((c) => c.logicalId === group);

    expect(choice?.kept.physicalId).toBe(kept);
    expect(choice?.duplicates.map((d) => d.physicalId)).toEqual(duplicates);
    expect(choice?.basis).toBe(basis);
  });

  it.each([
    {
      reason: 'different names under one logical id are an interrupted replacement, not duplicates',
      observed: [vpc('vpc-1', { name: 'shop-prod-old' }), vpc('vpc-2', { name: 'shop-prod' })],
    },
    {
      reason: 'a copy missing the logical-id tag is not ours to delete',
      observed: [vpc('vpc-1'), vpc('vpc-2', { tags: { [TAG_KEYS.logicalId]: '' } })],
    },
    {
      reason: 'another stack’s VPC with the same logical id is foreign',
      observed: [vpc('vpc-1'), vpc('vpc-2', { tags: { [TAG_KEYS.stack]: 'staging' } })],
    },
    {
      reason: 'one resource listed twice is not its own duplicate',
      observed: [vpc('vpc-1'), vpc('vpc-1')],
    },
    {
      reason: 'one of each kind under the same logical id',
      observed: [vpc('vpc-1'), observed('ec2.Subnet', 'vpc', {}, { physicalId: 'subnet-1' })],
    },
  ])('no duplicates: $reason', ({ observed: live }) => {
    expect(chooseAmongDuplicates(live, journalOf('vpc-1'), scope)).toEqual([]);
  });
});

describe('markDuplicates', () => {
  it('marks only the extra copy, keeps the order, and re-marks from scratch on a second call', () => {
    const live = [vpc('vpc-1'), vpc('vpc-2'), subnet('a', 'vpc-2')];

    const first = markDuplicates(live, [], scope);
    const again = markDuplicates(
      first.map((o) => (o.physicalId === 'vpc-2' ? { ...o, duplicateOf: 'vpc-1' } : o)),
      journalOf('vpc-2'),
      scope,
    );

    expect(first.map((o) => [o.physicalId, o.duplicateOf])).toEqual([
      ['vpc-1', 'vpc-2'],
      ['vpc-2', undefined],
      ['subnet-a', undefined],
    ]);
    expect(again.map((o) => [o.physicalId, o.duplicateOf])).toEqual(
      first.map((o) => [o.physicalId, o.duplicateOf]),
    );
  });
});
