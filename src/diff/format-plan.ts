/**
 * Human plan text, terraform style: one line per changing resource, the deltas under updates and
 * replacements, and a summary line.
 *
 * @module
 */
import { isRef, STATEFUL_KINDS } from '../desired/resource-types.js';
import { canonicalJson } from './canonical-json.js';
import { isDataSafetyRefusal } from './data-safety.js';
import { redactPlan } from './redact-plan.js';
import { restartReasons } from './secret-versions.js';
import type { FieldDelta, Plan, PlanStep } from './types.js';

/** Options of {@link formatPlanText}. */
export interface FormatPlanOptions {
  /** ANSI colours (a terminal); off for files and CI logs. */
  readonly color: boolean;
}

/** ANSI SGR codes used by the plan text. */
const ANSI = {
  reset: '\u001b[0m',
  red: '\u001b[31m',
  boldRed: '\u001b[1;31m',
  green: '\u001b[32m',
  yellow: '\u001b[33m',
  magenta: '\u001b[35m',
  dim: '\u001b[2m',
} as const;

type Tone = keyof typeof ANSI;

/** What a ref renders as in a delta: its value is known only once the dependency exists. */
export const KNOWN_AFTER_APPLY = '(known after apply)';

/** Renders one delta value: strings quoted, absent as `(none)`, refs as {@link KNOWN_AFTER_APPLY}. */
export function formatValue(v: unknown): string {
  if (v === undefined || v === null) return '(none)';
  if (isRef(v)) return KNOWN_AFTER_APPLY;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (typeof v === 'string') return JSON.stringify(v);
  return canonicalJson(v);
}

function formatDelta(d: FieldDelta): string {
  return `    ${d.path}: ${formatValue(d.observed)} → ${formatValue(d.desired)}${d.replace ? '  # forces replacement' : ''}`;
}

function head(marker: string, verb: string, step: PlanStep): string {
  return `${marker} ${verb.padEnd(7)} ${step.kind} ${step.logicalId}`;
}

/** Lines naming the fields a step left at their live values (never silently: ignore-changes.ts). */
function ignoredLines(step: PlanStep): readonly string[] {
  return (step.ignored ?? []).map(
    (f) => `    ${f.path}: ignored, owned elsewhere (${f.rule} at ${f.source})`,
  );
}

function stepLines(step: PlanStep): { readonly tone: Tone; readonly lines: readonly string[] } | undefined {
  const block = actionLines(step);
  const ignored = ignoredLines(step);
  if (ignored.length === 0) return block;
  if (block === undefined) return { tone: 'dim', lines: [head('=', 'ignore', step), ...ignored] };
  return { tone: block.tone, lines: [...block.lines, ...ignored] };
}

function actionLines(step: PlanStep): { readonly tone: Tone; readonly lines: readonly string[] } | undefined {
  const a = step.action;
  const dataLoss = STATEFUL_KINDS.has(step.kind) ? '; destroys data' : '';
  switch (a.type) {
    case 'noop':
      return undefined;
    case 'create':
      return { tone: 'green', lines: [head('+', 'create', step)] };
    case 'update': {
      // Only secret versions changed: a new deployment, said as such (secret-versions.ts).
      const restart = restartReasons(step);
      if (restart) return { tone: 'yellow', lines: [`~ restart ${step.logicalId} (${restart.join('; ')})`] };
      return { tone: 'yellow', lines: [head('~', 'update', step), ...a.deltas.map(formatDelta)] };
    }
    case 'replace':
      return {
        tone: dataLoss ? 'boldRed' : 'magenta',
        lines: [
          `${head('-/+', 'replace', step)} (reason: ${a.reason}${dataLoss})`,
          ...a.deltas.map(formatDelta),
        ],
      };
    case 'delete':
      return {
        tone: dataLoss ? 'boldRed' : 'red',
        lines: [
          `${head('-', 'delete', step)}${a.reason ? ` (reason: ${a.reason}${dataLoss})` : dataLoss ? ' (destroys data)' : ''}`,
        ],
      };
    case 'conflict':
      return { tone: 'red', lines: [`${head('!', 'conflict', step)} (${a.reason})`] };
    case 'skip':
      // A refused replacement or deletion of data is the one skip the reader must not miss.
      return {
        tone: isDataSafetyRefusal(a) ? 'boldRed' : 'dim',
        lines: [`${head('·', 'skip', step)} (${a.reason})`],
      };
  }
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** The summary line: `Plan: 3 to create, 1 to update, 0 to replace, 0 to delete, 1 skipped, 0 conflicts.` */
export function formatSummary(plan: Plan): string {
  const s = plan.summary;
  const ignored = plan.steps.reduce((n, step) => n + (step.ignored?.length ?? 0), 0);
  const owned = ignored > 0 ? ` ${plural(ignored, 'field')} left to other owners.` : '';
  return `Plan: ${s.create} to create, ${s.update} to update, ${s.replace} to replace, ${s.delete} to delete, ${s.skip} skipped, ${plural(s.conflict, 'conflict')}.${owned}`;
}

/**
 * The plan as text for a terminal or a CI log, redacted. A plan where everything is a noop prints
 * `No changes. Stack <s> is in sync.`
 *
 * @example
 * process.stdout.write(formatPlanText(plan, { color: process.stdout.isTTY }));
 */
export function formatPlanText(plan: Plan, options: FormatPlanOptions): string {
  const paint = (tone: Tone, text: string): string =>
    options.color ? `${ANSI[tone]}${text}${ANSI.reset}` : text;
  const out: string[] = [];
  for (const step of redactPlan(plan).steps) {
    const block = stepLines(step);
    if (block === undefined) continue;
    const [first, ...rest] = block.lines;
    out.push(paint(block.tone, first as string), ...rest);
  }
  if (out.length === 0) return `No changes. Stack ${plan.stack} is in sync.\n`;
  if (plan.steps.every((step) => step.action.type === 'noop')) {
    const ignored = plan.steps.reduce((n, step) => n + (step.ignored?.length ?? 0), 0);
    return `${out.join('\n')}\n\nNo changes. Stack ${plan.stack} is in sync; ${plural(ignored, 'field')} left to other owners.\n`;
  }
  return `${out.join('\n')}\n\n${formatSummary(plan)}\n`;
}
