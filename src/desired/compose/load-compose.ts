/**
 * `loadCompose`: compose file → {@link ComposeModel}.
 *
 * Stages, each in its own module: per file, YAML with locations (anchors, `<<`) → interpolation →
 * `include` → `extends`, then the files merged in order (project-files.ts) → top level → profiles →
 * per-service normalization. Every problem is collected; if any is an error, one
 * {@link ComposeError} lists them all. Nothing here touches AWS or needs build contexts or bind-mounted
 * files to exist.
 *
 * @module
 */
import { dirname, join, resolve } from 'node:path';
import type { SourceLocation } from '../../errors.js';
import type { ComposeModel, ComposeService } from '../compose-types.js';
import { ContentCache, contentKey, variablesKeyPart } from '../content-cache.js';
import { type BoundedRead, MAX_COMPOSE_FILE_BYTES, readBoundedTextFile } from '../input-limits.js';
import type { ServiceStates } from './depends-on.js';
import { Diagnostics } from './diagnostics.js';
import { ComposeError } from './errors.js';
import { checkServiceKeys, normalizeService } from './normalize-service.js';
import { PROJECT_ENV_FILE, projectVariables, readDotenv } from './project-env.js';
import { loadProjectFiles, type ProjectFilesContext } from './project-files.js';
import { fieldPath, indexPath, type RawMap, type RawNode, valueAt } from './raw-node.js';
import { settleEnvironment } from './secret-variables.js';
import { warnStatefulImages } from './stateful-images.js';
import { readTopLevel } from './top-level.js';

/** What to load and with which variables and profiles. */
export interface LoadComposeOptions {
  /**
   * The project's compose file (relative paths resolve against the current directory): the first `-f`
   * file, whose directory is the project directory (`.env`, `.stackctl/`).
   */
  readonly file: string;
  /**
   * Files merged over `file`, in order, with compose's merge rules: the further `-f` files, a default
   * `compose.override.yaml`, a stack file's `compose.files`. @default []
   */
  readonly overrides?: readonly string[];
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
 * A model is computed once per process for the same inputs (file bytes, variables, profiles, `.env`
 * bytes: see {@link modelKey}) and then shared: callers must not mutate it (its types are readonly).
 *
 * @throws {ComposeError} listing every problem (file, line, column, field) when the file is invalid.
 * @example
 * const model = loadCompose({ file: 'compose.yaml', stackEnv: stack.env, profiles: ['worker'] });
 */
export function loadCompose(options: LoadComposeOptions): ComposeModel {
  return loadComposeKeyed(options).model;
}

/** A loaded model and, when it is cached, the content key it is cached under. */
export interface KeyedComposeModel {
  readonly model: ComposeModel;
  /**
   * Set only when the model depends on nothing but what the key covers, so a caller may cache what it
   * derives from the model under this key too; undefined for a model that must be loaded afresh.
   */
  readonly key: string | undefined;
}

/**
 * The content key a load with these options would be cached under, computed without loading (it reads
 * the compose file and `.env`); undefined when the compose file cannot be read. A model loaded under
 * this key may still be uncached (see {@link KeyedComposeModel.key}); whatever a caller cached under a
 * key it got from {@link loadComposeKeyed} is safe to serve again under the same key, since equal keys
 * mean equal inputs.
 */
export function composeCacheKey(options: LoadComposeOptions): string | undefined {
  return modelKey(composeFiles(options), options)?.key;
}

/** {@link loadCompose}, also returning the content key the model is cached under (if it is). */
export function loadComposeKeyed(options: LoadComposeOptions): KeyedComposeModel {
  const files = composeFiles(options);
  const inputs = modelKey(files, options);
  const cached = inputs === undefined ? undefined : loadedModels.get(inputs.key);
  if (cached !== undefined) return { model: cached, key: inputs?.key };
  const { model, selfContained } = loadFresh(files, options, inputs);
  if (inputs === undefined || !selfContained) return { model, key: undefined };
  loadedModels.set(inputs.key, model);
  return { model, key: inputs.key };
}

/**
 * Models by everything they were computed from (see {@link modelKey}). A fleet's stacks share one compose
 * file and mostly the same variables, and a resync loads them all again every few minutes.
 */
const loadedModels = new ContentCache<ComposeModel>();

/** Drops every cached model (tests, and a long-lived process that wants its memory back). */
export function clearLoadedComposeCache(): void {
  loadedModels.clear();
}

/**
 * The cache key of a load: each compose file's path and bytes (the project's file and every override, in
 * order), every shell and stack-file variable (not only those the files use: a variable named in a
 * default or an `extends` could matter), the profiles asked for, and the project `.env` bytes, returned
 * with the texts it was computed from. Undefined when a compose file cannot be read: the fresh load
 * reports that. A load that also read other files (`env_file`, `extends` from another file, `include`)
 * is not cached at all (see {@link loadFresh}), so no file outside this key can make a cached model stale.
 */
function modelKey(files: readonly string[], options: LoadComposeOptions): KeyedInputs | undefined {
  const texts = new Map<string, string>();
  for (const file of files) {
    let read: BoundedRead;
    try {
      read = readBoundedTextFile(file, MAX_COMPOSE_FILE_BYTES);
    } catch {
      return undefined;
    }
    if (read.kind !== 'text') return undefined;
    texts.set(file, read.text);
  }
  const [file, ...overrides] = files;
  const dotenv = readDotenv(join(dirname(file as string), PROJECT_ENV_FILE));
  const key = contentKey([
    file,
    texts.get(file as string),
    variablesKeyPart(options.env ?? process.env),
    variablesKeyPart(options.stackEnv ?? {}),
    options.profiles === undefined ? undefined : JSON.stringify(options.profiles),
    dotenv,
    String(overrides.length),
    ...overrides.flatMap((o) => [o, texts.get(o)]),
  ]);
  return { key, texts, dotenv };
}

/** A cache key and the file texts it was computed from, which the load then uses (never a re-read). */
interface KeyedInputs {
  readonly key: string;
  /** Each compose file's text, by absolute path. */
  readonly texts: ReadonlyMap<string, string>;
  readonly dotenv: string | undefined;
}

/** Every compose file of a load, absolute, the project's first. */
function composeFiles(options: LoadComposeOptions): readonly string[] {
  return [resolve(options.file), ...(options.overrides ?? []).map((f) => resolve(f))];
}

/** True when a service (after `extends`) names an `env_file`, a file outside the cache key. */
function readsEnvFiles(services: RawMap | undefined): boolean {
  return (services?.entries ?? []).some(
    (e) => e.value.kind === 'map' && valueAt(e.value, 'env_file') !== undefined,
  );
}

/**
 * Loads without the cache. `selfContained` says the model depends only on what {@link modelKey} covers:
 * no `env_file`, `include` or `extends` from another file was read.
 */
function loadFresh(
  files: readonly string[],
  options: LoadComposeOptions,
  inputs: KeyedInputs | undefined,
): { readonly model: ComposeModel; readonly selfContained: boolean } {
  const file = files[0] as string;
  const projectDir = dirname(file);
  const diag = new Diagnostics();
  const variables = projectVariables(
    {
      shell: options.env ?? process.env,
      stackEnv: options.stackEnv ?? {},
      projectDir,
      ...(inputs === undefined ? {} : { dotenv: { text: inputs.dotenv } }),
    },
    diag,
  );
  const { lookup } = variables;
  // The texts the cache key was computed from, so a file edited during the load cannot be cached under
  // its old content's key.
  const context: ProjectFilesContext = {
    diag,
    keyedTexts: inputs?.texts ?? new Map(),
    unkeyed: new Set(),
    extendsFiles: new Map(),
    baseDirs: new Map(),
  };
  const root = loadProjectFiles(files, variables, [], context);
  if (root === undefined) throw new ComposeError(inFileOrder(diag.errors, file));
  const top = readTopLevel(root, diag);
  const locations: Record<string, SourceLocation> = {};
  if (root.kind === 'map') {
    for (const e of root.entries) {
      if (e.key !== 'services' && !e.key.startsWith('x-'))
        recordLocations(e.value, e.key, e.keyLoc, locations);
    }
  }
  const services = top.services;
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
      baseDirOf: (f) => context.baseDirs.get(f) ?? dirname(f),
    });
    usesDefaultNetwork ||= service.networks.includes('default');
    normalized.set(e.key, settleEnvironment(service, variables, locations, diag));
  }
  warnStatefulImages(normalized.values(), locations, diag);
  if (diag.errors.length > 0) throw new ComposeError(inFileOrder(diag.errors, file));
  const networks = [...top.declared.networks];
  if (usesDefaultNetwork && !networks.includes('default')) networks.push('default');
  const model: ComposeModel = {
    ...(top.name === undefined ? {} : { name: top.name }),
    services: Object.fromEntries(normalized),
    volumes: [...top.declared.volumes],
    networks,
    secrets: [...top.declared.secrets],
    file,
    ...(files.length > 1 ? { files } : {}),
    warnings: inFileOrder(diag.warnings, file),
    locations,
  };
  return { model, selfContained: context.unkeyed.size === 0 && !readsEnvFiles(services) };
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
