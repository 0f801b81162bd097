/**
 * rds.DBSubnetGroup, rds.DBInstance, elasticache.SubnetGroup and elasticache.ReplicationGroup against a
 * real moto server. Every step asserts the end state by reading AWS back with the SDK.
 *
 * moto gaps (research/aws-api-facts.md §8, and found here): RDS is `available` at once with no
 * PendingModifiedValues and no `deleting`; ModifyDBSubnetGroup deletes the group; ElastiCache has no
 * Modify*, no DeleteCacheSubnetGroup, no member clusters, and keeps a deleted replication group in
 * `deleting` for ever. Those paths are covered with mocked clients in
 * test/unit/reconcilers/data-edge.test.ts.
 */
import { CreateSecurityGroupCommand, CreateSubnetCommand, CreateVpcCommand } from '@aws-sdk/client-ec2';
import {
  CreateCacheSubnetGroupCommand,
  CreateReplicationGroupCommand,
  DescribeCacheSubnetGroupsCommand,
  DescribeReplicationGroupsCommand,
  ListTagsForResourceCommand as ListCacheTagsCommand,
  RemoveTagsFromResourceCommand as RemoveCacheTagsCommand,
} from '@aws-sdk/client-elasticache';
import {
  CreateDBInstanceCommand,
  CreateDBSubnetGroupCommand,
  DescribeDBInstancesCommand,
  DescribeDBSnapshotsCommand,
  DescribeDBSubnetGroupsCommand,
  ListTagsForResourceCommand as ListRdsTagsCommand,
  ModifyDBInstanceCommand,
  RemoveTagsFromResourceCommand,
} from '@aws-sdk/client-rds';
import { PutParameterCommand } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AwsClients } from '../../../src/aws/types.js';
import {
  type DesiredResource,
  type ResourceKind,
  ref,
  type Spec,
  TAG_KEYS,
} from '../../../src/desired/resource-types.js';
import { ownershipTags, tagListToRecord } from '../../../src/desired/tags.js';
import { diffResource } from '../../../src/diff/compare.js';
import { tagDeltas } from '../../../src/diff/tags.js';
import type { FieldDelta } from '../../../src/diff/types.js';
import { elasticacheReplicationGroupObserver } from '../../../src/observed/elasticache-replication-group.js';
import { elasticacheSubnetGroupObserver } from '../../../src/observed/elasticache-subnet-group.js';
import { rdsDbInstanceObserver } from '../../../src/observed/rds-db-instance.js';
import { rdsDbSubnetGroupObserver } from '../../../src/observed/rds-db-subnet-group.js';
import type { ObserveContext, ObservedResource, Observer } from '../../../src/observed/types.js';
import { createElasticacheReplicationGroupApplier } from '../../../src/reconcilers/elasticache-replication-group.js';
import { elasticacheSubnetGroupApplier } from '../../../src/reconcilers/elasticache-subnet-group.js';
import { NotReadyError, OwnershipConflictError } from '../../../src/reconcilers/errors.js';
import { createRdsDbInstanceApplier } from '../../../src/reconcilers/rds-db-instance.js';
import { rdsDbSubnetGroupApplier } from '../../../src/reconcilers/rds-db-subnet-group.js';
import type { ApplyContext, ResolvedResource } from '../../../src/reconcilers/types.js';
import { motoClients } from '../../helpers/aws.js';
import { type MotoServer, startMoto } from '../../helpers/moto.js';

const PROJECT = 'shop';
const STACK = 'it';
const PASSWORD_PARAMETER = '/stackctl/shop/it/DB_PASSWORD';
/** A throwaway value: the assertions check it never comes back out of stackctl. */
const PASSWORD = 'moto-only-Pa55word';
const FIXED_NOW = new Date('2025-03-04T05:06:00Z');

let moto: MotoServer;
let clients: AwsClients;
let subnets: string[];
let securityGroups: string[];

beforeAll(async () => {
  moto = await startMoto();
  clients = motoClients(moto.endpoint);
  const vpcId =
    (await clients.ec2.send(new CreateVpcCommand({ CidrBlock: '10.30.0.0/16' }))).Vpc?.VpcId ?? '';
  subnets = [];
  for (const [i, az] of ['a', 'b'].entries()) {
    const s = await clients.ec2.send(
      new CreateSubnetCommand({
        VpcId: vpcId,
        CidrBlock: `10.30.${i}.0/24`,
        AvailabilityZone: `eu-west-1${az}`,
      }),
    );
    subnets.push(s.Subnet?.SubnetId ?? '');
  }
  securityGroups = [];
  for (const name of ['db', 'cache']) {
    const g = await clients.ec2.send(
      new CreateSecurityGroupCommand({ VpcId: vpcId, GroupName: name, Description: name }),
    );
    securityGroups.push(g.GroupId ?? '');
  }
  await clients.ssm.send(
    new PutParameterCommand({ Name: PASSWORD_PARAMETER, Type: 'SecureString', Value: PASSWORD }),
  );
});

afterAll(async () => {
  await moto?.stop();
});

function applyCtx(): ApplyContext {
  return { clients, project: PROJECT, stack: STACK, clientToken: 'data-test-token' };
}

function observeCtx(outputs: ObserveContext['outputs'] = new Map()): ObserveContext {
  return { clients, project: PROJECT, stack: STACK, outputs };
}

function resolved(kind: ResourceKind, logicalId: string, name: string, spec: Spec): ResolvedResource {
  return { kind, logicalId, name, spec, tags: ownershipTags(PROJECT, STACK, logicalId) };
}

async function observeOne(observer: Observer, r: ResolvedResource, outputs?: ObserveContext['outputs']) {
  const all = await observer.observe(
    [{ logicalId: r.logicalId, name: r.name, spec: r.spec }],
    observeCtx(outputs),
  );
  return all.find((o) => o.logicalId === r.logicalId);
}

/** The deltas the plan would carry: spec fields present in desired, plus tags. */
function deltasFor(r: ResolvedResource, observed: ObservedResource): FieldDelta[] {
  return [...diffResource(r.spec, observed.spec, r.kind), ...tagDeltas(r.tags, observed.tags)];
}

async function mustObserve(observer: Observer, r: ResolvedResource): Promise<ObservedResource> {
  const o = await observeOne(observer, r);
  if (!o) throw new Error(`${r.logicalId} was not observed`);
  return o;
}

describe('rds.DBSubnetGroup', () => {
  const desired = () =>
    resolved('rds.DBSubnetGroup', 'db/subnets', 'shop-it-db', {
      description: 'stackctl shop/it postgres',
      subnetIds: subnets,
    });
  const describeGroup = async (name: string) =>
    (await clients.rds.send(new DescribeDBSubnetGroupsCommand({ DBSubnetGroupName: name })))
      .DBSubnetGroups?.[0];

  it('creates, observes as desired, re-creates idempotently', async () => {
    const r = desired();
    const created = await rdsDbSubnetGroupApplier.create(r, applyCtx());
    expect(created).toEqual({ physicalId: 'shop-it-db', outputs: { name: 'shop-it-db' } });
    const observed = await mustObserve(rdsDbSubnetGroupObserver, r);
    expect(deltasFor(r, observed)).toEqual([]);
    expect(observed).toMatchObject({
      physicalId: 'shop-it-db',
      health: 'Healthy',
      outputs: { name: 'shop-it-db' },
    });

    expect(await rdsDbSubnetGroupApplier.create(r, applyCtx())).toEqual(created);
    const all = (await clients.rds.send(new DescribeDBSubnetGroupsCommand({}))).DBSubnetGroups ?? [];
    expect(all.filter((g) => g.DBSubnetGroupName === 'shop-it-db')).toHaveLength(1);
  });

  // moto 5.2.1's ModifyDBSubnetGroup drops the group, so out-of-band drift here is a removed tag;
  // description and subnet updates are covered with a mocked client in data-edge.test.ts.
  it('puts a removed ownership tag back with a tag-only update', async () => {
    const r = desired();
    const arn = (await describeGroup('shop-it-db'))?.DBSubnetGroupArn ?? '';
    await clients.rds.send(
      new RemoveTagsFromResourceCommand({ ResourceName: arn, TagKeys: [TAG_KEYS.logicalId] }),
    );
    const drifted = await mustObserve(rdsDbSubnetGroupObserver, r);
    expect(deltasFor(r, drifted).map((d) => d.path)).toEqual([`tags.${TAG_KEYS.logicalId}`]);
    await rdsDbSubnetGroupApplier.update(r, drifted, deltasFor(r, drifted), applyCtx());
    const tags = tagListToRecord(
      (await clients.rds.send(new ListRdsTagsCommand({ ResourceName: arn }))).TagList,
    );
    expect(tags).toEqual(r.tags);
  });

  it('refuses a foreign group with the same name and leaves it unchanged', async () => {
    await clients.rds.send(
      new CreateDBSubnetGroupCommand({
        DBSubnetGroupName: 'foreign-db',
        DBSubnetGroupDescription: 'theirs',
        SubnetIds: subnets,
      }),
    );
    const r = resolved('rds.DBSubnetGroup', 'db/subnets', 'foreign-db', {
      description: 'ours',
      subnetIds: subnets,
    });
    await expect(rdsDbSubnetGroupApplier.create(r, applyCtx())).rejects.toBeInstanceOf(
      OwnershipConflictError,
    );
    const observed = await mustObserve(rdsDbSubnetGroupObserver, r);
    expect(observed.tags).toEqual({});
    await expect(rdsDbSubnetGroupApplier.delete(observed, applyCtx())).rejects.toBeInstanceOf(
      OwnershipConflictError,
    );
    expect((await describeGroup('foreign-db'))?.DBSubnetGroupDescription).toBe('theirs');
  });
});

describe('rds.DBInstance', () => {
  const spec = (overrides: Spec = {}): Spec => ({
    engine: 'postgres',
    engineVersion: '16',
    instanceClass: 'db.t4g.micro',
    allocatedStorage: 20,
    multiAz: false,
    backupRetentionPeriod: 1,
    deletionProtection: false,
    dbSubnetGroupName: 'shop-it-db',
    vpcSecurityGroupIds: [securityGroups[0] ?? ''],
    masterUsername: 'postgres',
    dbName: 'app',
    storageEncrypted: true,
    masterPasswordParameter: PASSWORD_PARAMETER,
    ...overrides,
  });
  const applier = createRdsDbInstanceApplier({ finalSnapshot: true, waitDelayMs: 0, now: () => FIXED_NOW });
  const describeDb = async (id: string) =>
    (
      await clients.rds.send(
        new DescribeDBInstancesCommand({ Filters: [{ Name: 'db-instance-id', Values: [id] }] }),
      )
    ).DBInstances?.[0];

  it('creates, observes as desired (refs resolved), re-creates idempotently, restores drift, deletes with a final snapshot', async () => {
    const r = resolved(
      'rds.DBInstance',
      'db/postgres',
      'shop-it-postgres-1a2b3c',
      spec({ deletionProtection: true }),
    );
    const created = await applier.create(r, applyCtx());
    expect(created.physicalId).toBe('shop-it-postgres-1a2b3c');
    expect(created.outputs).toMatchObject({
      port: 5432,
      arn: expect.stringContaining(':db:shop-it-postgres-1a2b3c'),
    });
    expect(created.outputs.address).toEqual(expect.any(String));
    expect(JSON.stringify(created)).not.toContain(PASSWORD);

    // The target still holds refs, as the engine passes it; ctx.outputs resolves them.
    const withRefs: DesiredResource = {
      ...r,
      dependsOn: [],
      spec: {
        ...r.spec,
        dbSubnetGroupName: ref('db/subnets', 'name'),
        vpcSecurityGroupIds: [ref('sg/db', 'id')],
        masterPasswordParameter: ref('param/postgres-password', 'name'),
      },
    };
    const outputs = new Map([
      ['db/subnets', { name: 'shop-it-db' }],
      ['sg/db', { id: securityGroups[0] ?? '' }],
      ['param/postgres-password', { name: PASSWORD_PARAMETER }],
    ]);
    const [observed] = await rdsDbInstanceObserver.observe(
      [{ logicalId: r.logicalId, name: r.name, spec: withRefs.spec }],
      observeCtx(outputs),
    );
    if (!observed) throw new Error('not observed');
    expect(deltasFor(r, observed)).toEqual([]);
    expect(observed).toMatchObject({ health: 'Healthy', outputs: created.outputs, tags: r.tags });
    expect(JSON.stringify(observed)).not.toContain(PASSWORD);

    expect(await applier.create(r, applyCtx())).toEqual(created);

    await clients.rds.send(
      new ModifyDBInstanceCommand({
        DBInstanceIdentifier: r.name,
        DBInstanceClass: 'db.t4g.small',
        ApplyImmediately: true,
      }),
    );
    const drifted = await mustObserve(rdsDbInstanceObserver, r);
    expect(deltasFor(r, drifted)).toEqual([
      { path: 'instanceClass', desired: 'db.t4g.micro', observed: 'db.t4g.small', replace: false },
    ]);
    await applier.update(r, drifted, deltasFor(r, drifted), applyCtx());
    expect((await describeDb(r.name))?.DBInstanceClass).toBe('db.t4g.micro');

    await applier.delete(await mustObserve(rdsDbInstanceObserver, r), applyCtx());
    expect(await describeDb(r.name)).toBeUndefined();
    const snapshots = (
      await clients.rds.send(new DescribeDBSnapshotsCommand({ DBInstanceIdentifier: r.name }))
    ).DBSnapshots;
    expect(snapshots?.map((s) => s.DBSnapshotIdentifier)).toEqual([
      'shop-it-postgres-1a2b3c-final-202503040506',
    ]);
  });

  it('deletes without a snapshot when told to skip it', async () => {
    const r = resolved('rds.DBInstance', 'db/cache-free', 'shop-it-nosnap-4d5e6f', spec());
    await applier.create(r, applyCtx());
    const skipping = createRdsDbInstanceApplier({ finalSnapshot: false, waitDelayMs: 0 });
    await skipping.delete(await mustObserve(rdsDbInstanceObserver, r), applyCtx());
    expect(await describeDb(r.name)).toBeUndefined();
    const snapshots = (
      await clients.rds.send(new DescribeDBSnapshotsCommand({ DBInstanceIdentifier: r.name }))
    ).DBSnapshots;
    expect(snapshots).toEqual([]);
  });

  it('refuses to shrink storage and leaves the instance unchanged', async () => {
    const r = resolved(
      'rds.DBInstance',
      'db/shrink',
      'shop-it-shrink-7a8b9c',
      spec({ allocatedStorage: 30 }),
    );
    await applier.create(r, applyCtx());
    const smaller = { ...r, spec: { ...r.spec, allocatedStorage: 20 } };
    const observed = await mustObserve(rdsDbInstanceObserver, smaller);
    await expect(
      applier.update(smaller, observed, deltasFor(smaller, observed), applyCtx()),
    ).rejects.toMatchObject({
      code: 'STORAGE_SHRINK',
    });
    expect((await describeDb(r.name))?.AllocatedStorage).toBe(30);
  });

  it('refuses a foreign instance with the same name and leaves it unchanged', async () => {
    await clients.rds.send(
      new CreateDBInstanceCommand({
        DBInstanceIdentifier: 'shop-it-foreign-000000',
        Engine: 'postgres',
        DBInstanceClass: 'db.t4g.large',
        AllocatedStorage: 50,
        MasterUsername: 'them',
        MasterUserPassword: 'their-Pa55word',
      }),
    );
    const r = resolved('rds.DBInstance', 'db/postgres', 'shop-it-foreign-000000', spec());
    await expect(applier.create(r, applyCtx())).rejects.toBeInstanceOf(OwnershipConflictError);
    const observed = await mustObserve(rdsDbInstanceObserver, r);
    expect(observed.tags).toEqual({});
    await expect(applier.delete(observed, applyCtx())).rejects.toBeInstanceOf(OwnershipConflictError);
    expect(await describeDb('shop-it-foreign-000000')).toMatchObject({
      DBInstanceClass: 'db.t4g.large',
      AllocatedStorage: 50,
    });
  });

  it('deletes the subnet group once no instance uses it', async () => {
    const r = resolved('rds.DBSubnetGroup', 'db/subnets', 'shop-it-db', {
      description: 'x',
      subnetIds: subnets,
    });
    await rdsDbSubnetGroupApplier.delete(await mustObserve(rdsDbSubnetGroupObserver, r), applyCtx());
    expect(await observeOne(rdsDbSubnetGroupObserver, r)).toBeUndefined();
    await expect(
      clients.rds.send(new DescribeDBSubnetGroupsCommand({ DBSubnetGroupName: 'shop-it-db' })),
    ).rejects.toThrow();
  });
});

describe('elasticache.SubnetGroup', () => {
  it('creates, observes as desired, re-creates idempotently', async () => {
    const r = resolved('elasticache.SubnetGroup', 'cache/subnets', 'shop-it-cache', {
      description: 'stackctl shop/it redis',
      subnetIds: subnets,
    });
    const created = await elasticacheSubnetGroupApplier.create(r, applyCtx());
    expect(created).toEqual({ physicalId: 'shop-it-cache', outputs: { name: 'shop-it-cache' } });
    const observed = await mustObserve(elasticacheSubnetGroupObserver, r);
    expect(deltasFor(r, observed)).toEqual([]);
    expect(await elasticacheSubnetGroupApplier.create(r, applyCtx())).toEqual(created);
    const groups =
      (await clients.elasticache.send(new DescribeCacheSubnetGroupsCommand({}))).CacheSubnetGroups ?? [];
    expect(groups.filter((g) => g.CacheSubnetGroupName === 'shop-it-cache')).toHaveLength(1);
  });

  it('refuses a foreign group with the same name and leaves it unchanged', async () => {
    await clients.elasticache.send(
      new CreateCacheSubnetGroupCommand({
        CacheSubnetGroupName: 'foreign-cache',
        CacheSubnetGroupDescription: 'theirs',
        SubnetIds: subnets,
      }),
    );
    const r = resolved('elasticache.SubnetGroup', 'cache/subnets', 'foreign-cache', {
      description: 'ours',
      subnetIds: subnets,
    });
    await expect(elasticacheSubnetGroupApplier.create(r, applyCtx())).rejects.toBeInstanceOf(
      OwnershipConflictError,
    );
    const group = (
      await clients.elasticache.send(
        new DescribeCacheSubnetGroupsCommand({ CacheSubnetGroupName: 'foreign-cache' }),
      )
    ).CacheSubnetGroups?.[0];
    expect(group?.CacheSubnetGroupDescription).toBe('theirs');
  });
});

describe('elasticache.ReplicationGroup', () => {
  const applier = createElasticacheReplicationGroupApplier({
    finalSnapshot: true,
    waitDelayMs: 0,
    maxWaitAttempts: 2,
  });
  const desired = (name: string) =>
    resolved('elasticache.ReplicationGroup', 'cache/redis', name, {
      engine: 'redis',
      engineVersion: '7.1',
      cacheNodeType: 'cache.t4g.micro',
      numCacheClusters: 1,
      automaticFailoverEnabled: false,
      multiAzEnabled: false,
      cacheSubnetGroupName: 'shop-it-cache',
      securityGroupIds: [securityGroups[1] ?? ''],
      description: 'stackctl shop/it redis redis',
    });
  const describeGroup = async (id: string) => {
    const all =
      (await clients.elasticache.send(new DescribeReplicationGroupsCommand({}))).ReplicationGroups ?? [];
    return all.find((g) => g.ReplicationGroupId === id);
  };

  it('creates, observes as desired, re-creates idempotently, puts a removed tag back, deletes', async () => {
    const r = desired('shop-it-redis-1a2b3c');
    const created = await applier.create(r, applyCtx());
    expect(created.physicalId).toBe('shop-it-redis-1a2b3c');
    const host = created.outputs.primaryEndpoint;
    expect(host).toEqual(expect.any(String));
    expect(created.outputs).toMatchObject({ port: 6379, url: `redis://${host}:6379` });

    const observed = await mustObserve(elasticacheReplicationGroupObserver, r);
    expect(deltasFor(r, observed)).toEqual([]);
    expect(observed).toMatchObject({ health: 'Healthy', outputs: created.outputs, tags: r.tags });

    expect(await applier.create(r, applyCtx())).toEqual(created);
    const all =
      (await clients.elasticache.send(new DescribeReplicationGroupsCommand({}))).ReplicationGroups ?? [];
    expect(all.filter((g) => g.ReplicationGroupId === r.name)).toHaveLength(1);

    const arn = (await describeGroup(r.name))?.ARN ?? '';
    await clients.elasticache.send(
      new RemoveCacheTagsCommand({ ResourceName: arn, TagKeys: [TAG_KEYS.logicalId] }),
    );
    const drifted = await mustObserve(elasticacheReplicationGroupObserver, r);
    expect(deltasFor(r, drifted).map((d) => d.path)).toEqual([`tags.${TAG_KEYS.logicalId}`]);
    await applier.update(r, drifted, deltasFor(r, drifted), applyCtx());
    const tags = tagListToRecord(
      (await clients.elasticache.send(new ListCacheTagsCommand({ ResourceName: arn }))).TagList,
    );
    expect(tags).toEqual(r.tags);

    // moto keeps a deleted group in `deleting` for ever (AWS drops it after minutes): the bounded wait
    // hands the step back as not ready, and a retry does not delete twice.
    const waiting = createElasticacheReplicationGroupApplier({
      finalSnapshot: true,
      waitDelayMs: 0,
      maxWaitAttempts: 2,
    });
    await expect(
      waiting.delete(await mustObserve(elasticacheReplicationGroupObserver, r), applyCtx()),
    ).rejects.toBeInstanceOf(NotReadyError);
    expect((await describeGroup(r.name))?.Status).toBe('deleting');
    const deleting = await mustObserve(elasticacheReplicationGroupObserver, r);
    expect(deleting).toMatchObject({ health: 'Progressing', healthReason: 'replication group is deleting' });
    await expect(waiting.delete(deleting, applyCtx())).rejects.toBeInstanceOf(NotReadyError);
  });

  it('refuses a foreign group with the same id and leaves it unchanged', async () => {
    await clients.elasticache.send(
      new CreateReplicationGroupCommand({
        ReplicationGroupId: 'shop-it-foreign-redis',
        ReplicationGroupDescription: 'theirs',
        Engine: 'redis',
        CacheNodeType: 'cache.r6g.large',
        NumCacheClusters: 1,
      }),
    );
    const r = desired('shop-it-foreign-redis');
    await expect(applier.create(r, applyCtx())).rejects.toBeInstanceOf(OwnershipConflictError);
    const observed = await mustObserve(elasticacheReplicationGroupObserver, r);
    expect(observed.tags).toEqual({});
    await expect(applier.delete(observed, applyCtx())).rejects.toBeInstanceOf(OwnershipConflictError);
    const group = await describeGroup('shop-it-foreign-redis');
    expect(group).toMatchObject({ Description: 'theirs', CacheNodeType: 'cache.r6g.large' });
    const tags = tagListToRecord(
      (await clients.elasticache.send(new ListCacheTagsCommand({ ResourceName: group?.ARN ?? '' }))).TagList,
    );
    expect(tags).toEqual({});
  });
});
