/**
 * The `deployed` image layer on the CLI: `reconcile` records the images a successful pass deployed in
 * the state table (`src/state/deployed-images.ts`), and `plan`, `drift`, `status` and `reconcile` load a
 * stack with them below every other layer, so a `build:` service deployed with `--image` needs the flag
 * only when its image changes. The table is read only when some service has no image from compose, the
 * stack file or `--image`, so stacks that name all their images make no extra call.
 *
 * @module
 */
import { AwsCallError } from '../../aws/errors.js';
import { resolveStackProject, type StackProject } from '../../desired/load-project.js';
import { renderStack } from '../../desired/render/index.js';
import type { ResolvedStack } from '../../desired/resolved-types.js';
import type { PassResult } from '../../reconcilers/reconcile-stack.js';
import { readDeployedImages, recordDeployedImages, type StackRef } from '../../state/index.js';
import type { Flags } from '../args.js';
import { openAwsSession, stateTableName } from './aws-context.js';
import { loadOptionsFromFlags } from './common.js';

/** DynamoDB's error code for a missing table: nothing was ever deployed with state. */
const MISSING_TABLE_CODE = 'ResourceNotFoundException';

/** Services with no image from any layer (compose, stack file, `--image`). */
export function servicesWithoutImage(resolved: ResolvedStack): readonly string[] {
  return Object.entries(resolved.services)
    .filter(([, svc]) => svc.image === undefined)
    .map(([name]) => name)
    .sort();
}

/** The images of every service that has one, by service: what a pass deploying `resolved` runs. */
export function imagesOf(resolved: ResolvedStack): Readonly<Record<string, string>> {
  const images: Record<string, string> = {};
  for (const [name, svc] of Object.entries(resolved.services)) if (svc.image) images[name] = svc.image.value;
  return images;
}

function stateRef(flags: Flags, resolved: ResolvedStack): StackRef {
  const { clients } = openAwsSession(flags, resolved.region.value);
  return {
    client: clients.dynamodb,
    table: stateTableName(flags),
    project: resolved.project.value,
    stack: resolved.stack,
  };
}

/**
 * Loads and renders `stack` like `loadFromFlags`, filling services that have no image from any other
 * layer with the image the last successful reconcile deployed (layer `deployed`). Services the record
 * does not know stay without image, and the render reports them as before.
 */
export async function loadWithDeployedImages(flags: Flags, stack: string): Promise<StackProject> {
  const options = loadOptionsFromFlags(flags, stack);
  const first = resolveStackProject(options);
  const missing = servicesWithoutImage(first.resolved);
  if (missing.length === 0) return { ...first, desired: renderStack(first.resolved) };
  let recorded: Readonly<Record<string, string>> = {};
  try {
    recorded = await readDeployedImages(stateRef(flags, first.resolved));
  } catch (err) {
    if (!(err instanceof AwsCallError && err.awsCode === MISSING_TABLE_CODE)) throw err;
  }
  const deployedImages = Object.fromEntries(
    missing.flatMap((name) => (recorded[name] === undefined ? [] : [[name, recorded[name]] as const])),
  );
  if (Object.keys(deployedImages).length === 0) return { ...first, desired: renderStack(first.resolved) };
  const project = resolveStackProject({ ...options, deployedImages });
  return { ...project, desired: renderStack(project.resolved) };
}

/**
 * After a reconcile: records the images it deployed when every step applied (a failed or partial pass
 * records nothing, so the layer only ever names images that run). Returns whether it wrote.
 */
export async function rememberDeployedImages(
  flags: Flags,
  project: StackProject,
  result: PassResult,
  startedAt: Date,
): Promise<boolean> {
  const s = result.report.summary;
  if (!result.report.ok || s.failed > 0 || s.blocked > 0) return false;
  const images = imagesOf(project.resolved);
  if (Object.keys(images).length === 0) return false;
  return recordDeployedImages({
    ...stateRef(flags, project.resolved),
    images,
    deployedAt: startedAt.toISOString(),
  });
}
