/**
 * What moto 5.2.1 cannot show for the data and domain kinds, with aws-sdk-client-mock: RDS pending
 * modifications, statuses and waits; ModifyDBSubnetGroup; ElastiCache Modify*, replica counts, member
 * clusters, DeleteCacheSubnetGroup and the end of `deleting`; ACM token reuse and in-use deletes.
 */
import {
  DeleteCertificateCommand,
  DescribeCertificateCommand,
  ListCertificatesCommand,
  RequestCertificateCommand,
  ResourceInUseException,
  ResourceNotFoundException,
} from '@aws-sdk/client-acm';
import {
  CacheSubnetGroupInUse,
  CacheSubnetGroupNotFoundFault,
  DecreaseReplicaCountCommand,
  DeleteCacheSubnetGroupCommand,
  DeleteReplicationGroupCommand,
  DescribeCacheClustersCommand,
  DescribeReplicationGroupsCommand,
  IncreaseReplicaCountCommand,
  ListTagsForResourceCommand as ListCacheTagsCommand,
  ModifyCacheSubnetGroupCommand,
  ModifyReplicationGroupCommand,
  ReplicationGroupNotFoundFault,
} from '@aws-sdk/client-elasticache';
import {
  CreateDBInstanceCommand,
  type DBInstance,
  DeleteDBInstanceCommand,
  DescribeDBInstancesCommand,
  ModifyDBInstanceCommand,
  ModifyDBSubnetGroupCommand,
} from '@aws-sdk/client-rds';
import { GetResourcesCommand } from '@aws-sdk/client-resource-groups-tagging-api';
import { GetParameterCommand, ParameterNotFound } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { createAwsClients } from '../../../src/aws/clients.js';
import type { ResourceKind, Spec } from '../../../src/desired/resource-types.js';
import { ownershipTags, recordToTagList } from '../../../src/desired/tags.js';
import { diffResource } from '../../../src/diff/compare.js';
import { certificateHealth } from '../../../src/observed/acm-certificate.js';
import { elasticacheReplicationGroupObserver } from '../../../src/observed/elasticache-replication-group.js';
import { dbInstanceHealth, rdsDbInstanceObserver } from '../../../src/observed/rds-db-instance.js';
import { engineVersionAtPrecision } from '../../../src/observed/tag-discovery.js';
import type { ObservedResource } from '../../../src/observed/types.js';
import { acmCertificateApplier } from '../../../src/reconcilers/acm-certificate.js';
import { createElasticacheReplicationGroupApplier } from '../../../src/reconcilers/elasticache-replication-group.js';
import { elasticacheSubnetGroupApplier } from '../../../src/reconcilers/elasticache-subnet-group.js';
import { NotReadyError } from '../../../src/reconcilers/errors.js';
import { createRdsDbInstanceApplier } from '../../../src/reconcilers/rds-db-instance.js';
import { rdsDbSubnetGroupApplier } from '../../../src/reconcilers/rds-db-subnet-group.js';
import type { ApplyContext, ResolvedResource } from '../../../src/reconcilers/types.js';

const clients = createAwsClients({
  region: 'eu-west-1',
  credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
});
const rds = mockClient(clients.rds);
const ssm = mockClient(clients.ssm);
const elasticache = mockClient(clients.elasticache);
const acm = mockClient(clients.acm);
const tagging = mockClient(clients.tagging);
const ctx: ApplyContext = { clients, project: 'shop', stack: 'it', clientToken: 'tok-1' };
const observeCtx = { clients, project: 'shop', stack: 'it', outputs: new Map() };
const meta = { $metadata: {} };
const SECRET = 'never-show-me-123';

afterEach(() => {
  for (const m of [rds, ssm, elasticache, acm, tagging]) m.reset();
});

function resolved(kind: ResourceKind, logicalId: string, name: string, spec: Spec): ResolvedResource {
  return { kind, logicalId, name, spec, tags: ownershipTags('shop', 'it', logicalId) };
}

function observedOf(r: ResolvedResource, physicalId: string, spec: Spec, outputs = {}): ObservedResource {
  return {
    kind: r.kind,
    logicalId: r.logicalId,
    name: r.name,
    physicalId,
    spec,
    tags: r.tags,
    outputs,
    health: 'Healthy',
  };
}

const dbSpec: Spec = {
  engine: 'postgres',
  engineVersion: '16',
  instanceClass: 'db.t4g.micro',
  allocatedStorage: 20,
  multiAz: false,
  backupRetentionPeriod: 1,
  deletionProtection: false,
  dbSubnetGroupName: 'shop-it-db',
  vpcSecurityGroupIds: ['sg-1'],
  masterUsername: 'postgres',
  dbName: 'app',
  storageEncrypted: true,
  masterPasswordParameter: '/stackctl/shop/it/DB_PASSWORD',
};
const db = resolved('rds.DBInstance', 'db/postgres', 'shop-it-db-1', dbSpec);

function liveDb(overrides: DBInstance = {}): DBInstance {
  return {
    DBInstanceIdentifier: 'shop-it-db-1',
    DBInstanceArn: 'arn:aws:rds:eu-west-1:1:db:shop-it-db-1',
    DBInstanceStatus: 'available',
    Engine: 'postgres',
    EngineVersion: '16.3',
    DBInstanceClass: 'db.t4g.micro',
    AllocatedStorage: 20,
    MultiAZ: false,
    BackupRetentionPeriod: 1,
    DeletionProtection: false,
    DBSubnetGroup: { DBSubnetGroupName: 'shop-it-db' },
    VpcSecurityGroups: [{ VpcSecurityGroupId: 'sg-1', Status: 'active' }],
    MasterUsername: 'postgres',
    DBName: 'app',
    StorageEncrypted: true,
    Endpoint: { Address: 'db.example.internal', Port: 5432 },
    TagList: recordToTagList(db.tags),
    ...overrides,
  };
}

describe('rds.DBInstance observer', () => {
  it.each([
    {
      reason: 'a pending class change',
      pending: { DBInstanceClass: 'db.t4g.small' },
      field: 'instanceClass',
      value: 'db.t4g.small',
    },
    {
      reason: 'a pending storage change',
      pending: { AllocatedStorage: 40 },
      field: 'allocatedStorage',
      value: 40,
    },
    { reason: 'a pending Multi-AZ change', pending: { MultiAZ: true }, field: 'multiAz', value: true },
    {
      reason: 'a pending engine upgrade',
      pending: { EngineVersion: '17.1' },
      field: 'engineVersion',
      value: '17.1',
    },
    {
      reason: 'a pending backup change',
      pending: { BackupRetentionPeriod: 7 },
      field: 'backupRetentionPeriod',
      value: 7,
    },
  ])('sees $reason as already made, so it is not planned again', async ({ pending, field, value }) => {
    tagging.on(GetResourcesCommand).resolves({ ResourceTagMappingList: [] });
    rds
      .on(DescribeDBInstancesCommand)
      .resolves({ DBInstances: [liveDb({ PendingModifiedValues: pending })] });
    const [observed] = await rdsDbInstanceObserver.observe(
      [{ logicalId: db.logicalId, name: db.name, spec: db.spec }],
      observeCtx,
    );
    expect(observed?.spec[field]).toEqual(value);
    const desired = { ...db.spec, [field]: value };
    expect(diffResource(desired, observed?.spec ?? {}, 'rds.DBInstance')).toEqual([]);
  });

  it.each([
    { reason: 'major only asked', observed: '16.3', desired: '16', expected: '16' },
    { reason: 'major.minor asked', observed: '7.1.0', desired: '7.1', expected: '7.1' },
    { reason: 'another major', observed: '15.7', desired: '16', expected: '15.7' },
    { reason: 'no desired version', observed: '16.3', desired: undefined, expected: '16.3' },
    { reason: 'desired more precise', observed: '16', desired: '16.3', expected: '16' },
  ])('compares engine versions at the desired precision: $reason', ({ observed, desired, expected }) => {
    expect(engineVersionAtPrecision(observed, desired)).toBe(expected);
  });

  it.each([
    { status: 'available', health: 'Healthy' },
    { status: 'creating', health: 'Progressing' },
    { status: 'modifying', health: 'Progressing' },
    { status: 'backing-up', health: 'Progressing' },
    { status: 'failed', health: 'Degraded' },
    { status: 'incompatible-network', health: 'Degraded' },
    { status: 'storage-full', health: 'Degraded' },
  ])('maps status $status to $health', ({ status, health }) => {
    expect(dbInstanceHealth(status).health).toBe(health);
  });
});

describe('rds.DBInstance applier', () => {
  const applier = createRdsDbInstanceApplier({
    finalSnapshot: true,
    waitDelayMs: 0,
    maxWaitAttempts: 3,
    now: () => new Date('2025-01-02T03:04:00Z'),
  });

  it('hands the SSM password to CreateDBInstance only, and waits (NotReady) for the endpoint', async () => {
    rds.on(DescribeDBInstancesCommand).resolves({ DBInstances: [] });
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: SECRET } });
    rds
      .on(CreateDBInstanceCommand)
      .resolves({ DBInstance: liveDb({ DBInstanceStatus: 'creating', Endpoint: undefined }) });
    const error = await applier.create(db, ctx).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotReadyError);
    expect(String((error as Error).message)).not.toContain(SECRET);
    expect(ssm).toHaveReceivedCommandWith(GetParameterCommand, {
      Name: '/stackctl/shop/it/DB_PASSWORD',
      WithDecryption: true,
    });
    expect(rds).toHaveReceivedCommandWith(CreateDBInstanceCommand, {
      MasterUserPassword: SECRET,
      StorageEncrypted: true,
      Tags: recordToTagList(db.tags),
    });
  });

  it('reports a missing password parameter without calling RDS', async () => {
    rds.on(DescribeDBInstancesCommand).resolves({ DBInstances: [] });
    ssm.on(GetParameterCommand).rejects(new ParameterNotFound({ message: 'nope', ...meta }));
    await expect(applier.create(db, ctx)).rejects.toMatchObject({ code: 'DB_PASSWORD_MISSING' });
    expect(rds).not.toHaveReceivedCommand(CreateDBInstanceCommand);
  });

  it.each([
    {
      reason: 'a major upgrade',
      from: '15',
      to: '16',
      fields: { EngineVersion: '16', AllowMajorVersionUpgrade: true },
    },
    { reason: 'a minor upgrade', from: '16.3', to: '16.4', fields: { EngineVersion: '16.4' } },
  ])('modifies only what changed, at once: $reason', async ({ from, to, fields }) => {
    rds.on(ModifyDBInstanceCommand).resolves({ DBInstance: liveDb() });
    const want = { ...db, spec: { ...db.spec, engineVersion: to } };
    const observed = observedOf(db, db.name, { ...db.spec, engineVersion: from });
    await applier.update(want, observed, diffResource(want.spec, observed.spec, 'rds.DBInstance'), ctx);
    const calls = rds.commandCalls(ModifyDBInstanceCommand);
    expect(calls.map((c) => c.args[0].input)).toEqual([
      { DBInstanceIdentifier: db.name, ApplyImmediately: true, ...fields },
    ]);
  });

  it('lifts deletion protection, snapshots, and waits until RDS lets go', async () => {
    rds
      .on(DescribeDBInstancesCommand)
      .resolvesOnce({ DBInstances: [liveDb({ DeletionProtection: true })] })
      .resolvesOnce({ DBInstances: [liveDb({ DBInstanceStatus: 'deleting' })] })
      .resolves({ DBInstances: [] });
    rds.on(ModifyDBInstanceCommand).resolves({});
    rds.on(DeleteDBInstanceCommand).resolves({});
    await applier.delete(observedOf(db, db.name, db.spec), ctx);
    const order = rds.calls().map((c) => (c.args[0] as { constructor: { name: string } }).constructor.name);
    expect(order.filter((n) => n !== 'DescribeDBInstancesCommand')).toEqual([
      'ModifyDBInstanceCommand',
      'DeleteDBInstanceCommand',
    ]);
    expect(rds).toHaveReceivedCommandWith(ModifyDBInstanceCommand, {
      DeletionProtection: false,
      ApplyImmediately: true,
    });
    expect(rds).toHaveReceivedCommandWith(DeleteDBInstanceCommand, {
      DBInstanceIdentifier: db.name,
      FinalDBSnapshotIdentifier: 'shop-it-db-1-final-202501020304',
    });
    expect(rds).toHaveReceivedCommandTimes(DescribeDBInstancesCommand, 3);
  });

  it('resumes waiting on an instance already deleting, and hands back NotReady when the wait runs out', async () => {
    rds.on(DescribeDBInstancesCommand).resolves({ DBInstances: [liveDb({ DBInstanceStatus: 'deleting' })] });
    await expect(applier.delete(observedOf(db, db.name, db.spec), ctx)).rejects.toBeInstanceOf(NotReadyError);
    expect(rds).not.toHaveReceivedCommand(DeleteDBInstanceCommand);
    expect(rds).toHaveReceivedCommandTimes(DescribeDBInstancesCommand, 4);
  });
});

describe('subnet groups (moto cannot modify or delete them)', () => {
  const spec = { description: 'stackctl shop/it', subnetIds: ['subnet-a', 'subnet-b'] };

  it('ModifyDBSubnetGroup gets the description and the full subnet list', async () => {
    rds.on(ModifyDBSubnetGroupCommand).resolves({});
    const r = resolved('rds.DBSubnetGroup', 'db/subnets', 'shop-it-db', spec);
    const observed = observedOf(r, 'shop-it-db', { ...spec, subnetIds: ['subnet-a'] });
    await rdsDbSubnetGroupApplier.update(r, observed, diffResource(r.spec, observed.spec, r.kind), ctx);
    expect(rds).toHaveReceivedCommandWith(ModifyDBSubnetGroupCommand, {
      DBSubnetGroupName: 'shop-it-db',
      DBSubnetGroupDescription: 'stackctl shop/it',
      SubnetIds: ['subnet-a', 'subnet-b'],
    });
  });

  it('ModifyCacheSubnetGroup restores the subnets', async () => {
    elasticache.on(ModifyCacheSubnetGroupCommand).resolves({});
    const r = resolved('elasticache.SubnetGroup', 'cache/subnets', 'shop-it-cache', spec);
    const observed = observedOf(r, 'shop-it-cache', { ...spec, subnetIds: ['subnet-z'] });
    await elasticacheSubnetGroupApplier.update(r, observed, diffResource(r.spec, observed.spec, r.kind), ctx);
    expect(elasticache).toHaveReceivedCommandWith(ModifyCacheSubnetGroupCommand, {
      SubnetIds: ['subnet-a', 'subnet-b'],
    });
  });

  it.each([
    { reason: 'deleted', answer: undefined, outcome: 'resolves' },
    {
      reason: 'already gone',
      answer: new CacheSubnetGroupNotFoundFault({ message: 'gone', ...meta }),
      outcome: 'resolves',
    },
    {
      reason: 'still in use',
      answer: new CacheSubnetGroupInUse({ message: 'in use', ...meta }),
      outcome: 'rejects',
    },
  ])('DeleteCacheSubnetGroup: $reason', async ({ answer, outcome }) => {
    if (answer) elasticache.on(DeleteCacheSubnetGroupCommand).rejects(answer);
    else elasticache.on(DeleteCacheSubnetGroupCommand).resolves({});
    const r = resolved('elasticache.SubnetGroup', 'cache/subnets', 'shop-it-cache', spec);
    const run = elasticacheSubnetGroupApplier.delete(observedOf(r, 'shop-it-cache', spec), ctx);
    if (outcome === 'resolves') await expect(run).resolves.toBeUndefined();
    else await expect(run).rejects.toBe(answer);
    expect(elasticache).toHaveReceivedCommandWith(DeleteCacheSubnetGroupCommand, {
      CacheSubnetGroupName: 'shop-it-cache',
    });
  });
});

describe('elasticache.ReplicationGroup (no Modify*, member clusters or real deletion in moto)', () => {
  const spec: Spec = {
    engine: 'redis',
    engineVersion: '7.1',
    cacheNodeType: 'cache.t4g.micro',
    numCacheClusters: 2,
    automaticFailoverEnabled: true,
    multiAzEnabled: true,
    cacheSubnetGroupName: 'shop-it-cache',
    securityGroupIds: ['sg-9'],
    description: 'redis',
  };
  const r = resolved('elasticache.ReplicationGroup', 'cache/redis', 'shop-it-redis', spec);
  const applier = createElasticacheReplicationGroupApplier({
    finalSnapshot: false,
    waitDelayMs: 0,
    maxWaitAttempts: 3,
  });

  it('reads engine version, subnet group and security groups from the member cluster', async () => {
    tagging.on(GetResourcesCommand).resolves({ ResourceTagMappingList: [] });
    elasticache.on(DescribeReplicationGroupsCommand).resolves({
      ReplicationGroups: [
        {
          ReplicationGroupId: 'shop-it-redis',
          ARN: 'arn:aws:elasticache:eu-west-1:1:replicationgroup:shop-it-redis',
          Status: 'available',
          Description: 'redis',
          CacheNodeType: 'cache.t4g.micro',
          MemberClusters: ['shop-it-redis-001', 'shop-it-redis-002'],
          AutomaticFailover: 'enabled',
          MultiAZ: 'enabled',
          Engine: 'redis',
          NodeGroups: [{ PrimaryEndpoint: { Address: 'master.redis', Port: 6379 } }],
        },
      ],
    });
    elasticache.on(ListCacheTagsCommand).resolves({ TagList: recordToTagList(r.tags) });
    elasticache.on(DescribeCacheClustersCommand).resolves({
      CacheClusters: [
        {
          EngineVersion: '7.1.0',
          CacheSubnetGroupName: 'shop-it-cache',
          SecurityGroups: [
            { SecurityGroupId: 'sg-9', Status: 'active' },
            { SecurityGroupId: 'sg-old', Status: 'removing' },
          ],
        },
      ],
    });
    const [observed] = await elasticacheReplicationGroupObserver.observe(
      [{ logicalId: r.logicalId, name: r.name, spec }],
      observeCtx,
    );
    expect(observed?.spec).toEqual(spec);
    expect(observed?.outputs).toMatchObject({ url: 'redis://master.redis:6379' });
  });

  it.each([
    {
      reason: 'node type and failover',
      change: { cacheNodeType: 'cache.r6g.large', automaticFailoverEnabled: false },
      modify: { CacheNodeType: 'cache.r6g.large', AutomaticFailoverEnabled: false },
      replicas: undefined,
    },
    {
      reason: 'one more node',
      change: { numCacheClusters: 3 },
      modify: undefined,
      replicas: { cmd: IncreaseReplicaCountCommand, count: 2 },
    },
    {
      reason: 'one node less',
      change: { numCacheClusters: 1 },
      modify: undefined,
      replicas: { cmd: DecreaseReplicaCountCommand, count: 0 },
    },
  ])('updates only what changed: $reason', async ({ change, modify, replicas }) => {
    elasticache.on(ModifyReplicationGroupCommand).resolves({});
    elasticache.on(IncreaseReplicaCountCommand).resolves({});
    elasticache.on(DecreaseReplicaCountCommand).resolves({});
    const want = { ...r, spec: { ...spec, ...change } };
    const observed = observedOf(r, 'shop-it-redis', spec);
    await applier.update(want, observed, diffResource(want.spec, observed.spec, r.kind), ctx);
    if (modify) {
      expect(elasticache).toHaveReceivedCommandWith(ModifyReplicationGroupCommand, {
        ReplicationGroupId: 'shop-it-redis',
        ApplyImmediately: true,
        ...modify,
      });
    } else expect(elasticache).not.toHaveReceivedCommand(ModifyReplicationGroupCommand);
    if (replicas)
      expect(elasticache).toHaveReceivedCommandWith(replicas.cmd, {
        NewReplicaCount: replicas.count,
        ApplyImmediately: true,
      });
  });

  it('deletes without a snapshot when told to, and waits until the group is gone', async () => {
    const group = { ReplicationGroupId: 'shop-it-redis', Status: 'available' };
    elasticache
      .on(DescribeReplicationGroupsCommand)
      .resolvesOnce({ ReplicationGroups: [group] })
      .resolvesOnce({ ReplicationGroups: [{ ...group, Status: 'deleting' }] })
      .rejects(new ReplicationGroupNotFoundFault({ message: 'gone', ...meta }));
    elasticache.on(DeleteReplicationGroupCommand).resolves({});
    await applier.delete(observedOf(r, 'shop-it-redis', spec), ctx);
    const calls = elasticache.commandCalls(DeleteReplicationGroupCommand);
    expect(calls.map((c) => c.args[0].input)).toEqual([{ ReplicationGroupId: 'shop-it-redis' }]);
  });
});

describe('acm.Certificate (moto honours neither ResourceInUse nor a stale token)', () => {
  const r = resolved('acm.Certificate', 'cert', 'shop.example.com', {
    domainName: 'shop.example.com',
    subjectAlternativeNames: [],
    validationMethod: 'DNS',
  });
  const record = { Name: '_x.shop.example.com.', Type: 'CNAME' as const, Value: '_y.acm-validations.aws.' };

  it('requests a fresh certificate when ACM answers the token with a deleted one', async () => {
    tagging.on(GetResourcesCommand).resolves({ ResourceTagMappingList: [] });
    acm.on(ListCertificatesCommand).resolves({ CertificateSummaryList: [] });
    acm
      .on(RequestCertificateCommand)
      .resolvesOnce({ CertificateArn: 'arn:old' })
      .resolves({ CertificateArn: 'arn:new' });
    acm
      .on(DescribeCertificateCommand, { CertificateArn: 'arn:old' })
      .rejects(new ResourceNotFoundException({ message: 'gone', ...meta }));
    acm.on(DescribeCertificateCommand, { CertificateArn: 'arn:new' }).resolves({
      Certificate: {
        CertificateArn: 'arn:new',
        DomainName: 'shop.example.com',
        DomainValidationOptions: [{ DomainName: 'shop.example.com', ResourceRecord: record }],
      },
    });
    expect(await acmCertificateApplier.create(r, ctx)).toEqual({
      physicalId: 'arn:new',
      outputs: { arn: 'arn:new', validationRecordName: record.Name, validationRecordValue: record.Value },
    });
    const requests = acm.commandCalls(RequestCertificateCommand).map((c) => c.args[0].input.IdempotencyToken);
    expect(requests).toEqual(['tok1', undefined]);
  });

  it('waits (NotReady) while the validation record is not generated, and while a listener still uses it', async () => {
    tagging.on(GetResourcesCommand).resolves({ ResourceTagMappingList: [] });
    acm.on(ListCertificatesCommand).resolves({ CertificateSummaryList: [] });
    acm.on(RequestCertificateCommand).resolves({ CertificateArn: 'arn:c' });
    acm
      .on(DescribeCertificateCommand)
      .resolves({ Certificate: { CertificateArn: 'arn:c', DomainName: 'shop.example.com' } });
    await expect(acmCertificateApplier.create(r, ctx)).rejects.toBeInstanceOf(NotReadyError);
    acm.on(DeleteCertificateCommand).rejects(new ResourceInUseException({ message: 'in use', ...meta }));
    await expect(acmCertificateApplier.delete(observedOf(r, 'arn:c', r.spec), ctx)).rejects.toBeInstanceOf(
      NotReadyError,
    );
  });

  it.each([
    { status: 'ISSUED', health: 'Healthy' },
    { status: 'PENDING_VALIDATION', health: 'Progressing' },
    { status: 'FAILED', health: 'Degraded' },
    { status: 'EXPIRED', health: 'Degraded' },
  ])('maps status $status to $health', ({ status, health }) => {
    expect(certificateHealth(status).health).toBe(health);
  });
});
