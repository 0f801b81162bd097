/**
 * Composed secrets: an environment value that interpolates a secret (`DATABASE_URL:
 * postgres://u:${POSTGRES_PASSWORD}@db/x`) becomes a derived SSM SecureString owned by the stack,
 * composed at deploy time from its source parameters and injected through the task definition's
 * `secrets`, like any secret. The spec holds the template and the source parameter names only: no value
 * is ever rendered, planned or stored.
 *
 * Each variable's source is the parameter the container's own key of that name comes from, so the
 * composed value can never differ from it: the service's own secret (a key without value, a compose
 * secret) or its managed-database password; else, for `POSTGRES_PASSWORD`, the generated password of a
 * managed Postgres (the one it depends on, else the first); else the generated password named
 * `<SVC>_PASSWORD`; else the stack's config key `/stackctl/<project>/<stack>/<VAR>`.
 *
 * @module
 */
import { MANAGED_PASSWORD_VARIABLE } from '../compose/secret-variables.js';
import type { DesiredResource } from '../resource-types.js';
import { compareStrings } from './canonical.js';
import { type RenderContext, resource } from './context.js';
import { dataBindings } from './data-env.js';
import type { ServiceModel, StackModel } from './model.js';
import { parameterName } from './naming.js';
import { generatedPasswordKey, postgresSettings } from './render-data.js';

/**
 * The `content` a composed parameter should have. The observer reports it when the stored value equals
 * the template composed from the current sources, something else when a source changed since.
 */
export const COMPOSED_CONTENT_CURRENT = 'composed from current sources';

/** Sub-path of the stack's SSM path that holds derived parameters (never a user config key). */
export const COMPOSED_PATH_SEGMENT = '_composed';

/** Logical-id prefix of every composed parameter. */
export const COMPOSED_PARAMETER_PREFIX = 'param/composed/';

/** Logical id of the composed parameter of `service`'s `key`. */
export function composedParameterId(service: string, key: string): string {
  return `${COMPOSED_PARAMETER_PREFIX}${service}/${key}`;
}

/** SSM name of a composed parameter: `/stackctl/<project>/<stack>/_composed/<service>/<KEY>`. */
export function composedParameterName(project: string, stack: string, service: string, key: string): string {
  const safe = (s: string): string => s.replace(/[^A-Za-z0-9_.-]/g, '_');
  return parameterName(project, stack, `${COMPOSED_PATH_SEGMENT}/${safe(service)}/${safe(key)}`);
}

/** Where one secret variable's value comes from. */
interface Source {
  readonly parameterName: string;
  /** Logical id of the parameter when the stack generates it (a dependency), else undefined. */
  readonly parameterId?: string;
  /** The config key the user sets with `stackctl config set`, when it is one. */
  readonly configKey?: string;
}

function sourceOf(model: StackModel, svc: ServiceModel, variable: string): Source {
  const data = dataBindings(model, svc).secrets[variable];
  if (data !== undefined) {
    const pg = model.postgres.find((p) => postgresSettings(model, p).parameterName === data);
    return pg === undefined
      ? { parameterName: data }
      : { parameterName: data, parameterId: postgresSettings(model, pg).parameterId };
  }
  if (variable === MANAGED_PASSWORD_VARIABLE && !svc.resolved.secretKeys.includes(variable)) {
    const pg = model.postgres.find((p) => svc.dependsOn.includes(p.name)) ?? model.postgres[0];
    if (pg !== undefined) {
      const s = postgresSettings(model, pg);
      return { parameterName: s.parameterName, parameterId: s.parameterId };
    }
  }
  const generated = model.postgres.find((p) => generatedPasswordKey(p.name) === variable);
  if (generated !== undefined) {
    const s = postgresSettings(model, generated);
    return { parameterName: s.parameterName, parameterId: s.parameterId };
  }
  return { parameterName: parameterName(model.project, model.stack, variable), configKey: variable };
}

/** One composed key of one ECS service. */
export interface ComposedBinding {
  readonly key: string;
  readonly logicalId: string;
  readonly parameterName: string;
  readonly template: string;
  /** Variable → source parameter name. */
  readonly sources: Readonly<Record<string, string>>;
  /** Generated source parameters to create first. */
  readonly dependsOn: readonly string[];
  /** Config keys the user must have set. */
  readonly configKeys: readonly string[];
}

/** The composed keys of `svc`, sorted by key. */
export function composedBindings(model: StackModel, svc: ServiceModel): ComposedBinding[] {
  const composed = svc.resolved.composedEnvironment ?? {};
  return Object.keys(composed)
    .sort(compareStrings)
    .map((key) => {
      const value = composed[key] as NonNullable<(typeof composed)[string]>;
      const sources = value.variables.map((v) => [v, sourceOf(model, svc, v)] as const);
      return {
        key,
        logicalId: composedParameterId(svc.name, key),
        parameterName: composedParameterName(model.project, model.stack, svc.name, key),
        template: value.template,
        sources: Object.fromEntries(sources.map(([v, s]) => [v, s.parameterName])),
        dependsOn: sources.flatMap(([, s]) => (s.parameterId === undefined ? [] : [s.parameterId])),
        configKeys: sources.flatMap(([, s]) => (s.configKey === undefined ? [] : [s.configKey])),
      };
    });
}

/** Env name → composed parameter name, for the task definition's `secrets`. */
export function composedSecrets(model: StackModel, svc: ServiceModel): Record<string, string> {
  return Object.fromEntries(composedBindings(model, svc).map((b) => [b.key, b.parameterName]));
}

/** Config keys every composed parameter of the stack reads. */
export function composedConfigKeys(model: StackModel): string[] {
  return model.ecs.flatMap((svc) => composedBindings(model, svc).flatMap((b) => b.configKeys));
}

/** `param/composed/<svc>/<KEY>` for every composed key of every ECS-run service. */
export function renderComposedParameters(ctx: RenderContext): DesiredResource[] {
  const { model } = ctx;
  return model.ecs.flatMap((svc) =>
    composedBindings(model, svc).map((b) =>
      resource(model, {
        kind: 'ssm.Parameter',
        logicalId: b.logicalId,
        name: b.parameterName,
        spec: {
          name: b.parameterName,
          type: 'SecureString',
          template: b.template,
          sources: b.sources,
          content: COMPOSED_CONTENT_CURRENT,
        },
        dependsOn: b.dependsOn,
      }),
    ),
  );
}
