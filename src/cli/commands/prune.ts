/**
 * `stackctl prune`: delete the resources tagged for this stack that it no longer renders.
 *
 * @module
 */
import { formatPlanText, planToJsonValue, summarize } from '../../diff/index.js';
import type { Plan } from '../../diff/types.js';
import { StackctlError } from '../../errors.js';
import { prunePass, pruneSteps } from '../../reconcilers/prune.js';
import { planPass } from '../../reconcilers/reconcile-stack.js';
import { jsonDocument } from '../json-document.js';
import { EXIT } from '../output.js';
import {
  openAwsSession,
  printJson,
  printStats,
  progressPrinter,
  stateTableName,
  statsJson,
} from './aws-context.js';
import { loadFromFlags, requireStack } from './common.js';
import { formatPassOutcome, passCounts, stepResultJson } from './pass-summary.js';
import { reportExitCode } from './reconcile.js';
import type { Command } from './types.js';

/** `prune --stack S [--yes]`. */
export const pruneCommand: Command = {
  words: ['prune'],
  usage: 'stackctl prune --stack S [--yes] [--allow-data-loss] [--output text|json] [--stats]',
  summary:
    "Deletes the stack's unmanaged resources (tagged for it, no longer rendered), after listing them and asking for confirmation (skip with --yes). Only resources still referencing them are updated (AWS refuses to delete what is in use); databases and caches are kept unless --allow-data-loss.",
  async run({ flags }, io) {
    const project = loadFromFlags(flags, requireStack(flags));
    const { desired } = project;
    const { clients, stats } = openAwsSession(flags, desired.region);
    const input = {
      desired,
      clients,
      finalSnapshot: project.resolved.preset.finalSnapshotOnDelete,
      allowDataLoss: flags.allowDataLoss,
    };
    const json = flags.output === 'json';
    const preview = await planPass(input);
    const steps = pruneSteps(preview.plan, desired);
    const orphans: Plan = { ...preview.plan, steps, summary: summarize(steps) };
    if (steps.length === 0) {
      if (json)
        printJson(
          io,
          jsonDocument('PruneResult', {
            project: desired.project,
            stack: desired.stack,
            ok: true,
            counts: null,
            summary: null,
            plan: planToJsonValue(orphans),
            results: [],
            stats: flags.stats ? statsJson(stats) : null,
          }),
        );
      else io.out(`Nothing to prune: stack ${desired.stack} has no unmanaged resources.\n`);
      return EXIT.ok;
    }
    if (!flags.yes) {
      io.err(formatPlanText(orphans, { color: flags.color }));
      const ok = await io.confirm(
        `Delete ${orphans.summary.delete} unmanaged resources of stack ${desired.stack}?`,
      );
      if (!ok) {
        throw new StackctlError(
          'NOT_CONFIRMED',
          'prune was not confirmed (pass --yes to run without a prompt); nothing was deleted',
        );
      }
    }
    const startedAt = Date.now();
    const result = await prunePass({
      ...input,
      state: { table: stateTableName(flags) },
      ...(json ? {} : { onProgress: progressPrinter(io, flags) }),
    });
    if (json) {
      printJson(
        io,
        jsonDocument('PruneResult', {
          project: desired.project,
          stack: desired.stack,
          ok: result.report.ok,
          counts: passCounts(result.report),
          summary: result.report.summary,
          plan: planToJsonValue(orphans),
          results: result.report.results.map(stepResultJson),
          stats: flags.stats ? statsJson(stats) : null,
        }),
      );
    } else {
      io.out(formatPassOutcome(result.report, Date.now() - startedAt, flags.color, 'prune'));
      printStats(io, flags, stats);
    }
    return reportExitCode(result.report);
  },
};
