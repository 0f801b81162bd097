import { describe, expect, it } from 'vitest';
import type { AwsClients } from '../../../src/aws/types.js';
import type { ResourceKind } from '../../../src/desired/resource-types.js';
import { observeStack, type RememberedResource } from '../../../src/observed/observe-stack.js';
import type { ObservedResource, Observer } from '../../../src/observed/types.js';
import { observed, PROJECT, STACK } from '../diff/fixtures.js';

const vpc = (id: string): ObservedResource =>
  observed('ec2.Vpc', 'vpc', { cidrBlock: '10.0.0.0/16' }, { physicalId: id, outputs: { id } });
const subnet = observed(
  'ec2.Subnet',
  'subnet/a',
  { vpcId: 'vpc-2' },
  { physicalId: 'subnet-a', outputs: { id: 'subnet-a' } },
);

/** Observers that answer from a fixed list, in the order given (AWS promises none). */
function fixedObservers(live: readonly ObservedResource[]): ReadonlyMap<ResourceKind, Observer> {
  const kinds = [...new Set(live.map((o) => o.kind))];
  return new Map(
    kinds.map((kind) => [kind, { kind, observe: async () => live.filter((o) => o.kind === kind) }]),
  );
}

describe('observeStack: two live copies of one VPC', () => {
  it.each([
    {
      reason: 'no journal: the copy the subnet is built on gives the outputs',
      remembered: [],
      kept: 'vpc-2',
    },
    {
      reason: 'the journal names the other copy: it gives the outputs',
      remembered: [{ logicalId: 'vpc', kind: 'ec2.Vpc', name: 'vpc', physicalId: 'vpc-1' }],
      kept: 'vpc-1',
    },
  ] as { reason: string; remembered: RememberedResource[]; kept: string }[])(
    '$reason',
    async ({ remembered, kept }) => {
      const result = await observeStack({
        project: PROJECT,
        stack: STACK,
        desired: [],
        clients: {} as AwsClients,
        observers: fixedObservers([vpc('vpc-1'), vpc('vpc-2'), subnet]),
        remembered,
      });

      expect(result.outputs.get('vpc')).toEqual({ id: kept });
      expect(result.observed.map((o) => [o.physicalId, o.duplicateOf])).toEqual([
        ['vpc-1', kept === 'vpc-1' ? undefined : 'vpc-2'],
        ['vpc-2', kept === 'vpc-2' ? undefined : 'vpc-1'],
        ['subnet-a', undefined],
      ]);
    },
  );
});
