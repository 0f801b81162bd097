import { describe, expect, it } from 'vitest';
import { MODE_PRESETS } from '../../../../src/desired/stack/index.js';
import { MODES } from '../../../../src/desired/stack-types.js';

// The mode table of COMPOSE-MAPPING.md, row by row; a drift between docs and data fails here.
describe('MODE_PRESETS', () => {
  it('has exactly one column per mode', () => {
    expect(Object.keys(MODE_PRESETS).sort()).toEqual([...MODES].sort());
  });

  it.each([
    { reason: 'compute', field: 'capacityProvider', values: ['FARGATE_SPOT', 'FARGATE', 'FARGATE'] },
    { reason: 'tasks in', field: 'taskSubnets', values: ['public', 'private', 'private'] },
    { reason: 'NAT gateways (none, one, one per AZ)', field: 'natGateways', values: [0, 1, 3] },
    { reason: 'AZs', field: 'azCount', values: [2, 2, 3] },
    { reason: 'rollout min %', field: 'minimumHealthyPercent', values: [0, 100, 100] },
    { reason: 'rollout max %', field: 'maximumPercent', values: [100, 200, 200] },
    { reason: 'circuit breaker + rollback', field: 'circuitBreaker', values: [true, true, true] },
    { reason: 'log retention days', field: 'logRetentionDays', values: [1, 7, 30] },
    { reason: 'final snapshot on delete', field: 'finalSnapshotOnDelete', values: [false, true, true] },
    { reason: 'deregistration delay', field: 'deregistrationDelaySeconds', values: [0, 30, 60] },
    { reason: 'warn when replicas below', field: 'warnWhenReplicasBelow', values: [0, 0, 2] },
  ] as const)('$reason', ({ field, values }) => {
    expect(MODES.map((m) => MODE_PRESETS[m][field])).toEqual(values);
  });

  it.each([
    {
      mode: 'affordable',
      postgres: {
        instanceClass: 'db.t4g.micro',
        allocatedStorageGiB: 20,
        multiAz: false,
        backupRetentionDays: 1,
        deletionProtection: false,
      },
      redis: { nodeType: 'cache.t4g.micro', nodes: 1, automaticFailover: false },
    },
    {
      mode: 'balanced',
      postgres: {
        instanceClass: 'db.t4g.small',
        allocatedStorageGiB: 20,
        multiAz: false,
        backupRetentionDays: 7,
        deletionProtection: false,
      },
      redis: { nodeType: 'cache.t4g.small', nodes: 1, automaticFailover: false },
    },
    {
      mode: 'high_availability',
      postgres: {
        instanceClass: 'db.r6g.large',
        allocatedStorageGiB: 20,
        multiAz: true,
        backupRetentionDays: 30,
        deletionProtection: true,
      },
      redis: { nodeType: 'cache.r6g.large', nodes: 2, automaticFailover: true },
    },
  ] as const)('$mode data services', ({ mode, postgres, redis }) => {
    expect(MODE_PRESETS[mode].postgres).toEqual(postgres);
    expect(MODE_PRESETS[mode].redis).toEqual(redis);
  });

  it('gives each NAT-using mode one NAT per AZ at most', () => {
    for (const mode of MODES)
      expect(MODE_PRESETS[mode].natGateways).toBeLessThanOrEqual(MODE_PRESETS[mode].azCount);
  });
});
