/**
 * Connects the engine's crash-safety hooks to the DynamoDB journal: intent before every create, the id
 * after it, and forgetting after a confirmed delete.
 *
 * @module
 */
import type { Journal } from '../state/index.js';
import { specHash } from './client-token.js';
import type { JournalHooks } from './engine-types.js';

/** Journal hooks for one stack pass. Every write is fenced by the pass's lease inside the journal. */
export function journalHooks(journal: Journal): JournalHooks {
  return {
    async beforeCreate(step, token) {
      if (step.action.type === 'create' || step.action.type === 'replace') {
        const { desired } = step.action;
        await journal.recordIntent(step.logicalId, { kind: desired.kind, name: desired.name, token });
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
