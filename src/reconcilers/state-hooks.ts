/**
 * Connects the engine's crash-safety hooks to the DynamoDB journal: intent before every create, the id
 * after it, and forgetting after a confirmed delete.
 *
 * @module
 */
import type { Plan } from '../diff/types.js';
import type { Journal, JournalEntry } from '../state/index.js';
import { specHash } from './client-token.js';
import type { JournalHooks } from './engine-types.js';

/**
 * Journal hooks for one stack pass. Every write is fenced by the pass's lease inside the journal.
 * `entries` is the journal as the pass read it: a create a crashed pass left pending keeps its
 * generation (and so its client token); any other create starts a new one at `now`.
 */
export function journalHooks(
  journal: Journal,
  entries: readonly JournalEntry[] = [],
  now: () => number = Date.now,
): JournalHooks {
  const pending = new Map(
    entries.flatMap((e) => (e.createPending ? [[e.logicalId, e.createPending.at] as const] : [])),
  );
  return {
    createGeneration(logicalId) {
      return pending.get(logicalId) ?? new Date(now()).toISOString();
    },
    async beforeCreate(step, token, generation) {
      if (step.action.type === 'create' || step.action.type === 'replace') {
        const { desired } = step.action;
        await journal.recordIntent(step.logicalId, {
          kind: desired.kind,
          name: desired.name,
          token,
          ...(generation === undefined ? {} : { at: generation }),
        });
      }
    },
    async afterApply(step, result) {
      if (step.action.type === 'create' || step.action.type === 'replace' || step.action.type === 'update') {
        const { desired } = step.action;
        await journal.recordApplied(step.logicalId, {
          kind: desired.kind,
          name: desired.name,
          physicalId: result.physicalId,
          outputs: result.outputs,
          specHash: specHash(desired.spec),
        });
      }
    },
    async afterDelete(step) {
      // `logicalId#physicalId` steps remove a leftover duplicate: the journal's record is the survivor's.
      if (step.logicalId.includes('#')) return;
      await journal.forget(step.logicalId);
    },
  };
}

/**
 * Resolves the creates a crashed pass left pending whose resource this pass found up to date (ARCHITECTURE
 * "Crash safety" step 3): the observers looked it up by name or tag, so the journal records its id and
 * clears `createPending`. Without this, a resource created just before a `kill -9` is adopted as a noop
 * step, which writes nothing, and its entry would say "create in flight" forever. Pending entries of
 * steps that do change something are settled by `afterApply` (or `beforeCreate` when still missing).
 */
export async function settlePendingCreates(
  journal: Pick<Journal, 'recordApplied'>,
  entries: readonly JournalEntry[],
  plan: Plan,
): Promise<void> {
  const pending = new Set(entries.filter((e) => e.createPending).map((e) => e.logicalId));
  if (pending.size === 0) return;
  for (const step of plan.steps) {
    if (step.action.type !== 'noop' || !pending.has(step.logicalId)) continue;
    const { desired, observed } = step.action;
    await journal.recordApplied(step.logicalId, {
      kind: desired.kind,
      name: desired.name,
      physicalId: observed.physicalId,
      outputs: observed.outputs,
      specHash: specHash(desired.spec),
    });
  }
}
