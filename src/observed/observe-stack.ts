/**
 * Observes a whole stack: every kind's observer at once, each waiting only for the kinds whose outputs it
 * reads (observe-graph.ts), so the pass takes as long as its longest chain of dependent calls, not the
 * sum of every kind's. Two live copies of one resource (a lost create response) are told apart after
 * every kind (duplicates.ts): outputs, and so every later lookup, come from the kept one.
 *
 * @module
 */
import { sanitizeAwsMessage, withCallSite } from '../aws/index.js';
import type { AwsClients } from '../aws/types.js';
import type { DesiredResource, ResourceKind } from '../desired/resource-types.js';
import { isOwnedBy } from '../desired/tags.js';
import { resolveRefsPartial } from '../diff/index.js';
import { StackctlError } from '../errors.js';
import { markDuplicates } from './duplicates.js';
import { EARLY_OUTPUT_NEEDS, type ObserveGraph, observeGraph, PREFETCHED_KINDS } from './observe-graph.js';
import { createPassReads } from './pass-reads.js';
import { withReadMemo } from './read-memo.js';
import { createTagIndex } from './tag-index.js';
import { createTaskDefinitionCache, type TaskDefinitionCache } from './task-definition-cache.js';
import type { ObserveContext, ObservedResource, Observer, ObserveTarget } from './types.js';

/**
 * Every kind observeStack reads, in the create order of ARCHITECTURE.md (the order `onKind` reports in
 * when nothing overlaps). The order no longer gates anything: observe-graph.ts says what waits for what.
 */
export const OBSERVED_KINDS: readonly ResourceKind[] = [
  'ec2.Vpc',
  'ec2.InternetGateway',
  'ec2.Subnet',
  'ec2.DhcpOptions',
  'servicediscovery.Namespace',
  'ec2.NatGateway',
  'ec2.SecurityGroup',
  'servicediscovery.Service',
  'ec2.RouteTable',
  'logs.LogGroup',
  'iam.Role',
  'ssm.Parameter',
  'ecs.Cluster',
  'rds.DBSubnetGroup',
  'elasticache.SubnetGroup',
  'acm.Certificate',
  'rds.DBInstance',
  'elasticache.ReplicationGroup',
  'elbv2.LoadBalancer',
  'elbv2.TargetGroup',
  'ecs.TaskDefinition',
  'elbv2.Listener',
  'servicediscovery.Instance',
  'elbv2.ListenerRule',
  'ecs.OneOffTask',
  'ecs.Service',
  'autoscaling.ScalableTarget',
  'route53.Record',
  'autoscaling.ScalingPolicy',
];

/** A resource the journal remembers, so removed resources are still looked up (and deleted). */
export interface RememberedResource {
  readonly logicalId: string;
  readonly kind: ResourceKind;
  readonly name: string;
  readonly physicalId?: string;
  /**
   * The secret versions an `ecs.Service` was last rolled out with, as its journal entry recorded them
   * (`outputs.secretVersions`, diff/secret-versions.ts); absent when there is no record.
   */
  readonly secretVersions?: string;
}

/** A journal entry's {@link RememberedResource}: its id, and the secret versions it recorded, if any. */
export function rememberedFromEntry(e: {
  readonly logicalId: string;
  readonly kind: ResourceKind;
  readonly name: string;
  readonly physicalId?: string;
  readonly outputs?: Readonly<Record<string, string | number>>;
}): RememberedResource {
  const versions = e.outputs?.secretVersions;
  return {
    logicalId: e.logicalId,
    kind: e.kind,
    name: e.name,
    ...(e.physicalId ? { physicalId: e.physicalId } : {}),
    ...(typeof versions === 'string' ? { secretVersions: versions } : {}),
  };
}

/** Inputs of {@link observeStack}. */
export interface ObserveStackInput {
  readonly project: string;
  readonly stack: string;
  readonly desired: readonly DesiredResource[];
  readonly clients: AwsClients;
  readonly observers: ReadonlyMap<ResourceKind, Observer>;
  /** From the state journal. @default none */
  readonly remembered?: readonly RememberedResource[];
  /** Called when a kind has been read, for progress output. */
  readonly onKind?: (kind: ResourceKind, found: number) => void;
  /**
   * Task definition revisions described before, by ARN: the operator passes one it keeps across passes.
   * @default a fresh cache for this pass
   */
  readonly taskDefinitions?: TaskDefinitionCache;
}

/** What a stack looks like live. */
export interface ObservedStack {
  /** Everything read; extra copies of an owned resource carry `duplicateOf` (duplicates.ts). */
  readonly observed: readonly ObservedResource[];
  /** Outputs by logical id, of resources owned by this stack (never of foreign ones). */
  readonly outputs: Map<string, Readonly<Record<string, string | number>>>;
  /** Kinds that have no observer: the planner skips them. */
  readonly unsupportedKinds: ReadonlySet<ResourceKind>;
}

/** Most logical ids an {@link ObserveKindError} lists before it says "and N more". */
const MAX_IDS_NAMED = 3;

/**
 * Reading one kind failed: names the kind and the logical ids it was reading, plus the AWS call that
 * failed (from the cause's call site), so `plan` says `observing ecs.Service (service/web): ecs:Describe…`
 * instead of a bare AWS error. The cause is kept, so the failure still classifies (throttle, busy…).
 */
export class ObserveKindError extends StackctlError {
  readonly kind: ResourceKind;
  readonly logicalIds: readonly string[];

  constructor(kind: ResourceKind, logicalIds: readonly string[], cause: unknown) {
    const shown = logicalIds.slice(0, MAX_IDS_NAMED).join(', ');
    const more = logicalIds.length > MAX_IDS_NAMED ? ` and ${logicalIds.length - MAX_IDS_NAMED} more` : '';
    const ids = logicalIds.length > 0 ? ` (${shown}${more})` : '';
    const detail =
      cause instanceof Error ? `${cause.name}: ${sanitizeAwsMessage(cause.message)}` : String(cause);
    super('OBSERVE_FAILED', `observing ${kind}${ids}: ${withCallSite(detail, cause)}`, { cause });
    this.name = 'ObserveKindError';
    this.kind = kind;
    this.logicalIds = logicalIds;
  }
}

/**
 * Reads every kind of the stack. Makes read calls only.
 *
 * Each kind starts as soon as the kinds it needs (observe-graph.ts) are done; a kind of
 * {@link PREFETCHED_KINDS} also starts at once against the pass's read memo, so its calls overlap its
 * needs', and is observed again from the memo when they are done (its early outputs meet the needs of
 * {@link EARLY_OUTPUT_NEEDS}). After every kind, the duplicates are chosen again over everything read so
 * far (duplicates.ts) and `outputs` refilled from the kept copies, so a kind that starts later resolves
 * its targets against the kept copy of each parent; once more at the end, over the whole pass.
 */
export async function observeStack(input: ObserveStackInput): Promise<ObservedStack> {
  const outputs = new Map<string, Readonly<Record<string, string | number>>>();
  const observed: ObservedResource[] = [];
  const unsupported = new Set<ResourceKind>();
  const desiredByKind = groupByKind(input.desired);
  const desiredNames = new Map(input.desired.map((d) => [d.logicalId, d.name]));
  const journal = input.remembered ?? [];
  let marked: readonly ObservedResource[] = [];
  // One tagging-API read, one task-definition cache, one set of shared reads and one read memo per pass.
  const tagIndex = createTagIndex(input);
  const taskDefinitions = input.taskDefinitions ?? createTaskDefinitionCache();
  const passReads = createPassReads();
  const clients = withReadMemo(input.clients);
  const observable = OBSERVED_KINDS.filter((kind) => {
    if (input.observers.has(kind)) return true;
    if (desiredByKind.has(kind)) unsupported.add(kind);
    return false;
  });
  const graph = observeGraph(observable, input.desired);
  const context = (): ObserveContext => ({
    clients,
    project: input.project,
    stack: input.stack,
    outputs,
    tagIndex,
    taskDefinitions,
    passReads,
  });
  // Outputs of early runs, for the needs EARLY_OUTPUT_NEEDS lets them meet; the pass's own outputs win.
  const earlyOutputs = new Map<string, Readonly<Record<string, string | number>>>();
  const earlyRead = new Map<ResourceKind, Promise<boolean>>();
  const targetsNow = (kind: ResourceKind): ObserveTarget[] => {
    const known = EARLY_OUTPUT_NEEDS[kind] ? new Map([...earlyOutputs, ...outputs]) : outputs;
    return targetsOf(kind, desiredByKind.get(kind) ?? [], journal, known);
  };
  const done = new Map<ResourceKind, Promise<void>>();
  const needMet = async (kind: ResourceKind, need: ResourceKind): Promise<void> => {
    if (EARLY_OUTPUT_NEEDS[kind]?.includes(need) && (await earlyRead.get(need))) return;
    await done.get(need);
  };

  const observeKind = async (kind: ResourceKind, observer: Observer): Promise<void> => {
    const needs = [...(graph.get(kind) ?? [])];
    // Started early, its answers land in the memo; its result only serves EARLY_OUTPUT_NEEDS.
    const early =
      needs.length > 0 && PREFETCHED_KINDS.has(kind)
        ? observer.observe(targetsNow(kind), context()).then(
            (found) => {
              const own = new Map<string, Readonly<Record<string, string | number>>>();
              setOutputs(own, markDuplicates(found, journal, input), desiredNames, input);
              for (const [id, out] of own) earlyOutputs.set(id, out);
              return true;
            },
            () => false,
          )
        : undefined;
    if (early) earlyRead.set(kind, early);
    await Promise.all(needs.map((need) => needMet(kind, need)));
    const targets = targetsNow(kind);
    const result = await observer.observe(targets, context()).catch((err: unknown) => {
      throw new ObserveKindError(
        kind,
        targets.map((t) => t.logicalId),
        err,
      );
    });
    await early;
    input.onKind?.(kind, result.length);
    observed.push(...result);
    // Chosen again after every kind: what later kinds reference can only be counted once they are read.
    marked = markDuplicates(observed, journal, input);
    setOutputs(outputs, marked, desiredNames, input);
  };
  // Registered in graph order so every need's promise exists before a dependent looks it up.
  for (const kind of topologicalOrder(graph, observable)) {
    const observer = input.observers.get(kind);
    if (observer) done.set(kind, observeKind(kind, observer));
  }
  await settleAll([...done.values()]);
  marked = markDuplicates(observed, journal, input);
  setOutputs(outputs, marked, desiredNames, input);
  return { observed: marked, outputs, unsupportedKinds: unsupported };
}

/** Kinds ordered so every kind comes after the kinds it needs (the graph is acyclic: observeGraph). */
function topologicalOrder(graph: ObserveGraph, kinds: readonly ResourceKind[]): ResourceKind[] {
  const out: ResourceKind[] = [];
  const seen = new Set<ResourceKind>();
  const visit = (kind: ResourceKind): void => {
    if (seen.has(kind)) return;
    seen.add(kind);
    for (const need of graph.get(kind) ?? []) visit(need);
    out.push(kind);
  };
  for (const kind of kinds) visit(kind);
  return out;
}

/**
 * Waits for every kind, then throws the first failure (in graph order): a failed kind must not leave
 * others running unobserved, and the first error is the one `plan` reports.
 */
async function settleAll(pending: readonly Promise<void>[]): Promise<void> {
  const results = await Promise.allSettled(pending);
  for (const r of results) if (r.status === 'rejected') throw r.reason;
}

/**
 * Refills `outputs` from the owned, non-duplicate resources of `observed`. Mid-replacement two owned
 * resources share a logical id under different names: the one with the desired name wins.
 */
function setOutputs(
  outputs: Map<string, Readonly<Record<string, string | number>>>,
  observed: readonly ObservedResource[],
  desiredNames: ReadonlyMap<string, string>,
  scope: { readonly project: string; readonly stack: string },
): void {
  outputs.clear();
  for (const o of observed) {
    if (!isOwnedBy(o.tags, scope.project, scope.stack) || o.duplicateOf !== undefined) continue;
    const wanted = desiredNames.get(o.logicalId);
    if (!outputs.has(o.logicalId) || wanted === o.name) outputs.set(o.logicalId, o.outputs);
  }
}

function groupByKind(resources: readonly DesiredResource[]): Map<ResourceKind, DesiredResource[]> {
  const map = new Map<ResourceKind, DesiredResource[]>();
  for (const r of resources) map.set(r.kind, [...(map.get(r.kind) ?? []), r]);
  return map;
}

function targetsOf(
  kind: ResourceKind,
  desired: readonly DesiredResource[],
  remembered: readonly RememberedResource[],
  outputs: ReadonlyMap<string, Readonly<Record<string, string | number>>>,
): ObserveTarget[] {
  const byId = new Map<string, ObserveTarget>();
  for (const r of remembered) {
    if (r.kind !== kind) continue;
    byId.set(r.logicalId, {
      logicalId: r.logicalId,
      name: r.name,
      ...(r.physicalId ? { physicalId: r.physicalId } : {}),
    });
  }
  for (const d of desired) {
    const prior = byId.get(d.logicalId);
    byId.set(d.logicalId, {
      logicalId: d.logicalId,
      name: d.name,
      ...(prior?.physicalId && prior.name === d.name ? { physicalId: prior.physicalId } : {}),
      spec: resolveRefsPartial(d.spec, outputs).spec,
    });
  }
  return [...byId.values()];
}
