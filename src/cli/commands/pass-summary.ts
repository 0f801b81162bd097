/**
 * What a pass did, counted the way people ask about it (created, updated, replaced, deleted, failed)
 * rather than by engine status, for the summary line after `reconcile`'s live progress and its JSON.
 *
 * @module
 */
import type { ApplyReport, StepResult } from '../../reconcilers/engine-types.js';
import { orNull } from '../json-document.js';
import { paint } from '../output.js';

/** Steps of one pass by outcome: applied ones by action, the rest by status. */
export interface PassCounts {
  readonly created: number;
  readonly updated: number;
  readonly replaced: number;
  readonly deleted: number;
  /** Failed or conflicted steps. */
  readonly failed: number;
  /** Not started because a step they depend on failed. */
  readonly blocked: number;
  /** Left undone on purpose (e.g. refused for data safety). */
  readonly skipped: number;
  readonly unchanged: number;
}

/** Counts the report's steps ({@link PassCounts}). */
export function passCounts(report: ApplyReport): PassCounts {
  const counts = {
    created: 0,
    updated: 0,
    replaced: 0,
    deleted: 0,
    failed: 0,
    blocked: 0,
    skipped: 0,
    unchanged: 0,
  };
  for (const r of report.results) {
    if (r.status === 'applied') {
      if (r.action === 'create') counts.created++;
      else if (r.action === 'update') counts.updated++;
      else if (r.action === 'replace') counts.replaced++;
      else if (r.action === 'delete') counts.deleted++;
      else counts.unchanged++;
    } else if (r.status === 'failed' || r.status === 'conflict') counts.failed++;
    else if (r.status === 'blocked') counts.blocked++;
    else if (r.status === 'skipped') counts.skipped++;
    else counts.unchanged++;
  }
  return counts;
}

/** `4.2s`, `3m 07s`: how long a pass took, at the precision a person reads. */
export function formatElapsed(ms: number): string {
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds.toFixed(1)}s`;
  const whole = Math.round(seconds);
  return `${Math.floor(whole / 60)}m ${String(whole % 60).padStart(2, '0')}s`;
}

/**
 * Which command ran the pass: it names the summary (`Reconciled`, `Destroyed`, `Pruned`) and decides
 * which counts the line shows (a destroy only deletes, a prune deletes and updates what referenced the
 * deleted resources).
 */
export type PassKind = 'reconcile' | 'destroy' | 'prune';

/** A skip reason that already says `kept:` (data-safety.ts), not repeated after the `kept` label. */
const KEPT_PREFIX = /^kept: /;

/** The word a successful pass of each kind starts its summary with. */
const SUMMARY_VERB: Readonly<Record<PassKind, string>> = {
  reconcile: 'Reconciled',
  destroy: 'Destroyed',
  prune: 'Pruned',
};

/** The counts each kind of pass always names, in order. */
const MAIN_COUNTS: Readonly<Record<PassKind, readonly (keyof PassCounts)[]>> = {
  reconcile: ['created', 'updated', 'replaced', 'deleted', 'failed'],
  destroy: ['deleted', 'failed'],
  prune: ['deleted', 'updated', 'failed'],
};

/** The parenthesised counts: reconcile names skipped steps and unchanged ones, destroy and prune what they kept. */
function extraCounts(n: PassCounts, kind: PassKind): string {
  const blocked = n.blocked > 0 ? [`${n.blocked} blocked`] : [];
  if (kind === 'reconcile')
    return [...blocked, ...(n.skipped > 0 ? [`${n.skipped} skipped`] : []), `${n.unchanged} unchanged`].join(
      ', ',
    );
  return [`${n.skipped} kept`, ...blocked, ...(n.unchanged > 0 ? [`${n.unchanged} unchanged`] : [])].join(
    ', ',
  );
}

/**
 * The summary line: `Reconciled in 3m 07s: 2 created, 1 updated, 0 replaced, 0 deleted, 0 failed
 * (14 unchanged).`, with blocked and skipped steps named only when there are any; a destroy reads
 * `Destroyed in 1m 02s: 12 deleted, 0 failed (2 kept).` and a prune `Pruned in 4.2s: 1 deleted,
 * 0 updated, 0 failed (0 kept).` (kept: left in place for data safety). `Failed in …` when the pass is
 * not ok; green when it is, red otherwise.
 */
export function formatPassSummary(
  report: ApplyReport,
  elapsedMs: number,
  color: boolean,
  kind: PassKind = 'reconcile',
): string {
  const n = passCounts(report);
  const main = MAIN_COUNTS[kind].map((key) => `${n[key]} ${key}`).join(', ');
  const verb = report.ok ? SUMMARY_VERB[kind] : 'Failed';
  const line = `${verb} in ${formatElapsed(elapsedMs)}: ${main} (${extraCounts(n, kind)}).`;
  const c = paint(color);
  return `${report.ok ? c.green(line) : c.red(line)}\n`;
}

/**
 * The text after a pass's live progress: the summary line ({@link formatPassSummary}), then one line
 * per failed, conflicted or blocked step with its reason, so the cause is the last thing on screen; a
 * destroy or prune also names each resource it kept and why.
 */
export function formatPassOutcome(
  report: ApplyReport,
  elapsedMs: number,
  color: boolean,
  kind: PassKind = 'reconcile',
): string {
  const c = paint(color);
  const lines = [formatPassSummary(report, elapsedMs, color, kind)];
  for (const r of report.results) {
    if (r.status === 'failed' || r.status === 'conflict')
      lines.push(`  ${c.red('✗')} ${r.kind} ${r.logicalId}: ${r.error?.message ?? r.message ?? r.status}\n`);
    if (r.status === 'blocked') lines.push(`  - ${r.kind} ${r.logicalId}: ${r.message ?? 'blocked'}\n`);
    if (r.status === 'skipped' && kind !== 'reconcile')
      lines.push(
        `  ${c.yellow('kept')} ${r.kind} ${r.logicalId}: ${(r.message ?? '').replace(KEPT_PREFIX, '')}\n`,
      );
  }
  return lines.join('');
}

/**
 * One step result in a JSON document (reconcile, destroy, prune): every field present, `null` when
 * absent, so scripts need no existence checks.
 */
export function stepResultJson(r: StepResult) {
  return {
    logicalId: r.logicalId,
    kind: r.kind,
    action: r.action,
    status: r.status,
    durationMs: r.durationMs,
    physicalId: orNull(r.physicalId),
    message: orNull(r.message),
    error: r.error
      ? {
          name: r.error.name,
          code: orNull(r.error.code),
          message: r.error.message,
          call: orNull(r.error.call),
        }
      : null,
  };
}
