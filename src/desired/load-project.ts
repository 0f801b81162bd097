/**
 * The front half of the pipeline in one call: find the compose file, load it with the stack file's `env:`
 * for interpolation, resolve the layers and render the desired resources.
 *
 * Library users (the CLI, the operator, tests) all enter here, so the rules for where files live are
 * written once.
 *
 * @module
 */
import { existsSync, lstatSync } from 'node:fs';
import { basename, delimiter, dirname, join, resolve, sep } from 'node:path';
import { StackctlError } from '../errors.js';
import { clearLoadedComposeCache, composeCacheKey, loadComposeKeyed } from './compose/index.js';
import { clearParsedYamlCache } from './compose/yaml-source.js';
import type { ComposeModel } from './compose-types.js';
import { ContentCache, contentKey, valueKeyPart } from './content-cache.js';
import { renderStack } from './render/index.js';
import type { ResolvedStack } from './resolved-types.js';
import type { DesiredStack } from './resource-types.js';
import {
  clearParsedStackFileCache,
  listStackFiles,
  loadStackFileKeyed,
  resolveStack,
  STACK_FILE_EXTENSIONS,
} from './stack/index.js';
import type { CliOverrides, StackFile } from './stack-types.js';

/** File names looked for, in order, when `-f` is not given (the Compose Specification's list). */
export const COMPOSE_FILE_NAMES = [
  'compose.yaml',
  'compose.yml',
  'docker-compose.yaml',
  'docker-compose.yml',
];

/**
 * Override files looked for next to the default compose file, in compose's order; the first that
 * exists is merged over it, as `docker compose` does when neither `-f` nor `COMPOSE_FILE` is given.
 */
export const COMPOSE_OVERRIDE_FILE_NAMES = [
  'compose.override.yml',
  'compose.override.yaml',
  'docker-compose.override.yml',
  'docker-compose.override.yaml',
];

/** Environment variable listing the compose files when no `-f` is given (compose's). */
export const COMPOSE_FILE_VARIABLE = 'COMPOSE_FILE';

/** Environment variable naming the separator of {@link COMPOSE_FILE_VARIABLE}'s list. */
export const COMPOSE_PATH_SEPARATOR_VARIABLE = 'COMPOSE_PATH_SEPARATOR';

/** Separator of {@link COMPOSE_FILE_VARIABLE} when {@link COMPOSE_PATH_SEPARATOR_VARIABLE} is unset. */
export const DEFAULT_COMPOSE_PATH_SEPARATOR = delimiter;

/** Folder, next to the compose file, holding one `<stack>.yaml` per stack. */
export const STACK_DIR = '.stackctl';

/** Where to find a project. */
export interface ProjectLocation {
  /** @default process.cwd() */
  readonly cwd?: string;
  /** One compose file, relative to `cwd` (`-f FILE`); ignored when {@link files} is given. */
  readonly file?: string;
  /**
   * Compose files relative to `cwd`, merged in order (`-f a.yaml -f b.yaml`); the first one's directory
   * is the project directory. @default `file`, else `COMPOSE_FILE`, else the first of
   * {@link COMPOSE_FILE_NAMES} that exists plus the first of {@link COMPOSE_OVERRIDE_FILE_NAMES} beside it
   */
  readonly files?: readonly string[];
}

/**
 * The project's compose files, absolute and in merge order, as `docker compose` picks them: the files
 * given (`files`, or `file`); else `COMPOSE_FILE` split at `COMPOSE_PATH_SEPARATOR` (default `:`, `;` on
 * Windows), relative to `cwd`; else the default file and, when present, its override file.
 *
 * @param env - where `COMPOSE_FILE` is read. @default process.env
 * @throws {StackctlError} `COMPOSE_NOT_FOUND` when a named file does not exist or no default file does.
 */
export function findComposeFiles(
  location: ProjectLocation = {},
  env: Readonly<Record<string, string | undefined>> = process.env,
): readonly string[] {
  const cwd = resolve(location.cwd ?? process.cwd());
  const given =
    location.files !== undefined && location.files.length > 0
      ? location.files
      : location.file !== undefined
        ? [location.file]
        : fromComposeFileVariable(env);
  if (given !== undefined) {
    return given.map((name) => {
      const f = resolve(cwd, name);
      if (!existsSync(f)) throw new StackctlError('COMPOSE_NOT_FOUND', `compose file ${f} does not exist`);
      return f;
    });
  }
  for (const name of COMPOSE_FILE_NAMES) {
    const f = join(cwd, name);
    if (!existsSync(f)) continue;
    const override = COMPOSE_OVERRIDE_FILE_NAMES.map((o) => join(cwd, o)).find((o) => existsSync(o));
    return override === undefined ? [f] : [f, override];
  }
  throw new StackctlError(
    'COMPOSE_NOT_FOUND',
    `no compose file in ${cwd} (looked for ${COMPOSE_FILE_NAMES.join(', ')}); pass -f FILE or -C DIR`,
  );
}

/** The files `COMPOSE_FILE` lists, or undefined when it is unset or lists none. */
function fromComposeFileVariable(
  env: Readonly<Record<string, string | undefined>>,
): readonly string[] | undefined {
  const value = env[COMPOSE_FILE_VARIABLE];
  if (value === undefined) return undefined;
  const separator = env[COMPOSE_PATH_SEPARATOR_VARIABLE] || DEFAULT_COMPOSE_PATH_SEPARATOR;
  const files = value.split(separator).filter((f) => f.trim() !== '');
  return files.length > 0 ? files : undefined;
}

/**
 * The project's compose file: the first of {@link findComposeFiles}, whose directory holds `.env` and
 * `.stackctl/`.
 */
export function findComposeFile(
  location: ProjectLocation = {},
  env: Readonly<Record<string, string | undefined>> = process.env,
): string {
  return findComposeFiles(location, env)[0] as string;
}

/** The stack directory belonging to a compose file. */
export function stackDirOf(composeFile: string): string {
  return join(dirname(composeFile), STACK_DIR);
}

/**
 * The files `<stack>.yaml` / `<stack>.yml` in `dir` that {@link listStackFiles} would list for `stack`
 * (regular files, not symlinks or hidden names), found without listing the directory: a fleet of 1,000
 * stacks would otherwise read 1,000 entries per stack. Undefined when `stack` cannot be a file name in
 * `dir` at all, so the caller falls back to the listing and its messages.
 */
function ownStackFiles(dir: string, stack: string): readonly string[] | undefined {
  const plain = stack !== '' && !stack.startsWith('.') && basename(stack) === stack;
  if (!plain || stack.includes(sep) || stack.includes('\u0000')) return undefined;
  const found: string[] = [];
  try {
    for (const ext of STACK_FILE_EXTENSIONS) {
      const file = join(dir, `${stack}${ext}`);
      if (lstatSync(file, { throwIfNoEntry: false })?.isFile()) found.push(file);
    }
  } catch {
    return undefined; // e.g. `.stackctl` is not a directory: the listing says so in its own words.
  }
  return found;
}

/**
 * Path of one stack's file, or a clear error listing the stacks that do exist.
 *
 * @throws {StackctlError} `STACK_FILE_DUPLICATE` when the stack has both a `.yaml` and a `.yml` file
 * (as {@link listStackFiles} does), `STACK_NOT_FOUND` when it has neither.
 */
export function findStackFile(composeFile: string, stack: string): string {
  const dir = stackDirOf(composeFile);
  const own = ownStackFiles(dir, stack);
  if (own?.length === 1) return own[0] as string;
  // Neither or both: the listing reports a duplicate, or is what the not-found message names.
  const found = listStackFiles(dir).find((s) => s.stack === stack);
  if (found) return found.file;
  const known = listStackFiles(dir).map((s) => s.stack);
  throw new StackctlError(
    'STACK_NOT_FOUND',
    `no stack file for "${stack}" in ${dir}${known.length ? ` (stacks: ${known.join(', ')})` : ''}; create one with \`stackctl init --stack ${stack}\``,
  );
}

/**
 * The stack file's `compose.files`, absolute (relative to the project directory), each checked to exist
 * so a typo is reported at its line in the stack file.
 *
 * @throws {StackctlError} `COMPOSE_NOT_FOUND` naming the stack file line that lists a missing file.
 */
export function stackComposeFiles(stackFile: StackFile, composeFile: string): readonly string[] {
  return (stackFile.compose?.files ?? []).map((name, i) => {
    const f = resolve(dirname(composeFile), name);
    if (!existsSync(f)) {
      const field = `compose.files[${i}]`;
      const location = stackFile.locations[field];
      throw new StackctlError('COMPOSE_NOT_FOUND', `compose file ${f} does not exist`, {
        ...(location === undefined ? {} : { location }),
        field,
      });
    }
    return f;
  });
}

/** Options for {@link loadStackProject}. */
export interface LoadStackProjectOptions extends ProjectLocation {
  readonly stack: string;
  /** Compose profiles to enable. */
  readonly profiles?: readonly string[];
  /** `-p`: overrides every other source of the project name. */
  readonly projectOverride?: string;
  readonly cli?: CliOverrides;
  /** Shell environment for interpolation. @default process.env */
  readonly env?: Readonly<Record<string, string>>;
  /** Images the last successful reconcile deployed (see `ResolveStackInput.deployedImages`). */
  readonly deployedImages?: Readonly<Record<string, string>>;
}

/** Everything loaded for one stack. */
export interface StackProject {
  /** The project's compose file (the first of {@link composeFiles}). */
  readonly composeFile: string;
  /** Every compose file merged for this stack, in order: the project's, then the stack file's `compose.files`. */
  readonly composeFiles: readonly string[];
  readonly compose: ComposeModel;
  readonly stackFile: StackFile;
  readonly resolved: ResolvedStack;
  readonly desired: DesiredStack;
}

/** A stack loaded and resolved but not rendered: enough to know its project, region and mode. */
export type ResolvedStackProject = Omit<StackProject, 'desired'>;

/**
 * Loads and resolves one stack without rendering it: for commands that need the stack's identity
 * (project, region, preset) but not its resources, such as `destroy`, which must work even when a
 * render would fail (a `build:` service without an image). Performs no AWS call.
 */
export function resolveStackProject(options: LoadStackProjectOptions): ResolvedStackProject {
  return loadCached(options).project;
}

/**
 * Loads, resolves and renders one stack. Throws a StackctlError (with file, line and field) on any
 * invalid input; performs no AWS call, so invalid input can never cause a mutation.
 *
 * The result is computed once per process for the same inputs (compose and stack file bytes, variables,
 * options: see {@link loadCached}) and then shared, so callers must not mutate it (its types are
 * readonly); an operator's resync of an unchanged fleet then costs a read and a hash per file.
 */
export function loadStackProject(options: LoadStackProjectOptions): StackProject {
  const entry = loadCached(options);
  entry.desired ??= renderStack(entry.project.resolved);
  return { ...entry.project, desired: entry.desired };
}

/** A resolved stack and, once rendered, its desired resources. */
interface CachedProject {
  readonly project: ResolvedStackProject;
  desired?: DesiredStack;
}

/** Stacks whose resolution (and render) is kept: one per stack of a fleet of this size. */
export const MAX_CACHED_STACK_PROJECTS = 2048;

const loadedProjects = new ContentCache<CachedProject>(MAX_CACHED_STACK_PROJECTS);

/**
 * Resolves a stack, or serves it from the cache. The key is the compose model's content key (file
 * bytes, variables, profiles, `.env` bytes: load-compose.ts), the stack file's (path and text), and every
 * option that changes the result. A compose model that read files outside its own key (`env_file`,
 * `extends` from another file) has no key, and then nothing derived from it is cached either. Errors
 * are never cached.
 */
function loadCached(options: LoadStackProjectOptions): CachedProject {
  const projectFiles = findComposeFiles(options, options.env ?? process.env);
  const composeFile = projectFiles[0] as string;
  const { stackFile, key: stackKey } = loadStackFileKeyed(findStackFile(composeFile, options.stack));
  const composeFiles = [...projectFiles, ...stackComposeFiles(stackFile, composeFile)];
  const composeOptions = {
    file: composeFile,
    overrides: composeFiles.slice(1),
    ...(options.env ? { env: options.env } : {}),
    stackEnv: stackFile.env,
    ...(options.profiles ? { profiles: options.profiles } : {}),
  };
  const projectKey = (composeKey: string): string =>
    contentKey([
      composeKey,
      stackKey,
      valueKeyPart(options.cli),
      options.projectOverride,
      valueKeyPart(options.deployedImages),
    ]);
  // Looked up before the compose model is loaded: an entry exists only under the key of a model that
  // was cacheable, and equal keys mean equal inputs (a fleet with more distinct stack envs than the
  // compose cache holds still skips resolving and rendering).
  const expected = composeCacheKey(composeOptions);
  const early = expected === undefined ? undefined : loadedProjects.get(projectKey(expected));
  if (early !== undefined) return early;
  const { model: compose, key: composeKey } = loadComposeKeyed(composeOptions);
  const key = composeKey === undefined ? undefined : projectKey(composeKey);
  const resolved = resolveStack({
    compose,
    stackFile,
    ...(options.cli ? { cli: options.cli } : {}),
    ...(options.projectOverride ? { projectOverride: options.projectOverride } : {}),
    ...(options.deployedImages ? { deployedImages: options.deployedImages } : {}),
  });
  const entry: CachedProject = { project: { composeFile, composeFiles, compose, stackFile, resolved } };
  if (key !== undefined) loadedProjects.set(key, entry);
  return entry;
}

/**
 * Empties every process-wide cache of the desired side (parsed compose YAML, loaded compose models,
 * parsed stack files, resolved and rendered stacks). Nothing needs it for correctness, since every cache
 * is keyed by content; it exists for measurements that want a first pass, and for a long-lived process
 * that wants the memory back.
 */
export function clearDesiredCaches(): void {
  clearParsedYamlCache();
  clearLoadedComposeCache();
  clearParsedStackFileCache();
  loadedProjects.clear();
}
