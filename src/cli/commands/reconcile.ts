/**
 * `stackctl reconcile --once`: one pass that makes AWS match the stack, then exits.
 *
 * @module
 */
import { formatPlanText, planToJsonValue } from '../../diff/index.js';
import { type PublicUrlsInput, readPublicUrls } from '../../observed/public-urls.js';
import type { ApplyReport } from '../../reconcilers/engine-types.js';
import { recordPassEvent } from '../../reconcilers/pass-event.js';
import { reconcilePass } from '../../reconcilers/reconcile-stack.js';
import { TASK_DEFINITION_REVISIONS_KEPT } from '../../reconcilers/task-definition-retention.js';
import { waitUntilHealthy } from '../../reconcilers/wait-healthy.js';
import { UsageError } from '../args.js';
import { describeError, EXIT, type ExitCode, type Io, paint, printWarnings } from '../output.js';
import {
  openAwsSession,
  printJson,
  printStats,
  progressPrinter,
  stateTableName,
  statsJson,
} from './aws-context.js';
import { requireStack } from './common.js';
import { loadWithDeployedImages, rememberDeployedImages } from './deployed-images.js';
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

/** `reconcile --once --stack S`. */
export const reconcileCommand: Command = {
  words: ['reconcile'],
  usage:
    'stackctl reconcile --once --stack S [--wait] [--timeout 15m] [--image svc=ref] [--allow-data-loss] [--output text|json] [--stats]',
  summary:
    "Observes, plans and applies one pass under the stack lease, with live progress per resource, then prints the stack's public URLs. Exit 0 converged, 1 error, 2 something left undone (e.g. refused for data safety).",
  async run({ flags }, io) {
    if (!flags.once)
      throw new UsageError(
        'reconcile runs one pass and needs --once (the long-running loop is `stackctl operator`)',
      );
    const project = await loadWithDeployedImages(flags, requireStack(flags));
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
      ...(json ? {} : { onProgress: progressPrinter(io, flags) }),
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
    let health: Awaited<ReturnType<typeof waitUntilHealthy>> | undefined;
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
    if (json) {
      printJson(io, {
        plan: planToJsonValue(result.plan),
        results: result.report.results,
        summary: result.report.summary,
        ok: result.report.ok,
        publicUrls: urls,
        ...(health ? { health } : {}),
        ...(flags.stats ? { stats: statsJson(stats) } : {}),
      });
    } else {
      io.out(formatPlanText(result.plan, { color: flags.color }));
      const s = result.report.summary;
      const line = `Applied ${s.applied}, unchanged ${s.noop}, failed ${s.failed}, blocked ${s.blocked}, skipped ${s.skipped}, conflicts ${s.conflict}.`;
      io.out(`${result.report.ok ? c.green(line) : c.red(line)}\n`);
      for (const r of result.report.results) {
        if (r.status === 'failed' || r.status === 'conflict')
          io.out(`  ${c.red('✗')} ${r.kind} ${r.logicalId}: ${r.error?.message ?? r.message ?? r.status}\n`);
        if (r.status === 'blocked') io.out(`  - ${r.logicalId}: ${r.message ?? 'blocked'}\n`);
      }
      if (health && !health.healthy)
        io.out(c.red(`not healthy after ${timeoutMs / 1000}s: ${health.waitingOn.join(', ')}\n`));
      if (urls.length > 0) io.out(`Public URLs:\n${urls.map((u) => `  ${u}\n`).join('')}`);
      printStats(io, flags, stats);
    }
    return code;
  },
};
