/**
 * What `config set` says (and, with `--restart`, does) about the services that read the key it wrote.
 *
 * ECS reads a secret only when a task starts, so a new value reaches running services only through a new
 * deployment (diff/secret-versions.ts). After writing, `config set` names the services that read the key
 * and what happens now:
 * - default: nothing yet; the next `reconcile` (or the operator's next pass) restarts exactly them;
 * - `--restart`: a pass limited to those services' restarts (and the composed parameters built from the
 *   key) runs now, with the same health gates and rollback as any rollout;
 * - `--no-restart`: the value is only recorded; the services keep the old one until a later pass.
 *
 * @module
 */
import type { AwsClients } from '../../aws/types.js';
import { composedFrom, restartReasons, servicesReading } from '../../diff/secret-versions.js';
import type { PlanStep } from '../../diff/types.js';
import { reconcilePass } from '../../reconcilers/reconcile-stack.js';
import type { Flags } from '../args.js';
import { EXIT, type ExitCode, type Io } from '../output.js';
import { stateTableName } from './aws-context.js';
import { loadWithDeployedImages } from './deployed-images.js';
import { reportExitCode } from './reconcile.js';

/** The logical-id prefix of long-running services (`service/api` → `api`). */
const SERVICE_PREFIX = 'service/';

function serviceNames(ids: readonly string[]): string {
  return ids.map((id) => (id.startsWith(SERVICE_PREFIX) ? id.slice(SERVICE_PREFIX.length) : id)).join(', ');
}

/** Inputs of {@link afterConfigSet}. */
export interface AfterConfigSetInput {
  readonly flags: Flags;
  readonly io: Io;
  readonly clients: AwsClients;
  readonly stack: string;
  readonly key: string;
  /** The SSM name `config set` wrote. */
  readonly parameterName: string;
  /** The stack's rendered resources (any image: only task definition secrets are read). */
  readonly resources: Parameters<typeof servicesReading>[0];
}

/** Prints which services read the key and what happens to them; restarts them with `--restart`. */
export async function afterConfigSet(input: AfterConfigSetInput): Promise<ExitCode> {
  const { flags, io, stack, key } = input;
  const services = servicesReading(input.resources, input.parameterName);
  if (services.length === 0) {
    io.out(`no service of the stack reads ${key}: nothing to restart\n`);
    return EXIT.ok;
  }
  const names = serviceNames(services);
  if (flags.restart === false) {
    io.out(
      `not restarting ${names}: their tasks keep the previous value until a pass restarts them (plan shows it)\n`,
    );
    return EXIT.ok;
  }
  if (flags.restart !== true) {
    io.out(
      `run \`stackctl reconcile --once --stack ${stack}\` to restart ${names} (an operator managing the stack does on its next pass)\n`,
    );
    return EXIT.ok;
  }
  return restartNow(input, services);
}

/** `--restart`: one pass that applies only the restarts of `services` and the composed rewrites. */
async function restartNow(input: AfterConfigSetInput, services: readonly string[]): Promise<ExitCode> {
  const { flags, io, stack } = input;
  const project = await loadWithDeployedImages(flags, stack);
  const wanted = new Set(services);
  const composed = new Set(composedFrom(project.desired.resources, input.parameterName));
  const accepts = (step: PlanStep): boolean =>
    (wanted.has(step.logicalId) && restartReasons(step) !== undefined) || composed.has(step.logicalId);
  const result = await reconcilePass({
    desired: project.desired,
    clients: input.clients,
    finalSnapshot: project.resolved.preset.finalSnapshotOnDelete,
    state: { table: stateTableName(flags) },
    applyOnly: accepts,
  });
  for (const id of services) {
    const step = result.plan.steps.find((s) => s.logicalId === id);
    const name = serviceNames([id]);
    const reasons = step ? restartReasons(step) : undefined;
    const outcome = result.report.results.find((r) => r.logicalId === id);
    if (reasons && outcome)
      io.out(
        outcome.status === 'applied'
          ? `restarted ${name} (${reasons.join('; ')})\n`
          : `${name}: restart ${outcome.status}${outcome.error ? ` (${outcome.error.message})` : ''}\n`,
      );
    else if (step?.action.type === 'noop') io.out(`${name} already runs the current value\n`);
    else
      io.out(
        `${name} has other changes pending (or reads ${input.key} through a composed value rewritten first): run \`stackctl reconcile --once --stack ${stack}\`\n`,
      );
  }
  return reportExitCode(result.report);
}
