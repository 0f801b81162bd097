/**
 * Top-level `include:` (compose-spec `14-include.md`, compose-go `loader/include.go`): each entry is a
 * compose project of its own (one file, or several merged in order), loaded with its own `.env` (or the
 * entry's `env_file`) below the including project's variables, whose services, networks, volumes,
 * secrets, configs and models are then copied into the including file.
 *
 * - short form `- path.yaml`; long form `{ path: a.yaml | [a.yaml, b.yaml], project_directory, env_file }`;
 * - `path`, `project_directory` and `env_file` are relative to the including project's directory;
 * - includes apply recursively; a file that includes itself, directly or not, is an error naming the chain;
 * - a resource defined both by an include and by the including file (or by two includes) is an error
 *   unless both definitions are identical, as compose reported it up to compose-go 2.9 (later versions
 *   let the including file override; stackctl keeps the stricter rule so nothing merges by accident).
 *
 * Relative paths inside an included file resolve against that file's own directory (every node knows
 * its file), so a `project_directory` other than that directory is refused rather than half-applied.
 *
 * @module
 */
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import type { Diagnostics } from './diagnostics.js';
import { parseEnvFile } from './env-file.js';
import { reportEnvFileProblems } from './environment.js';
import { COMPOSE_PROBLEM } from './errors.js';
import { sameValue } from './merge.js';
import { PROJECT_ENV_FILE, type ProjectVariables, readDotenv } from './project-env.js';
import {
  fieldPath,
  indexPath,
  type NodeLocation,
  type RawEntry,
  type RawMap,
  type RawNode,
  valueAt,
} from './raw-node.js';
import { checkKnownKeys, readString } from './values.js';
import type { FileReference } from './yaml-source.js';

/** The top-level sections an include copies into the including file. */
export const INCLUDED_SECTIONS = ['services', 'volumes', 'networks', 'secrets', 'configs', 'models'] as const;

const LONG_FORM_KEYS = new Set(['path', 'project_directory', 'env_file']);

/** What resolving `include` needs from the loader. @internal */
export interface IncludeContext {
  readonly diag: Diagnostics;
  /** The including project's variables: they win over an included project's own `.env`. */
  readonly variables: ProjectVariables;
  /** The including project's directory, which relative include paths start from. */
  readonly projectDir: string;
  /** Files being included, outermost first, ending with the including file (for cycle detection). */
  readonly chain: readonly string[];
  /** Records a file read outside the cache key (an included compose file or env file). */
  readonly readOutsideKey: (file: string) => void;
  /**
   * Loads an included project: `files` merged in order, interpolated with `variables`, its own includes
   * and `extends` resolved; `undefined` (already reported) when unusable.
   */
  readonly loadProject: (
    files: readonly string[],
    variables: ProjectVariables,
    chain: readonly string[],
    reference: FileReference,
  ) => RawNode | undefined;
}

/** One entry of `include:`, read. */
interface IncludeEntry {
  readonly files: readonly string[];
  readonly envFiles: readonly string[] | undefined;
  readonly node: RawNode;
  readonly path: string;
}

/** `root` (one interpolated compose file) with its `include:` loaded into it and the key removed. */
export function resolveIncludes(root: RawMap, ctx: IncludeContext): RawMap {
  const include = root.entries.find((e) => e.key === 'include');
  if (include === undefined) return root;
  let out: RawMap = { ...root, entries: root.entries.filter((e) => e.key !== 'include') };
  const items = include.value.kind === 'seq' ? include.value.items : undefined;
  if (items === undefined) {
    if (include.value.kind !== 'scalar' || include.value.value !== null)
      ctx.diag.error(COMPOSE_PROBLEM.invalidValue, 'include must be a list', include.value.loc, 'include');
    return out;
  }
  for (const [i, item] of items.entries()) {
    const entry = readEntry(item, indexPath('include', i), ctx);
    if (entry === undefined) continue;
    const first = entry.files[0] as string;
    const reference: FileReference = { location: item.loc, field: entry.path };
    if (ctx.chain.includes(first)) {
      const cycle = [...ctx.chain, first].map(shownPath).join(' → ');
      ctx.diag.error(COMPOSE_PROBLEM.include, `include forms a cycle: ${cycle}`, item.loc, entry.path);
      continue;
    }
    const variables = includedVariables(entry, ctx);
    const imported = ctx.loadProject(entry.files, variables, [...ctx.chain, first], reference);
    if (imported?.kind === 'map') out = importResources(out, imported, entry, ctx.diag);
  }
  return out;
}

function readEntry(item: RawNode, path: string, ctx: IncludeContext): IncludeEntry | undefined {
  const absolute = (p: string): string => resolve(ctx.projectDir, p);
  if (item.kind === 'scalar') {
    const file = readString(item, path, ctx.diag);
    return file === undefined
      ? undefined
      : { files: [absolute(file)], envFiles: undefined, node: item, path };
  }
  if (item.kind !== 'map') {
    ctx.diag.error(
      COMPOSE_PROBLEM.invalidValue,
      'an include entry is a path or { path, project_directory, env_file }',
      item.loc,
      path,
    );
    return undefined;
  }
  checkKnownKeys(item, LONG_FORM_KEYS, path, ctx.diag);
  const pathNode = valueAt(item, 'path');
  const files = pathNode === undefined ? undefined : stringList(pathNode, fieldPath(path, 'path'), ctx.diag);
  if (files === undefined || files.length === 0) {
    if (pathNode === undefined)
      ctx.diag.error(COMPOSE_PROBLEM.include, 'an include entry needs a path', item.loc, path);
    return undefined;
  }
  const envNode = valueAt(item, 'env_file');
  const envFiles =
    envNode === undefined ? undefined : stringList(envNode, fieldPath(path, 'env_file'), ctx.diag);
  const dirNode = valueAt(item, 'project_directory');
  const projectDir =
    dirNode === undefined ? undefined : readString(dirNode, fieldPath(path, 'project_directory'), ctx.diag);
  const first = absolute(files[0] as string);
  if (dirNode !== undefined && projectDir !== undefined && absolute(projectDir) !== dirname(first)) {
    ctx.diag.error(
      COMPOSE_PROBLEM.unsupported,
      `project_directory ${projectDir} differs from the directory of ${files[0]}: stackctl resolves relative paths in an included file against that file's directory; move the file or drop project_directory`,
      dirNode.loc,
      fieldPath(path, 'project_directory'),
    );
    return undefined;
  }
  return {
    files: files.map(absolute),
    envFiles: envFiles?.filter((f) => f !== '/dev/null').map(absolute),
    node: item,
    path,
  };
}

function stringList(node: RawNode, path: string, diag: Diagnostics): string[] | undefined {
  if (node.kind === 'seq') {
    const out = node.items.map((n, i) => readString(n, indexPath(path, i), diag));
    return out.every((s) => s !== undefined) ? (out as string[]) : undefined;
  }
  const one = readString(node, path, diag);
  return one === undefined ? undefined : [one];
}

/**
 * The included project's variables: the including project's first, then its env files (later files
 * win), which default to the `.env` beside its first file.
 */
function includedVariables(entry: IncludeEntry, ctx: IncludeContext): ProjectVariables {
  const parent = ctx.variables;
  const own = new Map<string, string>();
  const defaultEnv = resolve(dirname(entry.files[0] as string), PROJECT_ENV_FILE);
  const envFiles = entry.envFiles ?? (existsSync(defaultEnv) ? [defaultEnv] : []);
  for (const file of envFiles) {
    ctx.readOutsideKey(file);
    const text = readDotenv(file);
    if (text === undefined) {
      ctx.diag.error(
        COMPOSE_PROBLEM.fileNotFound,
        `env file ${file} does not exist or cannot be read`,
        entry.node.loc,
        fieldPath(entry.path, 'env_file'),
      );
      continue;
    }
    const parsed = parseEnvFile(text, (name) => parent.lookup(name) ?? own.get(name));
    reportEnvFileProblems(ctx.diag, parsed.problems, file);
    for (const e of parsed.entries) if (e.value !== null) own.set(e.key, e.value);
  }
  return {
    lookup: (name) => parent.lookup(name) ?? own.get(name),
    layerOf: (name) => parent.layerOf(name) ?? (own.has(name) ? 'the project .env' : undefined),
  };
}

/** `target` with every resource of `imported` added; a differing definition of the same name is an error. */
function importResources(target: RawMap, imported: RawMap, entry: IncludeEntry, diag: Diagnostics): RawMap {
  let entries = [...target.entries];
  for (const section of INCLUDED_SECTIONS) {
    const from = valueAt(imported, section);
    if (from?.kind !== 'map' || from.entries.length === 0) continue;
    const at = entries.findIndex((e) => e.key === section);
    const existing = entries[at];
    const to = existing?.value.kind === 'map' ? existing.value : undefined;
    const merged: RawEntry[] = [...(to?.entries ?? [])];
    for (const resource of from.entries) {
      const clash = merged.find((e) => e.key === resource.key);
      if (clash === undefined) merged.push(resource);
      else if (!sameValue(clash.value, resource.value)) reportConflict(section, clash, resource, diag);
    }
    const value: RawMap = { kind: 'map', loc: to?.loc ?? from.loc, entries: merged };
    if (existing === undefined || to === undefined) {
      entries = [
        ...entries.filter((e) => e.key !== section),
        { key: section, keyLoc: existing?.keyLoc ?? entry.node.loc, value },
      ];
    } else entries[at] = { ...existing, value };
  }
  return { ...target, entries };
}

function reportConflict(section: string, local: RawEntry, included: RawEntry, diag: Diagnostics): void {
  const kind = section.replace(/s$/, '');
  diag.error(
    COMPOSE_PROBLEM.include,
    `${kind} "${local.key}" is defined here and, differently, by the included ${describe(included.keyLoc)}; compose refuses a resource defined twice by include: rename one, or put the change in an override file listed in the include's path`,
    local.keyLoc,
    fieldPath(section, local.key),
  );
}

function describe(loc: NodeLocation): string {
  return `${shownPath(loc.file)}:${loc.line}:${loc.column}`;
}

/** A file as a user would type it: relative to the current directory when inside it, else absolute. */
function shownPath(file: string): string {
  const shown = relative(process.cwd(), file);
  return shown === '' || shown.startsWith('..') || isAbsolute(shown) ? file : shown;
}
