/**
 * The plan as Markdown, for a pull-request comment: a heading naming the stack, the summary line, and the
 * plan text in a fenced `diff` block (GitHub colours `+` green and `-` red, so the review reads like a
 * terraform plan comment). Redacted like every other plan rendering.
 *
 * @module
 */
import { formatPlanText } from './format-plan.js';
import type { Plan } from './types.js';

/** A fence longer than any run of backticks in the body, so the block cannot be closed early. */
function fenceFor(body: string): string {
  const longest = Math.max(2, ...[...body.matchAll(/`+/g)].map((m) => m[0].length));
  return '`'.repeat(longest + 1);
}

/**
 * Markdown for one stack's plan.
 *
 * @example
 * await writeFile('plan.md', formatPlanMarkdown(plan)); // then: gh pr comment --body-file plan.md
 */
export function formatPlanMarkdown(plan: Plan): string {
  const text = formatPlanText(plan, { color: false }).trimEnd();
  const lines = text.split('\n');
  const summary = lines.at(-1) ?? '';
  const changes = plan.steps.some((s) => s.action.type !== 'noop');
  const heading = `### stackctl plan: \`${plan.project}/${plan.stack}\``;
  if (!changes && !plan.steps.some((s) => s.ignored !== undefined)) return `${heading}\n\n${summary}\n`;
  const body = lines.slice(0, -1).join('\n').trimEnd();
  const fence = fenceFor(body);
  return `${heading}\n\n**${summary}**\n\n${fence}diff\n${body}\n${fence}\n`;
}
