/**
 * Applies `rds.DBInstance`: CreateDBInstance with the ownership tags, ModifyDBInstance with only the
 * changed fields (ApplyImmediately, so nothing lingers in PendingModifiedValues), and a delete that lifts
 * deletion protection, takes a final snapshot unless told not to, and waits until RDS has let go.
 *
 * The master password is read from SSM (the parameter *name* is in the spec) only to hand it to
 * CreateDBInstance; it is never returned, logged or put into an error.
 *
 * @module
 */
import {
  CreateDBInstanceCommand,
  type DBInstance,
  DeleteDBInstanceCommand,
  ModifyDBInstanceCommand,
  type ModifyDBInstanceCommandInput,
} from '@aws-sdk/client-rds';
import { GetParameterCommand } from '@aws-sdk/client-ssm';
import { isNotFound } from '../aws/errors.js';
import { isOwnedBy, recordToTagList, tagListToRecord } from '../desired/tags.js';
import type { FieldDelta } from '../diff/types.js';
import { StackctlError } from '../errors.js';
import { dbInstanceOutputs, describeDbInstance } from '../observed/rds-db-instance.js';
import type { ObservedResource } from '../observed/types.js';
import { createOrAdopt } from './create-or-adopt.js';
import {
  deleteAndWaitGone,
  deleteWaitOptions,
  type FinalSnapshotApplierOptions,
  finalSnapshotName,
  NOT_READY_RETRY_MS,
  specNumber,
  specStrings,
} from './data-helpers.js';
import { assertObservedOwned, specBoolean, specString, touches } from './delta-helpers.js';
import { NotReadyError, OwnershipConflictError } from './errors.js';
import { applyRdsTagDeltas } from './rds-db-subnet-group.js';
import type { Applier, ApplyContext, ApplyResult, ResolvedResource } from './types.js';

/** Options of {@link createRdsDbInstanceApplier}; the lead wires `finalSnapshot` from the stack's mode. */
export type RdsDbInstanceApplierOptions = FinalSnapshotApplierOptions;

/** The error code raised when a spec asks RDS to shrink storage, which RDS cannot do. */
export const STORAGE_SHRINK = 'STORAGE_SHRINK';

/** The major version RDS upgrades across: `16` for Postgres 10+, `9.6`/`8.0`/`5.7` before that. */
export function majorVersion(version: string): string {
  const [first = '', second] = version.split('.');
  return Number(first) >= 10 || second === undefined ? first : `${first}.${second}`;
}

/** Reads the generated master password; only CreateDBInstance ever sees it. */
async function readMasterPassword(desired: ResolvedResource, ctx: ApplyContext): Promise<string> {
  const name = specString(desired.spec, 'masterPasswordParameter', desired.logicalId);
  try {
    const res = await ctx.clients.ssm.send(new GetParameterCommand({ Name: name, WithDecryption: true }));
    const value = res.Parameter?.Value;
    if (value) return value;
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
  throw new StackctlError(
    'DB_PASSWORD_MISSING',
    `${desired.logicalId}: the master password parameter ${name} does not exist or is empty; stackctl creates it before the database, so re-run the reconcile`,
  );
}

/** The result of a create or adopt, or NotReady while RDS has not assigned the endpoint yet. */
function resultOf(db: DBInstance, logicalId: string): ApplyResult {
  const id = db.DBInstanceIdentifier ?? '';
  const outputs = dbInstanceOutputs(db);
  if (outputs.address === undefined) {
    throw new NotReadyError(
      `${logicalId}: RDS instance ${id} is ${db.DBInstanceStatus ?? 'being created'}; its endpoint is not known yet`,
      NOT_READY_RETRY_MS,
    );
  }
  return { physicalId: id, outputs };
}

function adopt(db: DBInstance, desired: ResolvedResource, ctx: ApplyContext): ApplyResult {
  if (!isOwnedBy(tagListToRecord(db.TagList), ctx.project, ctx.stack)) {
    throw new OwnershipConflictError(desired.logicalId, db.DBInstanceIdentifier ?? desired.name);
  }
  return resultOf(db, desired.logicalId);
}

/** The ModifyDBInstance fields the deltas ask for (none when only tags changed). */
function modifyFields(
  desired: ResolvedResource,
  observed: ObservedResource,
  deltas: readonly FieldDelta[],
): Partial<ModifyDBInstanceCommandInput> {
  const { spec, logicalId } = desired;
  const fields: Partial<ModifyDBInstanceCommandInput> = {};
  if (touches(deltas, 'allocatedStorage')) {
    const want = specNumber(spec, 'allocatedStorage', logicalId);
    const have = observed.spec.allocatedStorage;
    if (typeof have === 'number' && want < have) {
      throw new StackctlError(
        STORAGE_SHRINK,
        `${logicalId}: allocatedStorage cannot go from ${have} GiB down to ${want} GiB: RDS storage only grows. Keep ${have} GiB or more, or replace the database and move the data yourself.`,
      );
    }
    fields.AllocatedStorage = want;
  }
  if (touches(deltas, 'instanceClass')) fields.DBInstanceClass = specString(spec, 'instanceClass', logicalId);
  if (touches(deltas, 'multiAz')) fields.MultiAZ = specBoolean(spec, 'multiAz');
  if (touches(deltas, 'backupRetentionPeriod')) {
    fields.BackupRetentionPeriod = specNumber(spec, 'backupRetentionPeriod', logicalId);
  }
  if (touches(deltas, 'deletionProtection'))
    fields.DeletionProtection = specBoolean(spec, 'deletionProtection');
  if (touches(deltas, 'vpcSecurityGroupIds'))
    fields.VpcSecurityGroupIds = specStrings(spec, 'vpcSecurityGroupIds');
  if (touches(deltas, 'engineVersion')) {
    const want = specString(spec, 'engineVersion', logicalId);
    fields.EngineVersion = want;
    const have = observed.spec.engineVersion;
    if (typeof have === 'string' && majorVersion(have) !== majorVersion(want))
      fields.AllowMajorVersionUpgrade = true;
  }
  return fields;
}

/**
 * Builds the DB instance applier.
 *
 * @example const applier = createRdsDbInstanceApplier({ finalSnapshot: mode !== 'affordable' });
 */
export function createRdsDbInstanceApplier(options: RdsDbInstanceApplierOptions): Applier {
  const now = options.now ?? (() => new Date());
  return {
    kind: 'rds.DBInstance',

    async create(desired, ctx) {
      const { rds } = ctx.clients;
      const id = desired.name.toLowerCase();
      const { spec, logicalId } = desired;
      return createOrAdopt({
        describe: () => describeDbInstance(rds, id),
        adopt: (db) => adopt(db, desired, ctx),
        create: async () => {
          const password = await readMasterPassword(desired, ctx);
          const res = await rds.send(
            new CreateDBInstanceCommand({
              DBInstanceIdentifier: id,
              Engine: specString(spec, 'engine', logicalId),
              EngineVersion: specString(spec, 'engineVersion', logicalId),
              DBInstanceClass: specString(spec, 'instanceClass', logicalId),
              AllocatedStorage: specNumber(spec, 'allocatedStorage', logicalId),
              MultiAZ: specBoolean(spec, 'multiAz'),
              BackupRetentionPeriod: specNumber(spec, 'backupRetentionPeriod', logicalId),
              DeletionProtection: specBoolean(spec, 'deletionProtection'),
              DBSubnetGroupName: specString(spec, 'dbSubnetGroupName', logicalId),
              VpcSecurityGroupIds: specStrings(spec, 'vpcSecurityGroupIds'),
              MasterUsername: specString(spec, 'masterUsername', logicalId),
              MasterUserPassword: password,
              DBName: specString(spec, 'dbName', logicalId),
              StorageEncrypted: specBoolean(spec, 'storageEncrypted'),
              // Never reachable from the internet, whatever the subnets' routes (the spec has no such field).
              PubliclyAccessible: false,
              Tags: recordToTagList(desired.tags),
            }),
          );
          return resultOf(
            res.DBInstance ?? { DBInstanceIdentifier: id, DBInstanceStatus: 'creating' },
            logicalId,
          );
        },
      });
    },

    async update(desired, observed, deltas, ctx) {
      assertObservedOwned(observed, ctx);
      const { rds } = ctx.clients;
      const fields = modifyFields(desired, observed, deltas);
      let outputs = observed.outputs;
      if (Object.keys(fields).length > 0) {
        const res = await rds.send(
          new ModifyDBInstanceCommand({
            DBInstanceIdentifier: observed.physicalId,
            ApplyImmediately: true,
            ...fields,
          }),
        );
        if (res.DBInstance) outputs = { ...outputs, ...dbInstanceOutputs(res.DBInstance) };
      }
      const arn = outputs.arn;
      if (typeof arn === 'string') await applyRdsTagDeltas(rds, arn, deltas, desired);
      return { physicalId: observed.physicalId, outputs };
    },

    async delete(observed, ctx) {
      assertObservedOwned(observed, ctx);
      const { rds } = ctx.clients;
      const id = observed.physicalId;
      await deleteAndWaitGone(
        {
          describe: () => describeDbInstance(rds, id),
          isDeleting: (live) => live.DBInstanceStatus === 'deleting',
          beforeDelete: async (live) => {
            if (!live.DeletionProtection) return;
            await rds.send(
              new ModifyDBInstanceCommand({
                DBInstanceIdentifier: id,
                DeletionProtection: false,
                ApplyImmediately: true,
              }),
            );
          },
          startDelete: () => {
            const snapshot = options.finalSnapshot
              ? { FinalDBSnapshotIdentifier: finalSnapshotName(id, now()) }
              : { SkipFinalSnapshot: true };
            return rds.send(new DeleteDBInstanceCommand({ DBInstanceIdentifier: id, ...snapshot }));
          },
        },
        deleteWaitOptions(`${observed.logicalId} (${id})`, options, ctx.signal),
      );
    },
  };
}

/** The default DB instance applier: takes a final snapshot before every delete. */
export const rdsDbInstanceApplier: Applier = createRdsDbInstanceApplier({ finalSnapshot: true });
