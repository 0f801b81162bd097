/**
 * The drift report as one self-contained HTML page: inline CSS, no script, no external asset, so it can
 * be archived as a CI artifact and opened offline. Cards with totals, an overview of stacks, then per
 * stack coloured badges, a table of every drifted field (live next to desired) and the full resource list
 * folded away.
 *
 * @module
 */
import { type FieldView, fieldViews, wrapValue } from './field-view.js';
import { DRIFT_HTML_CSS } from './html-style.js';
import { fixLabel, ignoredLines, resourceLabel, resourcesIn, SECTIONS, summaryLine } from './present.js';
import type { DriftReport, ResourceDrift, StackDrift } from './types.js';

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

function badge(value: string, label = value): string {
  return `<span class="badge s-${escapeHtml(value)}">${escapeHtml(label)}</span>`;
}

function code(s: string): string {
  return `<code>${escapeHtml(s)}</code>`;
}

/** Escapes text and turns its `backticked` commands into code. */
function withCode(s: string): string {
  return escapeHtml(s).replace(/`([^`]+)`/g, '<code>$1</code>');
}

function anchor(stack: string): string {
  return `stack-${stack.replace(/[^A-Za-z0-9_-]/g, '_')}`;
}

function cards(report: DriftReport): string {
  const s = report.summary;
  const items: readonly [string, number | string, string][] = [
    ['Stacks out of sync', `${s.stacksOutOfSync} / ${s.stacks}`, s.stacksOutOfSync > 0 ? 'OutOfSync' : ''],
    ['In sync', s.inSync, ''],
    ['Changed', s.changed, s.changed > 0 ? 'changed' : ''],
    ['Missing', s.missing, s.missing > 0 ? 'missing' : ''],
    ['Unmanaged', s.unmanaged, s.unmanaged > 0 ? 'unmanaged' : ''],
    ['Conflicts', s.conflict, s.conflict > 0 ? 'conflict' : ''],
    ['Coverage', `${s.coverage}%`, ''],
    ['Ignored', s.ignored, ''],
  ];
  return `<div class="cards">${items
    .map(
      ([label, value, tone]) =>
        `<div class="card${tone ? ` s-${tone}` : ''}"><b>${escapeHtml(String(value))}</b>${escapeHtml(label)}</div>`,
    )
    .join('')}</div>`;
}

function overview(report: DriftReport): string {
  const rows = report.stacks.map((s) => {
    const c = s.summary;
    const sync = s.error === undefined ? badge(s.sync) : badge('error');
    return `<tr><td><a href="#${anchor(s.stack)}">${escapeHtml(s.stack)}</a></td><td>${escapeHtml(s.region)}</td><td>${sync}</td><td>${badge(s.health)}</td><td class="num">${c.inSync}</td><td class="num">${c.changed}</td><td class="num">${c.missing}</td><td class="num">${c.unmanaged}</td><td class="num">${c.coverage}%</td></tr>`;
  });
  return `<table><thead><tr><th>Stack</th><th>Region</th><th>Sync</th><th>Health</th><th class="num">In sync</th><th class="num">Changed</th><th class="num">Missing</th><th class="num">Unmanaged</th><th class="num">Coverage</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function driftRows(r: ResourceDrift): string[] {
  const who = `${code(r.kind)}<br>${code(r.logicalId)}<br><span class="muted">${escapeHtml(resourceLabel(r))}</span>`;
  if (r.fields.length === 0) {
    return [
      `<tr><td>${badge(r.status)}</td><td>${who}</td><td colspan="4">${escapeHtml(r.reason ?? '')}</td></tr>`,
    ];
  }
  const views = fieldViews(r);
  return views.map((v, i) => {
    const head =
      i === 0
        ? `<td rowspan="${views.length}">${badge(r.status)}</td><td rowspan="${views.length}">${who}</td>`
        : '';
    const fix = `<span class="fix-${v.fix}">${escapeHtml(fixLabel(v.fix))}</span>`;
    return `<tr>${head}${viewCells(v)}<td>${fix}</td></tr>`;
  });
}

/** A value as code, wrapped over lines so a long rule stays readable. */
function htmlValue(value: string): string {
  return wrapValue(value).map(code).join('<br>');
}

/** Field, live and desired cells of one changed field (field-view.ts). */
function viewCells(v: FieldView): string {
  switch (v.type) {
    case 'secret':
      return `<td>secret ${code(v.key)}</td><td colspan="2">${escapeHtml(v.detail)}</td>`;
    case 'value':
      return `<td>${code(v.label)}</td><td class="live">${htmlValue(v.observed)}</td><td class="desired">${htmlValue(v.desired)}</td>`;
    case 'element':
      return `<td>${code(v.label)} <span class="muted">(${escapeHtml(v.changed.join(', '))})</span></td><td class="live">${htmlValue(v.observed)}</td><td class="desired">${htmlValue(v.desired)}</td>`;
    case 'list':
      return `<td>${code(v.label)} <span class="muted">(only live / only desired)</span></td><td class="live">${v.liveOnly.map((x) => `− ${htmlValue(x)}`).join('<br>') || '—'}</td><td class="desired">${v.desiredOnly.map((x) => `+ ${htmlValue(x)}`).join('<br>') || '—'}</td>`;
  }
}

function allResources(stack: StackDrift): string {
  const rows = stack.resources.map(
    (r) =>
      `<tr><td>${badge(r.status)}</td><td>${code(r.kind)}</td><td>${code(r.logicalId)}</td><td>${escapeHtml(resourceLabel(r))}</td><td>${badge(r.health)}${r.healthReason ? ` <span class="muted">${escapeHtml(r.healthReason)}</span>` : ''}</td></tr>`,
  );
  return `<details><summary>All ${stack.resources.length} resources</summary><table><thead><tr><th>Status</th><th>Kind</th><th>Logical id</th><th>Name</th><th>Health</th></tr></thead><tbody>${rows.join('')}</tbody></table></details>`;
}

function stackSection(stack: StackDrift): string {
  const head = `<h2>${escapeHtml(stack.stack)} <span class="muted">${escapeHtml(stack.region)}</span> ${badge(stack.error === undefined ? stack.sync : 'error', stack.error === undefined ? stack.sync : 'not checked')} ${badge(stack.health)}</h2>`;
  if (stack.error !== undefined) {
    return `<section class="stack" id="${anchor(stack.stack)}">${head}<p class="error">${escapeHtml(stack.error)}</p></section>`;
  }
  const parts = [head, `<p>${escapeHtml(summaryLine(stack.summary))}</p>`];
  const rows = SECTIONS.flatMap((sec) => resourcesIn(stack, sec.status).flatMap(driftRows));
  if (rows.length > 0) {
    const hints = SECTIONS.filter((sec) => resourcesIn(stack, sec.status).length > 0)
      .map((sec) => `<li><b>${escapeHtml(sec.title)}</b>: ${withCode(sec.hint(stack.stack))}</li>`)
      .join('');
    parts.push(
      `<table class="drift"><thead><tr><th>Status</th><th>Resource</th><th>Field</th><th>Live</th><th>Desired</th><th>Fix</th></tr></thead><tbody>${rows.join('')}</tbody></table>`,
      `<ul class="muted">${hints}</ul>`,
    );
  } else if ((stack.wiring?.broken.length ?? 0) === 0) {
    parts.push('<p class="muted">No drift: every resource matches what the repository renders.</p>');
  }
  const broken = stack.wiring?.broken ?? [];
  if (broken.length > 0) {
    const rows = broken.map(
      (b) =>
        `<tr><td>${code(b.edge)}</td><td>${escapeHtml(b.check)}</td><td>${escapeHtml(b.reason)}</td></tr>`,
    );
    parts.push(
      `<h3>Broken edges: ${broken.length} of ${stack.wiring?.edges ?? 0}</h3><table class="drift"><thead><tr><th>Edge</th><th>Check</th><th>Why</th></tr></thead><tbody>${rows.join('')}</tbody></table>`,
    );
  }
  parts.push(allResources(stack));
  const ignored = ignoredLines(stack);
  if (ignored.length > 0) {
    parts.push(
      `<details><summary>Ignored: ${stack.summary.ignored}</summary><ul>${ignored.map((l) => `<li>${escapeHtml(l)}</li>`).join('')}</ul></details>`,
    );
  }
  return `<section class="stack" id="${anchor(stack.stack)}">${parts.join('\n')}</section>`;
}

/**
 * Renders the report as one HTML document. Every value goes through {@link escapeHtml}; values are
 * already redacted in the report.
 *
 * @example
 * writeFileSync('drift.html', formatDriftHtml(report));
 */
export function formatDriftHtml(report: DriftReport): string {
  const title = `Drift report: ${report.project}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} (${escapeHtml(report.sync)})</title>
<style>${DRIFT_HTML_CSS}</style>
</head>
<body>
<header>
<h1>Drift report <span>${escapeHtml(report.project)}</span> ${badge(report.sync)}</h1>
<p class="meta">Generated ${escapeHtml(report.generatedAt)} in ${report.durationMs} ms · ${escapeHtml(summaryLine(report.summary))}</p>
${cards(report)}
</header>
<main>
${overview(report)}
${report.stacks.map(stackSection).join('\n')}
</main>
<footer>${escapeHtml(report.tool.name)} ${escapeHtml(report.tool.version)} · report schema ${report.schemaVersion} · values are shown live → desired; secrets are redacted</footer>
</body>
</html>
`;
}
