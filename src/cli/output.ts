/**
 * Everything the CLI prints goes through here: stdout for results, stderr for progress and warnings, so
 * `--output json` stays machine-readable whatever else happens.
 *
 * @module
 */
import { stringify as toYaml } from 'yaml';
import { callSiteOf, sanitizeAwsMessage, withCallSite } from '../aws/index.js';
import { formatProblem, type SourceLocation, StackctlError, type Warning } from '../errors.js';

/** Exit codes shared by every command. */
export const EXIT = {
  /** Valid / in sync / done. */
  ok: 0,
  /** Error: invalid input, failed call, refused action. */
  error: 1,
  /** Changes pending or drift found. */
  changes: 2,
} as const;

/** An exit code. */
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** Where a command writes; injected so tests capture output without spawning a process. */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** Reads all of stdin (for `config set --from-stdin`). */
  readStdin(): Promise<string>;
  /** Asks a yes/no question on the terminal; false when there is no terminal. */
  confirm(question: string): Promise<boolean>;
  /**
   * Set when stderr is an interactive terminal (`process.stderr.isTTY`), with its width: progress is then
   * redrawn in place instead of printed one line per event. Absent for pipes, files and tests.
   */
  readonly errTerminal?: { readonly columns: number };
  /**
   * Set when stdout is an interactive terminal (`process.stdout.isTTY`): colour of what goes to stdout is
   * decided from this, colour of stderr from {@link Io.errTerminal} (color.ts). Absent for pipes and tests.
   */
  readonly outTerminal?: { readonly columns: number };
}

/** Writes a value as JSON (stable, 2-space) or YAML. */
export function formatData(value: unknown, format: 'json' | 'yaml'): string {
  return format === 'json' ? `${JSON.stringify(value, null, 2)}\n` : toYaml(value, { sortMapEntries: false });
}

/** Prints warnings to stderr, one per line, with their file location. */
export function printWarnings(io: Io, warnings: readonly Warning[]): void {
  for (const w of warnings) io.err(`warning: ${formatProblem(w.message, w.location, w.field)}\n`);
}

/** The fields every collected problem has, whether an error or a plain record. */
interface ProblemLike {
  readonly message: string;
  readonly location?: SourceLocation | undefined;
  readonly field?: string | undefined;
}

/**
 * A user-facing one-or-more-line description of any error, never a stack trace. A raw AWS failure is
 * led by the call that failed (`ecs:CreateService failed after 3 attempts (endpoint): …`); a stackctl
 * error caused by one keeps its own text and ends with `(call: ecs:CreateService)`.
 */
export function describeError(err: unknown): string {
  return withCallSite(describeErrorText(err), err, err instanceof StackctlError ? 'trail' : 'lead');
}

function describeErrorText(err: unknown): string {
  if (err instanceof StackctlError) {
    // Layers collect problems either as errors or as plain records (StackProblem, RenderProblem):
    // format them from their fields, which both shapes have.
    const problems = (err as { problems?: readonly ProblemLike[] }).problems;
    if (problems && problems.length > 0) {
      const texts = problems.map((p) => formatProblem(p.message, p.location, p.field));
      return `${problemListHeading(err.message, texts)}\n${texts.map((t) => `  ${t}`).join('\n')}`;
    }
    return err.describe();
  }
  if (err instanceof Error) {
    const message = callSiteOf(err) ? sanitizeAwsMessage(err.message) : err.message;
    return `${err.name}: ${message}`;
  }
  return String(err);
}

/**
 * The line above a problem list: the message's first line when it is a heading (`stack file … is invalid
 * (2 problems):`), or a count when the message is only the problems themselves (ComposeError), whose
 * first line would otherwise print the first problem twice.
 */
function problemListHeading(message: string, problemTexts: readonly string[]): string {
  const first = message.split('\n')[0] ?? '';
  if (!problemTexts.some((t) => t === first.trim() || first.trim().endsWith(t))) return first;
  return problemTexts.length === 1 ? '1 problem:' : `${problemTexts.length} problems:`;
}

/** ANSI styling that turns itself off when colour is off. */
export function paint(enabled: boolean) {
  const wrap = (code: number) => (s: string) => (enabled ? `\u001b[${code}m${s}\u001b[0m` : s);
  return { red: wrap(31), green: wrap(32), yellow: wrap(33), bold: wrap(1), dim: wrap(2) };
}
