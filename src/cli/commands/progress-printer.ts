/**
 * Live progress of a pass on stderr, one line per resource: on an interactive terminal the steps in
 * flight form a block redrawn in place (and each finished step becomes a permanent line above it); in
 * a pipe, a file or CI, exactly one line per finished, failed or blocked step plus a "still running"
 * line per slow step every {@link STEP_HEARTBEAT_MS}, so logs stay short and never go silent.
 *
 * @module
 */
import type { ProgressEvent } from '../../reconcilers/engine-types.js';
import { RunningSteps, type RunningStepView, STEP_HEARTBEAT_MS } from '../../reconcilers/running-steps.js';
import type { Flags } from '../args.js';
import { type Io, paint } from '../output.js';

/** How often the live block refreshes its running times on a terminal. */
export const LIVE_REDRAW_MS = 1_000;

/** ANSI: move the cursor up `n` lines (to column 0 after a newline) and clear to the end of screen. */
const clearLinesAbove = (n: number): string => (n > 0 ? `\u001b[${n}A\u001b[J` : '');

/** Options for {@link progressPrinter}. */
export interface ProgressPrinterOptions {
  /** How often the steps still running are listed (line mode). @default STEP_HEARTBEAT_MS (30 s) */
  readonly heartbeatMs?: number;
  /**
   * Redraw a live block in place. @default true when stderr is a terminal (`io.errTerminal`) and the
   * `CI` environment variable is unset
   */
  readonly live?: boolean;
  /** Clock for running times. @default Date.now */
  readonly now?: () => number;
}

/** Whether progress is drawn live: a terminal on stderr, and not a CI runner (which fakes one). */
export function isLiveTerminal(io: Io, env: NodeJS.ProcessEnv = process.env): boolean {
  return io.errTerminal !== undefined && !env.CI;
}

/** `create  ecs.Service api`: the action padded so resource names line up. */
function labelOf(e: Pick<ProgressEvent, 'action' | 'kind' | 'logicalId'>): string {
  return `${e.action.padEnd(7)} ${e.kind} ${e.logicalId}`;
}

/** Shortens `text` to `columns - 1` characters so a line never wraps (the redraw counts lines). */
function fitToWidth(text: string, columns: number): string {
  const max = Math.max(10, columns - 1);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** The permanent line for an event that ends a step, or undefined (start and retry are not worth one). */
function finishedLine(e: ProgressEvent, durationMs: number | undefined, c: ReturnType<typeof paint>) {
  const label = labelOf(e);
  switch (e.type) {
    case 'done':
      return `  ${c.green('✓')} ${label} ${c.dim(`(${((durationMs ?? 0) / 1000).toFixed(1)}s)`)}\n`;
    case 'failed':
      return `  ${c.red('✗')} ${label}: ${e.message ?? 'failed'}\n`;
    case 'blocked':
      return `  ${c.yellow('-')} ${label}: ${e.message ?? 'blocked'}\n`;
    default:
      return undefined;
  }
}

/** How long a step in flight has run and what it waits on: `running (12s; waiting on …)`. */
function elapsedText(s: RunningStepView, verb: string): string {
  const waiting = s.waitingOn ? `; waiting on ${s.waitingOn}` : '';
  return `${verb} (${Math.round(s.runningForMs / 1000)}s${waiting})`;
}

/**
 * A progress printer for engine events (see the module doc for the two modes). Its timers run only
 * while a step is in flight and never keep the process alive.
 */
export function progressPrinter(
  io: Io,
  flags: Pick<Flags, 'color'>,
  options: ProgressPrinterOptions = {},
): (event: ProgressEvent) => void {
  const c = paint(flags.color);
  const now = options.now ?? Date.now;
  const running = new RunningSteps(now);
  const live = options.live ?? isLiveTerminal(io);
  const columns = io.errTerminal?.columns ?? 80;
  let drawn = 0;
  const draw = (above = ''): void => {
    const rows = running
      .snapshot()
      .map(
        (s) => `  ${c.dim('…')} ${fitToWidth(`${labelOf(s)} ${elapsedText(s, 'running')}`, columns - 4)}\n`,
      );
    io.err(`${clearLinesAbove(drawn)}${above}${rows.join('')}`);
    drawn = rows.length;
  };
  const beat = (): void => {
    for (const s of running.snapshot())
      io.err(`  ${c.dim('…')} ${labelOf(s)} ${c.dim(elapsedText(s, 'still running'))}\n`);
  };
  const intervalMs = live ? LIVE_REDRAW_MS : (options.heartbeatMs ?? STEP_HEARTBEAT_MS);
  let timer: ReturnType<typeof setInterval> | undefined;
  const arm = (): void => {
    if (running.size > 0 && timer === undefined)
      timer = setInterval(live ? () => draw() : beat, intervalMs).unref();
    if (running.size === 0 && timer !== undefined) {
      clearInterval(timer);
      timer = undefined;
    }
  };
  return (e) => {
    const finished = running.observe(e);
    arm();
    const line = finishedLine(e, finished?.durationMs, c);
    if (live) draw(line ?? '');
    else if (line !== undefined) io.err(line);
  };
}
