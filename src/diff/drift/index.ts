/**
 * The drift report model: building a report from plans, ignore rules, and its renderers (text, JSON,
 * Markdown, HTML). Pure; import from here outside the folder.
 *
 * @module
 */
export {
  buildDriftReport,
  buildStackDrift,
  type DriftReportInput,
  driftExitCode,
  type StackDriftInput,
  stackDriftError,
  stackWiring,
  summarizeResources,
  worseHealth,
} from './build-report.js';
export { DriftIgnoreSyntaxError } from './errors.js';
export { type IgnoreRule, ignoresField, ignoresResource, parseDriftIgnore } from './ignore-rules.js';
export { escapeHtml, formatDriftHtml } from './render-html.js';
export { driftReportToJson, driftReportToJsonValue } from './render-json.js';
export { formatDriftMarkdown, mdCode } from './render-markdown.js';
export { type DriftTextOptions, formatDriftText } from './render-text.js';
export { BUILTIN_RULES, type BuiltinRule, containsRef, SuppressionCounter } from './suppress.js';
export {
  type BrokenEdge,
  DRIFT_REPORT_SCHEMA_VERSION,
  DRIFTED_STATUSES,
  type DriftReport,
  type DriftSummary,
  type FieldDrift,
  type Fix,
  type IgnoredCount,
  RESOURCE_STATUSES,
  type ResourceDrift,
  type ResourceStatus,
  type StackDrift,
  type StackWiring,
  type SyncStatus,
  type WiringCheckName,
} from './types.js';
