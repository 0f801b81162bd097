/**
 * The rollout record and its state machine: what `stackctl rollout` keeps in the state table so that
 * `status`, `resume` and `abort` (in this process or another, after a crash) agree on where a rollout is.
 *
 * A rollout is `running` until every wave passed (`completed`), a wave ended with more failed stacks
 * than allowed (`failed`: later waves untouched, `resume` tries again, `abort` reverts), or someone
 * aborted it (`aborted`). Each stack is `pending` → `reconciling` → `succeeded` | `failed`, and
 * `reverted` after an abort put its previous images back. Every function here is pure and returns a new
 * record; the runner persists each one with a conditional write.
 *
 * @module
 */
import { StackctlError } from '../errors.js';

/** Error code of a transition the rollout's phase does not allow. */
export const ROLLOUT_STATE_CODE = 'ROLLOUT_STATE';

/** Failed stacks a rollout tolerates before it stops, when `--max-failures` is absent. */
export const DEFAULT_MAX_FAILURES = 0;

/** Where a rollout is. */
export type RolloutPhase = 'running' | 'failed' | 'completed' | 'aborted';

/** Where one stack of a rollout is. */
export type RolloutStackPhase = 'pending' | 'reconciling' | 'succeeded' | 'failed' | 'reverted';

/**
 * Where a rollout's stacks come from and how each is deployed: `checkout` reconciles from the stack
 * files here; `pushed` writes new images into the stack's pushed spec and waits for the operator.
 */
export type RolloutSource = 'checkout' | 'pushed';

/** One stack of a rollout. */
export interface RolloutStack {
  readonly stack: string;
  /** Index into {@link RolloutRecord.waves}. */
  readonly wave: number;
  readonly phase: RolloutStackPhase;
  /** Reconcile passes run for it by this rollout (a resume skips stacks that already succeeded). */
  readonly attempts: number;
  /** The images it ran before its wave first started: what `abort` puts back. */
  readonly previousImages?: Readonly<Record<string, string>>;
  /** Why it failed, as the runner saw it. */
  readonly reason?: string;
  /** ISO time of the last change. */
  readonly updatedAt?: string;
}

/** A rollout as stored. */
export interface RolloutRecord {
  readonly id: string;
  readonly project: string;
  readonly source: RolloutSource;
  /** `--image` overrides applied to every stack (`svc → ref`). */
  readonly images: Readonly<Record<string, string>>;
  /** Stack names per wave, in order. */
  readonly waves: readonly (readonly string[])[];
  /** The `--waves` spec the waves came from. */
  readonly wavesSpec: string;
  readonly pauseSeconds: number;
  readonly maxFailures: number;
  readonly phase: RolloutPhase;
  /** The first wave not yet passed (= waves.length once completed). */
  readonly currentWave: number;
  readonly stacks: Readonly<Record<string, RolloutStack>>;
  /** Why the rollout stopped (`failed`) or was aborted. */
  readonly failure?: string;
  readonly startedAt: string;
  readonly updatedAt: string;
  readonly finishedAt?: string;
  /** Bumped by every stored write; a write is conditional on the version it read. */
  readonly version: number;
}

/** A transition the rollout's phase does not allow (`resume` of a completed rollout…). */
export class RolloutStateError extends StackctlError {
  constructor(message: string, options: ErrorOptions = {}) {
    super(ROLLOUT_STATE_CODE, message, options);
    this.name = 'RolloutStateError';
  }
}

/** What {@link newRollout} needs. */
export interface NewRolloutInput {
  readonly id: string;
  readonly project: string;
  /** @default 'checkout' */
  readonly source?: RolloutSource;
  readonly images: Readonly<Record<string, string>>;
  readonly waves: readonly (readonly string[])[];
  readonly wavesSpec: string;
  readonly pauseSeconds: number;
  readonly maxFailures: number;
  readonly at: string;
}

/** A rollout about to start: every stack pending, version 0 (not stored yet). */
export function newRollout(input: NewRolloutInput): RolloutRecord {
  const stacks: Record<string, RolloutStack> = {};
  input.waves.forEach((wave, index) => {
    for (const stack of wave) stacks[stack] = { stack, wave: index, phase: 'pending', attempts: 0 };
  });
  return {
    id: input.id,
    project: input.project,
    source: input.source ?? 'checkout',
    images: input.images,
    waves: input.waves,
    wavesSpec: input.wavesSpec,
    pauseSeconds: input.pauseSeconds,
    maxFailures: input.maxFailures,
    phase: 'running',
    currentWave: 0,
    stacks,
    startedAt: input.at,
    updatedAt: input.at,
    version: 0,
  };
}

function withStack(
  record: RolloutRecord,
  stack: string,
  update: (current: RolloutStack) => RolloutStack,
  at: string,
): RolloutRecord {
  const current = record.stacks[stack];
  if (!current) throw new RolloutStateError(`stack ${stack} is not part of rollout ${record.id}`);
  return {
    ...record,
    updatedAt: at,
    stacks: { ...record.stacks, [stack]: { ...update(current), updatedAt: at } },
  };
}

/** The stack without a failure reason. */
function cleared(stack: RolloutStack): RolloutStack {
  const { reason: _r, ...rest } = stack;
  return rest;
}

/** The stacks of `wave` that still need a pass (not already succeeded). */
export function stacksToRun(record: RolloutRecord, wave: number): readonly string[] {
  return (record.waves[wave] ?? []).filter((s) => record.stacks[s]?.phase !== 'succeeded');
}

/**
 * A stack's pass starts: `reconciling`, one more attempt, and its previous images remembered the first
 * time they are known (undefined: they could not be read) (a retried stack must still revert to what ran before the rollout, not to its failed try).
 */
export function stackStarted(
  record: RolloutRecord,
  stack: string,
  previousImages: Readonly<Record<string, string>> | undefined,
  at: string,
): RolloutRecord {
  return withStack(
    record,
    stack,
    (current) => {
      const previous = current.previousImages ?? previousImages;
      return {
        ...cleared(current),
        phase: 'reconciling',
        attempts: current.attempts + 1,
        ...(previous === undefined ? {} : { previousImages: previous }),
      };
    },
    at,
  );
}

/** A stack's pass and checks ended. */
export function stackFinished(
  record: RolloutRecord,
  stack: string,
  outcome: { readonly ok: true } | { readonly ok: false; readonly reason: string },
  at: string,
): RolloutRecord {
  return withStack(
    record,
    stack,
    (current) =>
      outcome.ok
        ? { ...cleared(current), phase: 'succeeded' }
        : { ...current, phase: 'failed', reason: outcome.reason },
    at,
  );
}

/** Stacks of the rollout that failed, in wave order. */
export function failedStacks(record: RolloutRecord): readonly RolloutStack[] {
  return record.waves.flat().flatMap((s) => (record.stacks[s]?.phase === 'failed' ? [record.stacks[s]] : []));
}

/**
 * The current wave ended: with more failed stacks (over the whole rollout) than `maxFailures` the
 * rollout is `failed` and stays on this wave; otherwise the next wave is current, and after the last
 * one the rollout is `completed`.
 */
export function waveFinished(record: RolloutRecord, at: string): RolloutRecord {
  const failed = failedStacks(record);
  if (failed.length > record.maxFailures) {
    return {
      ...record,
      phase: 'failed',
      updatedAt: at,
      failure: `wave ${record.currentWave + 1} failed: ${failed.map((f) => `${f.stack} (${f.reason ?? 'failed'})`).join('; ')}`,
    };
  }
  const next = record.currentWave + 1;
  const done = next >= record.waves.length;
  return {
    ...record,
    currentWave: next,
    updatedAt: at,
    ...(done ? { phase: 'completed' as const, finishedAt: at } : {}),
  };
}

/**
 * `rollout resume`: a failed rollout, or one whose runner died (`running` with nobody advancing it),
 * continues from its current wave. Completed and aborted rollouts cannot resume.
 *
 * @throws RolloutStateError for a completed or aborted rollout
 */
export function resumed(record: RolloutRecord, at: string): RolloutRecord {
  if (record.phase === 'completed' || record.phase === 'aborted')
    throw new RolloutStateError(
      `rollout ${record.id} is ${record.phase}: nothing to resume (start a new one with \`stackctl rollout\`)`,
    );
  const { failure: _f, ...rest } = record;
  return { ...rest, phase: 'running', updatedAt: at };
}

/**
 * The stacks `abort` returns to their previous images: those of the current wave that the rollout
 * touched (started, succeeded or failed) and that have previous images recorded.
 */
export function stacksToRevert(record: RolloutRecord): readonly RolloutStack[] {
  return (record.waves[record.currentWave] ?? []).flatMap((s) => {
    const st = record.stacks[s];
    return st && st.phase !== 'pending' && st.phase !== 'reverted' && st.previousImages ? [st] : [];
  });
}

/**
 * `rollout abort` begins: the rollout is `aborted` at once (so a runner still going fails its next
 * conditional write and stops); the reverts follow with {@link stackReverted}.
 *
 * Run again on an aborted rollout with stacks still to revert, it keeps its outcome and lets the reverts
 * that are left run.
 *
 * @throws RolloutStateError for a completed rollout, or an aborted one with nothing left to revert
 */
export function aborted(record: RolloutRecord, at: string): RolloutRecord {
  // An abort whose reverts did not all finish (a crash, a failed revert) may be run again for the rest.
  const unfinished = record.phase === 'aborted' && stacksToRevert(record).length > 0;
  if (record.phase === 'completed' || (record.phase === 'aborted' && !unfinished))
    throw new RolloutStateError(`rollout ${record.id} is ${record.phase}: nothing to abort`);
  if (unfinished) return { ...record, updatedAt: at };
  return {
    ...record,
    phase: 'aborted',
    updatedAt: at,
    finishedAt: at,
    failure: record.failure ?? `aborted during wave ${record.currentWave + 1}`,
  };
}

/** A stack's previous images are back (or putting them back failed: `reason`). */
export function stackReverted(
  record: RolloutRecord,
  stack: string,
  outcome: { readonly ok: true } | { readonly ok: false; readonly reason: string },
  at: string,
): RolloutRecord {
  return withStack(
    record,
    stack,
    (current) =>
      outcome.ok
        ? { ...cleared(current), phase: 'reverted' }
        : { ...current, reason: `revert failed: ${outcome.reason}` },
    at,
  );
}
