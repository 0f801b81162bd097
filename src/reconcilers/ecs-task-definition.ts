/**
 * Applies `ecs.TaskDefinition`. Task definitions are immutable: create and update both mean "register a
 * new revision" (RegisterTaskDefinition, tags in the call). Registering is rate-limited (1/s refill) and
 * never deduplicated by AWS, so create first compares the latest ACTIVE revision with the desired spec and
 * adopts it when equal. Delete deregisters every ACTIVE revision of the family, then deletes every
 * INACTIVE one (10 per call).
 *
 * @module
 */
import {
  type Compatibility,
  type ContainerDefinition,
  DeleteTaskDefinitionsCommand,
  DeregisterTaskDefinitionCommand,
  DescribeTaskDefinitionCommand,
  type LogDriver,
  type NetworkMode,
  paginateListTaskDefinitions,
  RegisterTaskDefinitionCommand,
  type TaskDefinitionStatus,
  type TransportProtocol,
} from '@aws-sdk/client-ecs';
import type { AwsClients } from '../aws/types.js';
import type { Spec } from '../desired/resource-types.js';
import { isFullyOwnedBy } from '../desired/tags.js';
import { diffResource } from '../diff/compare.js';
import { StackctlError } from '../errors.js';
import { ecsTagsToRecord, recordToEcsTags } from '../observed/ecs-common.js';
import {
  alignTaskDefinition,
  familyOf,
  latestActiveRevision,
  normalizeTaskDefinition,
} from '../observed/ecs-task-definition.js';
import { chunks } from '../observed/observe-helpers.js';
import { assertObservedOwned, assertOwned, touchesSpec } from './apply-helpers.js';
import { syncEcsTags } from './ecs-common.js';
import {
  num,
  objList,
  optBool,
  optNum,
  optObj,
  optStr,
  optStrList,
  scalarStr,
  str,
  strList,
  strRecord,
} from './spec-read.js';
import type { Applier, ApplyContext, ApplyResult, ResolvedResource } from './types.js';

/** DeleteTaskDefinitions accepts at most 10 revisions per call. */
export const DELETE_TASK_DEFINITIONS_BATCH = 10;

/** DeleteTaskDefinitions failure reasons that mean "already on its way out": not an error for a delete. */
const ALREADY_DELETING = /DELETE_IN_PROGRESS|does not exist|not found/i;

/** A `ContainerDef` spec (docs/resource-specs.md) as the SDK's container definition. */
export function toContainerDefinition(c: Spec): ContainerDefinition {
  const hc = optObj(c, 'healthCheck');
  const log = optObj(c, 'logConfiguration');
  return {
    name: str(c, 'name'),
    image: str(c, 'image'),
    essential: optBool(c, 'essential') ?? true,
    memory: optNum(c, 'memory'),
    command: optStrList(c, 'command'),
    entryPoint: optStrList(c, 'entryPoint'),
    environment: objList(c, 'environment').map((e) => ({
      name: str(e, 'name'),
      value: scalarStr(e, 'value'),
    })),
    secrets: objList(c, 'secrets').map((s) => ({ name: str(s, 'name'), valueFrom: str(s, 'valueFrom') })),
    portMappings: objList(c, 'portMappings').map((p) => ({
      containerPort: num(p, 'containerPort'),
      hostPort: optNum(p, 'hostPort'),
      protocol: optStr(p, 'protocol') as TransportProtocol | undefined,
    })),
    healthCheck: hc && {
      command: strList(hc, 'command'),
      interval: optNum(hc, 'interval'),
      timeout: optNum(hc, 'timeout'),
      retries: optNum(hc, 'retries'),
      startPeriod: optNum(hc, 'startPeriod'),
    },
    logConfiguration: log && {
      logDriver: str(log, 'logDriver') as LogDriver,
      options: strRecord(log, 'options'),
    },
    user: optStr(c, 'user'),
    workingDirectory: optStr(c, 'workingDirectory'),
    readonlyRootFilesystem: optBool(c, 'readonlyRootFilesystem'),
    stopTimeout: optNum(c, 'stopTimeout'),
  };
}

async function register(desired: ResolvedResource, ctx: ApplyContext): Promise<ApplyResult> {
  const s = desired.spec;
  const res = await ctx.clients.ecs.send(
    new RegisterTaskDefinitionCommand({
      family: str(s, 'family'),
      cpu: String(num(s, 'cpu')),
      memory: String(num(s, 'memory')),
      networkMode: str(s, 'networkMode') as NetworkMode,
      requiresCompatibilities: strList(s, 'requiresCompatibilities') as Compatibility[],
      executionRoleArn: optStr(s, 'executionRoleArn'),
      taskRoleArn: optStr(s, 'taskRoleArn'),
      containerDefinitions: objList(s, 'containerDefinitions').map(toContainerDefinition),
      tags: recordToEcsTags(desired.tags),
    }),
  );
  const arn = res.taskDefinition?.taskDefinitionArn ?? '';
  return { physicalId: arn, outputs: { arn } };
}

/** Every revision ARN of `family` with `status`, oldest first. */
export async function listRevisions(
  clients: AwsClients,
  family: string,
  status: TaskDefinitionStatus,
): Promise<string[]> {
  const out: string[] = [];
  const pages = paginateListTaskDefinitions(
    { client: clients.ecs },
    { familyPrefix: family, status, sort: 'ASC' },
  );
  for await (const page of pages)
    out.push(...(page.taskDefinitionArns ?? []).filter((a) => familyOf(a) === family));
  return out;
}

/** Which ACTIVE revisions {@link deregisterOldRevisions} keeps. */
export interface RevisionRetention {
  /** How many of the newest ACTIVE revisions stay registered. */
  readonly keep: number;
  /** Revisions a service (any of its deployments) or a task uses right now: never deregistered. */
  readonly inUse: ReadonlySet<string>;
  /**
   * The stack whose revisions these are: a revision is deregistered only when it carries every ownership
   * tag of this stack (one registered by hand, or by another tool, in the same family is left alone).
   */
  readonly owner: { readonly project: string; readonly stack: string };
}

/**
 * Deregisters the ACTIVE revisions of `family` older than the newest `keep`, except those in use, so
 * revisions do not pile up with every deploy while the last few stay available for a rollback.
 * Deregistered revisions still serve tasks already running on them; `delete` removes them later.
 *
 * @returns the ARNs deregistered, oldest first
 */
export async function deregisterOldRevisions(
  clients: AwsClients,
  family: string,
  retention: RevisionRetention,
): Promise<readonly string[]> {
  // Ordered by revision number here, not trusting the listing's string order (`:10` before `:9`).
  const revision = (arn: string) => Number(arn.slice(arn.lastIndexOf(':') + 1));
  const active = (await listRevisions(clients, family, 'ACTIVE')).sort((a, b) => revision(a) - revision(b));
  const newest = new Set(active.slice(Math.max(0, active.length - retention.keep)));
  const candidates = active.filter((a) => !newest.has(a) && !retention.inUse.has(a));
  const old: string[] = [];
  for (const arn of candidates) {
    const { tags } = await clients.ecs.send(
      new DescribeTaskDefinitionCommand({ taskDefinition: arn, include: ['TAGS'] }),
    );
    if (!isFullyOwnedBy(ecsTagsToRecord(tags), retention.owner.project, retention.owner.stack)) continue;
    await clients.ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: arn }));
    old.push(arn);
  }
  return old;
}

/**
 * Registers a revision unless the family's newest ACTIVE revision already is the spec. Every
 * RegisterTaskDefinition adds a revision, so this read is what makes a retried step safe: when the
 * response to a register was lost (the revision exists, the client saw a reset), the step starts again
 * here and finds it instead of adding a second identical revision.
 */
async function registerUnlessNewestMatches(
  desired: ResolvedResource,
  ctx: ApplyContext,
): Promise<ApplyResult> {
  const latest = await latestActiveRevision(ctx, str(desired.spec, 'family'));
  if (latest) {
    const arn = latest.td.taskDefinitionArn ?? '';
    assertOwned(ecsTagsToRecord(latest.tags), ctx, desired.logicalId, arn);
    const live = alignTaskDefinition(normalizeTaskDefinition(latest.td), desired.spec, new Map());
    const same = diffResource(desired.spec, live, 'ecs.TaskDefinition').length === 0;
    if (same) return { physicalId: arn, outputs: { arn } };
  }
  return register(desired, ctx);
}

/** The `ecs.TaskDefinition` applier. */
export const ecsTaskDefinitionApplier: Applier = {
  kind: 'ecs.TaskDefinition',

  create: registerUnlessNewestMatches,

  async update(desired, observed, deltas, ctx) {
    assertObservedOwned(observed, ctx, 'update');
    if (touchesSpec(deltas)) return registerUnlessNewestMatches(desired, ctx);
    await syncEcsTags(ctx.clients, observed.physicalId, desired.tags, observed.tags);
    return { physicalId: observed.physicalId, outputs: observed.outputs };
  },

  async delete(observed, ctx) {
    assertObservedOwned(observed, ctx, 'delete');
    const family = familyOf(observed.physicalId);
    const active = await listRevisions(ctx.clients, family, 'ACTIVE');
    for (const arn of active) {
      await ctx.clients.ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: arn }));
    }
    // Deregistered now or earlier (deregisterOldRevisions): both are INACTIVE and deletable.
    const inactive = await listRevisions(ctx.clients, family, 'INACTIVE');
    for (const batch of chunks(inactive, DELETE_TASK_DEFINITIONS_BATCH)) {
      const res = await ctx.clients.ecs.send(new DeleteTaskDefinitionsCommand({ taskDefinitions: batch }));
      const failed = (res.failures ?? []).filter((f) => !ALREADY_DELETING.test(f.reason ?? ''));
      if (failed.length > 0) {
        const detail = failed.map((f) => `${f.arn ?? '?'}: ${f.reason ?? 'unknown'}`).join('; ');
        throw new StackctlError('TASK_DEFINITION_DELETE_FAILED', `${observed.logicalId}: ${detail}`);
      }
    }
  },
};
