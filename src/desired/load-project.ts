/**
 * The front half of the pipeline in one call: find the compose file, load it with the stack file's `env:`
 * for interpolation, resolve the layers and render the desired resources.
 *
 * Library users (the CLI, the operator, tests) all enter here, so the rules for where files live are
 * written once.
 *
 * @module
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { StackctlError } from '../errors.js';
import { loadCompose } from './compose/index.js';
import type { ComposeModel } from './compose-types.js';
import { renderStack } from './render/index.js';
import type { ResolvedStack } from './resolved-types.js';
import type { DesiredStack } from './resource-types.js';
import { listStackFiles, loadStackFile, resolveStack } from './stack/index.js';
import type { CliOverrides, StackFile } from './stack-types.js';

/** File names looked for, in order, when `-f` is not given (the Compose Specification's list). */
export const COMPOSE_FILE_NAMES = [
  'compose.yaml',
  'compose.yml',
  'docker-compose.yaml',
  'docker-compose.yml',
];

/** Folder, next to the compose file, holding one `<stack>.yaml` per stack. */
export const STACK_DIR = '.stackctl';

/** Where to find a project. */
export interface ProjectLocation {
  /** @default process.cwd() */
  readonly cwd?: string;
  /** Compose file, relative to `cwd`. @default the first of {@link COMPOSE_FILE_NAMES} that exists */
  readonly file?: string;
}

/** Finds the compose file, or explains where it looked. */
export function findComposeFile(location: ProjectLocation = {}): string {
  const cwd = resolve(location.cwd ?? process.cwd());
  if (location.file !== undefined) {
    const f = resolve(cwd, location.file);
    if (!existsSync(f)) throw new StackctlError('COMPOSE_NOT_FOUND', `compose file ${f} does not exist`);
    return f;
  }
  for (const name of COMPOSE_FILE_NAMES) {
    const f = join(cwd, name);
    if (existsSync(f)) return f;
  }
  throw new StackctlError(
    'COMPOSE_NOT_FOUND',
    `no compose file in ${cwd} (looked for ${COMPOSE_FILE_NAMES.join(', ')}); pass -f FILE or -C DIR`,
  );
}

/** The stack directory belonging to a compose file. */
export function stackDirOf(composeFile: string): string {
  return join(dirname(composeFile), STACK_DIR);
}

/** Path of one stack's file, or a clear error listing the stacks that do exist. */
export function findStackFile(composeFile: string, stack: string): string {
  const dir = stackDirOf(composeFile);
  const found = listStackFiles(dir).find((s) => s.stack === stack);
  if (found) return found.file;
  const known = listStackFiles(dir).map((s) => s.stack);
  throw new StackctlError(
    'STACK_NOT_FOUND',
    `no stack file for "${stack}" in ${dir}${known.length ? ` (stacks: ${known.join(', ')})` : ''}; create one with \`stackctl init --stack ${stack}\``,
  );
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
  readonly composeFile: string;
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
  const composeFile = findComposeFile(options);
  const stackFile = loadStackFile(findStackFile(composeFile, options.stack));
  const compose = loadCompose({
    file: composeFile,
    ...(options.env ? { env: options.env } : {}),
    stackEnv: stackFile.env,
    ...(options.profiles ? { profiles: options.profiles } : {}),
  });
  const resolved = resolveStack({
    compose,
    stackFile,
    ...(options.cli ? { cli: options.cli } : {}),
    ...(options.projectOverride ? { projectOverride: options.projectOverride } : {}),
    ...(options.deployedImages ? { deployedImages: options.deployedImages } : {}),
  });
  return { composeFile, compose, stackFile, resolved };
}

/**
 * Loads, resolves and renders one stack. Throws a StackctlError (with file, line and field) on any
 * invalid input; performs no AWS call, so invalid input can never cause a mutation.
 */
export function loadStackProject(options: LoadStackProjectOptions): StackProject {
  const project = resolveStackProject(options);
  return { ...project, desired: renderStack(project.resolved) };
}
