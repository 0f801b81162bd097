/**
 * Adoption planning and execution: bringing an existing resource (created by hand, by another tool, or before stackctl) under
 * a stack's management without replacing it.
 *
 * The resource must be one the stack renders (same kind and logical id) and must be found where the
 * stack looks for it, by its deterministic name or by the id given. Adoption refuses when the resource
 * belongs to another stackctl stack, or when managing it would force a replacement (an immutable field
 * such as the name differs). Otherwise it adds the ownership tags (the kind's own tagging call) and
 * records the resource in the journal under the stack lease; the next reconcile applies the remaining,
 * in-place differences, which {@link planAdoption} shows beforehand.
 *
 * @module
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { AwsClients } from '../aws/types.js';
import type { DesiredResource, DesiredStack, ResourceKind } from '../desired/resource-types.js';
import { TAG_KEYS } from '../desired/resource-types.js';
import { isFullyOwnedBy, ownershipOf, ownershipTags } from '../desired/tags.js';
import { type Action, decideAction } from '../diff/index.js';
import type { ObservedResource } from '../observed/types.js';
import {
  acquireLease,
  appendEvent,
  ensureStateTable,
  Journal,
  keepLeaseAlive,
  readLease,
} from '../state/index.js';
import { ADOPTABLE_KINDS, ADOPTION_TAGGERS, AdoptError, tagForAdoption } from './adopt.js';
import { specHash } from './client-token.js';
import { planPass, StackLockedError } from './reconcile-stack.js';

/** What adopting one resource means, computed before anything changes. */
export interface AdoptionPlan {
  readonly desired: DesiredResource;
  readonly observed: ObservedResource;
  /** True when the stack already owns it: nothing to do. */
  readonly alreadyManaged: boolean;
  /** What the next reconcile does to it once adopted: `update` (with deltas) or `noop`. */
  readonly action: Action;
}

/** Inputs of {@link planAdoption}. */
export interface PlanAdoptionInput {
  readonly desired: DesiredStack;
  readonly clients: AwsClients;
  readonly kind: ResourceKind;
  readonly logicalId: string;
  /** The ARN, id or name the user gave. */
  readonly id: string;
}

function matchesId(o: ObservedResource, id: string): boolean {
  return o.physicalId === id || o.name === id || Object.values(o.outputs).some((v) => v === id);
}

/**
 * Observes the stack (read-only) and decides whether and how `id` can be adopted as `kind/logicalId`.
 *
 * @throws AdoptError when the kind cannot be adopted, the stack does not render it, the resource is
 *   not found, belongs to another stack, or would be replaced.
 */
export async function planAdoption(input: PlanAdoptionInput): Promise<AdoptionPlan> {
  const { desired: stack, kind, logicalId, id } = input;
  if (!ADOPTION_TAGGERS.has(kind)) {
    throw new AdoptError(
      'ADOPT_UNSUPPORTED_KIND',
      `${kind} cannot be adopted (yet); adoptable kinds: ${ADOPTABLE_KINDS.join(', ')}`,
    );
  }
  const desired = stack.resources.find((r) => r.kind === kind && r.logicalId === logicalId);
  if (!desired) {
    const same = stack.resources.filter((r) => r.kind === kind).map((r) => r.logicalId);
    throw new AdoptError(
      'ADOPT_NOT_RENDERED',
      `stack ${stack.stack} renders no ${kind} ${logicalId}${same.length > 0 ? ` (it renders ${same.join(', ')})` : ''}`,
    );
  }
  const remembered = [{ logicalId, kind, name: desired.name, physicalId: id }];
  const planned = await planPass(
    { desired: stack, clients: input.clients, finalSnapshot: false, allowDataLoss: false },
    remembered,
  );
  const found = planned.observed.filter((o) => o.kind === kind && matchesId(o, id));
  const observed = found.find((o) => o.logicalId === logicalId) ?? found[0];
  if (!observed) {
    throw new AdoptError(
      'ADOPT_NOT_FOUND',
      `no ${kind} "${id}" found in ${stack.region} (looked up by id and by the name the stack renders, ${desired.name})`,
    );
  }
  // A resource carrying only some of this stack's ownership tags is adopted (its tags completed).
  const ownership = ownershipOf(observed.tags, stack.project, stack.stack);
  const owned = ownership.kind === 'owned';
  const owner = observed.tags[TAG_KEYS.project];
  if (ownership.kind === 'foreign' && owner !== undefined) {
    throw new AdoptError(
      'ADOPT_FOREIGN_OWNER',
      `${observed.physicalId} is managed by stackctl stack ${owner}/${observed.tags[TAG_KEYS.stack] ?? '?'}; it will not be taken from it`,
    );
  }
  const other = planned.observed.find(
    (o) => o.logicalId === logicalId && o !== observed && isFullyOwnedBy(o.tags, stack.project, stack.stack),
  );
  if (other && !owned) {
    throw new AdoptError(
      'ADOPT_ALREADY_MANAGED',
      `stack ${stack.stack} already manages ${logicalId} as ${other.physicalId}`,
    );
  }
  const asOurs = {
    ...observed,
    logicalId,
    tags: { ...observed.tags, ...ownershipTags(stack.project, stack.stack, logicalId) },
  };
  const action = decideAction(desired, asOurs, {
    project: stack.project,
    stack: stack.stack,
    allowDataLoss: false,
    unsupportedKinds: new Set(),
    outputs: planned.outputs,
    changing: new Set(),
  });
  if (action.type !== 'update' && action.type !== 'noop') {
    const why = 'reason' in action ? action.reason : action.type;
    throw new AdoptError(
      'ADOPT_WOULD_REPLACE',
      `adopting ${observed.physicalId} as ${logicalId} would not keep it: ${why}`,
    );
  }
  return { desired, observed: asOurs, alreadyManaged: owned, action };
}

/** Inputs of {@link adoptResource}. */
export interface AdoptResourceInput {
  readonly plan: AdoptionPlan;
  readonly desired: DesiredStack;
  readonly clients: AwsClients;
  /** The state table. */
  readonly table: string;
  /** @default `<hostname>:<pid>:<uuid>` */
  readonly owner?: string;
}

/**
 * Tags the resource with the stack's ownership tags and journals it, under the stack lease, then
 * appends an `Adopted` event. Never recreates or modifies anything else.
 *
 * @throws StackLockedError when a pass holds the stack's lease.
 */
export async function adoptResource(input: AdoptResourceInput): Promise<void> {
  const { plan, desired: stack, clients } = input;
  const { observed } = plan;
  const ref = { client: clients.dynamodb, table: input.table, project: stack.project, stack: stack.stack };
  await ensureStateTable(clients.dynamodb, input.table);
  const lease = await acquireLease({
    ...ref,
    owner: input.owner ?? `${hostname()}:${process.pid}:${randomUUID()}`,
  });
  if (!lease) throw new StackLockedError(stack.stack, (await readLease(ref))?.owner);
  const keeper = keepLeaseAlive(lease);
  try {
    await tagForAdoption(clients, observed, ownershipTags(stack.project, stack.stack, observed.logicalId));
    const journal = new Journal({ ...ref, lease });
    await journal.recordApplied(observed.logicalId, {
      kind: observed.kind,
      name: observed.name,
      physicalId: observed.physicalId,
      outputs: observed.outputs,
      specHash: specHash(observed.spec),
    });
  } finally {
    await keeper.stop();
  }
  await appendEvent({
    ...ref,
    type: 'Normal',
    reason: 'Adopted',
    message: `adopted ${observed.kind} ${observed.physicalId} as ${observed.logicalId}`,
    logicalId: observed.logicalId,
  });
}
