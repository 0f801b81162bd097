/**
 * Secrets referenced by `${VAR}` in other values. A variable that names an SSM-supplied key (an
 * `environment` key without value that no interpolation layer sets, a compose `secrets:` entry, or the
 * generated password of a managed Postgres) has no value at load time. Interpolating it to `''`, as an
 * unset variable would be, makes `DATABASE_URL: postgres://u:${POSTGRES_PASSWORD}@db/x` silently differ
 * from the container's own `POSTGRES_PASSWORD`. Instead:
 *
 * - inside a service's `environment`, the value becomes a template (`$$` for a literal `$`, `${VAR}` for
 *   each secret) that the renderer turns into a derived SSM parameter, composed at deploy time;
 * - anywhere else (`command`, `entrypoint`, `image`, …) it is an error naming the field and what to do.
 *
 * During interpolation a secret variable expands to a placeholder that cannot occur in YAML text
 * (private-use characters), so later stages can find it wherever it ended up.
 *
 * @module
 */
import { looksSecret } from '../../diff/redact.js';
import type { SourceLocation } from '../../errors.js';
import type { ComposedEnvValue, ComposeService } from '../compose-types.js';
import type { Diagnostics } from './diagnostics.js';
import { COMPOSE_PROBLEM, COMPOSE_WARNING } from './errors.js';
import type { VariableLookup } from './interpolate.js';
import { keyedEntries } from './keyed-list.js';
import type { ProjectVariables } from './project-env.js';
import { fieldPath, indexPath, type RawNode, scalarText, valueAt } from './raw-node.js';

/** The variable a managed Postgres's password goes by in compose files (Defang's convention). */
export const MANAGED_PASSWORD_VARIABLE = 'POSTGRES_PASSWORD';

/** Extensions that make a service a managed Postgres. */
const POSTGRES_EXTENSIONS = ['x-stackctl-postgres', 'x-defang-postgres'] as const;

const OPEN = '\uE000';
const CLOSE = '\uE001';
const PLACEHOLDER = /\uE000([A-Za-z_][A-Za-z0-9_]*)\uE001/g;

/** The placeholder a secret variable expands to during interpolation. */
export function secretPlaceholder(name: string): string {
  return `${OPEN}${name}${CLOSE}`;
}

/** True when an interpolated string holds at least one secret placeholder. */
export function hasSecretPlaceholder(text: string): boolean {
  return text.includes(OPEN);
}

/**
 * An interpolated value with placeholders → a template in compose syntax: every other `$` doubled,
 * each secret as `${NAME}`. `interpolate(template, secretValues)` later yields the final value.
 */
export function composedTemplate(text: string): ComposedEnvValue {
  const variables = new Set<string>();
  const template = text.replaceAll('$', '$$$$').replace(PLACEHOLDER, (_m, name: string) => {
    variables.add(name);
    return `\${${name}}`;
  });
  return { template, variables: [...variables].sort() };
}

function isTruthyExtension(node: RawNode | undefined): boolean {
  if (node === undefined) return false;
  if (node.kind !== 'scalar') return true;
  return node.value !== null && node.value !== false && node.value !== 'false';
}

/** Names of the valueless `environment` keys and `secrets:` of one raw (uninterpolated) service. */
function declaredSecretKeys(service: RawNode): string[] {
  if (service.kind !== 'map') return [];
  const out: string[] = [];
  const env = valueAt(service, 'environment');
  for (const e of (env && keyedEntries(env, 'environment', '=')) ?? []) {
    if (e.node.kind === 'scalar' && e.node.value === null) out.push(e.key);
  }
  const secrets = valueAt(service, 'secrets');
  if (secrets?.kind === 'seq') {
    for (const item of secrets.items) {
      const source = item.kind === 'map' ? valueAt(item, 'source') : item;
      const name = source?.kind === 'scalar' ? scalarText(source) : undefined;
      if (name !== undefined && name !== '') out.push(name);
    }
  }
  return out;
}

/**
 * The variables that stand for SSM-supplied secrets in this file (read before interpolation): every
 * valueless `environment` key and compose secret no interpolation layer sets, and
 * {@link MANAGED_PASSWORD_VARIABLE} when a service is a managed Postgres (its password is generated, so
 * a value from the shell or `.env` would differ from what dependents receive; that is warned about).
 */
export function secretVariableNames(
  root: RawNode,
  variables: ProjectVariables,
  diag: Diagnostics,
): ReadonlySet<string> {
  const names = new Set<string>();
  const services = root.kind === 'map' ? valueAt(root, 'services') : undefined;
  if (services?.kind !== 'map') return names;
  for (const e of services.entries) {
    for (const key of declaredSecretKeys(e.value)) if (variables.lookup(key) === undefined) names.add(key);
    const service = e.value;
    if (service.kind !== 'map') continue;
    const extension = POSTGRES_EXTENSIONS.find((x) => isTruthyExtension(valueAt(service, x)));
    if (extension === undefined) continue;
    names.add(MANAGED_PASSWORD_VARIABLE);
    const layer = variables.layerOf(MANAGED_PASSWORD_VARIABLE);
    if (layer !== undefined) {
      diag.warnOnce(
        `managed-password:${MANAGED_PASSWORD_VARIABLE}`,
        COMPOSE_WARNING.composedSecret,
        `${MANAGED_PASSWORD_VARIABLE} is set in ${layer} but service "${e.key}" is a managed Postgres whose password stackctl generates; \${${MANAGED_PASSWORD_VARIABLE}} in environment values uses the generated password, not that value`,
        e.keyLoc,
        fieldPath('services', e.key),
      );
    }
  }
  return names;
}

/** `base`, except that each of `secrets` expands to its {@link secretPlaceholder}. */
export function placeholderLookup(base: VariableLookup, secrets: ReadonlySet<string>): VariableLookup {
  return (name) => (secrets.has(name) ? secretPlaceholder(name) : base(name));
}

function placeholderNames(text: string): string[] {
  return [...text.matchAll(PLACEHOLDER)].map((m) => m[1] ?? '');
}

function rejectIn(node: RawNode, path: string, diag: Diagnostics): RawNode {
  switch (node.kind) {
    case 'scalar': {
      if (typeof node.value !== 'string' || !hasSecretPlaceholder(node.value)) return node;
      for (const name of new Set(placeholderNames(node.value))) {
        diag.error(
          COMPOSE_PROBLEM.secretInterpolation,
          `\${${name}} is a secret supplied from SSM at deploy time and cannot be interpolated into ${path}: only environment values can be composed from secrets. ` +
            `Pass it to the container as an environment variable and reference it there (e.g. "$$${name}" in a shell command), or set ${name} in the shell, the stack file's env: or .env`,
          node.loc,
          path,
        );
      }
      return { ...node, value: node.value.replace(PLACEHOLDER, '') };
    }
    case 'seq':
      return { ...node, items: node.items.map((item, i) => rejectIn(item, indexPath(path, i), diag)) };
    case 'map':
      return {
        ...node,
        entries: node.entries.map((e) => ({ ...e, value: rejectIn(e.value, fieldPath(path, e.key), diag) })),
      };
  }
}

/**
 * Reports every secret placeholder outside a service's `environment` (and outside `x-` extensions,
 * which stackctl does not read) as an error at its line, and removes it so later stages see what
 * compose would have (an empty string).
 */
export function rejectSecretsOutsideEnvironment(root: RawNode, diag: Diagnostics): RawNode {
  if (root.kind !== 'map') return rejectIn(root, '', diag);
  return {
    ...root,
    entries: root.entries.map((top) => {
      if (top.key.startsWith('x-')) return top;
      if (top.key !== 'services' || top.value.kind !== 'map')
        return { ...top, value: rejectIn(top.value, top.key, diag) };
      return {
        ...top,
        value: {
          ...top.value,
          entries: top.value.entries.map((svc) => {
            const path = fieldPath('services', svc.key);
            if (svc.value.kind !== 'map') return { ...svc, value: rejectIn(svc.value, path, diag) };
            return {
              ...svc,
              value: {
                ...svc.value,
                entries: svc.value.entries.map((f) =>
                  f.key === 'environment' || f.key.startsWith('x-')
                    ? f
                    : { ...f, value: rejectIn(f.value, fieldPath(path, f.key), diag) },
                ),
              },
            };
          }),
        },
      };
    }),
  };
}

/**
 * A normalized service's environment settled against the interpolation environment:
 *
 * - a key without value that a layer sets takes that value, as `docker compose` does; when its name
 *   looks secret, a warning names the service, key and layer (never the value), and every output
 *   redacts it (the redaction rule is the same name test);
 * - a value holding secret placeholders moves to `composedEnvironment` as a template.
 */
export function settleEnvironment(
  service: ComposeService,
  variables: ProjectVariables,
  locations: Readonly<Record<string, SourceLocation>>,
  diag: Diagnostics,
): ComposeService {
  const environment = new Map<string, string | null>();
  const composed = new Map<string, ComposedEnvValue>();
  const sensitive: string[] = [];
  const envPath = fieldPath(fieldPath('services', service.name), 'environment');
  for (const [key, value] of Object.entries(service.environment)) {
    if (value === null) {
      const supplied = variables.lookup(key);
      environment.set(key, supplied ?? null);
      const layer = variables.layerOf(key);
      if (supplied !== undefined && layer !== undefined && looksSecret(key)) {
        sensitive.push(key);
        const field = fieldPath(envPath, key);
        diag.warn(
          COMPOSE_WARNING.envFromInterpolation,
          `service "${service.name}": ${key} has no value in compose and takes the one set in ${layer} (as docker compose does); it looks like a secret, so it is redacted in every output: prefer \`stackctl config set ${key}\``,
          locations[field],
          field,
        );
      }
    } else if (hasSecretPlaceholder(value)) {
      composed.set(key, composedTemplate(value));
    } else {
      environment.set(key, value);
    }
  }
  return {
    ...service,
    environment: Object.fromEntries(environment),
    ...(composed.size === 0 ? {} : { composedEnvironment: Object.fromEntries(composed) }),
    ...(sensitive.length === 0 ? {} : { interpolatedSecretKeys: sensitive.sort() }),
  };
}
