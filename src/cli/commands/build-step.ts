/**
 * The build step on the CLI (docs/BUILD.md): before `plan` and `reconcile` render, every `build:` service
 * that gets no image from `--image` or the stack file has its image built and pushed to the project's
 * ECR repository, tagged by the digest of its build inputs (src/build/). An unchanged context builds
 * and pushes nothing. `plan` only looks: it shows "build web (inputs changed)" or "image web: unchanged".
 *
 * A compose `image:` beside `build:` names what compose would tag locally; stackctl builds all the same
 * and runs its own ECR tag. An image recorded by the last reconcile (layer `deployed`) is replaced by the
 * build's, so source changes always deploy; with `--no-build` (build: false) the step is skipped and the
 * deployed layer applies as before.
 *
 * @module
 */
import { dirname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  BUILD_ERROR,
  type BuildClients,
  BuildError,
  buildServiceImages,
  createBuildClients,
  describeImageOutcome,
  type ImageBuilder,
  type ImageOutcome,
  type ServiceBuild,
  selectBuilder,
} from '../../build/index.js';
import { resolveStackProject, type StackProject } from '../../desired/load-project.js';
import type { ResolvedStack } from '../../desired/resolved-types.js';
import type { Layer } from '../../desired/stack-types.js';
import type { Flags } from '../args.js';
import type { Io } from '../output.js';
import { loadFromFlags, loadOptionsFromFlags } from './common.js';
import { loadWithDeployedImages } from './deployed-images.js';

/** Image layers the build replaces: below the stack file and `--image`, which always win. */
const LAYERS_BUILD_REPLACES: ReadonlySet<Layer> = new Set(['default', 'deployed', 'compose']);

/** A build context compose gives as a URL (git, http): stackctl builds local folders only. */
export const REMOTE_BUILD_CONTEXT = /^[a-z][a-z0-9+.-]*:\/\/|^git@/i;

/**
 * The `build:` services of `resolved` the step builds, with absolute contexts (`projectDir` is the
 * compose file's folder, which compose contexts are relative to). A remote context is refused.
 */
export function servicesToBuild(resolved: ResolvedStack, projectDir: string): readonly ServiceBuild[] {
  const out: ServiceBuild[] = [];
  for (const [name, svc] of Object.entries(resolved.services)) {
    const build = svc.compose.build;
    if (build === undefined) continue;
    if (svc.image !== undefined && !LAYERS_BUILD_REPLACES.has(svc.image.layer)) continue;
    if (REMOTE_BUILD_CONTEXT.test(build.context))
      throw new BuildError(
        BUILD_ERROR.badContext,
        `service ${name}: build context ${build.context} is a URL; stackctl builds local folders only (give an image with --image ${name}=REF or in the stack file)`,
      );
    out.push({
      service: name,
      context: isAbsolute(build.context) ? build.context : resolve(projectDir, build.context),
      ...(build.dockerfile === undefined ? {} : { dockerfile: build.dockerfile }),
      ...(build.args === undefined ? {} : { args: build.args }),
      ...(build.target === undefined ? {} : { target: build.target }),
    });
  }
  return out;
}

/** The build path's clients for `region`, with the endpoint and profile the flags name (as `openAwsSession`). */
function buildClientsFor(flags: Flags, region: string): Promise<BuildClients> {
  return createBuildClients({
    region,
    ...(flags.endpointUrl ? { endpoint: flags.endpointUrl } : {}),
    ...(flags.awsProfile ? { profile: flags.awsProfile } : {}),
  });
}

/** Options of {@link loadWithBuiltImages}. */
export interface BuildStepOptions {
  /** true for `reconcile` (build and push), false for `plan` (read only). */
  readonly apply: boolean;
  /** false for `--no-build`: skip the step. @default true */
  readonly build?: boolean;
  /** @default {@link selectBuilder} (local Docker, else CodeBuild) */
  readonly builder?: () => Promise<ImageBuilder>;
}

/** A loaded stack and what the build step did for it. */
export interface BuiltStackProject {
  readonly project: StackProject;
  readonly images: readonly ImageOutcome[];
}

/**
 * Like `loadWithDeployedImages`, after the build step: built (or, for plan, to-be-built) images become
 * the services' images. Prints one line per built service on stderr ("image web: unchanged, build-…").
 */
export async function loadWithBuiltImages(
  flags: Flags,
  stack: string,
  io: Pick<Io, 'err'>,
  options: BuildStepOptions,
): Promise<BuiltStackProject> {
  if (options.build === false) return { project: await loadWithDeployedImages(flags, stack), images: [] };
  const first = resolveStackProject(loadOptionsFromFlags(flags, stack));
  const services = servicesToBuild(first.resolved, dirname(first.composeFile));
  if (services.length === 0) return { project: await loadWithDeployedImages(flags, stack), images: [] };
  // Invalid input must stop before any AWS call: render the whole stack once (loadFromFlags stands in an
  // image for every build: service that has none), so a render error never follows a create or a push.
  loadFromFlags(flags, stack);
  const clients = await buildClientsFor(flags, first.resolved.region.value);
  const project = first.resolved.project.value;
  const images = await buildServiceImages({
    clients,
    project,
    services,
    apply: options.apply,
    builder: options.builder ?? (() => selectBuilder({ clients, project, mode: first.resolved.mode.value })),
    onProgress: (line) => io.err(`${line}\n`),
  });
  for (const outcome of images) io.err(`${describeImageOutcome(outcome)}\n`);
  const built = Object.fromEntries(images.map((o) => [o.service, o.imageRef]));
  const withImages: Flags = { ...flags, images: { ...built, ...flags.images } };
  return { project: await loadWithDeployedImages(withImages, stack), images };
}

/** The stackctl package root (where deploy/ and package.json are), next to `src/` and `dist/` alike. */
export const PACKAGE_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** The operator image's Dockerfile, relative to {@link PACKAGE_ROOT}. */
export const OPERATOR_DOCKERFILE = 'deploy/Dockerfile';

/**
 * `operator install` without an image: builds `deploy/Dockerfile` from the package root through the same
 * path (project `stackctl`, service `operator`, repository `stackctl/operator`) and returns the image
 * ref. Needs a source checkout: an installed package lacks the sources the Dockerfile compiles.
 */
export async function publishOperatorImage(
  flags: Flags,
  region: string,
  io: Pick<Io, 'err'>,
  options: { readonly builder?: () => Promise<ImageBuilder>; readonly packageRoot?: string } = {},
): Promise<ImageOutcome> {
  const root = options.packageRoot ?? PACKAGE_ROOT;
  const clients = await buildClientsFor(flags, region);
  const [outcome] = await buildServiceImages({
    clients,
    project: 'stackctl',
    services: [{ service: 'operator', context: root, dockerfile: OPERATOR_DOCKERFILE }],
    apply: true,
    builder: options.builder ?? (() => selectBuilder({ clients, project: 'stackctl', mode: 'affordable' })),
    onProgress: (line) => io.err(`${line}\n`),
  });
  if (outcome === undefined) throw new BuildError(BUILD_ERROR.failed, 'the operator image was not built');
  io.err(`${describeImageOutcome(outcome)}\n`);
  return outcome;
}
