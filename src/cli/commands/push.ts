/**
 * `stackctl push`: hand a stack to the operator. The resolved spec (compose model + stack file + CLI
 * overrides, no secret values) is written with `generation + 1`, conditionally on the generation read,
 * so two pushes never silently overwrite each other. `--wait` follows the operator's status until it
 * reports this generation observed, synced and ready.
 *
 * @module
 */
import { toStoredSpec } from '../../operator/stored-spec.js';
import { appendEvent, ensureStateTable, getSpec, putSpec, type StackRef } from '../../state/index.js';
import { jsonDocument } from '../json-document.js';
import { EXIT, type ExitCode, type Io, printWarnings } from '../output.js';
import { printJson } from './aws-context.js';
import { loadFromFlags, requireStack } from './common.js';
import { DEFAULT_WAIT_TIMEOUT_SECONDS } from './reconcile.js';
import { actor, openStateSession } from './remote-context.js';
import type { Command } from './types.js';
import { waitForOperator } from './wait-operator.js';

/** `push --stack S [--wait]`. */
export const pushCommand: Command = {
  words: ['push'],
  usage:
    'stackctl push --stack S [--wait] [--timeout 15m] [--image svc=ref] [--allow-data-loss] [--output text|json]',
  summary:
    'Stores the stack (compose model + stack file, never secret values) in the state table for the operator, as generation + 1. --wait follows the operator until this generation is synced and ready (exit 0) or the timeout passes (exit 1).',
  async run({ flags }, io) {
    const project = loadFromFlags(flags, requireStack(flags));
    printWarnings(io, project.resolved.warnings);
    const { desired } = project;
    const session = await openStateSession(flags, desired.region);
    await ensureStateTable(session.clients.dynamodb, session.table);
    const ref: StackRef = {
      client: session.clients.dynamodb,
      table: session.table,
      project: desired.project,
      stack: desired.stack,
    };
    const current = await getSpec(ref);
    const by = actor();
    const record = await putSpec({
      ...ref,
      spec: toStoredSpec({
        compose: project.compose,
        stackFile: project.stackFile,
        cli: { images: flags.images, ...(flags.region ? { region: flags.region } : {}) },
        ...(flags.project ? { projectOverride: flags.project } : {}),
        allowDataLoss: flags.allowDataLoss,
        pushedAt: new Date().toISOString(),
      }),
      expectedGeneration: current?.generation ?? 0,
      updatedBy: by,
    });
    await appendEvent({
      ...ref,
      type: 'Normal',
      reason: 'Pushed',
      message: `generation ${record.generation} pushed by ${by}`,
    });
    const json = flags.output === 'json';
    if (!json) io.err(`pushed ${desired.project}/${desired.stack} as generation ${record.generation}\n`);
    let code: ExitCode = EXIT.ok;
    if (flags.wait) {
      const timeoutMs = (flags.timeoutSeconds ?? DEFAULT_WAIT_TIMEOUT_SECONDS) * 1000;
      const outcome = await waitForOperator({
        ref,
        generation: record.generation,
        timeoutMs,
        io: quiet(io, json),
      });
      code = outcome.converged ? EXIT.ok : EXIT.error;
      if (json)
        printJson(
          io,
          jsonDocument('PushResult', {
            project: desired.project,
            stack: desired.stack,
            generation: record.generation,
            waited: true,
            converged: outcome.converged,
            last: outcome.last,
          }),
        );
    } else if (json) {
      printJson(
        io,
        jsonDocument('PushResult', {
          project: desired.project,
          stack: desired.stack,
          generation: record.generation,
          waited: false,
          converged: null,
          last: null,
        }),
      );
    }
    return code;
  },
};

/** Progress goes to stderr in text mode only, so `--output json` stays one document. */
function quiet(io: Io, json: boolean): Io {
  return json ? { ...io, err: () => undefined } : io;
}
