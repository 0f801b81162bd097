/**
 * The diff layer: pure comparison, planning and plan formatting. Import from here outside the layer.
 *
 * @module
 */
export { canonicalJson, isPlainObject, sortKeysDeep } from './canonical-json.js';
export { type DiffOptions, diffResource } from './compare.js';
export {
  DATA_SAFETY_PREFIX,
  isDataSafetyRefusal,
  keepWhatKeptDataUses,
  majorUpgradeReason,
  majorVersion,
  type Removal,
} from './data-safety.js';
export { DuplicateLogicalIdError, PlanCycleError } from './errors.js';
export {
  type FormatPlanOptions,
  formatPlanText,
  formatSummary,
  formatValue,
  KNOWN_AFTER_APPLY,
} from './format-plan.js';
export { IMMUTABLE_FIELDS, immutableFieldOf, isImmutablePath, replaceReason } from './immutable-fields.js';
export { KIND_DELETE_ORDER, mustDeleteBefore } from './kind-order.js';
export {
  type DecisionContext,
  dataSafetyReason,
  decideAction,
  decideRemoval,
  duplicateReason,
  keptAsIs,
  OUTPUTS_CHANGE_ON_UPDATE,
  resourceDeltas,
  UNSUPPORTED_REASON,
} from './plan-action.js';
export {
  PLAN_JSON_SCHEMA_VERSION,
  type PlanJson,
  type PlanJsonDelta,
  type PlanJsonStep,
  planToJson,
  planToJsonValue,
} from './plan-json.js';
export { computeAfter, type OrderNode, topoSort } from './plan-order.js';
export { type PlanInput, planStack, summarize } from './plan-stack.js';
export { looksSecret, parsePath, REDACTED, redactDelta, redactSpec, redactValue, valueAt } from './redact.js';
export { redactAction, redactDesiredStack, redactPlan } from './redact-plan.js';
export {
  collectRefs,
  type MissingRef,
  type OutputsByLogicalId,
  type PartialResolution,
  type ResolveResult,
  resolveRefs,
  resolveRefsPartial,
} from './resolve-refs.js';
export {
  AWS_TAG_PREFIX,
  diffTags,
  isTagDiffEmpty,
  STACKCTL_TAG_PREFIX,
  type TagDiff,
  tagDeltas,
} from './tags.js';
export type { Action, ActionType, FieldDelta, Plan, PlanStep } from './types.js';
