/**
 * `stackctl check`: is the deployed app wired? Every edge a service relies on (a name in its
 * environment or command, a `depends_on`, a published port), judged against the stack as observed in
 * AWS: does the name resolve, do the security groups admit the port, does the listener route to the
 * service. Read-only. A converged stack is not a working app; this is the proof that it is.
 *
 * @module
 */
import { formatWiringText, wiringEdges, wiringOk, wiringReportToJsonValue } from '../../diff/wiring/index.js';
import { checkWiring } from '../../reconcilers/check-wiring.js';
import { jsonDocument } from '../json-document.js';
import { EXIT, type ExitCode, formatData, printWarnings } from '../output.js';
import { openAwsSession, printJson, printStats } from './aws-context.js';
import { loadFromFlags, requireStack } from './common.js';
import type { Command } from './types.js';

/** `check --stack S`. */
export const checkCommand: Command = {
  words: ['check'],
  usage: 'stackctl check --stack S [--output text|json] [--stats]',
  summary:
    'Proves the deployed app is wired, from AWS as observed: per edge (caller → callee:port, from environment names, command, depends_on and published ports) whether the name resolves (Cloud Map, DHCP search domain), the security groups admit it, and the listener routes it. Read-only. Exit 0 every edge wired, 2 some edge broken, 1 error.',
  async run({ flags }, io): Promise<ExitCode> {
    const project = loadFromFlags(flags, requireStack(flags));
    printWarnings(io, project.resolved.warnings);
    const { clients, stats } = openAwsSession(flags, project.desired.region);
    const report = await checkWiring({
      desired: project.desired,
      edges: wiringEdges(project.resolved),
      clients,
    });
    const doc = (): object => jsonDocument('WiringReport', wiringReportToJsonValue(report) as object);
    if (flags.output === 'json') printJson(io, doc());
    else if (flags.output === 'yaml') io.out(formatData(doc(), 'yaml'));
    else {
      io.out(formatWiringText(report, { color: flags.color }));
      printStats(io, flags, stats);
    }
    return wiringOk(report.verdicts) ? EXIT.ok : EXIT.changes;
  },
};
