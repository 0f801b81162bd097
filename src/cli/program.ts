/**
 * The command-line parser, built with commander from the command table (commands/index.ts) and the
 * flags table (command-flags.ts): each command owns its flags, arguments, output formats, help and
 * examples, so `init --follow` is an error and `plan --help` shows plan's flags only. Commander was chosen
 * over citty, clipanion and yargs as the most used and maintained of them, with per-command options,
 * nested commands (`stacks ls`), help per command, and hooks (`exitOverride`, `configureOutput`) that let
 * it run in-process against an injected {@link Io} without ever calling `process.exit`.
 *
 * Parsing never runs a command: it returns what to run ({@link Invocation}); help, `version` and
 * `completion` are answered here.
 *
 * @module
 */
import { CommanderError, Help, Option, Command as Program } from 'commander';
import { type Flags, flagsFromOptions, type OptionValues, type ParsedArgs, UsageError } from './args.js';
import {
  COMMAND_FLAG_SPECS,
  type CommandSurface,
  type FlagSpec,
  flagSyntax,
  GLOBAL_FLAGS,
  surfaceOf,
} from './command-flags.js';
import { COMMANDS } from './commands/index.js';
import type { Command } from './commands/types.js';
import { COMPLETION_SHELLS, completionScript, isCompletionShell } from './completion.js';
import { EXIT, type ExitCode, type Io } from './output.js';
import { stackctlVersion } from './version.js';

/** What a command line asks for: a command to run, or an answer already printed (help, version…). */
export type Invocation =
  | {
      readonly kind: 'command';
      readonly command: Command;
      /** Positionals after the command words, and the raw option values (flags are built by the caller). */
      readonly positionals: readonly string[];
      readonly options: OptionValues;
    }
  | { readonly kind: 'answered'; readonly code: ExitCode };

/**
 * A usage error about one command: the CLI prints it with `see stackctl help WORDS` (or `see stackctl
 * help` when no command was recognised).
 */
export class CommandUsageError extends UsageError {
  /** The command's words, empty when the error is about the command line as a whole. */
  readonly words: readonly string[];

  constructor(message: string, words: readonly string[], options: ErrorOptions = {}) {
    super(message, options);
    this.name = 'CommandUsageError';
    this.words = words;
  }
}

/** Top-level help, above commander's list of commands and global options. */
const INTRO = 'stackctl: one compose.yaml, many isolated AWS stacks, each kept exactly as declared.';

/** Printed under every help text. */
const PRECEDENCE =
  'Settings: flags > environment (AWS_ENDPOINT_URL, AWS_PROFILE, STACKCTL_TABLE, NO_COLOR, FORCE_COLOR) > stack file > defaults.\n' +
  'Exit codes: 0 valid / in sync / wired, 1 error, 2 changes or drift pending, or an edge broken (check).';

function optionOf(flag: FlagSpec, surface?: CommandSurface): Option {
  const description =
    flag.name === 'output' && surface?.outputs
      ? `output format: ${surface.outputs.join(', ')} (default: ${surface.outputs[0]})`
      : `${flag.description}${flag.env ? ` (env ${flag.env})` : ''}`;
  const option = new Option(flagSyntax(flag), description);
  if (flag.repeatable)
    option.argParser((value: string, previous: string[] | undefined) => [...(previous ?? []), value]);
  return option;
}

/** Refuses `--output F` for a format the command does not offer, naming the ones it does. */
function outputOption(words: readonly string[], surface: CommandSurface): Option {
  const offered = surface.outputs ?? [];
  return optionOf(COMMAND_FLAG_SPECS.output, surface).argParser((value: string) => {
    if (!offered.includes(value as never)) {
      throw new CommandUsageError(
        `${words.join(' ')} does not offer --output ${value}; it offers ${offered.join(', ')}`,
        words,
      );
    }
    return value;
  });
}

/** A commander error (unknown option, missing value, excess argument…) as a {@link CommandUsageError}. */
function usageErrorOf(err: CommanderError, words: readonly string[]): CommandUsageError {
  return new CommandUsageError(err.message.replace(/^error: /, ''), words, { cause: err });
}

/** Commander's own exits (help shown, version shown) are answers, not errors. */
const ANSWERED_CODES: ReadonlySet<string> = new Set([
  'commander.helpDisplayed',
  'commander.version',
  'commander.help',
]);

interface Captured {
  invocation?: Invocation;
}

function configure(program: Program, io: Io, words: readonly string[]): Program {
  return program
    .exitOverride((err) => {
      if (ANSWERED_CODES.has(err.code)) throw err;
      throw usageErrorOf(err, words);
    })
    .configureOutput({
      writeOut: (text) => io.out(text),
      writeErr: (text) => io.err(text),
      // Errors are thrown (exitOverride) and printed once by the entry point.
      outputError: () => undefined,
    })
    .configureHelp({
      showGlobalOptions: true,
      sortSubcommands: false,
      sortOptions: false,
      // `--version` belongs to the top level only.
      visibleGlobalOptions(this: Help, cmd: Program) {
        return Help.prototype.visibleGlobalOptions.call(this, cmd).filter((o) => o.long !== '--version');
      },
    })
    .helpCommand(false)
    .helpOption('-h, --help', 'show this help');
}

/** Longest description a command gets in the top-level list before it is cut at a clause. */
const LIST_SUMMARY_MAX = 72;

/**
 * A summary's first sentence up to its first top-level colon, cut at a top-level comma when still long:
 * the command's line in the top-level list. Never cuts inside parentheses.
 */
function firstSentence(summary: string): string {
  const sentence = summary.split(/(?<=\.)\s/)[0] ?? summary;
  let depth = 0;
  let lastComma = -1;
  for (let i = 0; i < sentence.length; i++) {
    const ch = sentence[i];
    if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (depth === 0 && ch === ':' && sentence[i + 1] === ' ') return sentence.slice(0, i);
    else if (depth === 0 && ch === ',' && i <= LIST_SUMMARY_MAX) lastComma = i;
  }
  return sentence.length > LIST_SUMMARY_MAX && lastComma > 20 ? sentence.slice(0, lastComma) : sentence;
}

/** Examples under the top-level help: the first commands of a new project. */
const TOP_EXAMPLES: readonly string[] = [
  'stackctl init --stack dev',
  'stackctl validate',
  'stackctl plan --stack dev',
  'stackctl reconcile --once --stack dev',
  'stackctl help plan',
];

function examplesText(surface: CommandSurface): string {
  return `\nExamples:\n${surface.examples.map((e) => `  ${e}`).join('\n')}\n`;
}

/** Adds `command` (its words under their group) to `program`. */
function addCommand(
  program: Program,
  command: Command,
  io: Io,
  groups: Map<string, Program>,
  captured: Captured,
): void {
  const surface = surfaceOf(command.words);
  if (surface === undefined)
    throw new Error(`command-flags.ts has no entry for "${command.words.join(' ')}"`);
  let parent = program;
  for (const word of command.words.slice(0, -1)) {
    let group = groups.get(word);
    if (group === undefined) {
      const subs = COMMANDS.filter((c) => c.words.length > 1 && c.words[0] === word).map((c) => c.words[1]);
      group = configure(parent.command(word), io, [word]).description(`${word} ${subs.join(' | ')}`);
      groups.set(word, group);
    }
    parent = group;
  }
  const name = command.words.at(-1) as string;
  const existing = command.words.length === 1 ? groups.get(name) : undefined;
  const cmd = existing ?? configure(parent.command(name), io, command.words);
  if (existing === undefined && command.words.length === 1) groups.set(name, cmd);
  const prefix = `stackctl ${command.words.join(' ')}`;
  const usage = command.usage.startsWith(prefix) ? command.usage.slice(prefix.length).trim() : '';
  cmd
    .description(command.summary)
    .summary(firstSentence(command.summary))
    .usage(usage || '[flags]');
  for (const arg of surface.args ?? []) cmd.argument(arg);
  for (const flagName of surface.flags) {
    const spec = COMMAND_FLAG_SPECS[flagName];
    cmd.addOption(flagName === 'output' ? outputOption(command.words, surface) : optionOf(spec));
  }
  cmd.addHelpText('after', `${examplesText(surface)}\n${PRECEDENCE}\n`);
  cmd.action((...actionArgs: unknown[]) => {
    const self = actionArgs.at(-1) as Program;
    captured.invocation = {
      kind: 'command',
      command,
      positionals: self.args,
      options: self.optsWithGlobals<OptionValues>(),
    };
  });
}

/**
 * Builds the parser: global flags on the root (accepted before or after the command words), one
 * sub-command per entry of {@link COMMANDS}, and `help`, `version` and `completion`.
 */
function buildProgram(io: Io, captured: Captured): Program {
  const program = configure(new Program('stackctl'), io, []);
  program
    .description(INTRO)
    .usage('<command> [flags]')
    .version(`stackctl ${stackctlVersion()}`, '--version', 'print the version')
    .addHelpText(
      'after',
      `\nExamples:\n${TOP_EXAMPLES.map((e) => `  ${e}`).join('\n')}\n\nRun \`stackctl help COMMAND\` for a command's flags and examples.\n${PRECEDENCE}\n`,
    );
  for (const flag of GLOBAL_FLAGS) program.addOption(optionOf(flag));
  // Commands whose words are a prefix of another's (`operator` of `operator install`) are added first.
  const ordered = [...COMMANDS].sort((a, b) => a.words.length - b.words.length);
  const groups = new Map<string, Program>();
  for (const command of ordered) addCommand(program, command, io, groups, captured);
  // A command that also has sub-commands (`operator`, `operator install`) names them in the list.
  for (const cmd of program.commands) {
    const subs = cmd.commands.map((c) => c.name());
    if (subs.length > 0 && surfaceOf([cmd.name()]) !== undefined)
      cmd.summary(`${cmd.summary()}; also: ${subs.map((s) => `${cmd.name()} ${s}`).join(', ')}`);
  }
  // Help order is the command table's, not the insertion order above.
  const order = new Map(COMMANDS.map((c, i) => [c.words[0], i]));
  (program.commands as Program[]).sort((a, b) => (order.get(a.name()) ?? 0) - (order.get(b.name()) ?? 0));

  configure(program.command('help'), io, ['help'])
    .description("show a command's flags and examples")
    .argument('[command...]')
    .action((words: string[]) => {
      captured.invocation = { kind: 'answered', code: showHelp(program, words) };
    });
  configure(program.command('version'), io, ['version'])
    .description('print the version')
    .action(() => {
      io.out(`stackctl ${stackctlVersion()}\n`);
      captured.invocation = { kind: 'answered', code: EXIT.ok };
    });
  configure(program.command('completion'), io, ['completion'])
    .description(`print a shell completion script (${COMPLETION_SHELLS.join(', ')})`)
    .argument('<shell>', COMPLETION_SHELLS.join(', '))
    .addHelpText(
      'after',
      '\nExamples:\n  source <(stackctl completion bash)      # in ~/.bashrc\n  source <(stackctl completion zsh)       # in ~/.zshrc, after compinit\n  stackctl completion fish > ~/.config/fish/completions/stackctl.fish\n',
    )
    .action((shell: string) => {
      if (!isCompletionShell(shell)) {
        throw new CommandUsageError(`no completion for "${shell}"; choose ${COMPLETION_SHELLS.join(', ')}`, [
          'completion',
        ]);
      }
      io.out(completionScript(shell));
      captured.invocation = { kind: 'answered', code: EXIT.ok };
    });
  return program;
}

/** `help WORDS…`: that command's help, or a usage error naming the unknown command. */
function showHelp(program: Program, words: readonly string[]): ExitCode {
  let cmd = program;
  for (const word of words) {
    const next = cmd.commands.find((c) => c.name() === word);
    if (next === undefined) throw new CommandUsageError(`unknown command '${words.join(' ')}'`, []);
    cmd = next;
  }
  cmd.outputHelp();
  return EXIT.ok;
}

/**
 * Parses `argv` (without node and script). Help, `--version`, `version` and `completion` print their
 * answer to `io` here.
 *
 * @throws {CommandUsageError} for an unknown command, flag or value.
 */
export function parseInvocation(argv: readonly string[], io: Io): Invocation {
  const captured: Captured = {};
  const program = buildProgram(io, captured);
  if (argv.length === 0) {
    program.outputHelp();
    return { kind: 'answered', code: EXIT.ok };
  }
  try {
    program.parse([...argv], { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError && ANSWERED_CODES.has(err.code)) {
      return { kind: 'answered', code: err.exitCode === 0 ? EXIT.ok : EXIT.error };
    }
    throw err;
  }
  if (captured.invocation === undefined)
    throw new CommandUsageError(`nothing to run for "${argv.join(' ')}"`, []);
  return captured.invocation;
}

/**
 * Parses a command line that names a command into its {@link ParsedArgs}, with colour off: for tests and
 * tools that call a command's helpers with the flags a user would type.
 *
 * @throws {CommandUsageError} when the line is not a valid command (or asks for help or the version).
 */
export function parseCommandLine(argv: readonly string[], io?: Io): ParsedArgs {
  const sink: Io = io ?? {
    out: () => undefined,
    err: () => undefined,
    readStdin: async () => '',
    confirm: async () => false,
  };
  const invocation = parseInvocation(argv, sink);
  if (invocation.kind !== 'command') throw new CommandUsageError(`"${argv.join(' ')}" runs no command`, []);
  const flags: Flags = flagsFromOptions(invocation.options, false);
  return { positionals: invocation.positionals, flags };
}
