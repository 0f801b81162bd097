/**
 * The commented starter stack file `stackctl init` writes.
 *
 * A new user learns the stack file from this text, so every option is present — set or commented out —
 * with a line saying what it does. The mode lines and data-service defaults are generated from
 * {@link MODE_PRESETS} so the comments can never disagree with the table.
 *
 * @module
 */
import type { ModePreset } from '../resolved-types.js';
import { MODES, type Mode } from '../stack-types.js';
import { MODE_PRESETS } from './presets.js';

/** Options of {@link renderStackFileTemplate}. */
export interface StackFileTemplateOptions {
  /** Stack name (the file is `.stackctl/<stack>.yaml`). */
  readonly stack: string;
  /** @default {@link TEMPLATE_DEFAULT_REGION} */
  readonly region?: string;
  /** @default {@link TEMPLATE_DEFAULT_MODE} */
  readonly mode?: Mode;
  /** Compose service names, each given a commented override block. */
  readonly services: readonly string[];
  /**
   * Services compose gives only `build:` (no `image:`): stackctl does not build yet, so each gets an
   * `image:` line saying where its image must come from. @default []
   */
  readonly buildOnly?: readonly string[];
  /** Of {@link buildOnly}, the services whose build context stackctl cannot build (git or URL). */
  readonly unbuildable?: readonly string[];
}

/** Region written when `init` is not given one. */
export const TEMPLATE_DEFAULT_REGION = 'us-east-1';
/** Mode written when `init` is not given one: the cheapest, right for a first stack. */
export const TEMPLATE_DEFAULT_MODE: Mode = 'affordable';

const PLAIN_KEY = /^[A-Za-z_][A-Za-z0-9._-]*$/;
/** Plain words YAML (1.1 or 1.2) reads as booleans or null, so they must be quoted as keys. */
const RESERVED_WORDS = /^(?:true|false|null|yes|no|on|off|y|n)$/i;

/** A service name as a YAML key: plain when that reads back as the same string, else quoted. */
function yamlKey(name: string): string {
  return PLAIN_KEY.test(name) && !RESERVED_WORDS.test(name) ? name : JSON.stringify(name);
}

function describePreset(p: ModePreset): string {
  const nat = p.natGateways === 0 ? 'no NAT' : p.natGateways === 1 ? 'one NAT' : 'a NAT per AZ';
  const db = `${p.postgres.instanceClass}${p.postgres.multiAz ? ' Multi-AZ' : ''}`;
  return `${p.capacityProvider}, ${p.taskSubnets} subnets, ${nat}, ${p.azCount} AZs, logs ${p.logRetentionDays} d, ${db}, ${p.redis.nodeType} x${p.redis.nodes}`;
}

/**
 * The lines of a service compose only builds. A local context is built from source by `reconcile`, so the
 * image line is an optional override; a context stackctl cannot build (a git or URL context) needs one.
 */
export function buildOnlyImageLines(name: string, canBuild = true): string[] {
  return canBuild
    ? [
        `    # compose only has \`build:\` for ${name}: reconcile builds it from source and pushes it to ECR.`,
        `    # To run a prebuilt image instead, set it here (uncomment) or pass \`--image ${name}=REF\`.`,
        `    # image: registry/${name}:tag`,
      ]
    : [
        `    # compose builds ${name} from a remote context, which stackctl cannot build: give the image to`,
        `    # run here (uncomment), or pass \`--image ${name}=REF\` to plan/reconcile.`,
        `    # image: registry/${name}:tag`,
      ];
}

function serviceBlock(name: string, buildOnly: boolean, canBuild: boolean): string[] {
  return [
    `  ${yamlKey(name)}:`,
    ...(buildOnly ? buildOnlyImageLines(name, canBuild) : []),
    '    # replicas: 2                  # tasks to run; 0 keeps the service defined but stopped',
    '    # cpus: 0.5                    # vCPU; rounded up with memory to a valid Fargate size',
    '    # memory: 1GiB                 # 512, 512MiB, 1024M, 2GiB or 1g',
    ...(buildOnly
      ? []
      : ['    # image: registry/app:tag      # image to run (required when compose only has `build:`)']),
    '    # domainname: app.example.com  # HTTPS host name for its published port, inside `domain`; false: none',
    '    # ports: { "8080": private }   # per published port: private (off the load balancer) or http',
    '    # environment:                 # literal environment overrides (never secrets)',
    '    #   LOG_LEVEL: debug',
    '    # autoscaling: { min: 2, max: 4, targetCpu: 70 }  # CPU target tracking; max defaults to 2 x min',
  ];
}

/**
 * A commented starter stack file. Loading the result back with `loadStackFile` succeeds.
 *
 * @example
 * writeFileSync('.stackctl/dev.yaml', renderStackFileTemplate({ stack: 'dev', services: ['web', 'api'] }));
 */
export function renderStackFileTemplate(options: StackFileTemplateOptions): string {
  const region = options.region ?? TEMPLATE_DEFAULT_REGION;
  const mode = options.mode ?? TEMPLATE_DEFAULT_MODE;
  const preset = MODE_PRESETS[mode];
  const buildOnly = new Set(options.buildOnly ?? []);
  const unbuildable = new Set(options.unbuildable ?? []);
  const width = Math.max(...MODES.map((m) => m.length));
  const lines = [
    `# Stack "${options.stack}": .stackctl/${options.stack}.yaml, written by \`stackctl init\`.`,
    '# Committed to git, so never put secrets here: store them with `stackctl config set KEY` (SSM) and',
    '# list KEY in compose `environment` without a value.',
    '# Settings layer, lowest to highest: compose -> mode preset -> this file -> CLI flags;',
    `# \`stackctl render --stack ${options.stack} --explain\` shows which layer set each value.`,
    '',
    '# AWS region the stack is deployed to.',
    `region: ${region}`,
    '',
    '# Cost / availability trade-off (one column of the mode table):',
    ...MODES.map((m) => `#   ${m.padEnd(width)}  ${describePreset(MODE_PRESETS[m])}`),
    `mode: ${mode}`,
    '',
    '# Project name (default: compose `name:`, else the compose directory name; `-p` beats both).',
    '# project: shop',
    '',
    "# Public Route 53 zone (must exist in the account) the services' `domainname`s live in.",
    '# domain: example.com',
    '',
    '# Network: a VPC of the stack’s own…',
    'network:',
    '  vpc: create',
    '  # cidr: 10.0.0.0/16              # IPv4 block of the new VPC, /16 to /28',
    '# …or an existing VPC (replace the whole `network:` block):',
    '# network:',
    '#   vpc: vpc-0123456789abcdef0',
    '#   publicSubnets: [subnet-0123456789abcdef0, subnet-0123456789abcdef1]',
    '#   privateSubnets: [subnet-0123456789abcdef2, subnet-0123456789abcdef3]',
    '#   dhcpOptions: manage           # put the stack namespace in the VPC DNS search domain',
    '',
    '# What the operator does when AWS drifts from this description: correct | warn | ignore.',
    'driftPolicy: correct',
    '',
    '# Destroy the stack this long after it is created (preview stacks): 30m, 72h, 7d.',
    '# ttl: 72h',
    '',
    '# Extra variables for $VAR interpolation in compose (below the shell environment, above .env).',
    '# env:',
    '#   API_URL: https://api.example.com',
    '',
    '# Per-service overrides for this stack only; every field is optional and beats compose.',
    ...(options.services.length > 0
      ? [
          'services:',
          ...options.services.flatMap((name) =>
            serviceBlock(name, buildOnly.has(name), !unbuildable.has(name)),
          ),
        ]
      : ['# services:']),
    '',
    `# Managed Postgres (compose \`x-stackctl-postgres\`); the values shown are the ${mode} preset.`,
    '# postgres:',
    `#   instanceClass: ${preset.postgres.instanceClass}`,
    `#   allocatedStorage: ${preset.postgres.allocatedStorageGiB}      # GiB`,
    `#   multiAz: ${preset.postgres.multiAz}`,
    `#   backupRetentionDays: ${preset.postgres.backupRetentionDays}`,
    `#   deletionProtection: ${preset.postgres.deletionProtection}`,
    '',
    `# Managed Redis (compose \`x-stackctl-redis\`); the values shown are the ${mode} preset.`,
    '# redis:',
    `#   nodeType: ${preset.redis.nodeType}`,
    `#   nodes: ${preset.redis.nodes}                  # 2 or more enables automatic failover where the mode has it`,
  ];
  return `${lines.join('\n')}\n`;
}
