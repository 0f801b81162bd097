import { describe, expect, it } from 'vitest';
import type { FieldDelta, Plan } from '../../../src/diff/types.js';
import { updateInput } from '../../../src/reconcilers/ecs-service.js';
import { recordSecretBaselines } from '../../../src/reconcilers/secret-baselines.js';
import type { AppliedInput, JournalEntry } from '../../../src/state/index.js';
import { desired, observed, PROJECT, STACK } from '../diff/fixtures.js';

const CLUSTER = 'arn:aws:ecs:eu-west-1:123456789012:cluster/shop-prod';
const ARN = 'arn:aws:ecs:eu-west-1:123456789012:service/shop-prod/api';
const VERSIONS = [{ name: 'API_TOKEN', version: 4 }];

const spec = { cluster: CLUSTER, serviceName: 'api', desiredCount: 2, secretVersions: VERSIONS };
/** The spec of a service that reads no secret. */
const withoutVersions = { cluster: CLUSTER, serviceName: 'api', desiredCount: 2 };
const live = observed('ecs.Service', 'service/api', { ...spec, secretVersions: [] }, { physicalId: ARN });

function delta(path: string, from: unknown, to: unknown): FieldDelta {
  return { path, observed: from, desired: to, replace: false };
}

describe('updateInput: a changed secret is one UpdateService with a new deployment', () => {
  it.each([
    {
      reason: 'only a secret version changed: force a new deployment, send nothing else',
      deltas: [delta('secretVersions[0].version', 3, 4)],
      want: { cluster: CLUSTER, service: ARN, forceNewDeployment: true },
    },
    {
      reason: 'a secret and the count changed: one call carries both',
      deltas: [delta('secretVersions[0].version', 3, 4), delta('desiredCount', 1, 2)],
      want: { cluster: CLUSTER, service: ARN, desiredCount: 2, forceNewDeployment: true },
    },
    {
      reason: 'no secret changed: no new deployment is forced',
      deltas: [delta('desiredCount', 1, 2)],
      want: { cluster: CLUSTER, service: ARN, desiredCount: 2 },
    },
  ])('$reason', ({ deltas, want }) => {
    expect(updateInput(spec, live, deltas)).toEqual(want);
  });
});

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

function noopPlan(withVersions: boolean): Plan {
  const d = desired('ecs.Service', 'service/api', withVersions ? spec : withoutVersions);
  const o = observed('ecs.Service', 'service/api', spec, { physicalId: ARN, outputs: { arn: ARN } });
  return {
    project: PROJECT,
    stack: STACK,
    steps: [
      {
        logicalId: 'service/api',
        kind: 'ecs.Service',
        action: { type: 'noop', desired: d, observed: o },
        after: [],
      },
    ],
    summary: { create: 0, update: 0, replace: 0, delete: 0, noop: 1, conflict: 0, skip: 0 },
  };
}

function entry(outputs: Record<string, string>): JournalEntry {
  return { logicalId: 'service/api', kind: 'ecs.Service', name: 'api', outputs, updatedAt: 'then' };
}

describe('recordSecretBaselines', () => {
  it.each([
    {
      reason: 'an unchanged service without a record gets the current versions recorded',
      entries: [entry({ arn: ARN })],
      withVersions: true,
      want: { arn: ARN, secretVersions: 'API_TOKEN=4' },
    },
    {
      reason: 'a service with a record keeps it (the record is what runs, not what is current)',
      entries: [entry({ arn: ARN, secretVersions: 'API_TOKEN=3' })],
      withVersions: true,
      want: { arn: ARN, secretVersions: 'API_TOKEN=3' },
    },
    {
      reason: 'a service reading no secret is not written',
      entries: [entry({ arn: ARN })],
      withVersions: false,
      want: { arn: ARN },
    },
  ])('$reason', async ({ entries, withVersions, want }) => {
    const journal = new FakeJournal(entries);
    await recordSecretBaselines(journal, entries, noopPlan(withVersions));
    expect(journal.entries.get('service/api')?.outputs).toEqual(want);
  });
});
