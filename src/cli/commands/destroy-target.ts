/**
 * Which stack `destroy` tears down, and from what. A destroy plans against an empty desired set: every
 * resource it deletes is found live, by the stack's ownership tags and the state table's journal, so the
 * compose file is only needed to know the stack's identity (project, region, mode preset). When it is
 * gone, or renders no longer (a `build:` service deployed with `--image`), the identity comes from the
 * stack file alone, or from `-p PROJECT --stack S --region R`.
 *
 * @module
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { GetResourcesCommand } from '@aws-sdk/client-resource-groups-tagging-api';
import type { AwsClients } from '../../aws/types.js';
import { resolveStackProject, STACK_DIR } from '../../desired/load-project.js';
import { RenderError } from '../../desired/render/errors.js';
import { type DesiredStack, TAG_KEYS } from '../../desired/resource-types.js';
import { listStackFiles, loadStackFile, MODE_PRESETS } from '../../desired/stack/index.js';
import { sanitizeName } from '../../desired/stack/patterns.js';
import type { StackFile } from '../../desired/stack-types.js';
import { StackctlError } from '../../errors.js';
import type { Flags } from '../args.js';
import { UsageError } from '../args.js';
import { resolveRegion } from './aws-context.js';
import { loadFromFlags, loadOptionsFromFlags } from './common.js';

/**
 * Final snapshots before deleting data stores when no stack file says which mode the stack runs in:
 * the safe choice, since a snapshot can be deleted later and a missing one cannot be made.
 */
export const DEFAULT_DESTROY_FINAL_SNAPSHOT = true;

/** The `mode` a compose-less destroy target carries when no stack file names one. */
export const UNKNOWN_MODE = 'unknown';

/** Where a destroy target's identity came from. */
export type DestroyTargetSource =
  /** Compose + stack file rendered: desired names help observers, as for every other command. */
  | 'compose'
  /** Compose + stack file resolved but not rendered (a service without an image). */
  | 'resolved'
  /** The stack file alone (no compose file). */
  | 'stack-file'
  /** `-p`, `--stack` and the region from flags or environment alone. */
  | 'flags';

/** A stack to destroy. */
export interface DestroyTarget {
  /** Project, stack and region; `resources` is what the compose renders, empty without one. */
  readonly desired: DesiredStack;
  /** The mode preset's `finalSnapshotOnDelete`, else {@link DEFAULT_DESTROY_FINAL_SNAPSHOT}. */
  readonly finalSnapshot: boolean;
  readonly source: DestroyTargetSource;
}

/** Load errors after which destroy still knows enough to find the stack by its tags. */
const RECOVERABLE_CODES: ReadonlySet<string> = new Set(['COMPOSE_NOT_FOUND', 'STACK_NOT_FOUND']);

/**
 * The stack `destroy` acts on: rendered from compose when it can be, else identified from the stack file
 * or flags. Calls AWS only through `findProjects`, and only when no file and no `-p` names the project.
 *
 * @throws {UsageError} when the region is unknown, or the project is neither named nor found by its tags
 */
export async function loadDestroyTarget(
  flags: Flags,
  stack: string,
  findProjects: ProjectFinder,
): Promise<DestroyTarget> {
  try {
    const project = loadFromFlags(flags, stack);
    return {
      desired: project.desired,
      finalSnapshot: project.resolved.preset.finalSnapshotOnDelete,
      source: 'compose',
    };
  } catch (err) {
    if (err instanceof RenderError) return resolvedTarget(flags, stack);
    if (err instanceof StackctlError && RECOVERABLE_CODES.has(err.code))
      return composeLessTarget(flags, stack, err, findProjects);
    throw err;
  }
}

function emptyStack(project: string, stack: string, region: string, mode: string): DesiredStack {
  return { project, stack, region, mode, resources: [], requiredSecrets: [] };
}

function resolvedTarget(flags: Flags, stack: string): DestroyTarget {
  const { resolved } = resolveStackProject(loadOptionsFromFlags(flags, stack));
  return {
    desired: emptyStack(resolved.project.value, stack, resolved.region.value, resolved.mode.value),
    finalSnapshot: resolved.preset.finalSnapshotOnDelete,
    source: 'resolved',
  };
}

/** The directory the compose file would be in: where `.stackctl/` is looked for. */
function projectDir(flags: Flags): string {
  const cwd = resolve(flags.cwd ?? process.cwd());
  return flags.file === undefined ? cwd : dirname(resolve(cwd, flags.file));
}

function findStackFileIn(dir: string, stack: string): StackFile | undefined {
  const stackDir = join(dir, STACK_DIR);
  if (!existsSync(stackDir)) return undefined;
  const found = listStackFiles(stackDir).find((s) => s.stack === stack);
  return found ? loadStackFile(found.file) : undefined;
}

/** The projects that have resources tagged for `stack` in `region` (see {@link discoverStackProjects}). */
export type ProjectFinder = (region: string, stack: string) => Promise<readonly string[]>;

/** Resources per GetResources page (the API maximum). */
const TAGGING_PAGE_SIZE = 100;

/**
 * The distinct `stackctl:project` values of resources tagged `stackctl:stack=<stack>`, read with the
 * Resource Groups Tagging API (one paginated call, every service): how a stack file without `project:`
 * and without its compose file (whose `name:` set the project) still names exactly one project.
 */
export async function discoverStackProjects(clients: AwsClients, stack: string): Promise<readonly string[]> {
  const projects = new Set<string>();
  let token: string | undefined;
  do {
    const page = await clients.tagging.send(
      new GetResourcesCommand({
        TagFilters: [{ Key: TAG_KEYS.stack, Values: [stack] }, { Key: TAG_KEYS.project }],
        ResourcesPerPage: TAGGING_PAGE_SIZE,
        ...(token ? { PaginationToken: token } : {}),
      }),
    );
    for (const mapping of page.ResourceTagMappingList ?? []) {
      const project = mapping.Tags?.find((t) => t.Key === TAG_KEYS.project)?.Value;
      if (project) projects.add(project);
    }
    token = page.PaginationToken || undefined;
  } while (token);
  return [...projects].sort();
}

async function projectOf(
  stack: string,
  region: string,
  named: string | undefined,
  findProjects: ProjectFinder,
  hint: string,
): Promise<string> {
  if (named !== undefined) return sanitizeName(named);
  const found = await findProjects(region, stack);
  if (found.length === 1 && found[0] !== undefined) return found[0];
  throw new UsageError(
    found.length === 0
      ? `${hint}; no resources in ${region} are tagged for a stack "${stack}": pass -p PROJECT (and --region) to say where it lives`
      : `${hint}; several projects have a stack "${stack}" in ${region} (${found.join(', ')}): pass -p PROJECT`,
  );
}

async function composeLessTarget(
  flags: Flags,
  stack: string,
  cause: StackctlError,
  findProjects: ProjectFinder,
): Promise<DestroyTarget> {
  const dir = projectDir(flags);
  const stackFile = findStackFileIn(dir, stack);
  const region = (await resolveRegion(flags, { stackRegion: stackFile?.region }))?.value;
  if (region === undefined) {
    throw new UsageError(
      `${cause.message}; without a compose or stack file, destroy finds stack ${stack} by its tags and the state table once told its region: pass --region REGION (or set AWS_REGION), and -p PROJECT`,
    );
  }
  const project = await projectOf(
    stack,
    region,
    flags.project ?? stackFile?.project,
    findProjects,
    cause.message,
  );
  if (!stackFile) {
    return {
      desired: emptyStack(project, stack, region, UNKNOWN_MODE),
      finalSnapshot: DEFAULT_DESTROY_FINAL_SNAPSHOT,
      source: 'flags',
    };
  }
  return {
    desired: emptyStack(project, stack, region, stackFile.mode),
    finalSnapshot: MODE_PRESETS[stackFile.mode].finalSnapshotOnDelete,
    source: 'stack-file',
  };
}
