/**
 * One level-triggered pass over one stack: observe everything, plan, apply, report.
 *
 * The pass re-reads the world every time (controller-runtime's contract): it never trusts what it did
 * last time, so a crash, a lost event or an out-of-band change all end the same way, converged.
 * With a state table the pass runs under the stack's lease and journals every create (crash safety);
 * without one (plan, drift, local use) it relies on deterministic names and ownership tags alone.
 *
 * @module
 */

import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { AwsClients } from '../aws/types.js';
import type { DesiredStack, ResourceKind } from '../desired/resource-types.js';
import { planStack } from '../diff/index.js';
import {
  versionsAfterPlan,
  withRecordedSecretVersions,
  withSecretVersions,
} from '../diff/secret-versions.js';
import type { Plan, PlanStep } from '../diff/types.js';
import { StackctlError } from '../errors.js';
import { observeStack, type RememberedResource, rememberedFromEntry } from '../observed/observe-stack.js';
import { OBSERVERS } from '../observed/registry.js';
import { readConfigSecrets } from '../observed/secrets.js';
import type { TaskDefinitionCache } from '../observed/task-definition-cache.js';
import type { ObservedResource, Observer } from '../observed/types.js';
import {
  acquireLease,
  ensureStateTable,
  Journal,
  keepLeaseAlive,
  type LeaseKeeper,
  readLease,
} from '../state/index.js';
import { applyPlan } from './engine.js';
import type { ApplyReport, ProgressEvent } from './engine-types.js';
import { PreflightError, preflightProblems } from './preflight.js';
import { createAppliers } from './registry.js';
import { recordSecretBaselines } from './secret-baselines.js';
import { journalHooks, settlePendingCreates } from './state-hooks.js';
import { type RevisionCleanup, retireOldRevisions } from './task-definition-retention.js';
import type { Applier } from './types.js';

/** A required config key (an env var without value, a compose secret) is not in SSM. */
export class MissingSecretsError extends StackctlError {
  readonly keys: readonly string[];

  constructor(stack: string, keys: readonly string[]) {
    super(
      'MISSING_SECRETS',
      `stack ${stack} needs config keys that are not set: ${keys.join(', ')}. Set each with \`stackctl config set KEY --stack ${stack}\` (or --random); nothing was changed in AWS.`,
    );
    this.name = 'MissingSecretsError';
    this.keys = keys;
  }
}

/** Another process holds the stack's lease. */
export class StackLockedError extends StackctlError {
  constructor(stack: string, owner: string | undefined) {
    super(
      'STACK_LOCKED',
      `stack ${stack} is being reconciled by ${owner ?? 'another process'}; try again when its pass ends (leases expire after 20 s without a heartbeat)`,
    );
    this.name = 'StackLockedError';
  }
}

/** Where the pass keeps its journal and lease. */
export interface PassState {
  readonly table: string;
  /** @default `<hostname>:<pid>:<uuid>` */
  readonly owner?: string;
  /**
   * A lease the caller already holds and keeps alive (the operator holds one across a whole pass and
   * its status write). The pass then neither acquires nor releases a lease: it journals under this
   * one's fence and stops starting steps once its signal aborts. @default acquire one for this pass
   */
  readonly lease?: LeaseKeeper;
}

/** Inputs shared by plan and reconcile. */
export interface PassInput {
  readonly desired: DesiredStack;
  readonly clients: AwsClients;
  /** Take final snapshots of stateful resources before deleting them (the mode's preset). */
  readonly finalSnapshot: boolean;
  readonly allowDataLoss?: boolean;
  /** Treat every resource as no longer desired (destroy). @default false */
  readonly destroy?: boolean;
  readonly state?: PassState;
  readonly observers?: ReadonlyMap<ResourceKind, Observer>;
  readonly appliers?: ReadonlyMap<ResourceKind, Applier>;
  readonly concurrency?: number;
  readonly onProgress?: (event: ProgressEvent) => void;
  readonly onObserved?: (kind: ResourceKind, found: number) => void;
  /**
   * Called once the plan is known, before preflight and before anything is applied, so the CLI can show
   * the plan first and the live progress of applying it after.
   */
  readonly onPlanned?: (planned: PlannedPass) => void;
  /**
   * Task definition revisions described by earlier passes, by ARN (immutable): the operator keeps one
   * for the process so resyncs do not describe a revision twice. @default a fresh cache per pass
   */
  readonly taskDefinitions?: TaskDefinitionCache;
  readonly signal?: AbortSignal;
  /** Applies only the steps this accepts (prune: orphans); the others are not applied. @default all */
  readonly applyOnly?: (step: PlanStep, plan: Plan) => boolean;
}

/** What observing and planning found. */
export interface PlannedPass {
  readonly plan: Plan;
  readonly observed: readonly ObservedResource[];
  readonly outputs: Map<string, Readonly<Record<string, string | number>>>;
}

/** A finished pass. */
export interface PassResult extends PlannedPass {
  readonly report: ApplyReport;
  /**
   * Old task definition revisions retired after the rollouts of this pass (task-definition-retention.ts);
   * empty for destroy and prune passes.
   */
  readonly revisionCleanup: readonly RevisionCleanup[];
}

/** Current SSM version by parameter name (numbers only, never values). */
type SecretVersions = ReadonlyMap<string, number>;

/**
 * Throws {@link MissingSecretsError} when config keys the stack needs are not set (not when destroying);
 * else returns their current versions, from the same read (secret-versions.ts decides restarts on them).
 */
async function checkSecrets(input: PassInput): Promise<SecretVersions> {
  const { desired, clients } = input;
  if (input.destroy || desired.requiredSecrets.length === 0) return new Map();
  const found = await readConfigSecrets(clients, desired.project, desired.stack, desired.requiredSecrets);
  if (found.missing.length > 0) throw new MissingSecretsError(desired.stack, found.missing);
  return found.versions;
}

/**
 * The versions a pass decides restarts on: the config keys' (checkSecrets) and those of the stack's own
 * parameters (generated, composed) where their observer reports one (`outputs.version`).
 */
function currentSecretVersions(
  config: SecretVersions,
  observed: readonly ObservedResource[],
): SecretVersions {
  const all = new Map(config);
  for (const o of observed) {
    const version = o.outputs.version;
    if (o.kind === 'ssm.Parameter' && typeof version === 'number') all.set(o.name, version);
  }
  return all;
}

/**
 * Observes and plans, without mutating anything. Throws {@link MissingSecretsError} when config keys
 * are missing (unless destroying), so a plan already tells the user everything a reconcile would need.
 * `secretsChecked` is that check already under way (reconcilePass starts it beside the state setup).
 */
export async function planPass(
  input: PassInput,
  remembered: readonly RememberedResource[] = [],
  secretsChecked: Promise<SecretVersions> = checkSecrets(input),
): Promise<PlannedPass> {
  const { desired, clients } = input;
  const configVersions = await secretsChecked;
  const observers = input.observers ?? OBSERVERS;
  const appliers = input.appliers ?? createAppliers({ finalSnapshot: input.finalSnapshot });
  const found = await observeStack({
    project: desired.project,
    stack: desired.stack,
    desired: desired.resources,
    clients,
    observers,
    remembered,
    ...(input.onObserved ? { onKind: input.onObserved } : {}),
    ...(input.taskDefinitions ? { taskDefinitions: input.taskDefinitions } : {}),
  });
  const { outputs, unsupportedKinds } = found;
  const unsupported = new Set(unsupportedKinds);
  for (const r of desired.resources) if (!appliers.has(r.kind)) unsupported.add(r.kind);
  const recorded = new Map(
    remembered.flatMap((r) =>
      r.secretVersions === undefined ? [] : [[r.logicalId, r.secretVersions] as const],
    ),
  );
  // Each service's desired spec names the secret versions its tasks should run with; the observed one
  // the versions its journal entry recorded at its last rollout (a changed secret plans a restart).
  const planWith = (versions: SecretVersions): PlannedPass => {
    const resources = withSecretVersions(desired.resources, versions);
    const observed = withRecordedSecretVersions(found.observed, resources, recorded);
    const plan = planStack({
      project: desired.project,
      stack: desired.stack,
      desired: input.destroy ? [] : resources,
      observed,
      outputs,
      unsupportedKinds: unsupported,
      allowDataLoss: input.allowDataLoss ?? false,
      ...(desired.ignoreChanges ? { ignoreChanges: desired.ignoreChanges } : {}),
    });
    return { plan, observed, outputs };
  };
  const current = currentSecretVersions(configVersions, found.observed);
  const first = planWith(current);
  // Parameters this pass writes (a composed value rewritten, a generated one created) get a new version
  // before the services that read them roll out: plan those services with it, so one pass converges.
  const after = versionsAfterPlan(first.plan, current);
  return after === current ? first : planWith(after);
}

/**
 * Runs one whole pass: (lease) → observe → plan → preflight → apply → (status). Returns the plan and the
 * per-resource report; a failed resource is reported, never thrown, so one bad branch does not hide the
 * others. A failure foreseeable before any write (a planned conflict, a missing hosted zone: see
 * preflight.ts) throws {@link PreflightError} instead, with AWS untouched.
 */
export async function reconcilePass(input: PassInput): Promise<PassResult> {
  const { desired, clients } = input;
  let keeper: LeaseKeeper | undefined;
  let leaseSignal: AbortSignal | undefined;
  let journal: Journal | undefined;
  // Reads SSM only: it runs beside the state-table setup and lease (issue 11: off the critical path).
  const secretsChecked = checkSecrets(input);
  secretsChecked.catch(() => {}); // awaited in planPass; a lease or table failure wins over it
  if (input.state) {
    await ensureStateTable(clients.dynamodb, input.state.table);
    const owner = input.state.owner ?? `${hostname()}:${process.pid}:${randomUUID()}`;
    const ref = {
      client: clients.dynamodb,
      table: input.state.table,
      project: desired.project,
      stack: desired.stack,
    };
    const held = input.state.lease;
    const lease = held ? held.current() : await acquireLease({ ...ref, owner });
    if (!lease) throw new StackLockedError(desired.stack, (await readLease(ref))?.owner);
    if (!held) keeper = keepLeaseAlive(lease);
    leaseSignal = (held ?? keeper)?.signal;
    journal = new Journal({ ...ref, lease });
  }
  try {
    const entries = journal ? await journal.list() : [];
    const remembered: RememberedResource[] = entries.map(rememberedFromEntry);
    const planned = await planPass(input, remembered, secretsChecked);
    input.onPlanned?.(planned);
    // Destroy and prune only remove what the stack owns: nothing they do needs a zone, nor is a
    // conflict (a desired resource someone else holds) in their way.
    if (!input.destroy && !input.applyOnly) {
      const problems = await preflightProblems({ clients, project: desired.project, plan: planned.plan });
      if (problems.length > 0) throw new PreflightError(desired.stack, problems);
    }
    if (journal) await settlePendingCreates(journal, entries, planned.plan);
    if (journal && !input.applyOnly) await recordSecretBaselines(journal, entries, planned.plan);
    const signal = combineSignals(input.signal, leaseSignal);
    const { applyOnly } = input;
    const report = await applyPlan({
      plan: applyOnly
        ? { ...planned.plan, steps: planned.plan.steps.filter((s) => applyOnly(s, planned.plan)) }
        : planned.plan,
      appliers: input.appliers ?? createAppliers({ finalSnapshot: input.finalSnapshot }),
      ctx: { clients, project: desired.project, stack: desired.stack, ...(signal ? { signal } : {}) },
      outputs: planned.outputs,
      ...(journal ? { journal: journalHooks(journal, entries) } : {}),
      ...(input.concurrency ? { concurrency: input.concurrency } : {}),
      ...(input.onProgress ? { onProgress: input.onProgress } : {}),
    });
    // Not for destroy (the family goes whole) nor prune (it rolls nothing out).
    const revisionCleanup =
      input.destroy || applyOnly
        ? []
        : await retireOldRevisions({
            clients,
            plan: planned.plan,
            report,
            outputs: planned.outputs,
            owner: { project: desired.project, stack: desired.stack },
          });
    return { ...planned, report, revisionCleanup };
  } finally {
    await keeper?.stop();
  }
}

function combineSignals(...signals: (AbortSignal | undefined)[]): AbortSignal | undefined {
  const present = signals.filter((s): s is AbortSignal => s !== undefined);
  if (present.length <= 1) return present[0];
  return AbortSignal.any(present);
}
