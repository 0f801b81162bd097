/**
 * Duplicates: two live resources of this stack for one logical id, made by a lost response.
 *
 * A create whose response is lost (the server made the VPC, the client saw a reset and sent it again)
 * leaves two resources carrying the same four ownership tags and the same name. Only one of them is the
 * stack's resource: the other one is an extra that nothing was built on. Pairing the desired resource
 * with the wrong one (the new, empty VPC) would make the plan replace everything that references the
 * real one ("vpcId cannot change in place"), so the choice is made here, once, before any diff:
 *
 * 1. the one whose physical id the journal records: the pass that created it went on with that id;
 * 2. else the one the other observed resources reference most (its id or one of its outputs appears in
 *    their specs: the subnets' `vpcId`): what was built on it;
 * 3. else, among those tied, the one built on kept resources rather than on another extra (a subnet
 *    the lost-response VPC also got, inside it);
 * 4. else the lowest physical id. Nothing tells the two apart (ids carry no age), so the choice only has
 *    to be stable: two passes, or a plan and the reconcile after it, must keep the same one.
 *
 * The others are marked {@link ObservedResource.duplicateOf} the kept one's physical id; the planner
 * deletes them (data safety still keeps a stateful one). Only candidates with the same name are
 * duplicates: two owned resources with different names under one logical id are an interrupted
 * replacement (old name and new), which the planner settles by name as before. Resources missing an
 * ownership tag are never candidates: they are reported, never deleted (docs/RELIABILITY.md "Ownership").
 *
 * @module
 */

import type { ResourceKind } from '../desired/resource-types.js';
import { isFullyOwnedBy } from '../desired/tags.js';
import { isPlainObject } from '../diff/canonical-json.js';
import type { ObservedResource } from './types.js';

/** What the journal remembers of one resource: enough to recognise the one the stack went on with. */
export interface JournaledId {
  readonly logicalId: string;
  readonly kind: ResourceKind;
  readonly physicalId?: string;
}

/** Which rule chose the kept resource of a group (see the module doc). */
export type DuplicateBasis = 'journal' | 'references' | 'parents' | 'lowest-id';

/** The outcome for one group of same-identity candidates. */
export interface DuplicateChoice {
  readonly kind: ResourceKind;
  readonly logicalId: string;
  readonly kept: ObservedResource;
  /** The extras, by physical id ascending: each is deleted once nothing uses it. */
  readonly duplicates: readonly ObservedResource[];
  readonly basis: DuplicateBasis;
}

/** Whose resources are candidates: only those carrying every ownership tag of this stack. */
export interface DuplicateScope {
  readonly project: string;
  readonly stack: string;
}

/** What another resource would hold to reference `r`: its physical id and string outputs. */
function referenceValues(r: ObservedResource): ReadonlySet<string> {
  const values = new Set<string>([r.physicalId]);
  for (const v of Object.values(r.outputs)) if (typeof v === 'string' && v !== '') values.add(v);
  return values;
}

function mentions(value: unknown, values: ReadonlySet<string>): boolean {
  if (typeof value === 'string') return values.has(value);
  if (Array.isArray(value)) return value.some((v) => mentions(v, values));
  if (isPlainObject(value)) return Object.values(value).some((v) => mentions(v, values));
  return false;
}

/** Most rounds of {@link chooseAmongDuplicates}; choices settle in as many rounds as duplicates nest. */
const MAX_ROUNDS = 8;

/** What the other groups' choices tell one group: the extras found so far and what would reference them. */
interface Round {
  readonly extras: ReadonlySet<ObservedResource>;
  readonly extraValues: ReadonlySet<string>;
}

/**
 * How many observed resources outside `group` reference `candidate` in their spec; an extra of another
 * group (a subnet made in the duplicate VPC) does not count: it is about to go.
 */
function referenceCount(
  candidate: ObservedResource,
  group: ReadonlySet<ObservedResource>,
  observed: readonly ObservedResource[],
  round: Round,
): number {
  const values = referenceValues(candidate);
  return observed.filter((o) => !group.has(o) && !round.extras.has(o) && mentions(o.spec, values)).length;
}

function byPhysicalId(a: ObservedResource, b: ObservedResource): number {
  return a.physicalId < b.physicalId ? -1 : a.physicalId > b.physicalId ? 1 : 0;
}

/**
 * Picks the kept one of a group of two or more: the journaled one; else the most referenced; else, among
 * those tied, one built on kept resources rather than on another group's extra (a subnet in the kept
 * VPC, not in the duplicate); else the lowest physical id.
 */
function choose(
  group: readonly ObservedResource[],
  journaled: string | undefined,
  observed: readonly ObservedResource[],
  round: Round,
): { readonly kept: ObservedResource; readonly basis: DuplicateBasis } {
  const inJournal = group.find((o) => o.physicalId === journaled);
  if (inJournal !== undefined) return { kept: inJournal, basis: 'journal' };
  const members = new Set(group);
  const counted = [...group]
    .sort(byPhysicalId)
    .map((o) => ({ o, refs: referenceCount(o, members, observed, round) }));
  const most = Math.max(...counted.map((c) => c.refs));
  const top = counted.filter((c) => c.refs === most).map((c) => c.o);
  if (most > 0 && top.length === 1) return { kept: top[0] as ObservedResource, basis: 'references' };
  const onKept = top.filter((o) => !mentions(o.spec, round.extraValues));
  if (onKept.length > 0 && onKept.length < top.length) {
    return { kept: onKept[0] as ObservedResource, basis: 'parents' };
  }
  return { kept: top[0] as ObservedResource, basis: 'lowest-id' };
}

/** Groups of two or more distinct fully-owned resources with the same kind, logical id and name. */
function sameIdentityGroups(
  observed: readonly ObservedResource[],
  scope: DuplicateScope,
): ObservedResource[][] {
  const groups = new Map<string, Map<string, ObservedResource>>();
  for (const o of observed) {
    if (!isFullyOwnedBy(o.tags, scope.project, scope.stack)) continue;
    const key = JSON.stringify([o.kind, o.logicalId, o.name]);
    const group = groups.get(key) ?? new Map<string, ObservedResource>();
    if (!group.has(o.physicalId)) group.set(o.physicalId, o);
    groups.set(key, group);
  }
  return [...groups.values()].map((g) => [...g.values()]).filter((g) => g.length > 1);
}

/**
 * Finds every group of two or more fully-owned observed resources with the same kind, logical id and
 * name, and decides which one of each is kept. Pure; groups come out sorted by kind then logical id.
 * One group's choice can depend on another's (a duplicated subnet inside a duplicated VPC), so the
 * choices are made again, knowing the extras of the previous round, until they no longer change.
 *
 * @example
 * chooseAmongDuplicates(observed, journal, { project: 'shop', stack: 'prod' })
 * // [{ kind: 'ec2.Vpc', logicalId: 'vpc', kept: <vpc-2>, duplicates: [<vpc-1>], basis: 'journal' }]
 */
export function chooseAmongDuplicates(
  observed: readonly ObservedResource[],
  journal: readonly JournaledId[],
  scope: DuplicateScope,
): readonly DuplicateChoice[] {
  const groups = sameIdentityGroups(observed, scope);
  if (groups.length === 0) return [];
  const recorded = new Map(journal.map((j) => [JSON.stringify([j.kind, j.logicalId]), j.physicalId]));
  let choices: DuplicateChoice[] = [];
  let round: Round = { extras: new Set(), extraValues: new Set() };
  for (let i = 0; i < MAX_ROUNDS; i += 1) {
    const current = round;
    choices = groups.map((group) => {
      const { kind, logicalId } = group[0] as ObservedResource;
      const journaled = recorded.get(JSON.stringify([kind, logicalId]));
      const { kept, basis } = choose(group, journaled, observed, current);
      const duplicates = group.filter((o) => o !== kept).sort(byPhysicalId);
      return { kind, logicalId, kept, duplicates, basis };
    });
    const extras = new Set(choices.flatMap((c) => c.duplicates));
    const same = extras.size === round.extras.size && [...extras].every((e) => round.extras.has(e));
    if (same && i > 0) break;
    round = { extras, extraValues: new Set([...extras].flatMap((e) => [...referenceValues(e)])) };
  }
  return choices.sort((a, b) =>
    a.kind === b.kind ? (a.logicalId < b.logicalId ? -1 : 1) : a.kind < b.kind ? -1 : 1,
  );
}

/**
 * The observed list with every duplicate ({@link chooseAmongDuplicates}) marked `duplicateOf` its kept
 * one's physical id, same order; marks from an earlier call are recomputed, so it can run again once
 * more of the stack has been read.
 */
export function markDuplicates(
  observed: readonly ObservedResource[],
  journal: readonly JournaledId[],
  scope: DuplicateScope,
): readonly ObservedResource[] {
  const unmarked = observed.map(({ duplicateOf: _, ...rest }): ObservedResource => rest);
  // By kind and physical id, never by object: the same resource listed twice is not its own duplicate.
  const keptBy = new Map<string, string>();
  for (const c of chooseAmongDuplicates(unmarked, journal, scope)) {
    for (const d of c.duplicates) keptBy.set(JSON.stringify([d.kind, d.physicalId]), c.kept.physicalId);
  }
  return unmarked.map((o) => {
    const kept = keptBy.get(JSON.stringify([o.kind, o.physicalId]));
    return kept === undefined ? o : { ...o, duplicateOf: kept };
  });
}
