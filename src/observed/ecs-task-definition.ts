/**
 * Observes `ecs.TaskDefinition`: the latest ACTIVE revision of each family, normalized to the spec shape.
 *
 * A task definition is immutable, so "the resource" is its family and the live state is the newest ACTIVE
 * revision (the newest one of ours when a foreign revision was registered on top); `outputs.arn` is that revision's full ARN, which services reference. Families of this stack
 * that are no longer desired are discovered with ListTaskDefinitionFamilies(`<project>-<stack>-`).
 *
 * @module
 */
import {
  DescribeTaskDefinitionCommand,
  ListTaskDefinitionsCommand,
  paginateListTaskDefinitionFamilies,
  type Tag,
  type TaskDefinition,
} from '@aws-sdk/client-ecs';
import { awsErrorCode, isNotFound } from '../aws/errors.js';
import type { Spec, SpecValue } from '../desired/resource-types.js';
import { isOwnedBy } from '../desired/tags.js';
import { ecsTagsToRecord } from './ecs-common.js';
import { normalizeContainerDefinition } from './ecs-container-def.js';
import {
  alignToTarget,
  compactSpec,
  field,
  identify,
  listField,
  mapLimited,
  targetOf,
  uniqueSorted,
} from './observe-helpers.js';
import { isRevisionArn } from './task-definition-cache.js';
import type { ObserveContext, ObservedResource, Observer, ObserveTarget } from './types.js';

/** ListTaskDefinitionFamilies page size (the API maximum). */
const LIST_FAMILIES_PAGE = 100;

/** The family of a task-definition ARN (`…:task-definition/<family>:<revision>`) or `family:rev`. */
export function familyOf(arnOrFamily: string): string {
  const tail = arnOrFamily.slice(arnOrFamily.lastIndexOf('/') + 1);
  const colon = tail.lastIndexOf(':');
  return colon > 0 && /^\d+$/.test(tail.slice(colon + 1)) ? tail.slice(0, colon) : tail;
}

/** The family prefix every task definition of a stack starts with. */
export function stackFamilyPrefix(project: string, stack: string): string {
  return `${project}-${stack}-`;
}

/** Maps a task definition to the `ecs.TaskDefinition` spec shape. */
export function normalizeTaskDefinition(td: TaskDefinition): Spec {
  return compactSpec({
    containerDefinitions: (td.containerDefinitions ?? []).map(normalizeContainerDefinition),
    cpu: td.cpu,
    executionRoleArn: td.executionRoleArn,
    family: td.family,
    memory: td.memory,
    networkMode: td.networkMode,
    requiresCompatibilities: [...(td.requiresCompatibilities ?? [])].sort(),
    taskRoleArn: td.taskRoleArn,
  });
}

/** "No ACTIVE revision" comes back as a ClientException, not a NotFound. */
function isNoSuchTaskDefinition(err: unknown): boolean {
  return isNotFound(err) || awsErrorCode(err) === 'ClientException';
}

/** A task definition revision with its tags. */
export type Described = { readonly td: TaskDefinition; readonly tags: readonly Tag[] | undefined };

type DescribeContext = Pick<ObserveContext, 'clients' | 'taskDefinitions'>;

/**
 * DescribeTaskDefinition with tags, or undefined when there is no such revision. A full revision ARN is
 * answered from `ctx.taskDefinitions` when it was described before (a revision is immutable); every
 * answer is remembered there. A family name always asks AWS (its latest revision changes).
 */
async function describe(ctx: DescribeContext, ref: string): Promise<Described | undefined> {
  const cached = isRevisionArn(ref) ? ctx.taskDefinitions?.get(ref) : undefined;
  if (cached) return cached;
  try {
    const out = await ctx.clients.ecs.send(
      new DescribeTaskDefinitionCommand({ taskDefinition: ref, include: ['TAGS'] }),
    );
    if (!out.taskDefinition) return undefined;
    const described: Described = { td: out.taskDefinition, tags: out.tags };
    ctx.taskDefinitions?.remember(described);
    return described;
  } catch (err) {
    if (isNoSuchTaskDefinition(err)) return undefined;
    throw err;
  }
}

/**
 * One revision by ARN (or family: its latest), through the pass's task definition cache when it
 * has one: what other observers use instead of their own DescribeTaskDefinition.
 */
export async function describeRevision(ctx: DescribeContext, ref: string): Promise<Described | undefined> {
  return describe(ctx, ref);
}

/**
 * The newest ACTIVE revision of `family`, or undefined. Describing by family is AWS's "latest ACTIVE";
 * when a (non-conforming) endpoint answers with an INACTIVE revision, the ACTIVE list decides.
 */
export async function latestActiveRevision(
  ctx: DescribeContext,
  family: string,
): Promise<Described | undefined> {
  const first = await describe(ctx, family);
  if (!first) return undefined;
  if (first.td.status === 'ACTIVE') return first;
  const list = await ctx.clients.ecs.send(
    new ListTaskDefinitionsCommand({ familyPrefix: family, status: 'ACTIVE', sort: 'DESC' }),
  );
  const arn = (list.taskDefinitionArns ?? []).find((a) => familyOf(a) === family);
  if (!arn) return undefined;
  const again = await describe(ctx, arn);
  return again?.td.status === 'ACTIVE' ? again : undefined;
}

/** How many older ACTIVE revisions are described, newest first, looking for this stack's own one. */
export const OWNED_REVISION_LOOKBACK = 10;

/**
 * The newest ACTIVE revision of `family` carrying this stack's ownership tags, other than `latest`
 * (which is not ours), or undefined. A revision registered by hand on top of ours (the console's "create
 * new revision", a script) carries no tags: the family is still ours, what we own is our newest revision,
 * and a service moved onto the foreign one then shows as the service's own `taskDefinition` drift
 * instead of blocking the whole family as a conflict. Only runs when the latest revision is not ours.
 */
async function newestOwnedRevision(
  ctx: ObserveContext,
  family: string,
  latest: Described,
): Promise<Described | undefined> {
  const list = await ctx.clients.ecs.send(
    new ListTaskDefinitionsCommand({ familyPrefix: family, status: 'ACTIVE', sort: 'DESC' }),
  );
  const older = (list.taskDefinitionArns ?? [])
    .filter((a) => familyOf(a) === family && a !== latest.td.taskDefinitionArn)
    .slice(0, OWNED_REVISION_LOOKBACK);
  for (const arn of older) {
    const d = await describe(ctx, arn);
    if (d?.td.status !== 'ACTIVE') continue;
    if (isOwnedBy(ecsTagsToRecord(d.tags), ctx.project, ctx.stack)) return d;
  }
  return undefined;
}

/** The revision that stands for `family`: the latest ACTIVE one, or our newest when the latest is foreign. */
async function familyRevision(ctx: ObserveContext, family: string): Promise<Described | undefined> {
  const latest = await latestActiveRevision(ctx, family);
  if (!latest || isOwnedBy(ecsTagsToRecord(latest.tags), ctx.project, ctx.stack)) return latest;
  return (await newestOwnedRevision(ctx, family, latest)) ?? latest;
}

async function listStackFamilies(ctx: ObserveContext): Promise<string[]> {
  const out: string[] = [];
  const pages = paginateListTaskDefinitionFamilies(
    { client: ctx.clients.ecs },
    {
      familyPrefix: stackFamilyPrefix(ctx.project, ctx.stack),
      status: 'ACTIVE',
      maxResults: LIST_FAMILIES_PAGE,
    },
  );
  for await (const page of pages) out.push(...(page.families ?? []));
  return out;
}

/**
 * Orders each container's port mappings, and the compatibilities, like the target's desired spec: the
 * renderer keeps compose's port order, AWS echoes registration order, neither order means anything.
 */
export function alignTaskDefinition(
  spec: Spec,
  desired: Spec | undefined,
  outputs: ObserveContext['outputs'],
): Spec {
  if (!desired) return spec;
  const wanted = desired.containerDefinitions;
  const desiredContainers = Array.isArray(wanted) ? (wanted as readonly SpecValue[]) : [];
  const containers = listField<Spec>(spec, 'containerDefinitions').map((c) => {
    const like = desiredContainers.find((d) => field(d, 'name') === c.name);
    const ports = alignToTarget(listField(c, 'portMappings'), field(like, 'portMappings'), outputs);
    return ports.length > 0 ? { ...c, portMappings: ports } : c;
  });
  return {
    ...spec,
    containerDefinitions: containers,
    requiresCompatibilities: alignToTarget(
      listField(spec, 'requiresCompatibilities'),
      desired.requiresCompatibilities,
      outputs,
    ),
  };
}

function toObserved(d: Described, targets: readonly ObserveTarget[], ctx: ObserveContext): ObservedResource {
  const arn = d.td.taskDefinitionArn ?? '';
  const family = d.td.family ?? familyOf(arn);
  const tags = ecsTagsToRecord(d.tags);
  const byFamily = targets.find(
    (t) => t.name === family || (t.physicalId && familyOf(t.physicalId) === family),
  );
  const id = identify(arn, family, tags, targets, byFamily);
  return {
    kind: 'ecs.TaskDefinition',
    logicalId: id.logicalId,
    name: family,
    physicalId: arn,
    spec: alignTaskDefinition(
      normalizeTaskDefinition(d.td),
      targetOf(id.logicalId, targets)?.spec,
      ctx.outputs,
    ),
    tags,
    outputs: { arn },
    health: 'Healthy',
  };
}

/** The `ecs.TaskDefinition` observer. */
export const ecsTaskDefinitionObserver: Observer = {
  kind: 'ecs.TaskDefinition',
  async observe(targets, ctx) {
    const targeted = new Set<string>();
    for (const t of targets) targeted.add(t.physicalId ? familyOf(t.physicalId) : t.name);
    for (const t of targets) targeted.add(t.name);
    const families = uniqueSorted([...targeted, ...(await listStackFamilies(ctx))]);
    const found = await mapLimited(families, (f) => familyRevision(ctx, f));
    const out: ObservedResource[] = [];
    for (const d of found) {
      if (!d) continue;
      const observed = toObserved(d, targets, ctx);
      if (targeted.has(observed.name) || isOwnedBy(observed.tags, ctx.project, ctx.stack)) out.push(observed);
    }
    return out;
  },
};
