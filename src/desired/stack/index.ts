/**
 * Stack files, mode presets and layered resolution with provenance.
 *
 * The only entry point of `src/desired/stack/` for the rest of stackctl: load `.stackctl/<stack>.yaml`,
 * resolve it against the compose model and CLI flags, explain where each value came from, and write
 * starter files for `stackctl init`.
 *
 * @module
 */
export {
  FargateSizeError,
  SecretInStackFileError,
  STACK_ERROR_CODES,
  StackFileError,
  StackFileReadError,
  type StackProblem,
  StackResolveError,
} from './errors.js';
export { type ExplainEntry, explainStack, formatExplainEntry, REDACTED } from './explain.js';
export {
  CPU_UNITS_PER_VCPU,
  FARGATE_TIERS,
  type FargateSize,
  type FargateTier,
  fargateSize,
} from './fargate-sizes.js';
export {
  renderStackFileTemplate,
  type StackFileTemplateOptions,
  TEMPLATE_DEFAULT_MODE,
  TEMPLATE_DEFAULT_REGION,
} from './init-template.js';
export { listStackFiles, type StackFileEntry } from './list-stacks.js';
export {
  clearParsedStackFileCache,
  type KeyedStackFile,
  loadStackFile,
  loadStackFileKeyed,
  parseStackFile,
  STACK_FILE_EXTENSIONS,
  stackNameOf,
} from './load-stack-file.js';
export {
  isInZone,
  PROJECT_NAME_PATTERN,
  STACK_NAME_PATTERN,
  sanitizeName,
  stackNameProblem,
} from './patterns.js';
export { MODE_PRESETS } from './presets.js';
export {
  AUTOSCALING_MAX_FACTOR,
  DEFAULT_REPLICAS,
  DEFAULT_TARGET_CPU,
  REPLICAS_BELOW_MODE_WARNING,
} from './resolve-service.js';
export { DEFAULT_CPUS, DEFAULT_MEMORY_MIB } from './resolve-size.js';
export { COMMAND_LINE, type ResolveStackInput, resolveStack } from './resolve-stack.js';
export { DEFAULT_DRIFT_POLICY, DEFAULT_MODE, DEFAULT_NETWORK } from './schema.js';
export { SECRET_KEY_PATTERN, type SecretReason, secretReason, secretValueReason } from './secret-detect.js';
export { parseDurationSeconds, parseMemoryMiB, type UnitResult } from './units.js';
