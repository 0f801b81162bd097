/**
 * Managed data: a service with `x-stackctl-postgres` becomes an RDS PostgreSQL instance (password
 * generated into SSM, never rendered), one with `x-stackctl-redis` an ElastiCache replication group.
 * Both live in the private subnets behind their own security group; neither gets an ECS service.
 *
 * @module
 */
import type { ResolvedStack } from '../resolved-types.js';
import type { DesiredResource } from '../resource-types.js';
import { ref } from '../resource-types.js';
import { type RenderContext, resource } from './context.js';
import type { ServiceModel, StackModel } from './model.js';
import { envKey, NAME_LIMITS, parameterName, physicalName } from './naming.js';

/** Postgres major version when the image tag gives none. */
export const DEFAULT_POSTGRES_VERSION = '16';
/** Redis version when the image tag gives none. */
export const DEFAULT_REDIS_VERSION = '7.1';
/** Database created when compose sets no `POSTGRES_DB`. */
export const DEFAULT_POSTGRES_DB = 'app';
/** Master user when compose sets no `POSTGRES_USER` (the postgres image's own default). */
export const DEFAULT_POSTGRES_USER = 'postgres';

/** Everything about one managed Postgres that its dependents also need. */
export interface PostgresSettings {
  readonly instanceId: string;
  readonly parameterId: string;
  /** SSM name of the generated password, e.g. `/stackctl/P/S/DB_PASSWORD`. */
  readonly parameterName: string;
  readonly dbName: string;
  readonly masterUsername: string;
  readonly engineVersion: string;
}

/** The settings of Postgres service `svc`, from its compose environment and image tag. */
export function postgresSettings(model: StackModel, svc: ServiceModel): PostgresSettings {
  const env = svc.resolved.environment;
  return {
    instanceId: `db/${svc.name}`,
    parameterId: `param/${svc.name}-password`,
    parameterName: parameterName(model.project, model.stack, generatedPasswordKey(svc.name)),
    dbName: env.POSTGRES_DB?.value ?? DEFAULT_POSTGRES_DB,
    masterUsername: env.POSTGRES_USER?.value ?? DEFAULT_POSTGRES_USER,
    engineVersion: svc.resolved.compose.postgres?.engineVersion ?? DEFAULT_POSTGRES_VERSION,
  };
}

/** The SSM key of a generated password: `<SVC>_PASSWORD`. Never a user-supplied secret. */
export function generatedPasswordKey(service: string): string {
  return `${envKey(service)}_PASSWORD`;
}

/** Logical id of a managed Redis. */
export function cacheId(service: string): string {
  return `cache/${service}`;
}

function renderPostgres(ctx: RenderContext, resolved: ResolvedStack): DesiredResource[] {
  const { model, network } = ctx;
  if (model.postgres.length === 0) return [];
  const pg = resolved.postgres;
  const out: DesiredResource[] = [
    resource(model, {
      kind: 'rds.DBSubnetGroup',
      logicalId: 'db/subnets',
      name: `${model.base}-db`,
      spec: {
        description: `stackctl ${model.project}/${model.stack} postgres`,
        subnetIds: network.privateSubnets.ids,
      },
      dependsOn: network.privateSubnets.dependsOn,
    }),
  ];
  for (const svc of model.postgres) {
    const s = postgresSettings(model, svc);
    const name = physicalName(
      { project: model.project, stack: model.stack, name: svc.name, kind: 'db' },
      NAME_LIMITS['rds.DBInstance'],
      `postgres:${s.dbName}:${s.masterUsername}`,
    );
    const sg = `sg/db/${svc.name}`;
    out.push(
      resource(model, {
        kind: 'ssm.Parameter',
        logicalId: s.parameterId,
        name: s.parameterName,
        spec: { name: s.parameterName, type: 'SecureString', generate: 'random' },
        dependsOn: [],
      }),
      resource(model, {
        kind: 'rds.DBInstance',
        logicalId: s.instanceId,
        name,
        spec: {
          engine: 'postgres',
          engineVersion: s.engineVersion,
          instanceClass: pg.instanceClass.value,
          allocatedStorage: pg.allocatedStorageGiB.value,
          multiAz: pg.multiAz.value,
          backupRetentionPeriod: pg.backupRetentionDays.value,
          deletionProtection: pg.deletionProtection.value,
          dbSubnetGroupName: ref('db/subnets', 'name'),
          vpcSecurityGroupIds: [ref(sg, 'id')],
          masterUsername: s.masterUsername,
          dbName: s.dbName,
          storageEncrypted: true,
          masterPasswordParameter: ref(s.parameterId, 'name'),
        },
        dependsOn: ['db/subnets', sg, s.parameterId],
      }),
    );
  }
  return out;
}

function renderRedis(ctx: RenderContext, resolved: ResolvedStack): DesiredResource[] {
  const { model, network } = ctx;
  if (model.redis.length === 0) return [];
  const redis = resolved.redis;
  const nodes = redis.nodes.value;
  // ElastiCache refuses automatic failover (and Multi-AZ) with a single node.
  const failover = redis.automaticFailover.value && nodes >= 2;
  const out: DesiredResource[] = [
    resource(model, {
      kind: 'elasticache.SubnetGroup',
      logicalId: 'cache/subnets',
      name: `${model.base}-cache`,
      spec: {
        description: `stackctl ${model.project}/${model.stack} redis`,
        subnetIds: network.privateSubnets.ids,
      },
      dependsOn: network.privateSubnets.dependsOn,
    }),
  ];
  for (const svc of model.redis) {
    const sg = `sg/cache/${svc.name}`;
    out.push(
      resource(model, {
        kind: 'elasticache.ReplicationGroup',
        logicalId: cacheId(svc.name),
        name: physicalName(
          { project: model.project, stack: model.stack, name: svc.name, kind: 'cache' },
          NAME_LIMITS['elasticache.ReplicationGroup'],
        ),
        spec: {
          engine: 'redis',
          engineVersion: svc.resolved.compose.redis?.engineVersion ?? DEFAULT_REDIS_VERSION,
          cacheNodeType: redis.nodeType.value,
          numCacheClusters: nodes,
          automaticFailoverEnabled: failover,
          multiAzEnabled: failover,
          cacheSubnetGroupName: ref('cache/subnets', 'name'),
          securityGroupIds: [ref(sg, 'id')],
          description: `stackctl ${model.project}/${model.stack} redis ${svc.name}`,
        },
        dependsOn: ['cache/subnets', sg],
      }),
    );
  }
  return out;
}

/** Subnet groups, parameters, RDS instances and ElastiCache replication groups. */
export function renderData(ctx: RenderContext): DesiredResource[] {
  return [...renderPostgres(ctx, ctx.resolved), ...renderRedis(ctx, ctx.resolved)];
}
