/**
 * The first record of a service's secret versions (diff/secret-versions.ts), for services that have no
 * record yet: ones created before stackctl recorded versions, or whose journal entry was lost.
 *
 * A service without a record is planned as running the current versions (never a blanket restart after
 * an upgrade); this writes those versions into its journal entry on a pass that left it unchanged, so
 * the next change of a secret it reads is seen. One state-table write per such service, once; no AWS
 * call. A service the pass created or updated is recorded by the apply's own journal write instead.
 *
 * @module
 */
import { SECRET_VERSIONS_FIELD, secretVersionsOutput } from '../diff/secret-versions.js';
import type { Plan } from '../diff/types.js';
import type { Journal, JournalEntry } from '../state/index.js';
import { specHash } from './client-token.js';

/** Records the versions of every unchanged `ecs.Service` whose journal entry has none. */
export async function recordSecretBaselines(
  journal: Pick<Journal, 'recordApplied'>,
  entries: readonly JournalEntry[],
  plan: Plan,
): Promise<void> {
  const recorded = new Set(
    entries.filter((e) => typeof e.outputs?.[SECRET_VERSIONS_FIELD] === 'string').map((e) => e.logicalId),
  );
  for (const step of plan.steps) {
    if (step.action.type !== 'noop' || step.kind !== 'ecs.Service' || recorded.has(step.logicalId)) continue;
    const { desired, observed } = step.action;
    const versions = secretVersionsOutput(desired.spec);
    if (Object.keys(versions).length === 0) continue;
    await journal.recordApplied(step.logicalId, {
      kind: desired.kind,
      name: desired.name,
      physicalId: observed.physicalId,
      outputs: { ...observed.outputs, ...versions },
      specHash: specHash(desired.spec),
    });
  }
}
