/**
 * `stackctl rollout --remote`: the same waves over pushed stacks, deployed by the operator. A stack's
 * "pass" is a new generation of its pushed spec carrying the rollout's images (over the images it was
 * pushed with), and it is done when the operator reports that generation Synced and Ready, as
 * `push --wait` judges. Nothing is read from the checkout; the rollout record lives in the same table.
 *
 * @module
 */
import { readStoredSpec, renderStoredSpec } from '../../operator/stored-spec.js';
import type { RolloutDeps, StackOutcome } from '../../rollout/runner.js';
import { stackMatcher } from '../../rollout/waves.js';
import { appendEvent, getSpec, listSpecs, putSpec, type StackRef } from '../../state/index.js';
import { type Flags, UsageError } from '../args.js';
import type { Io } from '../output.js';
import { imagesOf } from './deployed-images.js';
import { DEFAULT_WAIT_TIMEOUT_SECONDS } from './reconcile.js';
import { actor, openStateSession, type StateSession } from './remote-context.js';
import { waitForOperator } from './wait-operator.js';

/** The pushed stacks a rollout works on, and the session of their table. */
export interface PushedFleet {
  readonly project: string;
  readonly stacks: readonly string[];
  readonly session: StateSession;
}

/**
 * The pushed stacks of the project (`--project`, else the table's only project) matching `--stacks`,
 * sorted; stacks marked for deletion are left out.
 *
 * @throws UsageError when no project or no stack matches, or several projects do and none was named
 */
export async function selectPushedFleet(flags: Flags): Promise<PushedFleet> {
  const session = await openStateSession(flags);
  const specs = await listSpecs({ client: session.clients.dynamodb, table: session.table });
  const projects = [...new Set(specs.map((s) => s.project))].sort();
  const project = flags.project ?? (projects.length === 1 ? projects[0] : undefined);
  if (project === undefined)
    throw new UsageError(
      projects.length === 0
        ? `no pushed stacks in table ${session.table} (${session.region}): push them with \`stackctl push\``
        : `the table holds several projects (${projects.join(', ')}): pass --project`,
    );
  const matches = stackMatcher(flags.stacks ?? '*');
  const stacks = specs
    .filter((s) => s.project === project && s.deletionRequestedAt === undefined && matches(s.stack))
    .map((s) => s.stack)
    .sort();
  return { project, stacks, session };
}

/** The operator-side wiring of the runner for `fleet`. */
export function pushedDeps(
  flags: Flags,
  io: Io,
  fleet: Pick<PushedFleet, 'project' | 'session'>,
): Omit<RolloutDeps, 'save'> {
  const { session } = fleet;
  const ref = (stack: string): StackRef => ({
    client: session.clients.dynamodb,
    table: session.table,
    project: fleet.project,
    stack,
  });
  const spec = async (stack: string) => {
    const record = await getSpec(ref(stack));
    if (!record) throw new UsageError(`stack ${fleet.project}/${stack} is no longer pushed`);
    return record;
  };
  const timeoutMs = (flags.timeoutSeconds ?? DEFAULT_WAIT_TIMEOUT_SECONDS) * 1000;
  const silent: Io = { ...io, out: () => undefined, err: () => undefined };
  return {
    sleep: (ms) => new Promise<void>((r) => setTimeout(r, ms)),
    async previousImages(stack) {
      return imagesOf(renderStoredSpec(await spec(stack)).resolved);
    },
    async deploy(stack, images): Promise<StackOutcome> {
      const current = await spec(stack);
      const stored = readStoredSpec(current);
      const next = {
        ...stored,
        cli: { ...stored.cli, images: { ...stored.cli.images, ...images } },
        pushedAt: new Date().toISOString(),
      };
      const written = await putSpec({
        ...ref(stack),
        spec: JSON.parse(JSON.stringify(next)),
        expectedGeneration: current.generation,
        updatedBy: `${actor()} (rollout)`,
      });
      const outcome = await waitForOperator({
        ref: ref(stack),
        generation: written.generation,
        timeoutMs,
        io: silent,
      });
      return outcome.converged
        ? { ok: true }
        : { ok: false, reason: `generation ${written.generation} not synced and ready: ${outcome.last}` };
    },
    async event(stack, type, reason, message) {
      await appendEvent({ ...ref(stack), type, reason, message });
    },
  };
}
