/**
 * The drift report for a terminal: one status line per stack, driftctl-style sections with `~ + - !`
 * markers, field changes as `live → desired`, and a footer with totals and coverage.
 *
 * @module
 */
import { type FieldView, fieldViews, WRAP_WIDTH, wrapValue } from './field-view.js';
import { fixLabel, ignoredLines, resourceLabel, resourcesIn, SECTIONS, summaryLine } from './present.js';
import type { DriftReport, StackDrift, SyncStatus } from './types.js';

/** Options of {@link formatDriftText}. */
export interface DriftTextOptions {
  /** ANSI colours. @default false */
  readonly color?: boolean;
}

const CODES = { red: 31, green: 32, yellow: 33, dim: 2, bold: 1 } as const;

type Paint = (tone: keyof typeof CODES, s: string) => string;

function painter(enabled: boolean): Paint {
  return (tone, s) => (enabled ? `\u001b[${CODES[tone]}m${s}\u001b[0m` : s);
}

function syncTone(sync: SyncStatus): keyof typeof CODES {
  return sync === 'Synced' ? 'green' : sync === 'OutOfSync' ? 'yellow' : 'red';
}

/** Indent of a field line under its resource, and of the lines continuing it. */
const FIELD_INDENT = '        ';
const DETAIL_INDENT = `${FIELD_INDENT}  `;

/** `live:    …` / `desired: …` with the value wrapped under itself. */
function sideLines(label: string, value: string, width = 9): string[] {
  const head = `${DETAIL_INDENT}${label.padEnd(width)}`;
  return wrapValue(value).map((chunk, i) => `${i === 0 ? head : ' '.repeat(head.length)}${chunk}`);
}

/** The lines of one changed field (field-view.ts): short values on one line, long ones wrapped. */
export function viewLines(view: FieldView, paint: Paint): string[] {
  const mark = view.fix === 'replace' ? paint('red', '  # forces replacement') : '';
  switch (view.type) {
    case 'secret':
      return [`${FIELD_INDENT}secret ${view.key}: ${view.detail}${mark}`];
    case 'value': {
      const line = `${FIELD_INDENT}${view.label}: ${view.observed} → ${view.desired}`;
      if (line.length <= FIELD_INDENT.length + WRAP_WIDTH) return [`${line}${mark}`];
      return [
        `${FIELD_INDENT}${view.label}:${mark}`,
        ...sideLines('live:', view.observed),
        ...sideLines('desired:', view.desired),
      ];
    }
    case 'element':
      return [
        `${FIELD_INDENT}${view.label} (${view.changed.join(', ')} changed):${mark}`,
        ...sideLines('live:', view.observed),
        ...sideLines('desired:', view.desired),
      ];
    case 'list':
      return [
        `${FIELD_INDENT}${view.label}: ${view.liveOnly.length} only live (reconcile removes), ${view.desiredOnly.length} only desired (reconcile adds):${mark}`,
        ...view.liveOnly.flatMap((v) => sideLines('-', v, 2)),
        ...view.desiredOnly.flatMap((v) => sideLines('+', v, 2)),
      ];
  }
}

function stackLines(stack: StackDrift, paint: Paint): string[] {
  const head = `${paint('bold', stack.stack)} (${stack.region}): ${paint(syncTone(stack.sync), stack.sync)} / ${stack.health}`;
  if (stack.error !== undefined) return [head, `  ${paint('red', 'error:')} ${stack.error}`];
  const lines = [head, `  ${summaryLine(stack.summary)}`];
  for (const section of SECTIONS) {
    const items = resourcesIn(stack, section.status);
    if (items.length === 0) continue;
    lines.push(`  ${section.title} (${section.hint(stack.stack)}):`);
    for (const r of items) {
      const detail = r.status === 'changed' ? ` [${fixLabel(r.fix)}]` : r.reason ? `: ${r.reason}` : '';
      lines.push(
        `    ${section.marker} ${r.kind} ${r.logicalId}  ${paint('dim', resourceLabel(r))}${detail}`,
      );
      for (const view of fieldViews(r)) lines.push(...viewLines(view, paint));
    }
  }
  const broken = stack.wiring?.broken ?? [];
  if (broken.length > 0) {
    lines.push(
      `  Broken edges (${broken.length} of ${stack.wiring?.edges ?? 0}; \`stackctl check\` for all):`,
    );
    for (const b of broken)
      lines.push(`    ${paint('red', '✗')} ${b.edge} ${paint('dim', `[${b.check}]`)}: ${b.reason}`);
  }
  const ignored = ignoredLines(stack);
  if (ignored.length > 0) lines.push(`  ${paint('dim', `Ignored: ${ignored.join(', ')}`)}`);
  return lines;
}

/**
 * Renders the report as plain (optionally coloured) text. Field changes read `live → desired`.
 *
 * @example
 * process.stdout.write(formatDriftText(report, { color: process.stdout.isTTY }));
 */
export function formatDriftText(report: DriftReport, options: DriftTextOptions = {}): string {
  const paint = painter(options.color ?? false);
  const out: string[] = [];
  for (const stack of report.stacks) out.push(...stackLines(stack, paint), '');
  const s = report.summary;
  const stacks = `${s.stacksOutOfSync} of ${s.stacks} stack${s.stacks === 1 ? '' : 's'} out of sync${
    s.stacksWithErrors > 0 ? `, ${s.stacksWithErrors} not checked` : ''
  }`;
  out.push(`${paint(syncTone(report.sync), report.sync)}: ${stacks}; ${summaryLine(s)}.`);
  return `${out.join('\n')}\n`;
}
