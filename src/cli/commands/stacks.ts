/**
 * `stackctl stacks ls`: the stacks this checkout defines.
 *
 * @module
 */
import { findComposeFile, stackDirOf } from '../../desired/load-project.js';
import { listStackFiles, loadStackFile } from '../../desired/stack/index.js';
import { jsonDocument } from '../json-document.js';
import { EXIT, formatData } from '../output.js';
import { projectLocationFromFlags } from './common.js';
import { listRemoteStacks } from './stacks-remote.js';
import type { Command } from './types.js';

/** `stacks ls`. */
export const stacksLsCommand: Command = {
  words: ['stacks', 'ls'],
  usage: 'stackctl stacks ls [--remote] [--output text|json]',
  summary:
    'Lists the stack files in .stackctl/ with their region and mode; --remote lists the stacks pushed to the state table with their state.',
  async run({ flags }, io) {
    if (flags.remote) return listRemoteStacks(flags, io);
    const composeFile = findComposeFile(projectLocationFromFlags(flags));
    const rows = listStackFiles(stackDirOf(composeFile)).map(({ stack, file }) => {
      const s = loadStackFile(file);
      return { stack, region: s.region, mode: s.mode, domain: s.domain ?? null, file };
    });
    if (flags.output === 'json') io.out(formatData(jsonDocument('StackList', { stacks: rows }), 'json'));
    else if (rows.length === 0) io.out('no stacks yet: create one with `stackctl init --stack dev`\n');
    else
      for (const r of rows)
        io.out(`${r.stack.padEnd(16)} ${r.region.padEnd(14)} ${r.mode.padEnd(18)} ${r.domain ?? '-'}\n`);
    return EXIT.ok;
  },
};
