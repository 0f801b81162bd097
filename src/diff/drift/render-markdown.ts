/**
 * The drift report as GitHub-flavoured Markdown: a pull-request comment or a CI step summary
 * (`>> $GITHUB_STEP_SUMMARY`). One overview table of stacks, then per drifted stack one table of what
 * differs, with ignored counts folded away in a `<details>` block.
 *
 * @module
 */
import { type FieldView, fieldViews, wrapValue } from './field-view.js';
import { fixLabel, ignoredLines, resourcesIn, SECTIONS, summaryLine } from './present.js';
import type { DriftReport, ResourceDrift, StackDrift, SyncStatus } from './types.js';

const SYNC_BADGE: Readonly<Record<SyncStatus, string>> = {
  Synced: '✅ Synced',
  OutOfSync: '⚠️ OutOfSync',
  Unknown: '❓ Unknown',
};

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Inline code that survives a table cell: pipes escaped, newlines flattened, backticks via `<code>`. */
export function mdCode(s: string): string {
  const flat = s.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');
  return flat.includes('`') ? `<code>${escapeHtml(flat)}</code>` : `\`${flat}\``;
}

function mdText(s: string): string {
  return escapeHtml(s.replace(/\r?\n/g, ' ')).replace(/\|/g, '\\|');
}

function overview(report: DriftReport): string[] {
  const rows = report.stacks.map((s) => {
    const c = s.summary;
    const sync = s.error === undefined ? SYNC_BADGE[s.sync] : '❌ error';
    return `| ${mdText(s.stack)} | ${s.region} | ${sync} | ${s.health} | ${c.inSync} | ${c.changed} | ${c.missing} | ${c.unmanaged} | ${c.coverage}% |`;
  });
  return [
    '| Stack | Region | Sync | Health | In sync | Changed | Missing | Unmanaged | Coverage |',
    '|---|---|---|---|---:|---:|---:|---:|---:|',
    ...rows,
  ];
}

function resourceRows(marker: string, r: ResourceDrift): string[] {
  const who = `${mdCode(r.kind)} ${mdCode(r.logicalId)}`;
  if (r.fields.length === 0) {
    const what = r.status === 'unmanaged' ? mdCode(r.physicalId ?? r.name) : mdText(r.reason ?? '');
    return [`| ${marker} | ${who} | ${r.status} | ${what} | | |`];
  }
  return fieldViews(r).map((v) => {
    const [field, live, want] = viewCells(v);
    return `| ${marker} | ${who} | ${field} | ${live} | ${want} | ${fixLabel(v.fix)} |`;
  });
}

/** A value as code, wrapped over `<br>`-separated lines so a long rule stays readable in a table cell. */
function mdValue(value: string): string {
  return wrapValue(value)
    .map((chunk) => mdCode(chunk))
    .join('<br>');
}

/** Field, live and desired cells of one changed field (field-view.ts). */
function viewCells(v: FieldView): readonly [string, string, string] {
  switch (v.type) {
    case 'secret':
      return [`secret ${mdCode(v.key)}`, mdText(v.detail), '—'];
    case 'value':
      return [mdCode(v.label), mdValue(v.observed), mdValue(v.desired)];
    case 'element':
      return [
        `${mdCode(v.label)} (${mdText(v.changed.join(', '))})`,
        mdValue(v.observed),
        mdValue(v.desired),
      ];
    case 'list':
      return [
        `${mdCode(v.label)} (only live / only desired)`,
        v.liveOnly.map((x) => `− ${mdValue(x)}`).join('<br>') || '—',
        v.desiredOnly.map((x) => `+ ${mdValue(x)}`).join('<br>') || '—',
      ];
  }
}

function stackSection(stack: StackDrift): string[] {
  const out = [
    `### ${mdText(stack.stack)} (${stack.region}): ${SYNC_BADGE[stack.sync]} / ${stack.health}`,
    '',
  ];
  if (stack.error !== undefined) return [...out, `❌ ${mdText(stack.error)}`, ''];
  out.push(summaryLine(stack.summary), '');
  const rows = SECTIONS.flatMap((sec) =>
    resourcesIn(stack, sec.status).flatMap((r) => resourceRows(sec.marker, r)),
  );
  if (rows.length > 0) {
    out.push('| | Resource | Field | Live | Desired | Fix |', '|---|---|---|---|---|---|', ...rows, '');
  }
  const broken = stack.wiring?.broken ?? [];
  if (broken.length > 0) {
    out.push(
      `Broken edges: ${broken.length} of ${stack.wiring?.edges ?? 0}`,
      '',
      '| Edge | Check | Why |',
      '|---|---|---|',
      ...broken.map((b) => `| ${mdCode(b.edge)} | ${b.check} | ${mdText(b.reason)} |`),
      '',
    );
  }
  const ignored = ignoredLines(stack);
  if (ignored.length > 0) {
    out.push(
      `<details><summary>Ignored: ${stack.summary.ignored}</summary>`,
      '',
      ...ignored.map((l) => `- ${mdText(l)}`),
      '',
      '</details>',
      '',
    );
  }
  return out;
}

/**
 * Renders the report as Markdown. Stacks in sync appear in the overview only; drifted or failed ones
 * get their own section.
 *
 * @example
 * appendFileSync(process.env.GITHUB_STEP_SUMMARY, formatDriftMarkdown(report));
 */
export function formatDriftMarkdown(report: DriftReport): string {
  const s = report.summary;
  const out = [
    `## Drift report: ${mdText(report.project)} — ${SYNC_BADGE[report.sync]}`,
    '',
    `${s.stacksOutOfSync} of ${s.stacks} stack${s.stacks === 1 ? '' : 's'} out of sync${
      s.stacksWithErrors > 0 ? `, ${s.stacksWithErrors} not checked` : ''
    } · ${summaryLine(s)} · generated ${report.generatedAt}`,
    '',
    ...overview(report),
    '',
  ];
  for (const stack of report.stacks) {
    if (stack.sync === 'Synced' && stack.error === undefined) continue;
    out.push(...stackSection(stack));
  }
  return `${out.join('\n').trimEnd()}\n`;
}
