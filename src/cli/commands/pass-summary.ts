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
 * The summary line: `Reconciled in 3m 07s: 2 created, 1 updated, 0 replaced, 0 deleted, 0 failed
 * (14 unchanged).`, with blocked and skipped steps named only when there are any; green when the pass
 * is ok, red otherwise.
 */
export function formatPassSummary(report: ApplyReport, elapsedMs: number, color: boolean): string {
  const n = passCounts(report);
  const extra = [
    ...(n.blocked > 0 ? [`${n.blocked} blocked`] : []),
    ...(n.skipped > 0 ? [`${n.skipped} skipped`] : []),
    `${n.unchanged} unchanged`,
  ].join(', ');
  const line = `${report.ok ? 'Reconciled' : 'Failed'} in ${formatElapsed(elapsedMs)}: ${n.created} created, ${n.updated} updated, ${n.replaced} replaced, ${n.deleted} deleted, ${n.failed} failed (${extra}).`;
  const c = paint(color);
  return `${report.ok ? c.green(line) : c.red(line)}\n`;
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
