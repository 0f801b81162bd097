/**
 * Every pass that held a stack's lease leaves one event whose message ends in a machine-readable
 * trailer: `[fence=7 owner=host:12:ab startedAt=… finishedAt=…]`. It is the audit trail of "which
 * replica did what, under which lease, when", read by `stacks show`, the status page and the tests that
 * prove passes of one stack never overlapped.
 *
 * @module
 */
import type { StackEvent } from '../state/index.js';

/** One committed pass: the lease fence it ran under and when it ran. */
export interface PassRecord {
  readonly fence: number;
  readonly owner: string;
  readonly startedAt: string;
  readonly finishedAt: string;
}

/** Event reasons the operator writes, one per pass. */
export const PASS_EVENT_REASONS = {
  applied: 'Applied',
  inSync: 'InSync',
  driftDetected: 'DriftDetected',
  driftCorrected: 'DriftCorrected',
  failed: 'ReconcileFailed',
  refused: 'ChangesRefused',
  paused: 'Paused',
  deleting: 'Deleting',
  deleted: 'Deleted',
  expired: 'Expired',
} as const;

/** A pass event reason. */
export type PassEventReason = (typeof PASS_EVENT_REASONS)[keyof typeof PASS_EVENT_REASONS];

const TRAILER = /\[fence=(\d+) owner=(\S+) startedAt=(\S+) finishedAt=(\S+)\]$/;

/** The trailer appended to a pass event's message. Owners never contain spaces (see config). */
export function formatPassTrailer(record: PassRecord): string {
  return `[fence=${record.fence} owner=${record.owner.replace(/\s/g, '_')} startedAt=${record.startedAt} finishedAt=${record.finishedAt}]`;
}

/** The pass record in an event message, or undefined for events that are not pass events. */
export function parsePassTrailer(message: string): PassRecord | undefined {
  const m = TRAILER.exec(message);
  if (!m?.[1] || !m[2] || !m[3] || !m[4]) return undefined;
  return { fence: Number(m[1]), owner: m[2], startedAt: m[3], finishedAt: m[4] };
}

/** The pass records among `events`, oldest first. */
export function passRecords(events: readonly StackEvent[]): readonly PassRecord[] {
  return events
    .map((e) => parsePassTrailer(e.message))
    .filter((r): r is PassRecord => r !== undefined)
    .sort((a, b) => a.startedAt.localeCompare(b.startedAt) || a.fence - b.fence);
}

/**
 * Pairs of passes of one stack that broke the one-lease-at-a-time rule: a repeated fence, a fence that
 * went down over time, or two passes whose time spans overlap. Empty when the history is sound.
 */
export function leaseViolations(records: readonly PassRecord[]): readonly string[] {
  const problems: string[] = [];
  const sorted = [...records].sort((a, b) => a.fence - b.fence);
  for (let i = 1; i < sorted.length; i += 1) {
    const prev = sorted[i - 1];
    const cur = sorted[i];
    if (!prev || !cur) continue;
    if (cur.fence === prev.fence) problems.push(`fence ${cur.fence} used by two passes`);
    else if (cur.startedAt < prev.finishedAt)
      problems.push(
        `pass under fence ${cur.fence} (${cur.owner}) started at ${cur.startedAt}, before the pass under fence ${prev.fence} (${prev.owner}) finished at ${prev.finishedAt}`,
      );
  }
  return problems;
}
