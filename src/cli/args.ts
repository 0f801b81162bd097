/**
 * Command-line parsing: one table of flags shared by every command, on top of `node:util` parseArgs
 * (no dependency needed for this).
 *
 * @module
 */
import { parseArgs } from 'node:util';
import { stackNameProblem } from '../desired/stack/patterns.js';
import { StackctlError } from '../errors.js';

/** Output formats a command may offer. */
export const OUTPUT_FORMATS = ['text', 'json', 'yaml', 'markdown', 'html'] as const;
/** An output format. */
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** Flags every command understands (global), plus command flags; unknown flags are errors. */
const OPTIONS = {
  file: { type: 'string', short: 'f' },
  cwd: { type: 'string', short: 'C' },
  project: { type: 'string', short: 'p' },
  stack: { type: 'string', short: 's' },
  profile: { type: 'string', multiple: true },
  output: { type: 'string', short: 'o' },
  'endpoint-url': { type: 'string' },
  region: { type: 'string' },
  'aws-profile': { type: 'string' },
  table: { type: 'string' },
  stats: { type: 'boolean' },
  explain: { type: 'boolean' },
  once: { type: 'boolean' },
  wait: { type: 'boolean' },
  timeout: { type: 'string' },
  image: { type: 'string', multiple: true },
  yes: { type: 'boolean', short: 'y' },
  'allow-data-loss': { type: 'boolean' },
  'from-stdin': { type: 'boolean' },
  random: { type: 'boolean' },
  force: { type: 'boolean' },
  remote: { type: 'boolean' },
  port: { type: 'string' },
  'no-color': { type: 'boolean' },
  all: { type: 'boolean' },
  out: { type: 'string' },
  follow: { type: 'boolean' },
  since: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
} as const;

/** Parsed flags; names as on the command line. */
export interface Flags {
  readonly file?: string;
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
  readonly force: boolean;
  /** `stacks ls --remote`: list the state table, not the checkout. */
  readonly remote: boolean;
  /** `operator --port`. */
  readonly port?: number;
  readonly color: boolean;
  /** `--all`: every stack of the project. */
  readonly all: boolean;
  /** `--out FILE`: write the result to a file instead of stdout. */
  readonly out?: string;
  readonly follow: boolean;
  /** `--since 10m`, in seconds. */
  readonly sinceSeconds?: number;
  readonly help: boolean;
  readonly version: boolean;
}

/** A parsed command line: the command words (`stacks ls`), positionals, and flags. */
export interface ParsedArgs {
  readonly positionals: readonly string[];
  readonly flags: Flags;
}

/** Bad command-line usage: exit 1 with the message and a pointer to `--help`. */
export class UsageError extends StackctlError {
  constructor(message: string, options: ErrorOptions = {}) {
    super('USAGE', `${message} (see stackctl --help)`, options);
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

/** Parses `argv` (without node and script). */
export function parseCommandLine(argv: readonly string[]): ParsedArgs {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; allowPositionals: true }>>;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (err) {
    throw new UsageError(err instanceof Error ? err.message : String(err), { cause: err });
  }
  const v = parsed.values;
  const output = (v.output ?? 'text') as OutputFormat;
  if (!OUTPUT_FORMATS.includes(output)) {
    throw new UsageError(`--output must be one of ${OUTPUT_FORMATS.join(', ')}, not "${v.output}"`);
  }
  if (v.stack !== undefined) requireValidStackName(v.stack, '--stack');
  const flags: Flags = {
    ...(v.file === undefined ? {} : { file: v.file }),
    ...(v.cwd === undefined ? {} : { cwd: v.cwd }),
    ...(v.project === undefined ? {} : { project: v.project }),
    ...(v.stack === undefined ? {} : { stack: v.stack }),
    ...(v.profile === undefined ? {} : { profile: v.profile }),
    output,
    ...(v['endpoint-url'] === undefined ? {} : { endpointUrl: v['endpoint-url'] }),
    ...(v.region === undefined ? {} : { region: v.region }),
    ...(v['aws-profile'] === undefined ? {} : { awsProfile: v['aws-profile'] }),
    ...(v.table === undefined ? {} : { table: v.table }),
    stats: v.stats ?? false,
    explain: v.explain ?? false,
    once: v.once ?? false,
    wait: v.wait ?? false,
    ...(v.timeout === undefined ? {} : { timeoutSeconds: parseDurationFlag(v.timeout) }),
    images: parseImages(v.image ?? []),
    yes: v.yes ?? false,
    allowDataLoss: v['allow-data-loss'] ?? false,
    fromStdin: v['from-stdin'] ?? false,
    random: v.random ?? false,
    force: v.force ?? false,
    remote: v.remote ?? false,
    ...(v.port === undefined ? {} : { port: parsePortFlag(v.port) }),
    color: !(v['no-color'] ?? false) && process.env.NO_COLOR === undefined && process.stdout.isTTY === true,
    all: v.all ?? false,
    ...(v.out === undefined ? {} : { out: v.out }),
    follow: v.follow ?? false,
    ...(v.since === undefined ? {} : { sinceSeconds: parseDurationFlag(v.since, '--since') }),
    help: v.help ?? false,
    version: v.version ?? false,
  };
  return { positionals: parsed.positionals, flags };
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

/** `--port 8080` → 8080 (0 picks a free port). */
export function parsePortFlag(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0 || n > 65_535)
    throw new UsageError(`--port takes 0–65535, got "${text}"`);
  return n;
}
