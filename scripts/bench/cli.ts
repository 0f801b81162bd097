/**
 * The stackctl CLI run in-process (`run(argv, io)`) with captured output, and the moto setup every
 * phase shares, so each figure is what a user's command really costs.
 *
 * @module
 */
import type { CallStatsRow, CallStatsTotals } from '../../src/aws/call-stats.js';
import { runCli as runCliIn } from '../../test/integration/drift/drift-env.js';

/** What one CLI invocation printed and returned. */
export interface CliResult {
  readonly code: number;
  readonly out: string;
  readonly err: string;
  readonly seconds: number;
}

/** `--output json --stats` as the CLI prints it. */
export interface StatsJson {
  readonly totals: CallStatsTotals;
  readonly calls: readonly CallStatsRow[];
}

export { scopeCliEnv } from '../../test/e2e/helpers/harness.js';

/** Runs `stackctl ...argv` in-process; prompts are answered yes. */
export async function runCli(argv: readonly string[]): Promise<CliResult> {
  const started = performance.now();
  const { code, out, err } = await runCliIn(argv, true);
  return { code, out, err, seconds: (performance.now() - started) / 1000 };
}

/** Runs the CLI and fails with its output unless it exits with one of `okCodes`. */
export async function mustRun(argv: readonly string[], okCodes: readonly number[] = [0]): Promise<CliResult> {
  const result = await runCli(argv);
  if (!okCodes.includes(result.code))
    throw new Error(`stackctl ${argv.join(' ')} exited ${result.code}: ${result.err.slice(-2000)}`);
  return result;
}

/** Makes moto's one-off tasks finish on first read, so a migration does not cost 15 s per converge. */
export async function immediateTasks(endpoint: string): Promise<void> {
  const res = await fetch(`${endpoint}/moto-api/state-manager/set-transition`, {
    method: 'POST',
    body: JSON.stringify({ model_name: 'ecs::task', transition: { progression: 'immediate' } }),
  });
  if (!res.ok) throw new Error(`moto refused the task transition: HTTP ${res.status}`);
}

/** Reads per `service operation` (state table included), sorted by name. */
export function readsByOperation(stats: StatsJson): Record<string, number> {
  return Object.fromEntries(
    stats.calls
      .filter((r) => r.kind === 'read')
      .map((r) => [`${r.service} ${r.operation}`, r.count] as const)
      .sort(([a], [b]) => a.localeCompare(b)),
  );
}

/** Reads of AWS resources: every read but the state table's (`dynamodb`). */
export function resourceReads(stats: StatsJson): number {
  return stats.calls
    .filter((r) => r.kind === 'read' && r.service !== 'dynamodb')
    .reduce((s, r) => s + r.count, 0);
}

/** Logs a progress line with the time since the bench started. */
export function progress(message: string): void {
  const t = (performance.now() / 1000).toFixed(0).padStart(4);
  process.stdout.write(`[bench ${t}s] ${message}\n`);
}
