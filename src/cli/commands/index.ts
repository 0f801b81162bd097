/**
 * The command table: every command, in help order. Their flags, arguments and examples are declared in
 * ../command-flags.ts; the parser and help are built from both (../program.ts).
 *
 * @module
 */
import { adoptCommand } from './adopt.js';
import { checkCommand } from './check.js';
import { configLsCommand, configRmCommand, configSetCommand } from './config.js';
import { destroyCommand } from './destroy.js';
import { driftCommand } from './drift.js';
import { estimateCommand } from './estimate.js';
import { eventsCommand } from './events.js';
import { initCommand } from './init.js';
import { logsCommand } from './logs.js';
import { operatorCommand } from './operator.js';
import { operatorInstallCommand } from './operator-install.js';
import { planCommand } from './plan.js';
import { pruneCommand } from './prune.js';
import { pushCommand } from './push.js';
import { reconcileCommand } from './reconcile.js';
import { renderCommand } from './render.js';
import {
  rolloutAbortCommand,
  rolloutCommand,
  rolloutResumeCommand,
  rolloutStatusCommand,
} from './rollout.js';
import { stacksLsCommand } from './stacks.js';
import {
  stacksPauseCommand,
  stacksResumeCommand,
  stacksRmCommand,
  stacksShowCommand,
} from './stacks-remote.js';
import { statusCommand } from './status.js';
import type { Command } from './types.js';
import { validateCommand } from './validate.js';

/** Every command, in help order. */
export const COMMANDS: readonly Command[] = [
  validateCommand,
  renderCommand,
  planCommand,
  reconcileCommand,
  destroyCommand,
  driftCommand,
  pruneCommand,
  adoptCommand,
  statusCommand,
  checkCommand,
  estimateCommand,
  eventsCommand,
  logsCommand,
  configSetCommand,
  configLsCommand,
  configRmCommand,
  initCommand,
  stacksLsCommand,
  pushCommand,
  stacksShowCommand,
  stacksPauseCommand,
  stacksResumeCommand,
  stacksRmCommand,
  rolloutStatusCommand,
  rolloutResumeCommand,
  rolloutAbortCommand,
  rolloutCommand,
  // `operator install` before `operator`: the first command whose words match wins.
  operatorInstallCommand,
  operatorCommand,
];
