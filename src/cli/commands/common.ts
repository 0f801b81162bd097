/**
 * Helpers shared by commands: turning flags into library options.
 *
 * @module
 */
import {
  type LoadStackProjectOptions,
  loadStackProject,
  type StackProject,
} from '../../desired/load-project.js';
import type { Flags } from '../args.js';
import { UsageError } from '../args.js';

/** The `--stack` flag, required. */
export function requireStack(flags: Flags): string {
  if (!flags.stack) throw new UsageError('this command needs --stack NAME');
  return flags.stack;
}

/** Loads compose + stack file and renders, from global flags. Performs no AWS call. */
export function loadFromFlags(flags: Flags, stack: string): StackProject {
  return loadStackProject(loadOptionsFromFlags(flags, stack));
}

/** Where and how to load `stack`, from global flags (`-C`, `-f`, `--profile`, `-p`, `--image`, `--region`). */
export function loadOptionsFromFlags(flags: Flags, stack: string): LoadStackProjectOptions {
  return {
    stack,
    ...(flags.cwd ? { cwd: flags.cwd } : {}),
    ...(flags.file ? { file: flags.file } : {}),
    ...(flags.profile ? { profiles: flags.profile } : {}),
    ...(flags.project ? { projectOverride: flags.project } : {}),
    cli: {
      images: flags.images,
      ...(flags.region ? { region: flags.region } : {}),
    },
    env: process.env as Record<string, string>,
  };
}
