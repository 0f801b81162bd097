/**
 * The mode table of COMPOSE-MAPPING.md ("Modes") as one piece of data.
 *
 * A mode is a column of settings, not a code path: the renderer reads these values and never branches on
 * the mode name, so a changed default is one edit here and the table in the docs stays checkable.
 *
 * @module
 */
import type { ModePreset } from '../resolved-types.js';
import type { Mode } from '../stack-types.js';

/**
 * Settings per mode.
 *
 * - `affordable`: Spot capacity, tasks in public subnets (no NAT cost), nothing kept on delete.
 * - `balanced`: on-demand capacity behind one shared NAT, a week of logs and backups.
 * - `high_availability`: three AZs with a NAT each, Multi-AZ data services, deletion protection.
 */
export const MODE_PRESETS: Readonly<Record<Mode, ModePreset>> = {
  affordable: {
    capacityProvider: 'FARGATE_SPOT',
    taskSubnets: 'public',
    natGateways: 0,
    azCount: 2,
    minimumHealthyPercent: 0,
    maximumPercent: 100,
    circuitBreaker: true,
    logRetentionDays: 1,
    postgres: {
      instanceClass: 'db.t4g.micro',
      allocatedStorageGiB: 20,
      multiAz: false,
      backupRetentionDays: 1,
      deletionProtection: false,
    },
    redis: { nodeType: 'cache.t4g.micro', nodes: 1, automaticFailover: false },
    finalSnapshotOnDelete: false,
    deregistrationDelaySeconds: 0,
    warnWhenReplicasBelow: 0,
  },
  balanced: {
    capacityProvider: 'FARGATE',
    taskSubnets: 'private',
    natGateways: 1,
    azCount: 2,
    minimumHealthyPercent: 100,
    maximumPercent: 200,
    circuitBreaker: true,
    logRetentionDays: 7,
    postgres: {
      instanceClass: 'db.t4g.small',
      allocatedStorageGiB: 20,
      multiAz: false,
      backupRetentionDays: 7,
      deletionProtection: false,
    },
    redis: { nodeType: 'cache.t4g.small', nodes: 1, automaticFailover: false },
    finalSnapshotOnDelete: true,
    deregistrationDelaySeconds: 30,
    warnWhenReplicasBelow: 0,
  },
  high_availability: {
    capacityProvider: 'FARGATE',
    taskSubnets: 'private',
    natGateways: 3,
    azCount: 3,
    minimumHealthyPercent: 100,
    maximumPercent: 200,
    circuitBreaker: true,
    logRetentionDays: 30,
    postgres: {
      instanceClass: 'db.r6g.large',
      allocatedStorageGiB: 20,
      multiAz: true,
      backupRetentionDays: 30,
      deletionProtection: true,
    },
    redis: { nodeType: 'cache.r6g.large', nodes: 2, automaticFailover: true },
    finalSnapshotOnDelete: true,
    deregistrationDelaySeconds: 60,
    warnWhenReplicasBelow: 2,
  },
};
