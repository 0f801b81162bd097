/**
 * Retiring old task definition revisions after a pass: every deploy registers a revision and AWS never
 * removes one, so without this a family grows by one ACTIVE revision per image change forever.
 *
 * After a pass registered a new revision of a family and every service and one-off task using that
 * family rolled out to it (their steps applied or had nothing to do), the family keeps its newest
 * {@link TASK_DEFINITION_REVISIONS_KEPT} ACTIVE revisions, for rollbacks, and the older ones are
 * deregistered, except any revision a service deployment or a running task still uses. A family whose
 * rollout failed keeps everything: its previous revision may be what the service runs on.
 *
 * The number kept is a constant, not a stack-file setting (yet): five covers "roll back a few deploys"
 * and a deregistered revision still serves tasks already running on it.
 *
 * @module
 */
import { DescribeServicesCommand, DescribeTasksCommand, paginateListTasks } from '@aws-sdk/client-ecs';
import type { AwsClients } from '../aws/types.js';
import { isRef, type Spec } from '../desired/resource-types.js';
import { type OutputsByLogicalId, resolveRefsPartial } from '../diff/resolve-refs.js';
import type { Plan, PlanStep } from '../diff/types.js';
import { describeServicesInput, describeTasksInput } from '../observed/ecs-describe.js';
import { DESCRIBE_SERVICES_BATCH } from '../observed/ecs-service.js';
import { chunks } from '../observed/observe-helpers.js';
import { deregisterOldRevisions } from './ecs-task-definition.js';
import type { ApplyReport, StepResult } from './engine-types.js';

/** ACTIVE revisions kept per task definition family (the newest ones), besides any still in use. */
export const TASK_DEFINITION_REVISIONS_KEPT = 5;

/** DescribeTasks takes at most 100 tasks per call. */
const DESCRIBE_TASKS_BATCH = 100;

/** Kinds that run a task definition: their rollout must have succeeded before revisions are retired. */
const RUNS_TASK_DEFINITION = new Set(['ecs.Service', 'ecs.OneOffTask']);

/** What happened to one family. */
export type RevisionCleanup =
  | { readonly family: string; readonly deregistered: readonly string[] }
  | { readonly family: string; readonly error: Error };

/** Everything {@link retireOldRevisions} needs from a finished pass. */
export interface RetireInput {
  readonly clients: AwsClients;
  readonly plan: Plan;
  readonly report: ApplyReport;
  /** Outputs after the pass (cluster ARNs), as the engine left them. */
  readonly outputs: OutputsByLogicalId;
  /** @default TASK_DEFINITION_REVISIONS_KEPT */
  readonly keep?: number;
  /** The stack: only revisions carrying all its ownership tags are deregistered. */
  readonly owner: { readonly project: string; readonly stack: string };
}

/** A family this pass registered a new revision of, with the steps that run it. */
interface RolledFamily {
  readonly family: string;
  readonly users: readonly PlanStep[];
}

const succeeded = (r: StepResult | undefined): boolean => r?.status === 'applied' || r?.status === 'noop';

function desiredSpecOf(step: PlanStep): Spec | undefined {
  const a = step.action;
  return a.type === 'create' || a.type === 'update' || a.type === 'replace' || a.type === 'noop'
    ? a.desired.spec
    : undefined;
}

/** Families whose new revision this pass registered and every user of which rolled out. */
export function rolledOutFamilies(plan: Plan, report: ApplyReport): readonly RolledFamily[] {
  const results = new Map(report.results.map((r) => [r.logicalId, r]));
  const out: RolledFamily[] = [];
  for (const step of plan.steps) {
    if (step.kind !== 'ecs.TaskDefinition') continue;
    const result = results.get(step.logicalId);
    if (result?.status !== 'applied') continue; // no new revision, or it failed
    const family = desiredSpecOf(step)?.family;
    if (typeof family !== 'string') continue;
    const users = plan.steps.filter((s) => {
      const ref = RUNS_TASK_DEFINITION.has(s.kind) ? desiredSpecOf(s)?.taskDefinition : undefined;
      return isRef(ref) && ref.$ref === step.logicalId;
    });
    if (users.every((u) => succeeded(results.get(u.logicalId)))) out.push({ family, users });
  }
  return out;
}

/** The revisions the family's services (every deployment) and running tasks use right now. */
async function revisionsInUse(
  clients: AwsClients,
  family: string,
  users: readonly PlanStep[],
  outputs: OutputsByLogicalId,
): Promise<Set<string>> {
  const inUse = new Set<string>();
  const servicesByCluster = new Map<string, string[]>();
  const clusters = new Set<string>();
  for (const user of users) {
    const spec = desiredSpecOf(user);
    if (!spec) continue;
    const { spec: resolved } = resolveRefsPartial(spec, outputs);
    const cluster = resolved.cluster;
    if (typeof cluster !== 'string') continue;
    clusters.add(cluster);
    if (user.kind === 'ecs.Service' && typeof resolved.serviceName === 'string') {
      servicesByCluster.set(cluster, [...(servicesByCluster.get(cluster) ?? []), resolved.serviceName]);
    }
  }
  for (const [cluster, names] of servicesByCluster) {
    for (const batch of chunks(names, DESCRIBE_SERVICES_BATCH)) {
      const res = await clients.ecs.send(new DescribeServicesCommand(describeServicesInput(cluster, batch)));
      for (const svc of res.services ?? []) {
        if (svc.taskDefinition) inUse.add(svc.taskDefinition);
        for (const d of svc.deployments ?? []) if (d.taskDefinition) inUse.add(d.taskDefinition);
      }
    }
  }
  for (const cluster of clusters) {
    const arns: string[] = [];
    for await (const page of paginateListTasks({ client: clients.ecs }, { cluster, family })) {
      arns.push(...(page.taskArns ?? []));
    }
    for (const batch of chunks(arns, DESCRIBE_TASKS_BATCH)) {
      const res = await clients.ecs.send(new DescribeTasksCommand(describeTasksInput(cluster, batch)));
      for (const t of res.tasks ?? []) if (t.taskDefinitionArn) inUse.add(t.taskDefinitionArn);
    }
  }
  return inUse;
}

/**
 * Deregisters old revisions of every family this pass rolled out (see the module doc). Never throws: a
 * family that cannot be cleaned up is reported with its error and tried again after its next rollout.
 * Families are cleaned up side by side (issue 11: a pass's tail was 4 reads per family in sequence); the
 * results keep the families' order.
 */
export async function retireOldRevisions(input: RetireInput): Promise<readonly RevisionCleanup[]> {
  const keep = input.keep ?? TASK_DEFINITION_REVISIONS_KEPT;
  const retire = async ({ family, users }: RolledFamily): Promise<RevisionCleanup> => {
    try {
      const inUse = await revisionsInUse(input.clients, family, users, input.outputs);
      return {
        family,
        deregistered: await deregisterOldRevisions(input.clients, family, {
          keep,
          inUse,
          owner: input.owner,
        }),
      };
    } catch (err) {
      return { family, error: err instanceof Error ? err : new Error(String(err)) };
    }
  };
  return Promise.all(rolledOutFamilies(input.plan, input.report).map(retire));
}
