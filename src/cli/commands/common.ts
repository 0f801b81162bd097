/**
 * Helpers shared by commands: turning flags into library options.
 *
 * @module
 */
import {
  type LoadStackProjectOptions,
  loadStackProject,
  type ProjectLocation,
  resolveStackProject,
  type StackProject,
} from '../../desired/load-project.js';
import type { Flags } from '../args.js';
import { UsageError } from '../args.js';

/** The `--stack` flag, required. */
export function requireStack(flags: Flags): string {
  if (!flags.stack) throw new UsageError('this command needs --stack NAME');
  return flags.stack;
}

/**
 * Where the project is, from `-C` and `-f`: the one place commands turn flags into compose file
 * locations (see `findComposeFiles` for `COMPOSE_FILE` and the default override file).
 */
export function projectLocationFromFlags(flags: Flags): ProjectLocation {
  return {
    ...(flags.cwd ? { cwd: flags.cwd } : {}),
    ...(flags.files && flags.files.length > 0 ? { files: flags.files } : {}),
  };
}

/**
 * The image a `build:` service without one renders with in commands that never deploy (validate, render,
 * config, check, logs): `reconcile` builds the real one from source (cli/commands/build-step.ts), so its
 * absence is not an error there, and this stand-in never reaches AWS.
 */
export function buildStandInImage(service: string): string {
  return `stackctl-build/${service}:built-by-reconcile`;
}

/**
 * Loads compose + stack file and renders, from global flags. Performs no AWS call. `build:` services
 * with no image from any layer render with {@link buildStandInImage}.
 */
export function loadFromFlags(flags: Flags, stack: string): StackProject {
  const options = loadOptionsFromFlags(flags, stack);
  const { resolved } = resolveStackProject(options);
  const unbuilt = Object.entries(resolved.services)
    .filter(([, svc]) => svc.compose.build !== undefined && svc.image === undefined)
    .map(([name]) => [name, buildStandInImage(name)] as const);
  if (unbuilt.length === 0) return loadStackProject(options);
  return loadStackProject({
    ...options,
    cli: { ...options.cli, images: { ...Object.fromEntries(unbuilt), ...flags.images } },
  });
}

/** Where and how to load `stack`, from global flags (`-C`, `-f`, `--profile`, `-p`, `--image`, `--region`). */
export function loadOptionsFromFlags(flags: Flags, stack: string): LoadStackProjectOptions {
  return {
    stack,
    ...projectLocationFromFlags(flags),
    ...(flags.profile ? { profiles: flags.profile } : {}),
    ...(flags.project ? { projectOverride: flags.project } : {}),
    cli: {
      images: flags.images,
      ...(flags.region ? { region: flags.region } : {}),
    },
    env: process.env as Record<string, string>,
  };
}
