/**
 * `stackctl render`: print the desired AWS resources of one stack. No AWS calls.
 *
 * @module
 */
import { explainStack } from '../../desired/stack/index.js';
import { redactDesiredStack } from '../../diff/redact-plan.js';
import { UsageError } from '../args.js';
import { jsonDocument } from '../json-document.js';
import { EXIT, formatData, printWarnings } from '../output.js';
import { loadFromFlags, requireStack } from './common.js';
import type { Command } from './types.js';

/** `render --stack S [--output text|json|yaml] [--explain]`. */
export const renderCommand: Command = {
  words: ['render'],
  usage: 'stackctl render --stack S [--output text|json|yaml] [--explain]',
  summary:
    'Prints the AWS resources the stack should have. --explain shows, for every setting, the layer that set it (default, compose, mode, stack-file, cli) and where.',
  async run({ flags }, io) {
    const project = loadFromFlags(flags, requireStack(flags));
    printWarnings(io, project.resolved.warnings);
    if (flags.explain) {
      const rows = explainStack(project.resolved);
      if (flags.output === 'json' || flags.output === 'yaml')
        io.out(
          formatData(
            jsonDocument('RenderExplanation', {
              settings: rows.map((r) => ({ ...r, location: r.location ?? null })),
            }),
            flags.output,
          ),
        );
      else {
        for (const r of rows) {
          const where = r.location
            ? ` ${r.location.file}${r.location.line ? `:${r.location.line}` : ''}`
            : '';
          io.out(`${r.path} = ${JSON.stringify(r.value)}  (${r.layer}${where})\n`);
        }
      }
      return EXIT.ok;
    }
    switch (flags.output) {
      case 'json':
      case 'yaml':
        io.out(formatData(jsonDocument('RenderedStack', redactDesiredStack(project.desired)), flags.output));
        return EXIT.ok;
      case 'text': {
        const d = project.desired;
        io.out(
          `stack ${d.stack} of ${d.project} in ${d.region} (${d.mode}): ${d.resources.length} resources\n`,
        );
        for (const r of d.resources) io.out(`  ${r.kind.padEnd(30)} ${r.logicalId.padEnd(34)} ${r.name}\n`);
        if (d.requiredSecrets.length) io.out(`secrets from SSM: ${d.requiredSecrets.join(', ')}\n`);
        return EXIT.ok;
      }
      default:
        throw new UsageError(`render does not support --output ${flags.output}`);
    }
  },
};
