/**
 * `build:` (string or mapping). stackctl never builds, but keeps context, dockerfile, target and args so
 * later stages can say precisely which image is missing; other build keys are noted with a warning.
 *
 * @module
 */
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import type { ComposeService } from '../compose-types.js';
import type { Diagnostics } from './diagnostics.js';
import { COMPOSE_PROBLEM, COMPOSE_WARNING } from './errors.js';
import type { VariableLookup } from './interpolate.js';
import { keyedEntries } from './keyed-list.js';
import { type BaseDirOf, type RawNode, scalarText, valueAt } from './raw-node.js';
import { BUILD_FIELDS } from './service-fields.js';
import { checkKnownKeys, readString } from './values.js';

type Build = NonNullable<ComposeService['build']>;
const KEPT = new Set(['context', 'dockerfile', 'target', 'args']);

/**
 * Normalizes `build` at `path`. `context` is resolved against {@link BaseDirOf} its file (it may have
 * been written in an `extends` file elsewhere) and made relative to `projectDir`; URLs are kept as written.
 */
export function normalizeBuild(
  node: RawNode,
  path: string,
  projectDir: string,
  lookup: VariableLookup,
  diag: Diagnostics,
  baseDirOf: BaseDirOf = dirname,
): Build | undefined {
  if (node.kind === 'scalar') {
    const context = scalarText(node);
    return context === undefined
      ? undefined
      : { context: projectRelative(context, node, projectDir, baseDirOf) };
  }
  if (node.kind !== 'map') {
    diag.error(COMPOSE_PROBLEM.invalidValue, 'must be a build context path or a mapping', node.loc, path);
    return undefined;
  }
  checkKnownKeys(node, BUILD_FIELDS, path, diag);
  for (const e of node.entries) {
    if (!KEPT.has(e.key) && BUILD_FIELDS.has(e.key)) {
      diag.warn(
        COMPOSE_WARNING.ignoredField,
        `${e.key} is ignored: stackctl builds with context, dockerfile, args and target only`,
        e.keyLoc,
        `${path}.${e.key}`,
      );
    }
  }
  const contextNode = valueAt(node, 'context');
  const context = contextNode === undefined ? '.' : (readString(contextNode, `${path}.context`, diag) ?? '.');
  const dockerfileNode = valueAt(node, 'dockerfile');
  const dockerfile =
    dockerfileNode === undefined ? undefined : readString(dockerfileNode, `${path}.dockerfile`, diag);
  const targetNode = valueAt(node, 'target');
  const target = targetNode === undefined ? undefined : readString(targetNode, `${path}.target`, diag);
  const argsNode = valueAt(node, 'args');
  const args = argsNode === undefined ? undefined : buildArgs(argsNode, `${path}.args`, lookup, diag);
  return {
    context: projectRelative(context, contextNode ?? node, projectDir, baseDirOf),
    ...(dockerfile === undefined ? {} : { dockerfile }),
    ...(target === undefined ? {} : { target }),
    ...(args === undefined ? {} : { args }),
  };
}

/** Build args; one given without a value takes the interpolation environment's value, as compose does. */
function buildArgs(
  node: RawNode,
  path: string,
  lookup: VariableLookup,
  diag: Diagnostics,
): Record<string, string> {
  const entries = keyedEntries(node, path, '=');
  if (entries === undefined) {
    diag.error(COMPOSE_PROBLEM.invalidValue, 'must be a mapping or a list of KEY=VALUE', node.loc, path);
    return {};
  }
  const out = new Map<string, string>();
  for (const e of entries) {
    const value =
      e.node.kind === 'scalar' ? (scalarText(e.node) ?? lookup(e.key)) : readString(e.node, e.path, diag);
    if (value !== undefined) out.set(e.key, value);
  }
  return Object.fromEntries(out);
}

function projectRelative(context: string, at: RawNode, projectDir: string, baseDirOf: BaseDirOf): string {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(context) || context.startsWith('git@')) return context;
  const absolute = isAbsolute(context) ? context : resolve(baseDirOf(at.loc.file), context);
  return relative(projectDir, absolute) || '.';
}
