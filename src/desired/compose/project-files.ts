/**
 * A project's compose files as compose reads them (compose-go `loader.loadYamlModel`): each file is
 * parsed, interpolated, has its `include:` loaded and its `extends` resolved, and is then merged over
 * the files before it with compose's merge rules (merge.ts). The first file alone is the whole project
 * when there is one file, exactly as before multi-file loading existed.
 *
 * Every node keeps the file, line and column it was written at, so a problem in the second file names
 * the second file.
 *
 * @module
 */
import { dirname } from 'node:path';
import type { Diagnostics } from './diagnostics.js';
import { COMPOSE_PROBLEM } from './errors.js';
import { resolveExtends } from './extends.js';
import { resolveIncludes } from './include.js';
import { interpolateTree } from './interpolate-tree.js';
import { mergeComposeFiles, withoutResets } from './merge.js';
import type { ProjectVariables } from './project-env.js';
import { type RawMap, type RawNode, valueAt } from './raw-node.js';
import {
  placeholderLookup,
  rejectSecretsOutsideEnvironment,
  secretVariableNames,
} from './secret-variables.js';
import { type FileReference, parseYaml, readYamlFile } from './yaml-source.js';

/** What loading a project's files shares across one load. @internal */
export interface ProjectFilesContext {
  readonly diag: Diagnostics;
  /** Texts the cache key was computed from, by absolute path: parsed instead of read again. */
  readonly keyedTexts: ReadonlyMap<string, string>;
  /** Every file read that the cache key does not cover (`extends` and `include` files, their env files). */
  readonly unkeyed: Set<string>;
  /** The interpolated `services:` of each file an `extends: { file }` named, read once per load. */
  readonly extendsFiles: Map<string, RawMap | undefined>;
  /**
   * Each project file's base directory for relative paths, filled while loading: the project directory
   * (its first file's) for every file of a project, so `-f ../x/b.yaml` writes paths as compose reads
   * them; files absent here (`extends` files) use their own directory.
   */
  readonly baseDirs: Map<string, string>;
}

/**
 * The merged root of `files` (absolute, in order), interpolated with `variables`; `undefined` (reported)
 * when a file cannot be read or parsed. `chain` lists the files including this project (cycle detection).
 */
export function loadProjectFiles(
  files: readonly string[],
  variables: ProjectVariables,
  chain: readonly string[],
  ctx: ProjectFilesContext,
  reference?: FileReference,
): RawNode | undefined {
  const { diag } = ctx;
  const parsed = files.map((file) => read(file, ctx, reference));
  if (parsed.some((tree) => tree === undefined)) return undefined;
  const trees = parsed as RawNode[];
  // Secrets interpolate to placeholders: composed at deploy time in environment values, errors elsewhere.
  const secrets = new Set<string>();
  for (const tree of trees) for (const name of secretVariableNames(tree, variables, diag)) secrets.add(name);
  const lookup = placeholderLookup(variables.lookup, secrets);
  const interpolate = (node: RawNode): RawNode =>
    rejectSecretsOutsideEnvironment(interpolateTree(node, lookup, diag), diag);
  const projectDir = dirname(files[0] as string);
  for (const file of files) if (!ctx.baseDirs.has(file)) ctx.baseDirs.set(file, projectDir);
  let merged: RawMap | undefined;
  for (const [i, tree] of trees.entries()) {
    const file = files[i] as string;
    const root = interpolate(tree);
    if (root.kind !== 'map') {
      if (files.length === 1) return root; // the top-level check reports it, as for any single file
      diag.error(COMPOSE_PROBLEM.invalidValue, 'a compose file must be a mapping', root.loc);
      continue;
    }
    const included = resolveIncludes(root, {
      diag,
      variables,
      projectDir,
      chain: chain.includes(file) ? chain : [...chain, file],
      readOutsideKey: (other) => ctx.unkeyed.add(other),
      loadProject: (more, vars, moreChain, ref) => loadProjectFiles(more, vars, moreChain, ctx, ref),
    });
    const resolved = withExtendsResolved(included, file, interpolate, ctx);
    merged = merged === undefined ? (withoutResets(resolved) as RawMap) : mergeComposeFiles(merged, resolved);
  }
  return merged ?? trees[0];
}

function read(file: string, ctx: ProjectFilesContext, reference?: FileReference): RawNode | undefined {
  const text = ctx.keyedTexts.get(file);
  if (text !== undefined) return parseYaml(text, file, ctx.diag);
  ctx.unkeyed.add(file);
  return readYamlFile(file, ctx.diag, reference);
}

/** `root` (of `file`) with every `extends` of its services resolved, as compose does before merging. */
function withExtendsResolved(
  root: RawMap,
  file: string,
  interpolate: (node: RawNode) => RawNode,
  ctx: ProjectFilesContext,
): RawMap {
  const services = valueAt(root, 'services');
  if (services?.kind !== 'map') return root;
  const resolved = resolveExtends(services, file, {
    diag: ctx.diag,
    loadServices: (other, reference) => {
      if (other === file) return services;
      if (!ctx.extendsFiles.has(other)) {
        const raw = read(other, ctx, reference);
        const tree = raw && interpolate(raw);
        const node = tree?.kind === 'map' ? valueAt(tree, 'services') : undefined;
        ctx.extendsFiles.set(other, node?.kind === 'map' ? node : undefined);
      }
      return ctx.extendsFiles.get(other);
    },
  });
  return {
    ...root,
    entries: root.entries.map((e) => (e.key === 'services' ? { ...e, value: resolved } : e)),
  };
}
