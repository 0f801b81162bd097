/**
 * `stackctl adopt`: put an existing resource under a stack's management, without replacing it.
 *
 * @module
 */
import { RESOURCE_KINDS, type ResourceKind } from '../../desired/resource-types.js';
import { formatPlanText, planToJsonValue, summarize } from '../../diff/index.js';
import type { Plan, PlanStep } from '../../diff/types.js';
import { StackctlError } from '../../errors.js';
import { type AdoptionPlan, adoptResource, planAdoption } from '../../reconcilers/adopt-plan.js';
import { UsageError } from '../args.js';
import { jsonDocument } from '../json-document.js';
import { EXIT } from '../output.js';
import { openAwsSession, printJson, printStats, stateTableName } from './aws-context.js';
import { loadFromFlags, requireStack } from './common.js';
import type { Command } from './types.js';

const KINDS: ReadonlySet<string> = new Set(RESOURCE_KINDS);

/** `ecs.Service/service/web` → kind and logical id (logical ids may hold slashes, kinds never do). */
export function parseResourceRef(text: string | undefined): { kind: ResourceKind; logicalId: string } {
  const slash = text?.indexOf('/') ?? -1;
  if (text === undefined || slash <= 0 || slash === text.length - 1) {
    throw new UsageError('adopt needs KIND/LOGICAL_ID, e.g. logs.LogGroup/log/web (see `stackctl render`)');
  }
  const kind = text.slice(0, slash);
  if (!KINDS.has(kind)) throw new UsageError(`unknown kind "${kind}" in ${text}`);
  return { kind: kind as ResourceKind, logicalId: text.slice(slash + 1) };
}

function previewPlan(adoption: AdoptionPlan, project: string, stack: string): Plan {
  const step: PlanStep = {
    logicalId: adoption.desired.logicalId,
    kind: adoption.desired.kind,
    action: adoption.action,
    after: [],
  };
  return { project, stack, steps: [step], summary: summarize([step]) };
}

/** `adopt --stack S KIND/LOGICAL_ID ARN_OR_ID [--yes]`. */
export const adoptCommand: Command = {
  words: ['adopt'],
  usage: 'stackctl adopt --stack S KIND/LOGICAL_ID ARN_OR_ID [--yes] [--output text|json]',
  summary:
    "Takes over an existing resource the stack renders (found by id or by the stack's name for it): shows what the next reconcile will change, asks for confirmation (skip with --yes), adds the ownership tags and journals it. Refuses when it would be replaced or belongs to another stack.",
  async run({ positionals, flags }, io) {
    const { kind, logicalId } = parseResourceRef(positionals[0]);
    const id = positionals[1];
    if (id === undefined || id === '')
      throw new UsageError('adopt needs the ARN or id of the resource to adopt');
    const { desired } = loadFromFlags(flags, requireStack(flags));
    const { clients, stats } = openAwsSession(flags, desired.region);
    const adoption = await planAdoption({ desired, clients, kind, logicalId, id });
    const preview = previewPlan(adoption, desired.project, desired.stack);
    const json = flags.output === 'json';
    const what = `${kind} ${logicalId} (${adoption.observed.physicalId})`;
    if (adoption.alreadyManaged) {
      if (json)
        printJson(
          io,
          jsonDocument('Adoption', {
            adopted: false,
            alreadyManaged: true,
            physicalId: adoption.observed.physicalId,
            plan: planToJsonValue(preview),
          }),
        );
      else io.out(`${what} is already managed by stack ${desired.stack}; nothing to adopt.\n`);
      return EXIT.ok;
    }
    if (!flags.yes) {
      io.err(`Adopting ${what}. Once adopted, the next reconcile applies:\n`);
      io.err(formatPlanText(preview, { color: flags.color }));
      if (!(await io.confirm(`Adopt ${what} into stack ${desired.stack}?`))) {
        throw new StackctlError(
          'NOT_CONFIRMED',
          'adopt was not confirmed (pass --yes to run without a prompt); nothing was changed',
        );
      }
    }
    await adoptResource({ plan: adoption, desired, clients, table: stateTableName(flags) });
    if (json) {
      printJson(
        io,
        jsonDocument('Adoption', {
          adopted: true,
          alreadyManaged: false,
          physicalId: adoption.observed.physicalId,
          plan: planToJsonValue(preview),
        }),
      );
    } else {
      io.out(`Adopted ${what} into ${desired.project}/${desired.stack}.\n`);
      if (adoption.action.type === 'update') {
        io.out(formatPlanText(preview, { color: flags.color }));
        io.out(
          `Run \`stackctl reconcile --once --stack ${desired.stack}\` to apply these changes in place.\n`,
        );
      }
      printStats(io, flags, stats);
    }
    return EXIT.ok;
  },
};
