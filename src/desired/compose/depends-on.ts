/**
 * `depends_on` (list or mapping with `condition`, `required`, `restart`), checked against the project:
 * a dependency on an unknown service, or on one switched off by the selected profiles, is an error
 * naming it; with `required: false` it is dropped with a warning, as compose does.
 *
 * @module
 */
import type { ComposeDependency } from '../compose-types.js';
import type { Diagnostics } from './diagnostics.js';
import { COMPOSE_PROBLEM, COMPOSE_WARNING } from './errors.js';
import { keyedEntries } from './keyed-list.js';
import { type RawNode, valueAt } from './raw-node.js';
import { checkKnownKeys, readBoolean, readMap, readString } from './values.js';

const KEYS = new Set(['condition', 'required', 'restart']);
const CONDITIONS = ['service_started', 'service_healthy', 'service_completed_successfully'] as const;
type Condition = (typeof CONDITIONS)[number];

/** Every service of the project and whether the selected profiles enable it. @internal */
export type ServiceStates = ReadonlyMap<
  string,
  { readonly enabled: boolean; readonly profiles: readonly string[] }
>;

/** Normalizes the `depends_on` of service `self` at `path`. */
export function normalizeDependsOn(
  node: RawNode,
  path: string,
  self: string,
  services: ServiceStates,
  diag: Diagnostics,
): Record<string, ComposeDependency> {
  const entries = keyedEntries(node, path, undefined);
  if (entries === undefined) {
    diag.error(COMPOSE_PROBLEM.invalidValue, 'must be a list of service names or a mapping', node.loc, path);
    return {};
  }
  const out = new Map<string, ComposeDependency>();
  for (const e of entries) {
    let condition: Condition = 'service_started';
    let required = true;
    const settings = readMap(e.node, e.path, diag);
    if (settings) {
      checkKnownKeys(settings, KEYS, e.path, diag);
      const c = valueAt(settings, 'condition');
      const text = c === undefined ? undefined : readString(c, `${e.path}.condition`, diag);
      const known = CONDITIONS.find((k) => k === text);
      if (known) condition = known;
      else if (c !== undefined && text !== undefined) {
        diag.error(
          COMPOSE_PROBLEM.invalidValue,
          `condition must be one of ${CONDITIONS.join(', ')}`,
          c.loc,
          `${e.path}.condition`,
        );
      }
      const r = valueAt(settings, 'required');
      if (r !== undefined) required = readBoolean(r, `${e.path}.required`, diag) ?? true;
      const restart = valueAt(settings, 'restart');
      if (restart !== undefined) {
        diag.warn(
          COMPOSE_WARNING.ignoredField,
          'restart is not supported by stackctl; ignored',
          restart.loc,
          `${e.path}.restart`,
        );
      }
    }
    const state = services.get(e.key);
    const problem =
      e.key === self
        ? 'a service cannot depend on itself'
        : state === undefined
          ? `depends on service "${e.key}", which is not defined`
          : !state.enabled
            ? `depends on service "${e.key}", which is not enabled by the selected profiles (enable one of: ${state.profiles.join(', ')})`
            : undefined;
    if (problem !== undefined) {
      if (required || e.key === self) diag.error(COMPOSE_PROBLEM.reference, problem, e.loc, e.path);
      else diag.warn(COMPOSE_WARNING.reference, `${problem}; skipped because required: false`, e.loc, e.path);
      continue;
    }
    out.set(e.key, { condition, required });
  }
  return Object.fromEntries(out);
}
