/**
 * A stack rendered as if its stack file said another `mode`: what `estimate --mode M` prices, to compare
 * the cost of the presets on the same app. Everything the stack file sets itself (replicas, sizes, the
 * database's storage) still wins over the preset, exactly as it would after editing `mode:`.
 *
 * @module
 */
import type { ResolvedStackProject } from '../desired/load-project.js';
import { renderStack } from '../desired/render/index.js';
import type { DesiredStack } from '../desired/resource-types.js';
import { resolveStack } from '../desired/stack/index.js';
import type { Mode } from '../desired/stack-types.js';

/**
 * Re-resolves and renders `project` with `mode` in place of its stack file's. Pure apart from what the
 * loaded project already holds; the images resolved for the loaded stack are kept (as the command line's
 * `--image`), so a `build:` service renders the same image in both.
 */
export function renderWithMode(project: ResolvedStackProject, mode: Mode): DesiredStack {
  const images = Object.fromEntries(
    Object.entries(project.resolved.services).flatMap(([name, svc]) =>
      svc.image === undefined ? [] : [[name, svc.image.value] as const],
    ),
  );
  const resolved = resolveStack({
    compose: project.compose,
    stackFile: { ...project.stackFile, mode },
    cli: { images, region: project.resolved.region.value },
    projectOverride: project.resolved.project.value,
  });
  return renderStack(resolved);
}
