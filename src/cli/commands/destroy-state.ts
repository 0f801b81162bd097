/**
 * The state table's part in `destroy`: the journal says which resources the stack created (so a destroy
 * without the compose file still finds resources that tag reads alone would miss), and the operator spec
 * of a `push`ed stack must stop the operator from recreating what destroy deletes.
 *
 * The spec is paused before the first delete (a running operator skips paused stacks at its next poll)
 * and removed once the destroy is complete; a partial destroy (data stores kept, a failure) leaves it
 * paused, so nothing comes back behind the user's back and `stacks resume` or `stacks rm` decide later.
 *
 * @module
 */
import { AwsCallError } from '../../aws/errors.js';
import { type RememberedResource, rememberedFromEntry } from '../../observed/observe-stack.js';
import type { ApplyReport } from '../../reconcilers/engine-types.js';
import {
  appendEvent,
  deleteSpec,
  getSpec,
  Journal,
  type StackRef,
  type StackSpecRecord,
  setPaused,
} from '../../state/index.js';

/** DynamoDB's error code for a table that does not exist: nothing was ever stored for the stack. */
const MISSING_TABLE_CODE = 'ResourceNotFoundException';

function isMissingTable(err: unknown): boolean {
  return err instanceof AwsCallError && err.awsCode === MISSING_TABLE_CODE;
}

/**
 * The journal's resources of a stack, read without a lease (reads need none); empty when the state table
 * does not exist. Used by the destroy preview so it plans exactly what the destroy pass will.
 */
export async function readRememberedResources(ref: StackRef): Promise<readonly RememberedResource[]> {
  try {
    const entries = await new Journal({ ...ref, lease: { owner: '', fence: 0 } }).list();
    return entries.map(rememberedFromEntry);
  } catch (err) {
    if (isMissingTable(err)) return [];
    throw err;
  }
}

/** The stack's operator spec, or undefined when it was never pushed (or there is no state table). */
export async function readOperatorSpec(ref: StackRef): Promise<StackSpecRecord | undefined> {
  try {
    return await getSpec(ref);
  } catch (err) {
    if (isMissingTable(err)) return undefined;
    throw err;
  }
}

/** What destroy did to the operator spec. */
export type OperatorSpecOutcome =
  /** The stack was never pushed. */
  | { readonly action: 'none' }
  /** Paused (or already paused) and left so: the destroy was partial. */
  | { readonly action: 'paused'; readonly generation: number }
  /** Removed from the state table after a complete destroy. */
  | { readonly action: 'removed'; readonly generation: number };

/**
 * Pauses a pushed stack's spec so a running operator stops reconciling it before destroy deletes
 * anything. Returns the spec as stored afterwards (unchanged when it was already paused).
 */
export async function pauseForDestroy(
  ref: StackRef,
  spec: StackSpecRecord,
  by: string,
): Promise<StackSpecRecord> {
  if (spec.paused) return spec;
  const paused = await setPaused({
    ...ref,
    paused: true,
    expectedGeneration: spec.generation,
    updatedBy: by,
  });
  await appendEvent({
    ...ref,
    type: 'Normal',
    reason: 'PausedForDestroy',
    message: `paused by ${by} before destroy`,
  });
  return paused;
}

/** True when the destroy left nothing of the stack behind (nothing kept, failed or blocked). */
export function isCompleteDestroy(report: ApplyReport): boolean {
  const s = report.summary;
  return report.ok && s.failed === 0 && s.blocked === 0 && s.skipped === 0;
}

/**
 * After destroy: removes the paused spec when the destroy was complete (conditionally on the generation
 * destroy paused, so a spec pushed again meanwhile survives), else leaves it paused.
 */
export async function settleSpecAfterDestroy(
  ref: StackRef,
  paused: StackSpecRecord,
  report: ApplyReport,
  by: string,
): Promise<OperatorSpecOutcome> {
  if (!isCompleteDestroy(report)) return { action: 'paused', generation: paused.generation };
  await deleteSpec({ ...ref, expectedGeneration: paused.generation });
  await appendEvent({
    ...ref,
    type: 'Normal',
    reason: 'SpecRemoved',
    message: `operator spec removed by ${by} after destroy`,
  });
  return { action: 'removed', generation: paused.generation };
}

/** One line telling the user what happened to the operator spec; empty when the stack was never pushed. */
export function describeSpecOutcome(outcome: OperatorSpecOutcome, ref: StackRef): string {
  const key = `${ref.project}/${ref.stack}`;
  switch (outcome.action) {
    case 'none':
      return '';
    case 'removed':
      return `Removed the operator spec of ${key} (generation ${outcome.generation}): the operator will not recreate it.\n`;
    case 'paused':
      return `The operator spec of ${key} stays paused (generation ${outcome.generation}) because the destroy was partial; \`stackctl stacks resume ${ref.stack}\` lets the operator recreate the stack, \`stackctl stacks rm ${ref.stack}\` deletes the rest.\n`;
  }
}
