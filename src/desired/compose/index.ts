/**
 * The compose loader: `loadCompose` turns a compose file into the normalized {@link ComposeModel} that the
 * rest of stackctl reads. Only this module is imported from outside `compose/`.
 *
 * @module
 */
export type { ComposeModel, ComposeService } from '../compose-types.js';
export {
  COMPOSE_PROBLEM,
  COMPOSE_WARNING,
  ComposeError,
  type ComposeProblemCode,
  type ComposeWarningCode,
} from './errors.js';
export { type InterpolationResult, interpolate, type VariableLookup } from './interpolate.js';
export {
  clearLoadedComposeCache,
  composeCacheKey,
  type KeyedComposeModel,
  type LoadComposeOptions,
  loadCompose,
  loadComposeKeyed,
} from './load-compose.js';
export { type ParsedShortPort, parseShortPort } from './port-syntax.js';
export { parseCpus, parseDurationSeconds, parseMemoryMiB } from './units.js';
