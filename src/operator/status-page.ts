/**
 * The read-only status page: one HTML table of every stack with its sync and health, rendered on the
 * server (no script, no assets), refreshed by the browser every 10 s. Every value is escaped: stack
 * names, messages and errors come from the state table.
 *
 * @module
 */
import type { StackSpecRecord, StackStatus } from '../state/index.js';

/** One row of the page. */
export interface StackView {
  readonly spec: StackSpecRecord;
  readonly status: StackStatus | undefined;
  /** Replica holding the stack's lease right now, if any. */
  readonly leaseOwner?: string;
}

/** Seconds between browser refreshes. */
export const STATUS_PAGE_REFRESH_SECONDS = 10;

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** The one-word state shown first: what an on-call engineer scans for. */
export function stackState(view: StackView): string {
  const { spec, status } = view;
  if (spec.deletionRequestedAt) return 'Deleting';
  if (spec.paused) return 'Paused';
  if (!status || status.observedGeneration !== spec.generation) return 'Pending';
  if (status.conditions.Synced.status !== 'True') return status.conditions.Synced.reason;
  return status.conditions.Ready.status === 'True' ? 'Ready' : status.conditions.Ready.reason;
}

const STYLE = `body{font-family:system-ui,sans-serif;margin:2rem;color:#1f2328}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.4rem .6rem;border-bottom:1px solid #d0d7de;vertical-align:top}
th{background:#f6f8fa}.True{color:#1a7f37}.False{color:#cf222e}.Unknown{color:#9a6700}small{color:#59636e}`;

function condition(status: StackStatus | undefined, type: 'Synced' | 'Ready'): string {
  const c = status?.conditions[type];
  if (!c) return '<td class="Unknown">Unknown</td>';
  const message = c.message ? `<br><small>${escapeHtml(c.message)}</small>` : '';
  return `<td class="${escapeHtml(c.status)}" data-status="${escapeHtml(c.status)}">${escapeHtml(c.reason)}${message}</td>`;
}

function row(view: StackView): string {
  const { spec, status } = view;
  const key = `${spec.project}/${spec.stack}`;
  const last = status?.lastPass;
  const lastText = last
    ? `${escapeHtml(last.result)} at ${escapeHtml(last.finishedAt)}<br><small>${last.mutations} mutations${last.error ? `; ${escapeHtml(last.error)}` : ''}</small>`
    : 'never';
  return `<tr data-stack="${escapeHtml(key)}">
<td>${escapeHtml(key)}</td>
<td data-field="state">${escapeHtml(stackState(view))}</td>
${condition(status, 'Synced')}
${condition(status, 'Ready')}
<td data-field="health">${escapeHtml(status?.health ?? 'Unknown')}</td>
<td>${spec.generation} / ${status?.observedGeneration ?? '-'}</td>
<td>${lastText}</td>
<td>${escapeHtml(view.leaseOwner ?? '-')}</td>
</tr>`;
}

/**
 * The whole page for `views`, sorted by key, with the replica that rendered it in the footer.
 *
 * @example res.end(renderStatusPage(await loadViews(), { owner: config.owner, now: new Date() }));
 */
export function renderStatusPage(
  views: readonly StackView[],
  meta: { readonly owner: string; readonly now: Date },
): string {
  const rows = [...views]
    .sort((a, b) => `${a.spec.project}/${a.spec.stack}`.localeCompare(`${b.spec.project}/${b.spec.stack}`))
    .map(row)
    .join('\n');
  const empty =
    '<tr><td colspan="8">No stacks yet: push one with <code>stackctl push --stack NAME</code>.</td></tr>';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="refresh" content="${STATUS_PAGE_REFRESH_SECONDS}">
<title>stackctl operator</title><style>${STYLE}</style></head>
<body><h1>stackctl stacks</h1>
<table id="stacks"><thead><tr><th>Stack</th><th>State</th><th>Synced</th><th>Ready</th><th>Health</th><th>Generation / observed</th><th>Last pass</th><th>Lease</th></tr></thead>
<tbody>
${views.length > 0 ? rows : empty}
</tbody></table>
<p><small>Rendered by ${escapeHtml(meta.owner)} at ${escapeHtml(meta.now.toISOString())}. Read-only; refreshes every ${STATUS_PAGE_REFRESH_SECONDS} s.</small></p>
</body></html>
`;
}
