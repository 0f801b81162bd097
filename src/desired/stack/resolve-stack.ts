/**
 * Folding compose, the mode preset, the stack file and CLI flags into one {@link ResolvedStack}.
 *
 * Layers, lowest to highest: default → compose → mode → stack file → CLI. Every value keeps its layer
 * and (for files) its location, which is what `stackctl render --explain` prints. Problems that only
 * appear when the inputs meet are collected and thrown together as a {@link StackResolveError}.
 *
 * @module
 */

import { basename, dirname } from 'node:path';
import { compileIgnoreRule } from '../../diff/drift/ignore-rules.js';
import type { SourceLocation, Warning } from '../../errors.js';
import type { ComposeModel } from '../compose-types.js';
import type {
  ModePreset,
  ResolvedPostgres,
  ResolvedRedis,
  ResolvedService,
  ResolvedStack,
} from '../resolved-types.js';
import type { CliOverrides, Layer, Provenanced, StackFile } from '../stack-types.js';
import { dhcpSearchDomainWarnings } from './dhcp-warning.js';
import { STACK_ERROR_CODES, type StackProblem, StackResolveError } from './errors.js';
import { PROJECT_NAME_PATTERN, REGION_PATTERN, sanitizeName } from './patterns.js';
import { MODE_PRESETS } from './presets.js';
import {
  composeLocation,
  fromStackFile,
  layered,
  layeredWithDefault,
  provenanced,
  stackFileLocation,
} from './provenance.js';
import { resolveService } from './resolve-service.js';
import { DEFAULT_DRIFT_POLICY, DEFAULT_MODE, DEFAULT_NETWORK } from './schema.js';

/** Input of {@link resolveStack}. */
export interface ResolveStackInput {
  readonly compose: ComposeModel;
  readonly stackFile: StackFile;
  /** `--image`, `--replicas`, `--region`. @default {} */
  readonly cli?: CliOverrides;
  /** `-p NAME`: beats every other source of the project name. */
  readonly projectOverride?: string;
  /**
   * Images the last successful reconcile deployed, by service: the `deployed` layer, below every other,
   * so it only fills in services whose image comes from nowhere else. @default {}
   */
  readonly deployedImages?: Readonly<Record<string, string>>;
}

/** Stands in for a file location on values and problems that come from command-line flags. */
export const COMMAND_LINE: SourceLocation = { file: '<command line>' };

/** Redis automatic failover needs a primary and at least one replica. */
const MIN_NODES_FOR_FAILOVER = 2;

function resolveProject(input: ResolveStackInput, problems: StackProblem[]): Provenanced<string> {
  const { compose, stackFile } = input;
  const raw = layeredWithDefault<string>(
    { value: basename(dirname(compose.file)), layer: 'default', location: { file: compose.file } },
    { value: compose.name, layer: 'compose', location: composeLocation(compose, 'name') },
    fromStackFile(stackFile, 'project', stackFile.project),
    { value: input.projectOverride, layer: 'cli' },
  );
  const name = sanitizeName(raw.value);
  if (!PROJECT_NAME_PATTERN.test(name)) {
    const field = (
      { default: 'compose directory name', compose: 'name', cli: '-p' } as Partial<Record<Layer, string>>
    )[raw.layer];
    problems.push({
      code: STACK_ERROR_CODES.projectNameInvalid,
      message:
        `project name "${raw.value}" gives "${name}", which is not a valid project name ` +
        `(${PROJECT_NAME_PATTERN.source}); set \`project:\` in the stack file or pass -p`,
      field: field ?? 'project',
      location: raw.location ?? COMMAND_LINE,
    });
  }
  return provenanced(name, raw.layer, raw.location);
}

/** Stack-file services and CLI flags naming services compose lacks, and unusable CLI values. */
function inputProblems(input: ResolveStackInput, cli: CliOverrides): StackProblem[] {
  const { compose, stackFile } = input;
  const known = Object.keys(compose.services);
  const knownText = known.length > 0 ? known.join(', ') : 'none';
  const problems: StackProblem[] = [];
  for (const name of Object.keys(stackFile.services)) {
    if (name in compose.services) continue;
    problems.push({
      code: STACK_ERROR_CODES.unknownService,
      message: `service "${name}" is not in the compose file (services: ${knownText})`,
      field: `services.${name}`,
      location: stackFile.locations[`services.${name}`] ?? { file: stackFile.file },
    });
  }
  const flags = [
    ['--image', Object.keys(cli.images ?? {})],
    ['--replicas', Object.keys(cli.replicas ?? {})],
  ] as const;
  for (const [flag, names] of flags) {
    for (const name of names) {
      if (name in compose.services) continue;
      problems.push({
        code: STACK_ERROR_CODES.unknownService,
        message: `service "${name}" is not in the compose file (services: ${knownText})`,
        field: `${flag} ${name}`,
        location: COMMAND_LINE,
      });
    }
  }
  for (const [name, replicas] of Object.entries(cli.replicas ?? {})) {
    if (Number.isInteger(replicas) && replicas >= 0) continue;
    problems.push({
      code: STACK_ERROR_CODES.stackInvalid,
      message: 'replicas must be a whole number, 0 or more',
      field: `--replicas ${name}`,
      location: COMMAND_LINE,
    });
  }
  return problems;
}

function resolvePostgres(stackFile: StackFile, preset: ModePreset): ResolvedPostgres {
  const pg = stackFile.postgres ?? {};
  const d = preset.postgres;
  const pick = <T>(value: T, path: string, override: T | undefined): Provenanced<T> =>
    layeredWithDefault<T>({ value, layer: 'mode' }, fromStackFile(stackFile, `postgres.${path}`, override));
  return {
    instanceClass: pick(d.instanceClass, 'instanceClass', pg.instanceClass),
    allocatedStorageGiB: pick(d.allocatedStorageGiB, 'allocatedStorage', pg.allocatedStorageGiB),
    multiAz: pick(d.multiAz, 'multiAz', pg.multiAz),
    backupRetentionDays: pick(d.backupRetentionDays, 'backupRetentionDays', pg.backupRetentionDays),
    deletionProtection: pick(d.deletionProtection, 'deletionProtection', pg.deletionProtection),
  };
}

function resolveRedis(stackFile: StackFile, preset: ModePreset): ResolvedRedis {
  const r = stackFile.redis ?? {};
  const d = preset.redis;
  const nodeType = layeredWithDefault(
    { value: d.nodeType, layer: 'mode' },
    fromStackFile(stackFile, 'redis.nodeType', r.nodeType),
  );
  const nodes = layeredWithDefault(
    { value: d.nodes, layer: 'mode' },
    fromStackFile(stackFile, 'redis.nodes', r.nodes),
  );
  // Failover is impossible with one node, so a stack file that drops to one node also turns it off.
  const automaticFailover =
    d.automaticFailover && nodes.value < MIN_NODES_FOR_FAILOVER
      ? provenanced(false, nodes.layer, nodes.location)
      : provenanced(d.automaticFailover, 'mode');
  return { nodeType, nodes, automaticFailover };
}

/**
 * A stack-file setting that has a default when the file omits it. The loader fills in the default, so
 * the layer is told apart by whether the file wrote the key (or, for a stack file built in code, whether
 * the value differs from the default).
 */
function fileOrDefault<T>(stackFile: StackFile, path: string, value: T, fallback: T): Provenanced<T> {
  const written = stackFile.locations[path];
  if (written) return provenanced(value, 'stack-file', written);
  if (JSON.stringify(value) === JSON.stringify(fallback)) return provenanced(value, 'default');
  return provenanced(value, 'stack-file', { file: stackFile.file });
}

/**
 * Resolves a stack: the single input of the renderer besides the compose model.
 *
 * @example
 * const resolved = resolveStack({ compose, stackFile, cli: { replicas: { web: 2 } } });
 * resolved.services.web?.replicas; // { value: 2, layer: 'cli' }
 * @throws {StackResolveError} `STACK_INVALID`, listing every problem (unknown services, domain names
 * outside `domain`, impossible sizes, invalid project name or region, …).
 */
export function resolveStack(input: ResolveStackInput): ResolvedStack {
  const { compose, stackFile } = input;
  const cli = input.cli ?? {};
  const problems: StackProblem[] = inputProblems(input, cli);
  const warnings: Warning[] = [...compose.warnings];

  const project = resolveProject(input, problems);
  const region = layeredWithDefault<string>(
    { value: stackFile.region, layer: 'stack-file', location: stackFileLocation(stackFile, 'region') },
    { value: cli.region, layer: 'cli' },
  );
  if (region.layer === 'cli' && !REGION_PATTERN.test(region.value)) {
    problems.push({
      code: STACK_ERROR_CODES.stackInvalid,
      message: 'must be an AWS region like eu-west-1',
      field: '--region',
      location: COMMAND_LINE,
    });
  }
  const mode = fileOrDefault(stackFile, 'mode', stackFile.mode, DEFAULT_MODE);
  const preset = MODE_PRESETS[mode.value];

  const services: Record<string, ResolvedService> = {};
  for (const service of Object.values(compose.services)) {
    const result = resolveService({
      compose,
      stackFile,
      service,
      cli,
      ...(input.deployedImages ? { deployedImages: input.deployedImages } : {}),
      mode: mode.value,
      preset,
    });
    services[service.name] = result.service;
    problems.push(...result.problems);
    warnings.push(...result.warnings);
  }
  if (problems.length > 0) throw new StackResolveError(stackFile.stack, problems);
  warnings.push(...dhcpSearchDomainWarnings(stackFile, Object.keys(services).length));

  const domain = layered(fromStackFile(stackFile, 'domain', stackFile.domain));
  const ttlSeconds = layered(fromStackFile(stackFile, 'ttl', stackFile.ttlSeconds));
  return {
    project,
    stack: stackFile.stack,
    region,
    mode,
    ...(domain ? { domain } : {}),
    network: fileOrDefault(stackFile, 'network', stackFile.network, DEFAULT_NETWORK),
    preset,
    logRetentionDays: provenanced(preset.logRetentionDays, 'mode'),
    driftPolicy: fileOrDefault(stackFile, 'driftPolicy', stackFile.driftPolicy, DEFAULT_DRIFT_POLICY),
    ...(ttlSeconds ? { ttlSeconds } : {}),
    services,
    postgres: resolvePostgres(stackFile, preset),
    redis: resolveRedis(stackFile, preset),
    compose,
    ...(stackFile.ignoreChanges
      ? { ignoreChanges: stackFile.ignoreChanges.map((r) => compileIgnoreRule(r.text, r.source)) }
      : {}),
    warnings,
  };
}
