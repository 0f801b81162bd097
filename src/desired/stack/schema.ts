/**
 * Stack-file schema, part one: the top level and `network`.
 *
 * Written by hand on the YAML AST (no schema library) so every problem carries line, column and field
 * path, unknown keys are errors (a typo must not silently do nothing) and all problems come out at once.
 *
 * @module
 * @internal
 */
import { isScalar } from 'yaml';
import {
  DHCP_OPTIONS_POLICIES,
  DRIFT_POLICIES,
  type DriftPolicy,
  MODES,
  type Mode,
  type NetworkConfig,
  type StackFile,
} from '../stack-types.js';
import {
  isHostname,
  isVpcCidr,
  PROJECT_NAME_PATTERN,
  REGION_PATTERN,
  SUBNET_ID_PATTERN,
  VPC_ID_PATTERN,
} from './patterns.js';
import { readComposeConfig } from './schema-compose.js';
import { readPostgres, readRedis } from './schema-data.js';
import { readIgnoreChanges } from './schema-ignore-changes.js';
import { readEnvironment, readServices } from './schema-services.js';
import { parseDurationSeconds } from './units.js';
import {
  peekKey,
  type ReadContext,
  readMap,
  readPattern,
  readString,
  readStringList,
  report,
  type YamlNode,
} from './yaml-reader.js';

/** Keys allowed at the top of a stack file. */
export const TOP_LEVEL_KEYS = [
  'project',
  'region',
  'mode',
  'domain',
  'network',
  'env',
  'services',
  'postgres',
  'redis',
  'driftPolicy',
  'ttl',
  'compose',
  'ignoreChanges',
] as const;

/** Mode when the file names none: on-demand capacity without the cost of three NATs. */
export const DEFAULT_MODE: Mode = 'balanced';
/** Drift policy when the file names none: the operator's whole point is to converge. */
export const DEFAULT_DRIFT_POLICY: DriftPolicy = 'correct';
/** Network when the file names none: a VPC of the stack's own. */
export const DEFAULT_NETWORK: NetworkConfig = { vpc: 'create' };

/** The parsed content of a stack file, before the name and locations are attached. @internal */
export type StackFileContent = Omit<StackFile, 'stack' | 'file' | 'locations'>;

function readEnum<T extends string>(
  ctx: ReadContext,
  node: YamlNode,
  path: string,
  values: readonly T[],
): T | undefined {
  const value = readString(ctx, node, path);
  if (value === undefined) return undefined;
  if (!(values as readonly string[]).includes(value)) {
    report(ctx, node, path, `must be one of: ${values.join(', ')}`);
    return undefined;
  }
  return value as T;
}

function readNetwork(ctx: ReadContext, node: YamlNode): NetworkConfig | undefined {
  const vpcNode = peekKey(ctx, node, 'vpc');
  const create = isScalar(vpcNode) && vpcNode.value === 'create';
  // Each variant has its own key set, so `cidr` next to an existing VPC is reported as unknown.
  const entries = readMap(
    ctx,
    node,
    'network',
    create ? ['vpc', 'cidr'] : ['vpc', 'publicSubnets', 'privateSubnets', 'dhcpOptions'],
  );
  if (!entries) return undefined;
  if (!entries.has('vpc')) {
    report(ctx, node, 'network.vpc', 'is required: `create` or an existing VPC id (vpc-…)');
    return undefined;
  }
  if (create) {
    if (!entries.has('cidr')) return { vpc: 'create' };
    const cidr = readPattern(
      ctx,
      entries.get('cidr') ?? null,
      'network.cidr',
      isVpcCidr,
      'an IPv4 CIDR from /16 to /28',
    );
    return cidr === undefined ? undefined : { vpc: 'create', cidr };
  }
  const vpc = readPattern(
    ctx,
    vpcNode ?? null,
    'network.vpc',
    VPC_ID_PATTERN,
    '`create` or an existing VPC id (vpc-…)',
  );
  const subnets = (key: 'publicSubnets' | 'privateSubnets'): string[] | undefined => {
    if (!entries.has(key)) {
      report(ctx, node, `network.${key}`, 'is required with an existing VPC');
      return undefined;
    }
    return readStringList(
      ctx,
      entries.get(key) ?? null,
      `network.${key}`,
      SUBNET_ID_PATTERN,
      'a subnet id (subnet-…)',
    );
  };
  const publicSubnets = subnets('publicSubnets');
  const privateSubnets = subnets('privateSubnets');
  const dhcpNode = entries.get('dhcpOptions');
  const dhcpOptions =
    dhcpNode === undefined
      ? undefined
      : readEnum(ctx, dhcpNode ?? null, 'network.dhcpOptions', DHCP_OPTIONS_POLICIES);
  if (vpc === undefined || publicSubnets === undefined || privateSubnets === undefined) return undefined;
  if (dhcpNode !== undefined && dhcpOptions === undefined) return undefined;
  return { vpc, publicSubnets, privateSubnets, ...(dhcpOptions ? { dhcpOptions } : {}) };
}

function readTtl(ctx: ReadContext, node: YamlNode): number | undefined {
  if (isScalar(node) && typeof node.value === 'number') {
    report(ctx, node, 'ttl', 'needs a unit: a duration like 30m, 72h or 7d');
    return undefined;
  }
  const text = readString(ctx, node, 'ttl');
  if (text === undefined) return undefined;
  const parsed = parseDurationSeconds(text);
  if (!parsed.ok) report(ctx, node, 'ttl', parsed.reason);
  return parsed.ok ? parsed.value : undefined;
}

/**
 * Validates the root node of a stack file. Problems go to `ctx.problems`; the returned content is only
 * meaningful when none were recorded.
 * @internal
 */
export function readStackFileContent(ctx: ReadContext, root: YamlNode): StackFileContent | undefined {
  const entries = readMap(ctx, root, '', TOP_LEVEL_KEYS);
  if (!entries) return undefined;
  const at = (k: string): YamlNode => entries.get(k) ?? null;
  const has = (k: string): boolean => entries.has(k);
  if (!has('region')) report(ctx, root, 'region', 'is required (e.g. region: eu-west-1)');
  const region = has('region')
    ? readPattern(ctx, at('region'), 'region', REGION_PATTERN, 'an AWS region like eu-west-1')
    : undefined;
  const project = has('project')
    ? readPattern(
        ctx,
        at('project'),
        'project',
        PROJECT_NAME_PATTERN,
        'lower-case letters, digits and dashes',
      )
    : undefined;
  const mode = has('mode') ? readEnum(ctx, at('mode'), 'mode', MODES) : DEFAULT_MODE;
  const domain = has('domain')
    ? readPattern(ctx, at('domain'), 'domain', isHostname, 'a lower-case DNS zone like example.com')
    : undefined;
  const network = has('network') ? readNetwork(ctx, at('network')) : DEFAULT_NETWORK;
  const env = has('env') ? readEnvironment(ctx, at('env'), 'env', { interpolation: true }) : {};
  const services = has('services') ? readServices(ctx, at('services')) : {};
  const postgres = has('postgres') ? readPostgres(ctx, at('postgres')) : undefined;
  const redis = has('redis') ? readRedis(ctx, at('redis')) : undefined;
  const driftPolicy = has('driftPolicy')
    ? readEnum(ctx, at('driftPolicy'), 'driftPolicy', DRIFT_POLICIES)
    : DEFAULT_DRIFT_POLICY;
  const ttlSeconds = has('ttl') ? readTtl(ctx, at('ttl')) : undefined;
  const compose = has('compose') ? readComposeConfig(ctx, at('compose')) : undefined;
  const ignoreChanges = has('ignoreChanges') ? readIgnoreChanges(ctx, at('ignoreChanges')) : undefined;
  if (region === undefined || mode === undefined || network === undefined || driftPolicy === undefined)
    return undefined;
  return {
    region,
    mode,
    network,
    env: env ?? {},
    services,
    driftPolicy,
    ...(project !== undefined ? { project } : {}),
    ...(domain !== undefined ? { domain } : {}),
    ...(postgres !== undefined ? { postgres } : {}),
    ...(redis !== undefined ? { redis } : {}),
    ...(ttlSeconds !== undefined ? { ttlSeconds } : {}),
    ...(compose !== undefined && compose.files.length > 0 ? { compose } : {}),
    ...(ignoreChanges !== undefined ? { ignoreChanges } : {}),
  };
}
