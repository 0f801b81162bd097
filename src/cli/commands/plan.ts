/**
 * `stackctl plan`: what a reconcile would do, like `terraform plan -detailed-exitcode`. Read-only.
 *
 * @module
 */
import { formatPlanText, planToJsonValue } from '../../diff/index.js';
import type { Plan } from '../../diff/types.js';
import { planPass } from '../../reconcilers/reconcile-stack.js';
import { EXIT, type ExitCode, printWarnings } from '../output.js';
import { openAwsSession, printJson, printStats, statsJson } from './aws-context.js';
import { loadFromFlags, requireStack } from './common.js';
import type { Command } from './types.js';

/** Exit code of a plan: 1 on conflicts, 2 when anything would change, else 0. */
export function planExitCode(plan: Plan): ExitCode {
  if (plan.summary.conflict > 0) return EXIT.error;
  const changes = plan.summary.create + plan.summary.update + plan.summary.replace + plan.summary.delete;
  return changes > 0 || plan.summary.skip > 0 ? EXIT.changes : EXIT.ok;
}

/** `plan --stack S`. */
export const planCommand: Command = {
  words: ['plan'],
  usage: 'stackctl plan --stack S [--output text|json] [--image svc=ref] [--allow-data-loss] [--stats]',
  summary:
    'Observes the stack in AWS and prints what reconcile would change: + create, ~ update (old → new), -/+ replace (reason), - delete. Exit 0 no changes, 2 changes, 1 error or conflict.',
  async run({ flags }, io) {
    const project = loadFromFlags(flags, requireStack(flags));
    printWarnings(io, project.resolved.warnings);
    const { clients, stats } = openAwsSession(flags, project.desired.region);
    const { plan } = await planPass({
      desired: project.desired,
      clients,
      finalSnapshot: project.resolved.preset.finalSnapshotOnDelete,
      allowDataLoss: flags.allowDataLoss,
    });
    if (flags.output === 'json') {
      printJson(io, { ...planToJsonValue(plan), ...(flags.stats ? { stats: statsJson(stats) } : {}) });
    } else {
      io.out(formatPlanText(plan, { color: flags.color }));
      printStats(io, flags, stats);
    }
    return planExitCode(plan);
  },
};
