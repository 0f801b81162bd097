/**
 * Observes `rds.DBInstance`: one filtered DescribeDBInstances per 50 ids (tags come inline), the ids
 * being every target plus every instance the tagging API says carries this stack's tags.
 *
 * The spec is what the instance *will* be: `PendingModifiedValues` (changes RDS queued for the
 * maintenance window) are laid over the live values, so a change that was accepted but not yet applied
 * is not planned again on every pass (`research/aws-api-facts.md` §4, "actual ∪ PendingModifiedValues").
 *
 * @module
 */
import { type DBInstance, DescribeDBInstancesCommand, type RDSClient } from '@aws-sdk/client-rds';
import type { Spec } from '../desired/resource-types.js';
import { isOwnedBy, tagListToRecord } from '../desired/tags.js';
import { alignToDesired, chunks, identify, resolveSpecString } from './ec2-common.js';
import { compactSpec } from './observe-helpers.js';
import { arnSuffix, discoverTaggedArns, engineVersionAtPrecision } from './tag-discovery.js';
import type { Health, ObserveContext, ObservedResource, Observer, ObserveTarget } from './types.js';

/** Ids per DescribeDBInstances `db-instance-id` filter: well inside the API's limits. */
const IDS_PER_DESCRIBE = 50;

/** The ARN segment of DB instances in tagging API answers. */
const DB_ARN_MARKER = ':db:';

/** Statuses in which the instance serves traffic as asked. */
const HEALTHY_STATUSES: ReadonlySet<string> = new Set(['available']);

/** Statuses that need a human (or at least will not fix themselves). */
const DEGRADED_STATUSES: ReadonlySet<string> = new Set([
  'failed',
  'storage-full',
  'inaccessible-encryption-credentials',
  'inaccessible-encryption-credentials-recoverable',
  'restore-error',
  'stopped',
  'stopping',
]);

/**
 * Health from `DBInstanceStatus`: `available` is Healthy; `failed`, `storage-full`, `incompatible-*`
 * and the other states that will not recover alone are Degraded; every transitional state (creating,
 * modifying, backing-up, upgrading, …) is Progressing.
 */
export function dbInstanceHealth(status: string | undefined): { health: Health; healthReason?: string } {
  if (status === undefined) return { health: 'Unknown', healthReason: 'RDS reported no status' };
  if (HEALTHY_STATUSES.has(status)) return { health: 'Healthy' };
  if (DEGRADED_STATUSES.has(status) || status.startsWith('incompatible-')) {
    return { health: 'Degraded', healthReason: `DB instance is ${status}` };
  }
  return { health: 'Progressing', healthReason: `DB instance is ${status}` };
}

/** `address`, `port` and `arn`, each only once RDS knows it (no endpoint while `creating`). */
export function dbInstanceOutputs(db: DBInstance): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  if (db.Endpoint?.Address) out.address = db.Endpoint.Address;
  if (db.Endpoint?.Port !== undefined) out.port = db.Endpoint.Port;
  if (db.DBInstanceArn) out.arn = db.DBInstanceArn;
  return out;
}

/**
 * Describes instances by id; ids RDS does not know are simply absent (the filter skips them, where
 * `DBInstanceIdentifier=` would fail the whole call).
 */
export async function describeDbInstances(rds: RDSClient, ids: readonly string[]): Promise<DBInstance[]> {
  const out: DBInstance[] = [];
  for (const batch of chunks([...new Set(ids)].sort(), IDS_PER_DESCRIBE)) {
    let marker: string | undefined;
    do {
      const page = await rds.send(
        new DescribeDBInstancesCommand({
          Filters: [{ Name: 'db-instance-id', Values: batch }],
          ...(marker ? { Marker: marker } : {}),
        }),
      );
      out.push(...(page.DBInstances ?? []));
      marker = page.Marker;
    } while (marker);
  }
  return out;
}

/** The one instance with identifier `id`, if it exists. */
export async function describeDbInstance(rds: RDSClient, id: string): Promise<DBInstance | undefined> {
  return (await describeDbInstances(rds, [id])).find((db) => db.DBInstanceIdentifier === id.toLowerCase());
}

/**
 * The desired-shape spec of a live instance, pending modifications included. `engineVersion` is cut to
 * the precision the target asks for; `masterPasswordParameter` cannot be read back from RDS (the password
 * is handed over once, at create) so it is echoed from the target and never drifts.
 */
export function dbInstanceSpec(db: DBInstance, target: ObserveTarget | undefined, ctx: ObserveContext): Spec {
  const pending = db.PendingModifiedValues ?? {};
  const desired = target?.spec;
  const version = pending.EngineVersion ?? db.EngineVersion;
  const desiredVersion = typeof desired?.engineVersion === 'string' ? desired.engineVersion : undefined;
  const sgIds = (db.VpcSecurityGroups ?? [])
    .filter((g) => g.Status !== 'removing' && g.VpcSecurityGroupId !== undefined)
    .map((g) => g.VpcSecurityGroupId as string);
  return compactSpec({
    engine: db.Engine,
    engineVersion: version === undefined ? undefined : engineVersionAtPrecision(version, desiredVersion),
    instanceClass: pending.DBInstanceClass ?? db.DBInstanceClass,
    allocatedStorage: pending.AllocatedStorage ?? db.AllocatedStorage,
    multiAz: pending.MultiAZ ?? db.MultiAZ,
    backupRetentionPeriod: pending.BackupRetentionPeriod ?? db.BackupRetentionPeriod,
    deletionProtection: db.DeletionProtection,
    dbSubnetGroupName: pending.DBSubnetGroupName ?? db.DBSubnetGroup?.DBSubnetGroupName,
    vpcSecurityGroupIds: alignToDesired(sgIds, desired?.vpcSecurityGroupIds, ctx),
    masterUsername: db.MasterUsername,
    dbName: db.DBName,
    storageEncrypted: db.StorageEncrypted,
    masterPasswordParameter: resolveSpecString(desired?.masterPasswordParameter, ctx),
  });
}

/** The target a live instance answers for: by recorded id, else by (lowercased) name. */
function targetOf(id: string, targets: readonly ObserveTarget[]): ObserveTarget | undefined {
  return targets.find((t) => t.physicalId === id) ?? targets.find((t) => t.name.toLowerCase() === id);
}

/** Builds the observed resource of one live instance. */
export function toObservedDbInstance(
  db: DBInstance,
  targets: readonly ObserveTarget[],
  ctx: ObserveContext,
): ObservedResource {
  const id = db.DBInstanceIdentifier ?? '';
  const tags = tagListToRecord(db.TagList);
  const matched = targetOf(id, targets);
  const { logicalId, name } = identify(id, tags, targets, matched, id);
  return {
    kind: 'rds.DBInstance',
    logicalId,
    name,
    physicalId: id,
    spec: dbInstanceSpec(db, matched, ctx),
    tags,
    outputs: dbInstanceOutputs(db),
    ...dbInstanceHealth(db.DBInstanceStatus),
  };
}

/**
 * Returns every target that exists (whoever owns it) and every instance tagged for this stack.
 * RDS stores identifiers lowercase, so names are compared lowercased.
 */
export const rdsDbInstanceObserver: Observer = {
  kind: 'rds.DBInstance',
  async observe(
    targets: readonly ObserveTarget[],
    ctx: ObserveContext,
  ): Promise<readonly ObservedResource[]> {
    const discovered = (await discoverTaggedArns(ctx, 'rds', DB_ARN_MARKER)).map((arn) =>
      arnSuffix(arn, DB_ARN_MARKER),
    );
    const ids = [
      ...targets.map((t) => t.name.toLowerCase()),
      ...targets.flatMap((t) => (t.physicalId ? [t.physicalId] : [])),
      ...discovered,
    ].filter((id) => id !== '');
    const instances = await describeDbInstances(ctx.clients.rds, ids);
    return instances
      .filter((db) => {
        const id = db.DBInstanceIdentifier ?? '';
        return (
          targetOf(id, targets) !== undefined ||
          isOwnedBy(tagListToRecord(db.TagList), ctx.project, ctx.stack)
        );
      })
      .map((db) => toObservedDbInstance(db, targets, ctx));
  },
};
