/**
 * What a command receives from the command line: the {@link Flags} record every command reads, built
 * from the options the parser (program.ts) accepted for that command, and the usage error type. Which
 * flags a command accepts is declared in command-flags.ts.
 *
 * @module
 */
import { stackNameProblem } from '../desired/stack/patterns.js';
import { StackctlError } from '../errors.js';

/** Output formats a command may offer. */
export const OUTPUT_FORMATS = ['text', 'json', 'yaml', 'markdown', 'html'] as const;
/** An output format. */
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** The format a command prints when `--output` is absent. */
export const DEFAULT_OUTPUT: OutputFormat = 'text';

/** Parsed flags; names as on the command line. */
export interface Flags {
  /** The first `-f` file (where the project is); {@link Flags.files} holds every one, in order. */
  readonly file?: string;
  /** Every `-f` file, merged in order by the compose-spec rules. */
  readonly files?: readonly string[];
  /** False with `--no-build`: never build images of `build:` services. */
  readonly build: boolean;
  readonly cwd?: string;
  readonly project?: string;
  readonly stack?: string;
  readonly profile?: readonly string[];
  readonly output: OutputFormat;
  readonly endpointUrl?: string;
  readonly region?: string;
  readonly awsProfile?: string;
  readonly table?: string;
  readonly stats: boolean;
  readonly explain: boolean;
  readonly once: boolean;
  readonly wait: boolean;
  /** Seconds. */
  readonly timeoutSeconds?: number;
  /** `--image svc=ref`, parsed. */
  readonly images: Readonly<Record<string, string>>;
  readonly yes: boolean;
  readonly allowDataLoss: boolean;
  readonly fromStdin: boolean;
  readonly random: boolean;
  /** `config set --restart` (true) / `--no-restart` (false); undefined when neither was given. */
  readonly restart?: boolean;
  readonly force: boolean;
  /** `stacks ls --remote`: list the state table, not the checkout. */
  readonly remote: boolean;
  /** `operator --port`. */
  readonly port?: number;
  /**
   * Paint output: true when stdout or stderr takes colour (color.ts). The CLI's Io removes colour from
   * the stream that does not, so a command may paint whatever it writes.
   */
  readonly color: boolean;
  /** `--all`: every stack of the project. */
  readonly all: boolean;
  /** `--out FILE`: write the result to a file instead of stdout. */
  readonly out?: string;
  readonly follow: boolean;
  /** `--since 10m`, in seconds. */
  readonly sinceSeconds?: number;
  /** `estimate --mode M`: also price the stack rendered with mode M (checked by the command). */
  readonly mode?: string;
  /** `rollout --stacks 'customer-*'`: which stacks (glob, comma-separated). */
  readonly stacks?: string;
  /** `rollout --waves 1,10%,50%,100%`. */
  readonly waves?: string;
  /** `rollout --pause 10m`, in seconds. */
  readonly pauseSeconds?: number;
  /** `rollout --max-failures N`. */
  readonly maxFailures?: number;
  /** Always false for a command: help is answered by the parser before any command runs. */
  readonly help: boolean;
  /** Always false for a command: `--version` is answered by the parser. */
  readonly version: boolean;
}

/** A parsed command line: the command words (`stacks ls`), positionals, and flags. */
export interface ParsedArgs {
  readonly positionals: readonly string[];
  readonly flags: Flags;
}

/**
 * Bad command-line usage: exit 1 with the message, then a pointer to the help of the command it concerns
 * (`see stackctl help plan`), added by the CLI's entry point, which knows the command.
 */
export class UsageError extends StackctlError {
  constructor(message: string, options: ErrorOptions = {}) {
    super('USAGE', message, options);
    this.name = 'UsageError';
  }
}

/**
 * Refuses a stack name that is not valid ({@link stackNameProblem}), as a usage error naming where it came
 * from. Checked when the command line is parsed, so no command ever builds a path or a resource name
 * from an invalid `--stack`.
 *
 * @throws {UsageError} when `name` is not a valid stack name.
 */
export function requireValidStackName(name: string, from: string): string {
  const problem = stackNameProblem(name);
  if (problem !== undefined) throw new UsageError(`${from}: ${problem}`);
  return name;
}

/**
 * Option values as the parser collects them (camel-cased long names; repeatable flags as arrays);
 * every field is optional because each command accepts only some flags.
 */
export interface OptionValues {
  readonly file?: readonly string[];
  /** False when `--no-build` was given. */
  readonly build?: boolean;
  readonly cwd?: string;
  readonly project?: string;
  readonly stack?: string;
  readonly profile?: readonly string[];
  readonly output?: string;
  readonly endpointUrl?: string;
  readonly region?: string;
  readonly awsProfile?: string;
  readonly table?: string;
  readonly stats?: boolean;
  readonly explain?: boolean;
  readonly once?: boolean;
  readonly wait?: boolean;
  readonly timeout?: string;
  readonly image?: readonly string[];
  readonly yes?: boolean;
  readonly allowDataLoss?: boolean;
  readonly fromStdin?: boolean;
  readonly random?: boolean;
  readonly restart?: boolean;
  readonly force?: boolean;
  readonly remote?: boolean;
  readonly port?: string;
  /** False when `--no-color` was given. */
  readonly color?: boolean;
  readonly all?: boolean;
  readonly out?: string;
  readonly follow?: boolean;
  readonly since?: string;
  readonly mode?: string;
  readonly stacks?: string;
  readonly waves?: string;
  readonly pause?: string;
  readonly maxFailures?: string;
}

/**
 * Turns accepted option values into {@link Flags}: parses durations, ports and `--image` pairs, checks
 * `--stack`, and fills switches a command does not take with false. `color` is the CLI's decision
 * (color.ts), not the flag.
 *
 * @throws {UsageError} when a value is malformed.
 */
export function flagsFromOptions(v: OptionValues, color: boolean): Flags {
  const output = (v.output ?? DEFAULT_OUTPUT) as OutputFormat;
  if (!OUTPUT_FORMATS.includes(output)) {
    throw new UsageError(`--output must be one of ${OUTPUT_FORMATS.join(', ')}, not "${v.output}"`);
  }
  if (v.stack !== undefined) requireValidStackName(v.stack, '--stack');
  return {
    ...(v.file === undefined || v.file.length === 0 ? {} : { file: v.file[0], files: v.file }),
    build: v.build ?? true,
    ...(v.cwd === undefined ? {} : { cwd: v.cwd }),
    ...(v.project === undefined ? {} : { project: v.project }),
    ...(v.stack === undefined ? {} : { stack: v.stack }),
    ...(v.profile === undefined ? {} : { profile: v.profile }),
    output,
    ...(v.endpointUrl === undefined ? {} : { endpointUrl: v.endpointUrl }),
    ...(v.region === undefined ? {} : { region: v.region }),
    ...(v.awsProfile === undefined ? {} : { awsProfile: v.awsProfile }),
    ...(v.table === undefined ? {} : { table: v.table }),
    stats: v.stats ?? false,
    explain: v.explain ?? false,
    once: v.once ?? false,
    wait: v.wait ?? false,
    ...(v.timeout === undefined ? {} : { timeoutSeconds: parseDurationFlag(v.timeout) }),
    images: parseImages(v.image ?? []),
    yes: v.yes ?? false,
    allowDataLoss: v.allowDataLoss ?? false,
    fromStdin: v.fromStdin ?? false,
    random: v.random ?? false,
    ...(v.restart === undefined ? {} : { restart: v.restart }),
    force: v.force ?? false,
    remote: v.remote ?? false,
    ...(v.port === undefined ? {} : { port: parsePortFlag(v.port) }),
    color,
    all: v.all ?? false,
    ...(v.out === undefined ? {} : { out: v.out }),
    follow: v.follow ?? false,
    ...(v.since === undefined ? {} : { sinceSeconds: parseDurationFlag(v.since, '--since') }),
    ...(v.mode === undefined ? {} : { mode: v.mode }),
    ...(v.stacks === undefined ? {} : { stacks: v.stacks }),
    ...(v.waves === undefined ? {} : { waves: v.waves }),
    ...(v.pause === undefined ? {} : { pauseSeconds: parseDurationFlag(v.pause, '--pause') }),
    ...(v.maxFailures === undefined ? {} : { maxFailures: parseCountFlag(v.maxFailures, '--max-failures') }),
    help: false,
    version: false,
  };
}

function parseImages(values: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of values) {
    const eq = entry.indexOf('=');
    if (eq <= 0 || eq === entry.length - 1)
      throw new UsageError(`--image takes SERVICE=IMAGE, got "${entry}"`);
    out[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  return out;
}

/** `90`, `90s`, `15m`, `1h` → seconds. */
export function parseDurationFlag(text: string, flag = '--timeout'): number {
  const m = /^(\d+)(s|m|h)?$/.exec(text.trim());
  if (!m) throw new UsageError(`${flag} takes a duration like 600, 90s, 15m or 1h, got "${text}"`);
  const n = Number(m[1]);
  return m[2] === 'h' ? n * 3600 : m[2] === 'm' ? n * 60 : n;
}

/** `--max-failures 2` → 2: a non-negative integer. */
export function parseCountFlag(text: string, flag: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n))
    throw new UsageError(`${flag} takes a whole number (0, 1, 2…), got "${text}"`);
  return n;
}

/** `--port 8080` → 8080 (0 picks a free port). */
export function parsePortFlag(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > 65_535)
    throw new UsageError(`--port takes 0–65535, got "${text}"`);
  return n;
}
