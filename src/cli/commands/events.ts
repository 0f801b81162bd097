/**
 * `stackctl events`: what happened to a stack recently (passes, adoptions), from the state table.
 *
 * @module
 */
import { isNotFound } from '../../aws/index.js';
import { listEvents, type StackEvent } from '../../state/index.js';
import { jsonDocument, orNull } from '../json-document.js';
import { EXIT, formatData, paint } from '../output.js';
import { openAwsSession, stateTableName } from './aws-context.js';
import { loadFromFlags, requireStack } from './common.js';
import type { Command } from './types.js';

/** `events --stack S`. */
export const eventsCommand: Command = {
  words: ['events'],
  usage: 'stackctl events --stack S [--output text|json]',
  summary:
    "Lists the stack's events of the last 7 days, oldest first: every reconcile pass, adoption and correction, with Normal/Warning type.",
  async run({ flags }, io) {
    const { desired } = loadFromFlags(flags, requireStack(flags));
    const { clients } = openAwsSession(flags, desired.region);
    const table = stateTableName(flags);
    let events: readonly StackEvent[];
    try {
      events = await listEvents({
        client: clients.dynamodb,
        table,
        project: desired.project,
        stack: desired.stack,
      });
    } catch (err) {
      if (!isNotFound(err)) throw err;
      events = [];
    }
    const ordered = [...events].reverse();
    if (flags.output === 'json' || flags.output === 'yaml') {
      const doc = jsonDocument('EventList', {
        project: desired.project,
        stack: desired.stack,
        events: ordered.map((e) => ({
          at: e.at,
          type: e.type,
          reason: e.reason,
          message: e.message,
          logicalId: orNull(e.logicalId),
        })),
      });
      io.out(formatData(doc, flags.output));
      return EXIT.ok;
    }
    if (ordered.length === 0) {
      io.out(`no events for ${desired.project}/${desired.stack} in table ${table} yet\n`);
      return EXIT.ok;
    }
    const c = paint(flags.color);
    const width = Math.max(...ordered.map((e) => e.reason.length));
    for (const e of ordered) {
      const type = e.type === 'Warning' ? c.yellow('Warning') : 'Normal ';
      io.out(
        `${e.at}  ${type}  ${e.reason.padEnd(width)}  ${e.logicalId ? `${e.logicalId}: ` : ''}${e.message}\n`,
      );
    }
    return EXIT.ok;
  },
};
