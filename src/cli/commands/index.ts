/**
 * The command table and the top-level help.
 *
 * @module
 */
import { adoptCommand } from './adopt.js';
import { checkCommand } from './check.js';
import { configLsCommand, configRmCommand, configSetCommand } from './config.js';
import { destroyCommand } from './destroy.js';
import { driftCommand } from './drift.js';
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
  // `operator install` before `operator`: the first command whose words match wins.
  operatorInstallCommand,
  operatorCommand,
];

/** `stackctl --help`. */
export const HELP = `stackctl: one compose.yaml, many isolated AWS stacks, each kept exactly as declared.

Usage: stackctl <command> [flags]

Commands:
${COMMANDS.map((c) => `  ${c.usage}\n      ${c.summary}`).join('\n')}

Global flags:
  -f, --file FILE        compose file (default: compose.yaml in the project directory)
  -C, --cwd DIR          project directory (default: the current directory)
  -p, --project NAME     project name (default: stack file project, compose name:, directory name)
  -s, --stack NAME       stack (.stackctl/NAME.yaml)
      --profile NAME     enable a compose profile (repeatable)
  -o, --output FORMAT    text (default), json, yaml, markdown or html where the command supports it
      --endpoint-url URL AWS endpoint (also AWS_ENDPOINT_URL), e.g. a local moto server
      --region R         override the stack file's region
      --no-color         plain output (also NO_COLOR)

Exit codes: 0 valid / in sync / wired, 1 error, 2 changes or drift pending, or an edge broken (check).
`;
