/**
 * The renderer: ResolvedStack → DesiredStack (docs/resource-specs.md), plus the naming, canonical-form
 * and graph helpers other layers share with it.
 *
 * @module
 */
export { canonicalize, compareStrings, sortedUnique, stableJson } from './canonical.js';
export { REDIS_URL_ATTR } from './data-env.js';
export { RENDER_INVALID, RenderError, type RenderProblem } from './errors.js';
export { collectRefs, validateGraph } from './graph.js';
export {
  cleanName,
  MIN_PHYSICAL_NAME_LENGTH,
  NAME_HASH_LENGTH,
  NAME_LIMITS,
  type PhysicalNameParts,
  physicalName,
} from './naming.js';
export { endpointUrl, type PublicEndpoint, publicEndpoints } from './public-endpoints.js';
export { renderStack } from './render-stack.js';
