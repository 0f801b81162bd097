/**
 * `stackctl reconcile --once`: one pass that makes AWS match the stack, then exits. People see the plan
 * first, then one live line per resource (progress-printer.ts), then a summary and the public URLs;
 * scripts get one typed `ReconcileResult` JSON document.
 *
 * @module
 */
import { planToJsonValue } from '../../diff/index.js';
import { type PublicUrlsInput, readPublicUrls } from '../../observed/public-urls.js';
import type { ApplyReport } from '../../reconcilers/engine-types.js';
import { recordPassEvent } from '../../reconcilers/pass-event.js';
import { type PassResult, type PlannedPass, reconcilePass } from '../../reconcilers/reconcile-stack.js';
import { TASK_DEFINITION_REVISIONS_KEPT } from '../../reconcilers/task-definition-retention.js';
import { type HealthOutcome, waitUntilHealthy } from '../../reconcilers/wait-healthy.js';
import { UsageError } from '../args.js';
import { jsonDocument, orNull } from '../json-document.js';
import { describeError, EXIT, type ExitCode, type Io, paint, printWarnings } from '../output.js';
import {
  openAwsSession,
  printJson,
  printStats,
  progressPrinter,
  stateTableName,
  statsJson,
} from './aws-context.js';
import { loadWithBuiltImages } from './build-step.js';
import { requireStack } from './common.js';
import { rememberDeployedImages } from './deployed-images.js';
import { formatPassOutcome, passCounts, stepResultJson } from './pass-summary.js';
import { planText } from './plan.js';
import type { Command } from './types.js';

/** How long `--wait` waits by default. */
export const DEFAULT_WAIT_TIMEOUT_SECONDS = 15 * 60;

/** 1 when anything failed or conflicted, 2 when something was left undone (skipped), else 0. */
export function reportExitCode(report: ApplyReport): ExitCode {
  if (!report.ok) return EXIT.error;
  return report.summary.skipped > 0 ? EXIT.changes : EXIT.ok;
}

/**
 * The stack's public URLs after a pass (the load balancer's DNS name read live); a failed read is a
 * warning, never the pass's failure.
 */
async function publicUrlsAfterPass(io: Io, input: PublicUrlsInput): Promise<readonly string[]> {
  try {
    return (await readPublicUrls(input)).map((u) => u.url);
  } catch (err) {
    io.err(`warning: could not read the public URLs: ${describeError(err)}\n`);
    return [];
  }
}

/**
 * The text after the live progress ({@link formatPassOutcome} of a reconcile): the summary line, then one
 * line per failed, conflicted or blocked step with its reason, so the cause is the last thing on screen.
 */
export function formatReconcileOutcome(report: ApplyReport, elapsedMs: number, color: boolean): string {
  return formatPassOutcome(report, elapsedMs, color, 'reconcile');
}

/** What {@link reconcileJson} documents. */
export interface ReconcileJsonInput {
  readonly result: PassResult;
  readonly region: string;
  readonly startedAt: Date;
  readonly finishedAt: Date;
  readonly health: HealthOutcome | undefined;
  readonly publicUrls: readonly string[];
  readonly stats: unknown;
}

/** The `ReconcileResult` document of `reconcile --output json` (docs/json-output.md). */
export function reconcileJson(input: ReconcileJsonInput) {
  const { report, plan } = input.result;
  return jsonDocument('ReconcileResult', {
    project: report.project,
    stack: report.stack,
    region: input.region,
    ok: report.ok,
    startedAt: input.startedAt.toISOString(),
    finishedAt: input.finishedAt.toISOString(),
    elapsedMs: input.finishedAt.getTime() - input.startedAt.getTime(),
    counts: passCounts(report),
    summary: report.summary,
    plan: planToJsonValue(plan),
    results: report.results.map(stepResultJson),
    health: input.health ? { healthy: input.health.healthy, waitingOn: input.health.waitingOn } : null,
    publicUrls: input.publicUrls,
    stats: orNull(input.stats),
  });
}

/** `reconcile --once --stack S`. */
export const reconcileCommand: Command = {
  words: ['reconcile'],
  usage:
    'stackctl reconcile --once --stack S [--wait] [--timeout 15m] [--image svc=ref] [--allow-data-loss] [--output text|json] [--stats]',
  summary:
    "Observes, plans and applies one pass under the stack lease: prints the plan, then one live line per resource, then a summary (created/updated/replaced/deleted/failed) and the stack's public URLs. Exit 0 converged, 1 error, 2 something left undone (e.g. refused for data safety).",
  async run({ flags }, io) {
    if (!flags.once)
      throw new UsageError(
        'reconcile runs one pass and needs --once (the long-running loop is `stackctl operator`)',
      );
    const { project } = await loadWithBuiltImages(flags, requireStack(flags), io, {
      apply: true,
      build: flags.build,
    });
    printWarnings(io, project.resolved.warnings);
    const { clients, stats } = openAwsSession(flags, project.desired.region);
    const c = paint(flags.color);
    const json = flags.output === 'json';
    const timeoutMs = (flags.timeoutSeconds ?? DEFAULT_WAIT_TIMEOUT_SECONDS) * 1000;
    const signal = flags.timeoutSeconds ? AbortSignal.timeout(timeoutMs) : undefined;
    if (!json)
      io.err(
        `reconciling ${project.desired.project}/${project.desired.stack} in ${project.desired.region}\n`,
      );
    const startedAt = new Date();
    const result = await reconcilePass({
      desired: project.desired,
      clients,
      finalSnapshot: project.resolved.preset.finalSnapshotOnDelete,
      allowDataLoss: flags.allowDataLoss,
      state: { table: stateTableName(flags) },
      ...(json
        ? {}
        : {
            onPlanned: ({ plan }: PlannedPass) => io.out(planText(plan, project.desired, flags.color)),
            onProgress: progressPrinter(io, flags),
          }),
      ...(signal ? { signal } : {}),
    });
    await rememberDeployedImages(flags, project, result, startedAt).catch((err: unknown) =>
      io.err(
        `warning: the deployed images were not recorded in the state table (${describeError(err)}); later commands may need --image again\n`,
      ),
    );
    const onError = (): void => io.err('warning: the pass event was not recorded in the state table\n');
    await recordPassEvent({ clients, table: stateTableName(flags), report: result.report, onError });
    for (const cleanup of result.revisionCleanup) {
      if ('error' in cleanup) {
        io.err(
          `warning: old revisions of task definition ${cleanup.family} were not deregistered (${describeError(cleanup.error)}); the next rollout tries again\n`,
        );
      } else if (cleanup.deregistered.length > 0) {
        io.err(
          `deregistered ${cleanup.deregistered.length} old revision(s) of task definition ${cleanup.family} (the newest ${TASK_DEFINITION_REVISIONS_KEPT} and any in use are kept)\n`,
        );
      }
    }
    let code = reportExitCode(result.report);
    let health: HealthOutcome | undefined;
    if (flags.wait && code !== EXIT.error) {
      health = await waitUntilHealthy({
        desired: project.desired,
        clients,
        timeoutMs,
        ...(json
          ? {}
          : { onWaiting: (waiting: readonly string[]) => io.err(`  waiting on ${waiting.join(', ')}\n`) }),
      });
      if (!health.healthy) code = EXIT.error;
    }
    const urls = await publicUrlsAfterPass(io, {
      clients,
      desired: project.desired,
      resolved: project.resolved,
    });
    const finishedAt = new Date();
    if (json) {
      printJson(
        io,
        reconcileJson({
          result,
          region: project.desired.region,
          startedAt,
          finishedAt,
          health,
          publicUrls: urls,
          stats: flags.stats ? statsJson(stats) : undefined,
        }),
      );
    } else {
      io.out(formatReconcileOutcome(result.report, finishedAt.getTime() - startedAt.getTime(), flags.color));
      if (health && !health.healthy)
        io.out(c.red(`not healthy after ${timeoutMs / 1000}s: ${health.waitingOn.join(', ')}\n`));
      if (urls.length > 0) io.out(`Public URLs:\n${urls.map((u) => `  ${u}\n`).join('')}`);
      printStats(io, flags, stats);
    }
    return code;
  },
};
