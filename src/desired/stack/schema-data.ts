/**
 * Stack-file schema, part three: `postgres` and `redis`, the overrides of the mode preset's managed
 * data services. Bounds are AWS's own, so a value AWS would refuse fails here, before any call.
 *
 * @module
 * @internal
 */
import type { StackDataConfig, StackRedisConfig } from '../stack-types.js';
import { CACHE_NODE_TYPE_PATTERN, DB_INSTANCE_CLASS_PATTERN } from './patterns.js';
import {
  type ReadContext,
  readBoolean,
  readMap,
  readNumber,
  readPattern,
  type YamlNode,
} from './yaml-reader.js';

/** RDS gp3 storage bounds for PostgreSQL, GiB. */
const STORAGE_GIB = { min: 20, max: 65_536 } as const;
/** RDS automated backup retention bounds, days. */
const BACKUP_DAYS = { min: 0, max: 35 } as const;
/** ElastiCache replication group: one primary plus up to five replicas. */
const CACHE_NODES = { min: 1, max: 6 } as const;

/** `postgres:` overrides. @internal */
export function readPostgres(ctx: ReadContext, node: YamlNode): StackDataConfig | undefined {
  const entries = readMap(ctx, node, 'postgres', [
    'instanceClass',
    'allocatedStorage',
    'multiAz',
    'backupRetentionDays',
    'deletionProtection',
  ]);
  if (!entries) return undefined;
  const at = (k: string): YamlNode => entries.get(k) ?? null;
  const instanceClass = entries.has('instanceClass')
    ? readPattern(
        ctx,
        at('instanceClass'),
        'postgres.instanceClass',
        DB_INSTANCE_CLASS_PATTERN,
        'an RDS class like db.t4g.small',
      )
    : undefined;
  const allocatedStorageGiB = entries.has('allocatedStorage')
    ? readNumber(ctx, at('allocatedStorage'), 'postgres.allocatedStorage', { integer: true, ...STORAGE_GIB })
    : undefined;
  const multiAz = entries.has('multiAz') ? readBoolean(ctx, at('multiAz'), 'postgres.multiAz') : undefined;
  const backupRetentionDays = entries.has('backupRetentionDays')
    ? readNumber(ctx, at('backupRetentionDays'), 'postgres.backupRetentionDays', {
        integer: true,
        ...BACKUP_DAYS,
      })
    : undefined;
  const deletionProtection = entries.has('deletionProtection')
    ? readBoolean(ctx, at('deletionProtection'), 'postgres.deletionProtection')
    : undefined;
  return {
    ...(instanceClass !== undefined ? { instanceClass } : {}),
    ...(allocatedStorageGiB !== undefined ? { allocatedStorageGiB } : {}),
    ...(multiAz !== undefined ? { multiAz } : {}),
    ...(backupRetentionDays !== undefined ? { backupRetentionDays } : {}),
    ...(deletionProtection !== undefined ? { deletionProtection } : {}),
  };
}

/** `redis:` overrides. @internal */
export function readRedis(ctx: ReadContext, node: YamlNode): StackRedisConfig | undefined {
  const entries = readMap(ctx, node, 'redis', ['nodeType', 'nodes']);
  if (!entries) return undefined;
  const nodeType = entries.has('nodeType')
    ? readPattern(
        ctx,
        entries.get('nodeType') ?? null,
        'redis.nodeType',
        CACHE_NODE_TYPE_PATTERN,
        'an ElastiCache node type like cache.t4g.small',
      )
    : undefined;
  const nodes = entries.has('nodes')
    ? readNumber(ctx, entries.get('nodes') ?? null, 'redis.nodes', { integer: true, ...CACHE_NODES })
    : undefined;
  return { ...(nodeType !== undefined ? { nodeType } : {}), ...(nodes !== undefined ? { nodes } : {}) };
}
