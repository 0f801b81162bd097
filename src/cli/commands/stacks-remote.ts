/**
 * The stacks in the state table: `stacks ls --remote`, `stacks show S`, `stacks pause|resume S` and
 * `stacks rm S`. Every write goes through the spec's optimistic concurrency (generation); the operator
 * acts on it at its next poll.
 *
 * @module
 */
import { StackctlError } from '../../errors.js';
import { passRecords } from '../../operator/pass-record.js';
import { loadStackViews } from '../../operator/stack-views.js';
import { type StackView, stackState } from '../../operator/status-page.js';
import {
  appendEvent,
  getSpec,
  Journal,
  listEvents,
  markForDeletion,
  putSpec,
  readLease,
  readStatus,
  type StackRef,
  setPaused,
} from '../../state/index.js';
import type { Flags } from '../args.js';
import { requireValidStackName, UsageError } from '../args.js';
import { jsonDocument } from '../json-document.js';
import { EXIT, type ExitCode, formatData, type Io } from '../output.js';
import { actor, openStateSession, resolveRemoteStack } from './remote-context.js';
import type { Command } from './types.js';

/** Events shown by `stacks show`. */
export const SHOW_EVENT_LIMIT = 10;

function viewRow(v: StackView) {
  return {
    project: v.spec.project,
    stack: v.spec.stack,
    state: stackState(v),
    generation: v.spec.generation,
    observedGeneration: v.status?.observedGeneration ?? null,
    synced: v.status?.conditions.Synced.status ?? 'Unknown',
    ready: v.status?.conditions.Ready.status ?? 'Unknown',
    health: v.status?.health ?? 'Unknown',
    lastPass: v.status?.lastPass ?? null,
    paused: v.spec.paused,
    deletionRequestedAt: v.spec.deletionRequestedAt ?? null,
    leaseOwner: v.leaseOwner ?? null,
  };
}

/** `stacks ls --remote`: every stack in the table with its state. */
export async function listRemoteStacks(flags: Flags, io: Io): Promise<ExitCode> {
  const session = await openStateSession(flags);
  const views = await loadStackViews(
    { client: session.clients.dynamodb, table: session.table },
    flags.project ? { project: flags.project } : {},
  );
  const rows = views.map(viewRow);
  if (flags.output === 'json')
    io.out(formatData(jsonDocument('RemoteStackList', { table: session.table, stacks: rows }), 'json'));
  else if (rows.length === 0)
    io.out(
      `no stacks in ${session.table} (${session.region}); push one with \`stackctl push --stack NAME\`\n`,
    );
  else
    for (const r of rows) {
      const key = `${r.project}/${r.stack}`;
      const gen = `${r.observedGeneration ?? '-'}/${r.generation}`;
      const last = r.lastPass ? `${r.lastPass.result} ${r.lastPass.finishedAt}` : 'never';
      io.out(`${key.padEnd(28)} ${r.state.padEnd(16)} ${gen.padEnd(8)} ${r.health.padEnd(12)} ${last}\n`);
    }
  return EXIT.ok;
}

function stackArg(positionals: readonly string[], flags: Flags): string {
  const stack = positionals[0] ?? flags.stack;
  if (!stack) throw new UsageError('name the stack: stackctl stacks show STACK');
  return requireValidStackName(stack, 'STACK');
}

/** `stacks show S`. */
export const stacksShowCommand: Command = {
  words: ['stacks', 'show'],
  usage: 'stackctl stacks show STACK [--project P] [--output text|json]',
  summary: 'Shows a pushed stack: its conditions, last pass, resources (from the journal) and recent events.',
  async run({ positionals, flags }, io) {
    const stack = stackArg(positionals, flags);
    const session = await openStateSession(flags);
    const ref = await resolveRemoteStack(session, flags, stack);
    const [spec, status, lease, events, resources] = await Promise.all([
      getSpec(ref),
      readStatus(ref),
      readLease(ref),
      listEvents({ ...ref, limit: SHOW_EVENT_LIMIT }),
      // Listing reads only; the journal's writes are the ones that need a real lease.
      new Journal({ ...ref, lease: { owner: '', fence: 0 } }).list(),
    ]);
    if (!spec) throw new StackctlError('STACK_NOT_PUSHED', `${ref.project}/${ref.stack} is not in the table`);
    const view: StackView = { spec, status, ...(lease?.owner ? { leaseOwner: lease.owner } : {}) };
    const data = {
      ...viewRow(view),
      updatedAt: spec.updatedAt,
      updatedBy: spec.updatedBy ?? null,
      conditions: status?.conditions ?? null,
      summary: status?.summary ?? null,
      resources: resources.map((r) => ({
        logicalId: r.logicalId,
        kind: r.kind,
        name: r.name,
        physicalId: r.physicalId ?? null,
        pending: r.createPending !== undefined,
      })),
      events,
      passes: passRecords(events),
    };
    if (flags.output === 'json') {
      io.out(formatData(jsonDocument('RemoteStack', data), 'json'));
      return EXIT.ok;
    }
    io.out(
      `${ref.project}/${ref.stack}: ${data.state} (generation ${spec.generation}, observed ${data.observedGeneration ?? '-'})\n`,
    );
    if (spec.updatedBy) io.out(`  last change: ${spec.updatedAt} by ${spec.updatedBy}\n`);
    for (const [type, c] of Object.entries(status?.conditions ?? {}))
      io.out(
        `  ${type.padEnd(7)} ${c.status.padEnd(8)} ${c.reason}${c.message ? `: ${c.message}` : ''} (since ${c.lastTransitionTime})\n`,
      );
    const last = status?.lastPass;
    io.out(
      last
        ? `  last pass: ${last.result}, ${last.mutations} mutations, ${last.startedAt} → ${last.finishedAt}${last.error ? `: ${last.error}` : ''}\n`
        : '  last pass: never\n',
    );
    if (data.leaseOwner) io.out(`  lease: held by ${data.leaseOwner}\n`);
    io.out(`\nResources (${resources.length}):\n`);
    for (const r of data.resources)
      io.out(`  ${r.kind.padEnd(30)} ${r.logicalId.padEnd(24)} ${r.physicalId ?? '(pending)'}\n`);
    io.out('\nRecent events:\n');
    for (const e of events) io.out(`  ${e.at} ${e.type.padEnd(7)} ${e.reason.padEnd(16)} ${e.message}\n`);
    return EXIT.ok;
  },
};

async function toggle(
  flags: Flags,
  positionals: readonly string[],
  io: Io,
  paused: boolean,
): Promise<ExitCode> {
  const stack = stackArg(positionals, flags);
  const session = await openStateSession(flags);
  const ref = await resolveRemoteStack(session, flags, stack);
  const spec = await getSpec(ref);
  if (!spec) throw new StackctlError('STACK_NOT_PUSHED', `${ref.project}/${ref.stack} is not in the table`);
  if (spec.paused === paused) {
    io.err(`${ref.project}/${ref.stack} is already ${paused ? 'paused' : 'running'}\n`);
    return EXIT.ok;
  }
  const by = actor();
  const record = await setPaused({ ...ref, paused, expectedGeneration: spec.generation, updatedBy: by });
  await appendEvent({
    ...ref,
    type: 'Normal',
    reason: paused ? 'PauseRequested' : 'ResumeRequested',
    message: `${paused ? 'paused' : 'resumed'} by ${by}`,
  });
  io.err(`${ref.project}/${ref.stack} ${paused ? 'paused' : 'resumed'} (generation ${record.generation})\n`);
  return EXIT.ok;
}

/** `stacks pause S`. */
export const stacksPauseCommand: Command = {
  words: ['stacks', 'pause'],
  usage: 'stackctl stacks pause STACK [--project P]',
  summary: 'Stops the operator from changing the stack (it keeps running as it is) until `stacks resume`.',
  run: ({ positionals, flags }, io) => toggle(flags, positionals, io, true),
};

/** `stacks resume S`. */
export const stacksResumeCommand: Command = {
  words: ['stacks', 'resume'],
  usage: 'stackctl stacks resume STACK [--project P]',
  summary: 'Lets the operator reconcile a paused stack again.',
  run: ({ positionals, flags }, io) => toggle(flags, positionals, io, false),
};

/** `stacks rm S`. */
export const stacksRmCommand: Command = {
  words: ['stacks', 'rm'],
  usage: 'stackctl stacks rm STACK [--project P] [--allow-data-loss] [--yes]',
  summary:
    'Marks a pushed stack for deletion: the operator deletes its resources, then removes it from the table. Databases and caches are kept unless --allow-data-loss.',
  async run({ positionals, flags }, io) {
    const stack = stackArg(positionals, flags);
    const session = await openStateSession(flags);
    const ref: StackRef = await resolveRemoteStack(session, flags, stack);
    let spec = await getSpec(ref);
    if (!spec) throw new StackctlError('STACK_NOT_PUSHED', `${ref.project}/${ref.stack} is not in the table`);
    if (!flags.yes && !(await io.confirm(`Delete every resource of ${ref.project}/${ref.stack}?`))) {
      throw new StackctlError(
        'NOT_CONFIRMED',
        'stacks rm was not confirmed (pass --yes to run without a prompt); nothing changed',
      );
    }
    const by = actor();
    if (flags.allowDataLoss && spec.spec.allowDataLoss !== true) {
      spec = await putSpec({
        ...ref,
        spec: { ...spec.spec, allowDataLoss: true },
        expectedGeneration: spec.generation,
        updatedBy: by,
      });
    }
    const record = await markForDeletion({ ...ref, expectedGeneration: spec.generation, updatedBy: by });
    await appendEvent({
      ...ref,
      type: 'Normal',
      reason: 'DeletionRequested',
      message: `deletion requested by ${by}`,
    });
    io.err(
      `${ref.project}/${ref.stack} is marked for deletion (generation ${record.generation}); the operator deletes its resources, then the stack\n`,
    );
    return EXIT.ok;
  },
};
