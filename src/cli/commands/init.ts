/**
 * `stackctl init`: write a commented starter stack file.
 *
 * @module
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadCompose } from '../../desired/compose/index.js';
import { findComposeFile, stackDirOf } from '../../desired/load-project.js';
import { renderStackFileTemplate } from '../../desired/stack/index.js';
import { StackctlError } from '../../errors.js';
import { EXIT } from '../output.js';
import type { Command } from './types.js';

/** The stack `init` writes when `--stack` is not given. */
export const DEFAULT_INIT_STACK = 'dev';

/** `init [--stack S]`. */
export const initCommand: Command = {
  words: ['init'],
  usage: 'stackctl init [--stack S] [--region R] [--force]',
  summary:
    'Writes .stackctl/<stack>.yaml, a commented starter stack file for the compose app (default stack: dev).',
  async run({ flags }, io) {
    const composeFile = findComposeFile({
      ...(flags.cwd ? { cwd: flags.cwd } : {}),
      ...(flags.file ? { file: flags.file } : {}),
    });
    const compose = loadCompose({ file: composeFile, env: process.env as Record<string, string> });
    const stack = flags.stack ?? DEFAULT_INIT_STACK;
    const dir = stackDirOf(composeFile);
    const file = join(dir, `${stack}.yaml`);
    if (existsSync(file) && !flags.force) {
      throw new StackctlError('STACK_EXISTS', `${file} already exists; pass --force to overwrite it`);
    }
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      file,
      renderStackFileTemplate({
        stack,
        ...(flags.region ? { region: flags.region } : {}),
        services: Object.keys(compose.services),
      }),
    );
    io.out(`wrote ${file}\n`);
    return EXIT.ok;
  },
};
