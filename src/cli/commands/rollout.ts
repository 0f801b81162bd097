/**
 * `stackctl rollout`: a new image across a fleet of stacks in waves (issue 13). A canary first, then
 * growing waves; each wave's stacks are reconciled in parallel and must be Synced, Healthy and wired
 * (what `status` and `check` judge) before the next wave starts. A failing wave stops the rollout,
 * names its failures and leaves later waves untouched; `rollout resume` continues it (also after the
 * runner was killed: the record lives in the state table), `rollout abort` puts the failed wave's
 * previous images back, `rollout status` shows where it is.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import type { AwsClients } from '../../aws/types.js';
import { findComposeFile, resolveStackProject, stackDirOf } from '../../desired/load-project.js';
import { listStackFiles } from '../../desired/stack/index.js';
import { wiringEdges } from '../../diff/wiring/index.js';
import { driftOne } from '../../reconcilers/drift-pass.js';
import { recordPassEvent } from '../../reconcilers/pass-event.js';
import { type PassResult, reconcilePass, StackLockedError } from '../../reconcilers/reconcile-stack.js';
import {
  DEFAULT_MAX_FAILURES,
  newRollout,
  type RolloutRecord,
  type RolloutSource,
} from '../../rollout/record.js';
import {
  abortRollout,
  type RolloutDeps,
  type RolloutProgress,
  resumeRollout,
  runRollout,
  type StackOutcome,
} from '../../rollout/runner.js';
import { DEFAULT_WAVES_SPEC, planWaves, stackMatcher } from '../../rollout/waves.js';
import {
  appendEvent,
  createRollout,
  ensureStateTable,
  readDeployedImages,
  readRollout,
  type StateTarget,
  saveRollout,
} from '../../state/index.js';
import { type Flags, UsageError } from '../args.js';
import { jsonDocument, orNull } from '../json-document.js';
import { EXIT, type ExitCode, type Io, paint } from '../output.js';
import { openAwsSession, printJson, stateTableName } from './aws-context.js';
import { loadOptionsFromFlags, projectLocationFromFlags } from './common.js';
import { imagesOf, loadWithDeployedImages, rememberDeployedImages } from './deployed-images.js';
import { pushedDeps, selectPushedFleet } from './rollout-pushed.js';
import { loadDriftIgnore } from './stack-selection.js';
import type { Command } from './types.js';

/** How long a stack may take to become Synced, Healthy and wired after its pass, without `--timeout`. */
export const DEFAULT_STACK_READY_TIMEOUT_SECONDS = 15 * 60;
/** Pause between two judgements of a stack that is not ready yet. */
export const READY_POLL_MS = 5_000;
/**
 * How long a stack whose lease is held is waited for: a lease outlives its dead holder by at most
 * DEFAULT_LEASE_MS (20 s), so a resume after a killed runner gets the stack back; a live pass of someone
 * else longer than this fails the stack (named, like any failure).
 */
export const LOCKED_STACK_WAIT_MS = 45_000;
/** Pause between two tries of a locked stack. */
export const LOCKED_STACK_POLL_MS = 2_000;
/** Step results of a pass that leave the stack short of its desired state. */
const UNDONE_STEP_STATUSES: ReadonlySet<string> = new Set(['failed', 'conflict', 'blocked', 'skipped']);

/** The project a rollout command works on: its stacks (sorted), name, and the state table's home. */
interface Fleet {
  readonly project: string;
  readonly region: string;
  readonly stacks: readonly string[];
}

/** Lists the project's stack files matching `--stacks` (all without it), sorted by name. */
function selectFleet(flags: Flags): Fleet {
  const composeFile = findComposeFile(projectLocationFromFlags(flags));
  const matches = stackMatcher(flags.stacks ?? '*');
  const stacks = listStackFiles(stackDirOf(composeFile))
    .map((s) => s.stack)
    .filter(matches)
    .sort();
  const first = stacks[0];
  if (first === undefined)
    throw new UsageError(
      `no stack file in ${stackDirOf(composeFile)} matches --stacks ${flags.stacks ?? '*'}`,
    );
  const { resolved } = resolveStackProject(loadOptionsFromFlags({ ...flags, images: {} }, first));
  return { project: resolved.project.value, region: resolved.region.value, stacks };
}

/** The AWS wiring of the runner: one client bundle per region, reconcile + judge per stack. */
function awsDeps(flags: Flags, fleet: Fleet): Omit<RolloutDeps, 'save'> {
  const sessions = new Map<string, AwsClients>();
  const clientsFor = (region: string): AwsClients => {
    let clients = sessions.get(region);
    if (!clients) {
      clients = openAwsSession(flags, region).clients;
      sessions.set(region, clients);
    }
    return clients;
  };
  const table = stateTableName(flags);
  const timeoutMs = (flags.timeoutSeconds ?? DEFAULT_STACK_READY_TIMEOUT_SECONDS) * 1000;
  // Judged as `status` and `drift` judge: the project's .stackctl/driftignore applies.
  const ignoreRules = loadDriftIgnore(findComposeFile(projectLocationFromFlags(flags)));
  const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
  return {
    sleep,
    async previousImages(stack) {
      // Resolved, not rendered: a `build:` service never deployed has no image yet, and that is no error.
      const { resolved } = resolveStackProject(loadOptionsFromFlags({ ...flags, images: {} }, stack));
      const recorded = await readDeployedImages({
        client: clientsFor(resolved.region.value).dynamodb,
        table,
        project: resolved.project.value,
        stack,
      }).catch(() => ({}));
      // What the last successful pass deployed wins over what the files say now.
      return { ...imagesOf(resolved), ...recorded };
    },
    async deploy(stack, images): Promise<StackOutcome> {
      const withImages: Flags = { ...flags, images };
      const project = await loadWithDeployedImages(withImages, stack);
      const clients = clientsFor(project.desired.region);
      const startedAt = new Date();
      const pass = () =>
        reconcilePass({
          desired: project.desired,
          clients,
          finalSnapshot: project.resolved.preset.finalSnapshotOnDelete,
          allowDataLoss: false,
          state: { table },
        });
      // A runner killed mid-pass leaves the stack's lease until it expires: a resume waits it out.
      const lockedUntil = Date.now() + LOCKED_STACK_WAIT_MS;
      let result: PassResult | undefined;
      while (result === undefined) {
        try {
          result = await pass();
        } catch (err) {
          if (!(err instanceof StackLockedError) || Date.now() >= lockedUntil) throw err;
          await sleep(LOCKED_STACK_POLL_MS);
        }
      }
      await rememberDeployedImages(withImages, project, result, startedAt).catch(() => false);
      await recordPassEvent({ clients, table, report: result.report });
      // Anything left undone (failed, conflicted, blocked, or skipped for data safety) fails the stack at
      // once: waiting for it to become Synced would only run out the timeout.
      const failed = result.report.results.filter((r) => UNDONE_STEP_STATUSES.has(r.status));
      if (!result.report.ok || failed.length > 0)
        return {
          ok: false,
          reason:
            failed
              .map((r) => `${r.kind} ${r.logicalId}: ${r.error?.message ?? r.message ?? r.status}`)
              .join('; ') || 'the reconcile pass did not apply everything',
        };
      const edges = wiringEdges(project.resolved);
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const { drift } = await driftOne(project.desired, clients, ignoreRules, edges);
        const broken = drift.wiring?.broken ?? [];
        if (drift.sync === 'Synced' && drift.health === 'Healthy' && broken.length === 0) return { ok: true };
        if (Date.now() >= deadline)
          return {
            ok: false,
            reason: `not ready after ${Math.round(timeoutMs / 1000)}s: ${drift.sync}, ${drift.health}${broken.length > 0 ? `, broken edges ${broken.map((b) => b.edge).join(', ')}` : ''}`,
          };
        await sleep(READY_POLL_MS);
      }
    },
    async event(stack, type, reason, message) {
      // The stack's own region when its file loads; a stack that does not load (often why it failed)
      // still gets its event, in the rollout's region.
      let region = fleet.region;
      try {
        region = resolveStackProject(loadOptionsFromFlags({ ...flags, images: {} }, stack)).resolved.region
          .value;
      } catch {}
      await appendEvent({
        client: clientsFor(region).dynamodb,
        table,
        project: fleet.project,
        stack,
        type,
        reason,
        message,
      });
    },
  };
}

/** One line per wave start, stack result and pause, on stderr (stdout keeps the summary). */
export function formatProgress(p: RolloutProgress, color: boolean): string {
  const c = paint(color);
  switch (p.type) {
    case 'wave-started':
      return `wave ${p.wave + 1}/${p.waves}: ${p.stacks.join(', ')}\n`;
    case 'stack-skipped':
      return `  - ${p.stack}: already on the rollout's images, skipped\n`;
    case 'stack-started':
      return `  … ${p.stack}: reconciling\n`;
    case 'stack-finished':
      return p.outcome.ok
        ? `  ${c.green('✓')} ${p.stack}: synced, healthy and wired (${Math.round(p.elapsedMs / 1000)}s)\n`
        : `  ${c.red('✗')} ${p.stack}: ${p.outcome.reason}\n`;
    case 'wave-finished':
      return p.ok ? `wave ${p.wave + 1} passed\n` : c.red(`wave ${p.wave + 1} failed\n`);
    case 'pausing':
      return `pausing ${p.seconds}s before the next wave\n`;
    case 'revert-finished':
      return p.outcome.ok
        ? `  ${c.green('✓')} ${p.stack}: previous images restored\n`
        : `  ${c.red('✗')} ${p.stack}: restoring the previous images failed: ${p.outcome.reason}\n`;
  }
}

function progressPrinter(io: Io, color: boolean): (p: RolloutProgress) => void {
  return (p) => io.err(formatProgress(p, color));
}

/** The `Rollout` JSON document (docs/json-output.md): the record, per wave and per stack. */
export function rolloutJson(record: RolloutRecord) {
  return jsonDocument('Rollout', {
    id: record.id,
    project: record.project,
    phase: record.phase,
    images: record.images,
    wavesSpec: record.wavesSpec,
    pauseSeconds: record.pauseSeconds,
    maxFailures: record.maxFailures,
    currentWave: Math.min(record.currentWave + 1, record.waves.length),
    waves: record.waves.map((stacks, index) => ({
      wave: index + 1,
      status:
        index < record.currentWave
          ? 'passed'
          : index > record.currentWave
            ? 'pending'
            : record.phase === 'running'
              ? 'running'
              : record.phase,
      stacks: stacks.map((s) => {
        const st = record.stacks[s];
        return {
          stack: s,
          phase: st?.phase ?? 'pending',
          attempts: st?.attempts ?? 0,
          reason: orNull(st?.reason),
          previousImages: orNull(st?.previousImages),
        };
      }),
    })),
    failed: Object.values(record.stacks)
      .filter((s) => s.phase === 'failed')
      .map((s) => s.stack)
      .sort(),
    failure: orNull(record.failure),
    startedAt: record.startedAt,
    updatedAt: record.updatedAt,
    finishedAt: orNull(record.finishedAt),
  });
}

/** The record as text: a headline, then one line per stack grouped by wave. */
export function formatRollout(record: RolloutRecord, color: boolean): string {
  const c = paint(color);
  const tone = record.phase === 'completed' ? c.green : record.phase === 'running' ? (s: string) => s : c.red;
  const lines = [
    `rollout ${record.id} of ${record.project}: ${tone(record.phase)} (wave ${Math.min(record.currentWave + 1, record.waves.length)} of ${record.waves.length}, images ${
      Object.entries(record.images)
        .map(([k, v]) => `${k}=${v}`)
        .join(' ') || 'as rendered'
    })\n`,
  ];
  record.waves.forEach((stacks, index) => {
    lines.push(`  wave ${index + 1}:\n`);
    for (const s of stacks) {
      const st = record.stacks[s];
      lines.push(`    ${s}: ${st?.phase ?? 'pending'}${st?.reason ? ` (${st.reason})` : ''}\n`);
    }
  });
  if (record.failure) lines.push(`${c.red(record.failure)}\n`);
  return lines.join('');
}

function finish(io: Io, flags: Flags, record: RolloutRecord): ExitCode {
  if (flags.output === 'json') printJson(io, rolloutJson(record));
  else io.out(formatRollout(record, flags.color));
  return record.phase === 'completed' || record.phase === 'aborted' ? EXIT.ok : EXIT.error;
}

function stateTarget(flags: Flags, fleet: Fleet): StateTarget & { readonly client: AwsClients['dynamodb'] } {
  return { client: openAwsSession(flags, fleet.region).clients.dynamodb, table: stateTableName(flags) };
}

/** Where a rollout command works: the fleet, the table holding its record, and how stacks deploy. */
interface RolloutSite {
  readonly source: RolloutSource;
  readonly project: string;
  readonly stacks: readonly string[];
  readonly target: StateTarget & { readonly client: AwsClients['dynamodb'] };
  deps(): RolloutDeps;
}

/** `--remote`: pushed stacks through the operator; else the checkout's stack files. */
async function siteOf(flags: Flags, io: Io): Promise<RolloutSite> {
  const onProgress = flags.output === 'json' ? {} : { onProgress: progressPrinter(io, flags.color) };
  if (flags.remote) {
    const fleet = await selectPushedFleet(flags);
    const target = { client: fleet.session.clients.dynamodb, table: fleet.session.table };
    return {
      source: 'pushed',
      project: fleet.project,
      stacks: fleet.stacks,
      target,
      deps: () => ({ ...pushedDeps(flags, io, fleet), ...onProgress, save: (r) => saveRollout(target, r) }),
    };
  }
  const fleet = selectFleet(flags);
  const target = stateTarget(flags, fleet);
  return {
    source: 'checkout',
    project: fleet.project,
    stacks: fleet.stacks,
    target,
    deps: () => ({ ...awsDeps(flags, fleet), ...onProgress, save: (r) => saveRollout(target, r) }),
  };
}

async function storedRollout(site: RolloutSite): Promise<RolloutRecord> {
  const record = await readRollout<RolloutRecord>(site.target, site.project);
  if (!record)
    throw new UsageError(`project ${site.project} has no rollout: start one with \`stackctl rollout\``);
  const source = record.source ?? 'checkout';
  if (source !== site.source)
    throw new UsageError(
      source === 'pushed'
        ? `rollout ${record.id} deploys pushed stacks through the operator: add --remote`
        : `rollout ${record.id} deploys from the checkout: run it without --remote`,
    );
  return record;
}

/** `rollout --stacks P [--image svc=ref] [--waves …] [--pause D] [--max-failures N]`. */
export const rolloutCommand: Command = {
  words: ['rollout'],
  usage:
    "stackctl rollout [--stacks 'customer-*'] [--image svc=ref] [--waves 1,10%,50%,100%] [--pause 10m] [--max-failures N] [--output text|json]",
  summary:
    'Rolls images out across the matching stacks in waves: each wave is reconciled in parallel and must be Synced, Healthy and wired before a pause and the next wave. A wave with more than --max-failures failed stacks stops the rollout (later waves untouched, failures named). Exit 0 completed, 1 stopped or error.',
  async run({ flags }, io): Promise<ExitCode> {
    const fleet = await siteOf(flags, io);
    if (fleet.stacks.length === 0)
      throw new UsageError(`no pushed stack of ${fleet.project} matches --stacks ${flags.stacks ?? '*'}`);
    const wavesSpec = flags.waves ?? DEFAULT_WAVES_SPEC;
    const waves = planWaves(fleet.stacks, wavesSpec);
    const target = fleet.target;
    await ensureStateTable(target.client, target.table);
    const at = new Date().toISOString();
    const record = await createRollout(
      target,
      newRollout({
        id: `ro-${at.replace(/[-:.]/g, '').slice(0, 15)}-${randomBytes(2).toString('hex')}`,
        project: fleet.project,
        source: fleet.source,
        images: flags.images,
        waves,
        wavesSpec,
        pauseSeconds: flags.pauseSeconds ?? 0,
        maxFailures: flags.maxFailures ?? DEFAULT_MAX_FAILURES,
        at,
      }),
    );
    if (flags.output !== 'json')
      io.err(
        `rollout ${record.id}: ${fleet.stacks.length} stacks of ${fleet.project} in ${waves.length} waves\n`,
      );
    return finish(io, flags, await runRollout(record, fleet.deps()));
  },
};

/** `rollout status`. */
export const rolloutStatusCommand: Command = {
  words: ['rollout', 'status'],
  usage: 'stackctl rollout status [--output text|json]',
  summary:
    "Shows the project's current rollout from the state table: its phase, each wave and each stack (pending, reconciling, succeeded, failed, reverted) with failure reasons. Exit 0 completed, running or aborted; 2 failed.",
  async run({ flags }, io): Promise<ExitCode> {
    const record = await storedRollout(await siteOf(flags, io));
    if (flags.output === 'json') printJson(io, rolloutJson(record));
    else io.out(formatRollout(record, flags.color));
    return record.phase === 'failed' ? EXIT.changes : EXIT.ok;
  },
};

/** `rollout resume`. */
export const rolloutResumeCommand: Command = {
  words: ['rollout', 'resume'],
  usage: 'stackctl rollout resume [--timeout 15m] [--output text|json]',
  summary:
    'Continues the current rollout (stopped by a failed wave, or whose runner died) from its first unfinished wave; stacks that already succeeded are skipped. Exit 0 completed, 1 stopped again or error.',
  async run({ flags }, io): Promise<ExitCode> {
    const site = await siteOf(flags, io);
    const record = await storedRollout(site);
    if (flags.output !== 'json') io.err(`resuming rollout ${record.id} at wave ${record.currentWave + 1}\n`);
    return finish(io, flags, await resumeRollout(record, site.deps()));
  },
};

/** `rollout abort`. */
export const rolloutAbortCommand: Command = {
  words: ['rollout', 'abort'],
  usage: 'stackctl rollout abort [--output text|json]',
  summary:
    "Stops the current rollout and returns its current (failed) wave's stacks to the images they ran before the rollout; later waves stay untouched. Exit 0 when every revert worked, 1 otherwise.",
  async run({ flags }, io): Promise<ExitCode> {
    const site = await siteOf(flags, io);
    const done = await abortRollout(await storedRollout(site), site.deps());
    const code = finish(io, flags, done);
    const unreverted = Object.values(done.stacks).filter((s) => s.reason?.startsWith('revert failed'));
    return unreverted.length > 0 ? EXIT.error : code;
  },
};
