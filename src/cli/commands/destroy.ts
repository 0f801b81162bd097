/**
 * `stackctl destroy`: delete every resource this stack owns, in reverse dependency order.
 *
 * @module
 */
import { formatPlanText, planToJsonValue } from '../../diff/index.js';
import { StackctlError } from '../../errors.js';
import { planPass, reconcilePass } from '../../reconcilers/reconcile-stack.js';
import type { StackRef } from '../../state/index.js';
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
import { requireStack } from './common.js';
import {
  describeSpecOutcome,
  type OperatorSpecOutcome,
  pauseForDestroy,
  readOperatorSpec,
  readRememberedResources,
  settleSpecAfterDestroy,
} from './destroy-state.js';
import { discoverStackProjects, loadDestroyTarget } from './destroy-target.js';
import { formatPassOutcome, passCounts, stepResultJson } from './pass-summary.js';
import { reportExitCode } from './reconcile.js';
import { actor, openStateSession } from './remote-context.js';
import type { Command } from './types.js';

/** `destroy --stack S [--yes]`. */
export const destroyCommand: Command = {
  words: ['destroy'],
  usage:
    'stackctl destroy --stack S [-p PROJECT] [--region R] [--yes] [--allow-data-loss] [--output text|json] [--stats]',
  summary:
    "Deletes every resource carrying this stack's ownership tags, in reverse order, after showing the plan and asking for confirmation (skip with --yes). Databases and caches are kept unless --allow-data-loss; other stacks are never touched. Works without the compose file (from the stack file, or -p and --region). A pushed stack's operator spec is paused first and removed once the destroy is complete.",
  async run({ flags }, io) {
    const target = await loadDestroyTarget(flags, requireStack(flags), (region, stack) =>
      discoverStackProjects(openAwsSession(flags, region).clients, stack),
    );
    const { desired } = target;
    const { clients, stats } = openAwsSession(flags, desired.region);
    const table = stateTableName(flags);
    const journalRef: StackRef = {
      client: clients.dynamodb,
      table,
      project: desired.project,
      stack: desired.stack,
    };
    const specSession = await openStateSession(flags, desired.region);
    const specRef: StackRef = {
      ...journalRef,
      client: specSession.clients.dynamodb,
      table: specSession.table,
    };
    const input = {
      desired,
      clients,
      finalSnapshot: target.finalSnapshot,
      allowDataLoss: flags.allowDataLoss,
      destroy: true,
    };
    const json = flags.output === 'json';
    const spec = await readOperatorSpec(specRef);
    if (target.source !== 'compose' && !json) {
      io.err(
        `Destroying ${desired.project}/${desired.stack} (${desired.region}) from its ownership tags and the state table ${table}: the ${target.source === 'resolved' ? 'stack does not render' : 'compose file is not used'}.\n`,
      );
    }
    if (!flags.yes) {
      const preview = await planPass(input, await readRememberedResources(journalRef));
      io.err(formatPlanText(preview.plan, { color: flags.color }));
      if (preview.plan.summary.delete === 0 && !spec) {
        io.err('Nothing to destroy.\n');
        return EXIT.ok;
      }
      const ok = await io.confirm(
        `Destroy ${preview.plan.summary.delete} resources of stack ${desired.stack}${spec ? ' and remove its operator spec (pushed stack)' : ''}?`,
      );
      if (!ok) {
        throw new StackctlError(
          'NOT_CONFIRMED',
          'destroy was not confirmed (pass --yes to run without a prompt); nothing was deleted',
        );
      }
    }
    const by = actor();
    const paused = spec ? await pauseForDestroy(specRef, spec, by) : undefined;
    if (paused && !json && paused !== spec) {
      io.err(
        `Paused the operator spec of ${desired.project}/${desired.stack} (generation ${paused.generation}) so the operator stops reconciling it during the destroy.\n`,
      );
    }
    let result: Awaited<ReturnType<typeof reconcilePass>>;
    const startedAt = Date.now();
    try {
      result = await reconcilePass({
        ...input,
        state: { table },
        ...(json ? {} : { onProgress: progressPrinter(io, flags) }),
      });
    } catch (err) {
      // The spec stays paused: the operator must not recreate what this destroy may have deleted.
      if (paused) io.err(describeSpecOutcome({ action: 'paused', generation: paused.generation }, specRef));
      throw err;
    }
    const specOutcome: OperatorSpecOutcome = paused
      ? await settleSpecAfterDestroy(specRef, paused, result.report, by)
      : { action: 'none' };
    if (json) {
      printJson(
        io,
        jsonDocument('DestroyResult', {
          project: desired.project,
          stack: desired.stack,
          ok: result.report.ok,
          counts: passCounts(result.report),
          summary: result.report.summary,
          plan: planToJsonValue(result.plan),
          results: result.report.results.map(stepResultJson),
          operatorSpec: {
            action: specOutcome.action,
            generation: 'generation' in specOutcome ? specOutcome.generation : null,
          },
          stats: flags.stats ? statsJson(stats) : null,
        }),
      );
    } else {
      io.out(formatPassOutcome(result.report, Date.now() - startedAt, flags.color, 'destroy'));
      io.out(describeSpecOutcome(specOutcome, specRef));
      printStats(io, flags, stats);
    }
    return reportExitCode(result.report);
  },
};
