/**
 * `stackctl validate`: load compose (and every stack file, or one) and report problems. No AWS calls.
 *
 * @module
 */
import { loadCompose } from '../../desired/compose/index.js';
import { findComposeFiles, stackDirOf } from '../../desired/load-project.js';
import { listStackFiles } from '../../desired/stack/index.js';
import { jsonDocument } from '../json-document.js';
import { EXIT, formatData, printWarnings } from '../output.js';
import { loadFromFlags, projectLocationFromFlags } from './common.js';
import type { Command } from './types.js';

/** `validate [-f FILE] [--stack S]`: exit 0 valid, 1 invalid; warnings on stderr. */
export const validateCommand: Command = {
  words: ['validate'],
  usage: 'stackctl validate [-f FILE] [--stack S] [--profile P] [--output text|json]',
  summary:
    'Checks the compose file and the stack files (all of them, or --stack S) and renders each stack, without calling AWS. Exit 0 valid, 1 invalid; warnings go to stderr.',
  async run({ flags }, io) {
    const [composeFile, ...overrides] = findComposeFiles(projectLocationFromFlags(flags)) as [
      string,
      ...string[],
    ];
    const stacks = flags.stack ? [flags.stack] : listStackFiles(stackDirOf(composeFile)).map((s) => s.stack);
    const results: { stack: string; resources: number }[] = [];
    if (stacks.length === 0) {
      const compose = loadCompose({
        file: composeFile,
        overrides,
        env: process.env as Record<string, string>,
        ...(flags.profile ? { profiles: flags.profile } : {}),
      });
      printWarnings(io, compose.warnings);
    }
    const seen = new Set<string>();
    for (const stack of stacks) {
      const project = loadFromFlags(flags, stack);
      const fresh = project.resolved.warnings.filter((w) => !seen.has(JSON.stringify(w)));
      for (const w of fresh) seen.add(JSON.stringify(w));
      printWarnings(io, fresh);
      results.push({ stack, resources: project.desired.resources.length });
    }
    if (flags.output === 'json')
      io.out(
        formatData(jsonDocument('ValidationResult', { valid: true, composeFile, stacks: results }), 'json'),
      );
    else {
      io.out(`${composeFile}: valid\n`);
      for (const r of results) io.out(`  stack ${r.stack}: valid (${r.resources} resources)\n`);
    }
    return EXIT.ok;
  },
};
