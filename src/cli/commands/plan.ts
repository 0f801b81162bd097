/**
 * `stackctl plan`: what a reconcile would do, like `terraform plan -detailed-exitcode`. Read-only.
 *
 * @module
 */

import type { DesiredStack } from '../../desired/resource-types.js';
import { formatPlanMarkdown } from '../../diff/format-plan-markdown.js';
import { formatPlanText, planToJsonValue } from '../../diff/index.js';
import type { Plan } from '../../diff/types.js';
import { planCostLine } from '../../estimate/index.js';
import { type PreflightProblem, preflightLines, preflightProblems } from '../../reconcilers/preflight.js';
import { planPass } from '../../reconcilers/reconcile-stack.js';
import { jsonDocument } from '../json-document.js';
import { EXIT, type ExitCode, paint, printWarnings } from '../output.js';
import { openAwsSession, printJson, printStats, statsJson } from './aws-context.js';
import { loadWithBuiltImages } from './build-step.js';
import { requireStack } from './common.js';
import { recordedSecretVersions } from './recorded-versions.js';
import type { Command } from './types.js';

/**
 * Exit code of a plan: 1 on conflicts or other preflight problems (reconcile would refuse to start),
 * 2 when anything would change, else 0.
 */
export function planExitCode(plan: Plan, preflight: readonly PreflightProblem[] = []): ExitCode {
  if (plan.summary.conflict > 0 || preflight.length > 0) return EXIT.error;
  const changes = plan.summary.create + plan.summary.update + plan.summary.replace + plan.summary.delete;
  return changes > 0 || plan.summary.skip > 0 ? EXIT.changes : EXIT.ok;
}

/**
 * The plan as `plan` prints it: the plan text, then the monthly cost difference when the change moves it.
 * `reconcile` prints the same text first, so what it shows before applying is what `plan` showed.
 */
export function planText(plan: Plan, desired: DesiredStack, color: boolean): string {
  const cost = planCostLine(plan, desired);
  return `${formatPlanText(plan, { color })}${cost ? `${cost}\n` : ''}`;
}

/** `plan --stack S`. */
export const planCommand: Command = {
  words: ['plan'],
  usage:
    'stackctl plan --stack S [--output text|json|markdown] [--image svc=ref] [--allow-data-loss] [--stats]',
  summary:
    'Observes the stack in AWS and prints what reconcile would change: + create, ~ update (old → new), -/+ replace (reason), - delete, and the preflight problems (conflicts, missing hosted zones) that would stop reconcile before any change. Exit 0 no changes, 2 changes, 1 error, conflict or preflight problem.',
  async run({ flags }, io) {
    const { project } = await loadWithBuiltImages(flags, requireStack(flags), io, {
      apply: false,
      build: flags.build,
    });
    printWarnings(io, project.resolved.warnings);
    const { clients, stats } = openAwsSession(flags, project.desired.region);
    // The versions each service was rolled out with: a changed secret shows as the restart it makes.
    const remembered = await recordedSecretVersions(flags, clients, project.desired);
    const { plan } = await planPass(
      {
        desired: project.desired,
        clients,
        finalSnapshot: project.resolved.preset.finalSnapshotOnDelete,
        allowDataLoss: flags.allowDataLoss,
      },
      remembered,
    );
    const preflight = await preflightProblems({ clients, project: project.desired.project, plan });
    if (flags.output === 'json') {
      printJson(
        io,
        jsonDocument('Plan', {
          ...planToJsonValue(plan),
          preflight,
          stats: flags.stats ? statsJson(stats) : null,
        }),
      );
    } else if (flags.output === 'markdown') {
      io.out(formatPlanMarkdown(plan));
      const cost = planCostLine(plan, project.desired);
      if (cost) io.out(`\n${cost}\n`);
      if (preflight.length > 0)
        io.out(`\n**reconcile would stop before any change:**\n\n${preflightLines(preflight)}\n`);
    } else {
      io.out(planText(plan, project.desired, flags.color));
      if (preflight.length > 0) {
        const head = `reconcile would stop before any change (${preflight.length} problem(s)):`;
        io.out(`${paint(flags.color).red(head)}\n${preflightLines(preflight)}\n`);
      }
      printStats(io, flags, stats);
    }
    return planExitCode(plan, preflight);
  },
};
