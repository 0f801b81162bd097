/**
 * Which flags each command accepts, with its output formats, positional arguments and examples: the one
 * table the CLI parser ({@link ../program.ts}), the help and the shell completion scripts are built from,
 * so a command's help, its completion and what it accepts can never disagree. Command modules keep their
 * behaviour; this table owns their command-line surface.
 *
 * @module
 */
import type { OutputFormat } from './args.js';

/** One flag: how it is spelled, what value it takes, and what it means. */
export interface FlagSpec {
  /** Long name without dashes (`allow-data-loss`). */
  readonly name: string;
  /** One-letter alias without the dash (`f`). */
  readonly short?: string;
  /** Placeholder of the value (`FILE`); absent for a switch. */
  readonly value?: string;
  /** May be given more than once; the values are collected in order. */
  readonly repeatable?: boolean;
  readonly description: string;
  /** The environment variable that supplies the value when the flag is absent (flags win). */
  readonly env?: string;
}

/**
 * Flags every command accepts, before or after the command words: where the project is, how to reach
 * AWS and its state table, and how to print. They describe the environment a command runs in, not the
 * command (like kubectl's `--context` or the AWS CLI's `--endpoint-url`), and each has an environment
 * variable that sets it for every command; so scripts may pass them to any command.
 */
export const GLOBAL_FLAGS = [
  {
    name: 'cwd',
    short: 'C',
    value: 'DIR',
    description: 'project directory (default: the current directory)',
  },
  {
    name: 'endpoint-url',
    value: 'URL',
    env: 'AWS_ENDPOINT_URL',
    description: 'AWS endpoint, e.g. a local moto server',
  },
  { name: 'aws-profile', value: 'NAME', env: 'AWS_PROFILE', description: 'AWS credentials profile' },
  {
    name: 'table',
    value: 'NAME',
    env: 'STACKCTL_TABLE',
    description: 'state table (default: stackctl-state)',
  },
  {
    name: 'no-color',
    env: 'NO_COLOR',
    description: 'plain output (colour: --no-color > NO_COLOR > FORCE_COLOR > terminal)',
  },
] as const satisfies readonly FlagSpec[];

/** Flags some commands accept, by name. */
export const COMMAND_FLAG_SPECS = {
  file: {
    name: 'file',
    short: 'f',
    value: 'FILE',
    repeatable: true,
    env: 'COMPOSE_FILE',
    description:
      'compose file; repeat to merge several in order (default: compose.yaml plus compose.override.yaml)',
  },
  project: {
    name: 'project',
    short: 'p',
    value: 'NAME',
    description: 'project name (default: stack file project, compose name:, directory name)',
  },
  stack: { name: 'stack', short: 's', value: 'NAME', description: 'stack (.stackctl/NAME.yaml)' },
  profile: {
    name: 'profile',
    value: 'NAME',
    repeatable: true,
    description: 'enable a compose profile (repeatable)',
  },
  output: { name: 'output', short: 'o', value: 'FORMAT', description: 'output format' },
  region: { name: 'region', value: 'REGION', description: "AWS region (overrides the stack file's region)" },
  stats: { name: 'stats', description: 'print the AWS calls made (stderr; in the document with -o json)' },
  explain: { name: 'explain', description: 'say where each rendered value came from' },
  once: { name: 'once', description: 'one pass, then exit (the only mode of the CLI)' },
  wait: { name: 'wait', description: 'wait until every service is healthy' },
  timeout: { name: 'timeout', value: 'DURATION', description: 'how long to wait: 600, 90s, 15m or 1h' },
  image: {
    name: 'image',
    value: 'SERVICE=IMAGE',
    repeatable: true,
    description: 'image of a service (repeatable)',
  },
  yes: { name: 'yes', short: 'y', description: 'do not ask for confirmation' },
  'no-build': {
    name: 'no-build',
    description:
      'never build images of build: services (use --image, the stack file or the last deployed image)',
  },
  'allow-data-loss': { name: 'allow-data-loss', description: 'allow deleting or replacing data stores' },
  'from-stdin': { name: 'from-stdin', description: 'read the value from stdin' },
  random: { name: 'random', description: 'generate a random 32-character value' },
  restart: { name: 'restart', description: 'restart the services that read the key now (a new deployment)' },
  'no-restart': {
    name: 'no-restart',
    description: 'only store the value: running services keep the old one until a later pass',
  },
  force: { name: 'force', description: 'overwrite an existing stack file' },
  remote: {
    name: 'remote',
    description: "use the stacks pushed to the state table (the operator's), not the checkout",
  },
  port: { name: 'port', value: 'PORT', description: 'HTTP port of the health endpoint (0 picks a free one)' },
  all: { name: 'all', description: 'every stack of the project' },
  out: { name: 'out', value: 'FILE', description: 'write the result to FILE instead of stdout' },
  follow: { name: 'follow', description: 'keep printing new log lines' },
  since: { name: 'since', value: 'DURATION', description: 'start this long ago: 90s, 10m, 1h' },
  mode: {
    name: 'mode',
    value: 'MODE',
    description: 'also price the stack as if its mode were MODE (affordable, balanced, high_availability)',
  },
  stacks: {
    name: 'stacks',
    value: 'PATTERN',
    description:
      "stacks to roll out: glob over stack names, comma-separated ('customer-*'); default: every stack",
  },
  waves: {
    name: 'waves',
    value: 'STEPS',
    description: 'cumulative wave sizes, counts or percentages (default 1,10%,50%,100%)',
  },
  pause: { name: 'pause', value: 'DURATION', description: 'wait between waves: 0, 90s, 10m' },
  'max-failures': {
    name: 'max-failures',
    value: 'N',
    description: 'failed stacks tolerated before the rollout stops (default 0)',
  },
} as const satisfies Readonly<Record<string, FlagSpec>>;

/** The name of a command flag. */
export type CommandFlagName = keyof typeof COMMAND_FLAG_SPECS;

/** What one command accepts on its command line. */
export interface CommandSurface {
  /** Flags besides {@link GLOBAL_FLAGS}, in help order; `output` only together with {@link outputs}. */
  readonly flags: readonly CommandFlagName[];
  /** Formats `--output` offers; absent when the command prints text only (then `--output` is unknown). */
  readonly outputs?: readonly OutputFormat[];
  /** Positional arguments, commander syntax (`[key]`); the command itself checks them. */
  readonly args?: readonly string[];
  /** Complete command lines, shown under "Examples:" in the command's help. */
  readonly examples: readonly string[];
}

/** Flags of commands that load compose and a stack file. */
const PROJECT: readonly CommandFlagName[] = ['file', 'project', 'stack', 'profile', 'region'];
const TEXT_JSON: readonly OutputFormat[] = ['text', 'json'];

/**
 * Every command's surface, keyed by its words joined by a space (`stacks ls`). A command missing here
 * is a programming error the CLI reports at start (`cli-surface.test.ts` checks the two tables agree).
 */
export const COMMAND_SURFACES: Readonly<Record<string, CommandSurface>> = {
  validate: {
    flags: [...PROJECT, 'image', 'output'],
    outputs: TEXT_JSON,
    examples: ['stackctl validate', 'stackctl validate --stack prod -o json'],
  },
  render: {
    flags: [...PROJECT, 'image', 'explain', 'output'],
    outputs: ['text', 'json', 'yaml'],
    examples: ['stackctl render --stack dev --explain', 'stackctl render --stack prod -o yaml'],
  },
  plan: {
    flags: [...PROJECT, 'image', 'no-build', 'allow-data-loss', 'stats', 'output'],
    outputs: ['text', 'json', 'markdown'],
    examples: ['stackctl plan --stack dev', 'stackctl plan --stack prod --image api=repo/api:1.4 -o json'],
  },
  reconcile: {
    flags: [...PROJECT, 'once', 'wait', 'timeout', 'image', 'no-build', 'allow-data-loss', 'stats', 'output'],
    outputs: TEXT_JSON,
    examples: [
      'stackctl reconcile --once --stack dev',
      'stackctl reconcile --once --stack prod --wait --timeout 15m',
    ],
  },
  destroy: {
    flags: [...PROJECT, 'yes', 'allow-data-loss', 'stats', 'output'],
    outputs: TEXT_JSON,
    examples: ['stackctl destroy --stack pr-42 --yes', 'stackctl destroy --stack dev --allow-data-loss'],
  },
  drift: {
    flags: [...PROJECT, 'all', 'out', 'stats', 'output'],
    outputs: ['text', 'json', 'markdown', 'html'],
    examples: ['stackctl drift --stack prod', 'stackctl drift --all -o html --out drift.html'],
  },
  prune: {
    flags: [...PROJECT, 'yes', 'allow-data-loss', 'stats', 'output'],
    outputs: TEXT_JSON,
    examples: ['stackctl prune --stack dev', 'stackctl prune --stack dev --yes'],
  },
  adopt: {
    flags: [...PROJECT, 'yes', 'stats', 'output'],
    outputs: TEXT_JSON,
    args: ['[resource]', '[id]'],
    examples: ['stackctl adopt --stack prod rds.DBInstance/db shop-prod-db'],
  },
  status: {
    flags: [...PROJECT, 'all', 'output'],
    outputs: TEXT_JSON,
    examples: ['stackctl status --stack prod', 'stackctl status --all -o json'],
  },
  estimate: {
    flags: [...PROJECT, 'all', 'mode', 'output'],
    outputs: ['text', 'json', 'markdown'],
    examples: ['stackctl estimate --stack prod', 'stackctl estimate --stack dev --mode balanced -o markdown'],
  },
  check: {
    flags: [...PROJECT, 'stats', 'output'],
    outputs: TEXT_JSON,
    examples: ['stackctl check --stack dev'],
  },
  events: {
    flags: [...PROJECT, 'output'],
    outputs: TEXT_JSON,
    examples: ['stackctl events --stack prod'],
  },
  logs: {
    flags: [...PROJECT, 'follow', 'since', 'output'],
    outputs: TEXT_JSON,
    args: ['[service]'],
    examples: ['stackctl logs --stack dev api --since 10m', 'stackctl logs --stack dev --follow'],
  },
  'config set': {
    flags: [...PROJECT, 'from-stdin', 'random', 'restart', 'no-restart', 'stats'],
    args: ['[key]', '[value]'],
    examples: [
      'stackctl config set API_TOKEN --random --stack dev',
      'stackctl config set API_TOKEN --from-stdin --restart --stack prod',
      'vault read … | stackctl config set DB_PASSWORD --from-stdin --stack prod',
    ],
  },
  'config ls': {
    flags: [...PROJECT, 'output'],
    outputs: TEXT_JSON,
    examples: ['stackctl config ls --stack dev'],
  },
  'config rm': {
    flags: [...PROJECT],
    args: ['[key]'],
    examples: ['stackctl config rm API_TOKEN --stack dev'],
  },
  init: {
    flags: ['file', 'stack', 'region', 'force'],
    examples: ['stackctl init', 'stackctl init --stack prod --region eu-west-1'],
  },
  'stacks ls': {
    flags: ['file', 'project', 'region', 'remote', 'output'],
    outputs: TEXT_JSON,
    examples: ['stackctl stacks ls', 'stackctl stacks ls --remote -o json'],
  },
  push: {
    flags: [...PROJECT, 'wait', 'timeout', 'image', 'allow-data-loss', 'output'],
    outputs: TEXT_JSON,
    examples: ['stackctl push --stack prod --image api=repo/api:1.4 --wait'],
  },
  'stacks show': {
    flags: ['stack', 'project', 'region', 'output'],
    outputs: TEXT_JSON,
    args: ['[stack]'],
    examples: ['stackctl stacks show prod', 'stackctl stacks show prod -p shop -o json'],
  },
  'stacks pause': {
    flags: ['stack', 'project', 'region'],
    args: ['[stack]'],
    examples: ['stackctl stacks pause prod'],
  },
  'stacks resume': {
    flags: ['stack', 'project', 'region'],
    args: ['[stack]'],
    examples: ['stackctl stacks resume prod'],
  },
  'stacks rm': {
    flags: ['stack', 'project', 'region', 'allow-data-loss', 'yes'],
    args: ['[stack]'],
    examples: ['stackctl stacks rm pr-42 --yes'],
  },
  rollout: {
    flags: [
      'file',
      'project',
      'profile',
      'region',
      'stacks',
      'image',
      'waves',
      'pause',
      'max-failures',
      'timeout',
      'remote',
      'output',
    ],
    outputs: TEXT_JSON,
    examples: [
      "stackctl rollout --stacks 'customer-*' --image api=repo/api:1.5 --waves 1,10%,50%,100% --pause 10m",
      "stackctl rollout --stacks 'eu-*' --image api=repo/api:1.5 --max-failures 1 -o json",
      "stackctl rollout --remote -p shop --stacks 'customer-*' --image api=repo/api:1.5",
    ],
  },
  'rollout status': {
    flags: ['file', 'project', 'profile', 'region', 'remote', 'output'],
    outputs: TEXT_JSON,
    examples: ['stackctl rollout status', 'stackctl rollout status -o json'],
  },
  'rollout resume': {
    flags: ['file', 'project', 'profile', 'region', 'timeout', 'remote', 'output'],
    outputs: TEXT_JSON,
    examples: ['stackctl rollout resume'],
  },
  'rollout abort': {
    flags: ['file', 'project', 'profile', 'region', 'timeout', 'remote', 'output'],
    outputs: TEXT_JSON,
    examples: ['stackctl rollout abort'],
  },
  'operator install': {
    flags: ['region', 'image', 'stats'],
    examples: ['stackctl operator install --region eu-west-1'],
  },
  operator: {
    flags: ['port', 'region'],
    examples: ['stackctl operator --port 8080'],
  },
};

/** The surface of the command with `words`, or undefined when the table lacks it. */
export function surfaceOf(words: readonly string[]): CommandSurface | undefined {
  return COMMAND_SURFACES[words.join(' ')];
}

/** `--name`, `-s, --name VALUE`: a flag as help and error messages spell it. */
export function flagSyntax(flag: FlagSpec): string {
  const long = `--${flag.name}${flag.value ? ` <${flag.value}>` : ''}`;
  return flag.short ? `-${flag.short}, ${long}` : long;
}
