import { describe, expect, it } from 'vitest';
import type { AwsClients } from '../../../src/aws/types.js';
import { ref } from '../../../src/desired/resource-types.js';
import { planStack } from '../../../src/diff/plan-stack.js';
import { specHash } from '../../../src/reconcilers/client-token.js';
import { applyPlan } from '../../../src/reconcilers/engine.js';
import { settlePendingCreates } from '../../../src/reconcilers/state-hooks.js';
import type { AppliedInput, JournalEntry } from '../../../src/state/index.js';
import { desired, PROJECT, STACK } from '../diff/fixtures.js';
import { FakeCloud } from './fake-cloud.js';

const vpc = desired('ec2.Vpc', 'vpc', { cidrBlock: '10.0.0.0/16' });
const subnet = (az: string) =>
  desired('ec2.Subnet', `subnet/${az}`, { vpcId: ref('vpc', 'id'), availabilityZone: az });

/** An in-memory journal: entries by logical id, updated as `recordApplied` would. */
class FakeJournal {
  readonly entries = new Map<string, JournalEntry>();

  constructor(entries: readonly JournalEntry[]) {
    for (const e of entries) this.entries.set(e.logicalId, e);
  }

  async recordApplied(logicalId: string, input: AppliedInput): Promise<void> {
    this.entries.set(logicalId, { logicalId, ...input, updatedAt: 'now' });
  }
}

function entry(logicalId: string, pending: boolean): JournalEntry {
  const kind = logicalId === 'vpc' ? 'ec2.Vpc' : 'ec2.Subnet';
  return {
    logicalId,
    kind,
    name: logicalId.replace('/', '-'),
    ...(pending ? { createPending: { token: `t-${logicalId}`, at: 'then' } } : { physicalId: 'kept' }),
    updatedAt: 'then',
  };
}

/** A cloud where vpc and subnet/a exist (created, then the pass "crashed" before journaling them). */
async function crashedCloud(): Promise<FakeCloud> {
  const cloud = new FakeCloud();
  const created = planStack({ project: PROJECT, stack: STACK, desired: [vpc, subnet('a')], observed: [] });
  await applyPlan({
    plan: created,
    appliers: cloud.appliers(['ec2.Vpc', 'ec2.Subnet']),
    ctx: { clients: {} as AwsClients, project: PROJECT, stack: STACK },
    outputs: new Map(),
    runStep: (fn) => fn(),
  });
  return cloud;
}

describe('settlePendingCreates', () => {
  it.each([
    {
      reason: 'a pending create whose resource was found up to date is recorded with its id and settled',
      entries: [entry('vpc', true)],
      expected: { vpc: { physicalId: 'ec2.Vpc/vpc', pending: false } },
    },
    {
      reason: 'a pending create whose resource is still missing stays pending (the create step settles it)',
      entries: [entry('subnet/b', true)],
      expected: { 'subnet/b': { physicalId: undefined, pending: true } },
    },
    {
      reason: 'an entry without a pending create is not rewritten',
      entries: [entry('subnet/a', false)],
      expected: { 'subnet/a': { physicalId: 'kept', pending: false } },
    },
  ])('$reason', async ({ entries, expected }) => {
    const cloud = await crashedCloud();
    const plan = planStack({
      project: PROJECT,
      stack: STACK,
      desired: [vpc, subnet('a'), subnet('b')],
      observed: cloud.observe(),
    });
    const journal = new FakeJournal(entries);

    await settlePendingCreates(journal, entries, plan);

    for (const [logicalId, want] of Object.entries(expected)) {
      const got = journal.entries.get(logicalId);
      expect(got?.physicalId).toBe(want.physicalId);
      expect(got?.createPending !== undefined).toBe(want.pending);
    }
  });

  it('records what was observed and the hash of the desired spec, as a create would have', async () => {
    const cloud = await crashedCloud();
    const plan = planStack({ project: PROJECT, stack: STACK, desired: [vpc], observed: cloud.observe() });
    const journal = new FakeJournal([entry('vpc', true)]);

    await settlePendingCreates(journal, [entry('vpc', true)], plan);

    expect(journal.entries.get('vpc')).toEqual({
      logicalId: 'vpc',
      kind: 'ec2.Vpc',
      name: 'vpc',
      physicalId: 'ec2.Vpc/vpc',
      outputs: { id: 'ec2.Vpc/vpc', arn: 'arn:ec2.Vpc/vpc', name: 'vpc' },
      specHash: specHash(vpc.spec),
      updatedAt: 'now',
    });
  });
});
