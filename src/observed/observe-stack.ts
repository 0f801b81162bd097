/**
 * Observes a whole stack: every kind's observer, level by level, so that later observers can use the ids
 * earlier ones found (a listener observer needs the load balancer's ARN).
 *
 * Kinds in one level do not reference each other and are read in parallel; the levels follow the create
 * order of ARCHITECTURE.md. Two live copies of one resource (a lost create response) are told apart
 * after every level (duplicates.ts): outputs, and so every later lookup, come from the kept one.
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
import { createPassReads } from './pass-reads.js';
import { createTagIndex } from './tag-index.js';
import { createTaskDefinitionCache, type TaskDefinitionCache } from './task-definition-cache.js';
import type { ObservedResource, Observer, ObserveTarget } from './types.js';

/** Kinds grouped so each level only references kinds of earlier levels. */
export const OBSERVE_LEVELS: readonly (readonly ResourceKind[])[] = [
  ['ec2.Vpc'],
  ['ec2.InternetGateway', 'ec2.Subnet', 'ec2.DhcpOptions', 'servicediscovery.Namespace'],
  ['ec2.NatGateway', 'ec2.SecurityGroup', 'servicediscovery.Service'],
  [
    'ec2.RouteTable',
    'logs.LogGroup',
    'iam.Role',
    'ssm.Parameter',
    'ecs.Cluster',
    'rds.DBSubnetGroup',
    'elasticache.SubnetGroup',
    'acm.Certificate',
  ],
  ['rds.DBInstance', 'elasticache.ReplicationGroup', 'elbv2.LoadBalancer', 'elbv2.TargetGroup'],
  ['ecs.TaskDefinition', 'elbv2.Listener', 'servicediscovery.Instance'],
  ['elbv2.ListenerRule', 'ecs.OneOffTask'],
  ['ecs.Service'],
  ['autoscaling.ScalableTarget', 'route53.Record'],
  ['autoscaling.ScalingPolicy'],
];

/** A resource the journal remembers, so removed resources are still looked up (and deleted). */
export interface RememberedResource {
  readonly logicalId: string;
  readonly kind: ResourceKind;
  readonly name: string;
  readonly physicalId?: string;
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

/** Reads every kind of the stack. Makes read calls only. */
export async function observeStack(input: ObserveStackInput): Promise<ObservedStack> {
  const outputs = new Map<string, Readonly<Record<string, string | number>>>();
  const observed: ObservedResource[] = [];
  const unsupported = new Set<ResourceKind>();
  const desiredByKind = groupByKind(input.desired);
  const desiredNames = new Map(input.desired.map((d) => [d.logicalId, d.name]));
  const journal = input.remembered ?? [];
  let marked: readonly ObservedResource[] = [];
  // One tagging-API read, one task-definition cache and one set of shared reads for the whole pass.
  const tagIndex = createTagIndex(input);
  const taskDefinitions = input.taskDefinitions ?? createTaskDefinitionCache();
  const passReads = createPassReads();
  for (const level of OBSERVE_LEVELS) {
    const found = await Promise.all(
      level.map(async (kind) => {
        const observer = input.observers.get(kind);
        if (!observer) {
          if (desiredByKind.has(kind)) unsupported.add(kind);
          return [];
        }
        const targets = targetsOf(kind, desiredByKind.get(kind) ?? [], input.remembered ?? [], outputs);
        const result = await observer
          .observe(targets, {
            clients: input.clients,
            project: input.project,
            stack: input.stack,
            outputs,
            tagIndex,
            taskDefinitions,
            passReads,
          })
          .catch((err: unknown) => {
            throw new ObserveKindError(
              kind,
              targets.map((t) => t.logicalId),
              err,
            );
          });
        input.onKind?.(kind, result.length);
        return result;
      }),
    );
    for (const list of found) observed.push(...list);
    // Chosen again after every level: what later kinds reference can only be counted once they are read.
    marked = markDuplicates(observed, journal, input);
    setOutputs(outputs, marked, desiredNames, input);
  }
  return { observed: marked, outputs, unsupportedKinds: unsupported };
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
