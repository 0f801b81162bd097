/**
 * Connection settings injected into services that `depends_on` a managed data service: what a compose
 * app would have found at `db:5432` locally, pointed at RDS / ElastiCache instead.
 *
 * @module
 */
import type { SpecValue } from '../resource-types.js';
import { ref } from '../resource-types.js';
import type { ServiceModel, StackModel } from './model.js';
import { cacheId, postgresSettings } from './render-data.js';
import { POSTGRES_PORT, REDIS_PORT } from './render-security-groups.js';

/** Extra environment, secrets and dependencies of one ECS service. */
export interface DataBindings {
  /** Values may be refs (e.g. `POSTGRES_HOST` = the instance address). */
  readonly environment: Readonly<Record<string, SpecValue>>;
  /** Env name → SSM parameter name. */
  readonly secrets: Readonly<Record<string, string>>;
  readonly dependsOn: readonly string[];
}

/**
 * The attribute of `elasticache.ReplicationGroup` holding `redis://<primary endpoint>:<port>`.
 * Not yet in RESOURCE_OUTPUTS: the observer must expose it.
 */
export const REDIS_URL_ATTR = 'url';

/** Bindings of `svc` to the managed data services it depends on. */
export function dataBindings(model: StackModel, svc: ServiceModel): DataBindings {
  const environment: Record<string, SpecValue> = {};
  const secrets: Record<string, string> = {};
  const dependsOn: string[] = [];
  const deps = svc.dependsOn.map((d) => model.services.find((s) => s.name === d));
  const pg = deps.find((d) => d?.role === 'postgres');
  if (pg !== undefined) {
    const s = postgresSettings(model, pg);
    environment.POSTGRES_HOST = ref(s.instanceId, 'address');
    environment.POSTGRES_PORT = String(POSTGRES_PORT);
    environment.POSTGRES_USER = s.masterUsername;
    environment.POSTGRES_DB = s.dbName;
    secrets.POSTGRES_PASSWORD = s.parameterName;
    dependsOn.push(s.instanceId, s.parameterId);
  }
  const redis = deps.find((d) => d?.role === 'redis');
  if (redis !== undefined) {
    const id = cacheId(redis.name);
    environment.REDIS_HOST = ref(id, 'primaryEndpoint');
    environment.REDIS_PORT = String(REDIS_PORT);
    environment.REDIS_URL = ref(id, REDIS_URL_ATTR);
    dependsOn.push(id);
  }
  return { environment, secrets, dependsOn };
}
