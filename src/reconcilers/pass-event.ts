/**
 * One stack event per reconcile pass, so `stackctl events` and `stackctl status` can tell when the
 * stack was last reconciled and how it went.
 *
 * @module
 */
import type { AwsClients } from '../aws/types.js';
import { appendEvent, type EventType } from '../state/index.js';
import type { ApplyReport } from './engine-types.js';

/** The event a finished pass leaves: type, reason and a one-line message (no secrets: counts only). */
export function passEvent(report: ApplyReport): {
  readonly type: EventType;
  readonly reason: string;
  readonly message: string;
} {
  const s = report.summary;
  const failed = report.results.filter((r) => r.status === 'failed' || r.status === 'conflict');
  const counts = `applied ${s.applied}, unchanged ${s.noop}, failed ${s.failed}, blocked ${s.blocked}, skipped ${s.skipped}, conflicts ${s.conflict}`;
  if (!report.ok) {
    return {
      type: 'Warning',
      reason: 'ReconcileFailed',
      message: `pass failed (${counts}): ${failed.map((r) => r.logicalId).join(', ') || 'blocked steps'}`,
    };
  }
  if (s.applied === 0) return { type: 'Normal', reason: 'InSync', message: `nothing to change (${counts})` };
  return { type: 'Normal', reason: 'Reconciled', message: `pass converged (${counts})` };
}

/**
 * Appends the pass's event. Never throws: a lost event must not fail a pass that did its work; the
 * failure goes to `onError` instead.
 */
export async function recordPassEvent(input: {
  readonly clients: Pick<AwsClients, 'dynamodb'>;
  readonly table: string;
  readonly report: ApplyReport;
  readonly onError?: (err: unknown) => void;
}): Promise<void> {
  const { report } = input;
  try {
    await appendEvent({
      client: input.clients.dynamodb,
      table: input.table,
      project: report.project,
      stack: report.stack,
      ...passEvent(report),
    });
  } catch (err) {
    input.onError?.(err);
  }
}
