/**
 * `loadCompose`: compose file → {@link ComposeModel}.
 *
 * Stages, each in its own module: YAML with locations (anchors, `<<`) → interpolation → top level →
 * `extends` → profiles → per-service normalization. Every problem is collected; if any is an error, one
 * {@link ComposeError} lists them all. Nothing here touches AWS or needs build contexts or bind-mounted
 * files to exist.
 *
 * @module
 */
import { dirname, resolve } from 'node:path';
import type { SourceLocation } from '../../errors.js';
import type { ComposeModel, ComposeService } from '../compose-types.js';
import type { ServiceStates } from './depends-on.js';
import { Diagnostics } from './diagnostics.js';
import { ComposeError } from './errors.js';
import { resolveExtends } from './extends.js';
import { interpolateTree } from './interpolate-tree.js';
import { checkServiceKeys, normalizeService } from './normalize-service.js';
import { projectVariables } from './project-env.js';
import { fieldPath, indexPath, type RawMap, type RawNode, valueAt } from './raw-node.js';
import {
  placeholderLookup,
  rejectSecretsOutsideEnvironment,
  secretVariableNames,
  settleEnvironment,
} from './secret-variables.js';
import { warnStatefulImages } from './stateful-images.js';
import { readTopLevel } from './top-level.js';
import { readYamlFile } from './yaml-source.js';

/** What to load and with which variables and profiles. */
export interface LoadComposeOptions {
  /** The compose file (relative paths resolve against the current directory). */
  readonly file: string;
  /** Shell environment, the highest interpolation source. @default process.env */
  readonly env?: Readonly<Record<string, string>>;
  /** The stack file's `env:`, between the shell and the project `.env`. @default {} */
  readonly stackEnv?: Readonly<Record<string, string>>;
  /**
   * Profiles to enable; `'*'` enables all.
   * @default the comma-separated `COMPOSE_PROFILES` variable, else none
   */
  readonly profiles?: readonly string[];
}

/**
 * Loads and normalizes a compose file.
 *
 * @throws {ComposeError} listing every problem (file, line, column, field) when the file is invalid.
 * @example
 * const model = loadCompose({ file: 'compose.yaml', stackEnv: stack.env, profiles: ['worker'] });
 */
export function loadCompose(options: LoadComposeOptions): ComposeModel {
  const file = resolve(options.file);
  const projectDir = dirname(file);
  const diag = new Diagnostics();
  const variables = projectVariables(
    { shell: options.env ?? process.env, stackEnv: options.stackEnv ?? {}, projectDir },
    diag,
  );
  const { lookup } = variables;
  const parsed = readYamlFile(file, diag);
  if (parsed === undefined) throw new ComposeError(inFileOrder(diag.errors, file));
  // Secrets interpolate to placeholders: composed at deploy time in environment values, errors elsewhere.
  const withSecrets = placeholderLookup(lookup, secretVariableNames(parsed, variables, diag));
  const interpolate = (node: RawNode): RawNode =>
    rejectSecretsOutsideEnvironment(interpolateTree(node, withSecrets, diag), diag);
  const root = interpolate(parsed);
  const top = readTopLevel(root, diag);
  const locations: Record<string, SourceLocation> = {};
  if (root.kind === 'map') {
    for (const e of root.entries) {
      if (e.key !== 'services' && !e.key.startsWith('x-'))
        recordLocations(e.value, e.key, e.keyLoc, locations);
    }
  }
  const otherFiles = new Map<string, RawMap | undefined>();
  const services =
    top.services &&
    resolveExtends(top.services, file, {
      diag,
      loadServices: (other, reference) => {
        if (other === file) return top.services;
        if (!otherFiles.has(other)) {
          const raw = readYamlFile(other, diag, reference);
          const tree = raw && interpolate(raw);
          const node = tree?.kind === 'map' ? valueAt(tree, 'services') : undefined;
          otherFiles.set(other, node?.kind === 'map' ? node : undefined);
        }
        return otherFiles.get(other);
      },
    });
  const selected = options.profiles ?? profilesFromEnv(lookup('COMPOSE_PROFILES'));
  const states = serviceStates(services, selected);
  const normalized = new Map<string, ComposeService>();
  let usesDefaultNetwork = false;
  for (const e of services?.entries ?? []) {
    if (e.value.kind !== 'map') continue;
    const path = fieldPath('services', e.key);
    checkServiceKeys(e.value, path, diag);
    if (!states.get(e.key)?.enabled) continue;
    recordLocations(e.value, path, e.keyLoc, locations);
    const service = normalizeService(e.key, e.value, {
      diag,
      lookup,
      declared: top.declared,
      services: states,
      projectDir,
      locations,
    });
    usesDefaultNetwork ||= service.networks.includes('default');
    normalized.set(e.key, settleEnvironment(service, variables, locations, diag));
  }
  warnStatefulImages(normalized.values(), locations, diag);
  if (diag.errors.length > 0) throw new ComposeError(inFileOrder(diag.errors, file));
  const networks = [...top.declared.networks];
  if (usesDefaultNetwork && !networks.includes('default')) networks.push('default');
  return {
    ...(top.name === undefined ? {} : { name: top.name }),
    services: Object.fromEntries(normalized),
    volumes: [...top.declared.volumes],
    networks,
    secrets: [...top.declared.secrets],
    file,
    warnings: inFileOrder(diag.warnings, file),
    locations,
  };
}

/** Findings sorted by line within each file; the entry file first, then others as first met. */
function inFileOrder<T extends { readonly location?: SourceLocation | undefined }>(
  problems: readonly T[],
  entry: string,
): T[] {
  const fileRank = new Map<string, number>([[entry, 0]]);
  for (const p of problems) {
    const f = p.location?.file ?? entry;
    if (!fileRank.has(f)) fileRank.set(f, fileRank.size);
  }
  const rank = (p: T): readonly [number, number, number] => [
    fileRank.get(p.location?.file ?? entry) ?? 0,
    p.location?.line ?? 0,
    p.location?.column ?? 0,
  ];
  return problems
    .map((p, i) => ({ p, i, r: rank(p) }))
    .sort((a, b) => a.r[0] - b.r[0] || a.r[1] - b.r[1] || a.r[2] - b.r[2] || a.i - b.i)
    .map((x) => x.p);
}

/** Whether each service is enabled: no `profiles`, or one of them selected (or `'*'`). */
function serviceStates(services: RawMap | undefined, selected: readonly string[]): ServiceStates {
  const states = new Map<string, { enabled: boolean; profiles: readonly string[] }>();
  for (const e of services?.entries ?? []) {
    const node = e.value.kind === 'map' ? valueAt(e.value, 'profiles') : undefined;
    const profiles =
      node?.kind === 'seq'
        ? node.items.flatMap((i) => (i.kind === 'scalar' && typeof i.value === 'string' ? [i.value] : []))
        : [];
    const enabled =
      profiles.length === 0 || selected.includes('*') || profiles.some((p) => selected.includes(p));
    states.set(e.key, { enabled, profiles });
  }
  return states;
}

function profilesFromEnv(value: string | undefined): readonly string[] {
  return (value ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
}

/** Field path → location for `node` and everything under it. */
function recordLocations(
  node: RawNode,
  path: string,
  at: SourceLocation,
  out: Record<string, SourceLocation>,
): void {
  out[path] = at;
  if (node.kind === 'map')
    for (const e of node.entries) recordLocations(e.value, fieldPath(path, e.key), e.keyLoc, out);
  else if (node.kind === 'seq')
    for (const [i, item] of node.items.entries()) recordLocations(item, indexPath(path, i), item.loc, out);
}
