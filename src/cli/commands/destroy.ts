/**
 * `stackctl destroy`: delete every resource this stack owns, in reverse dependency order.
 *
 * @module
 */
import { formatPlanText, planToJsonValue } from '../../diff/index.js';
import { StackctlError } from '../../errors.js';
import { planPass, reconcilePass } from '../../reconcilers/reconcile-stack.js';
import { EXIT, paint } from '../output.js';
import {
  openAwsSession,
  printJson,
  printStats,
  progressPrinter,
  stateTableName,
  statsJson,
} from './aws-context.js';
import { loadFromFlags, requireStack } from './common.js';
import { reportExitCode } from './reconcile.js';
import type { Command } from './types.js';

/** `destroy --stack S [--yes]`. */
export const destroyCommand: Command = {
  words: ['destroy'],
  usage: 'stackctl destroy --stack S [--yes] [--allow-data-loss] [--output text|json] [--stats]',
  summary:
    "Deletes every resource carrying this stack's ownership tags, in reverse order, after showing the plan and asking for confirmation (skip with --yes). Databases and caches are kept unless --allow-data-loss; other stacks are never touched.",
  async run({ flags }, io) {
    const project = loadFromFlags(flags, requireStack(flags));
    const { clients, stats } = openAwsSession(flags, project.desired.region);
    const input = {
      desired: project.desired,
      clients,
      finalSnapshot: project.resolved.preset.finalSnapshotOnDelete,
      allowDataLoss: flags.allowDataLoss,
      destroy: true,
    };
    const json = flags.output === 'json';
    if (!flags.yes) {
      const preview = await planPass(input);
      io.err(formatPlanText(preview.plan, { color: flags.color }));
      if (preview.plan.summary.delete === 0) {
        io.err('Nothing to destroy.\n');
        return EXIT.ok;
      }
      const ok = await io.confirm(
        `Destroy ${preview.plan.summary.delete} resources of stack ${project.desired.stack}?`,
      );
      if (!ok) {
        throw new StackctlError(
          'NOT_CONFIRMED',
          'destroy was not confirmed (pass --yes to run without a prompt); nothing was deleted',
        );
      }
    }
    const result = await reconcilePass({
      ...input,
      state: { table: stateTableName(flags) },
      ...(json ? {} : { onProgress: progressPrinter(io, flags) }),
    });
    if (json) {
      printJson(io, {
        plan: planToJsonValue(result.plan),
        results: result.report.results,
        summary: result.report.summary,
        ok: result.report.ok,
        ...(flags.stats ? { stats: statsJson(stats) } : {}),
      });
    } else {
      const c = paint(flags.color);
      const s = result.report.summary;
      io.out(
        `Destroyed ${s.applied} resources of ${project.desired.project}/${project.desired.stack}; kept ${s.skipped}, failed ${s.failed}, blocked ${s.blocked}.\n`,
      );
      for (const r of result.report.results) {
        if (r.status === 'skipped') io.out(`  ${c.yellow('kept')} ${r.logicalId}: ${r.message ?? ''}\n`);
        if (r.status === 'failed') io.out(`  ${c.red('✗')} ${r.logicalId}: ${r.error?.message ?? ''}\n`);
      }
      printStats(io, flags, stats);
    }
    return reportExitCode(result.report);
  },
};
