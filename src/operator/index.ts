/**
 * The operator's public API: build an {@link Operator} from a config and injected clients, and the
 * pieces the CLI shares with it (stored specs, stack views, conditions).
 *
 * @module
 */
export { Backoff, type BackoffOptions } from './backoff.js';
export {
  buildStatus,
  isConverged,
  READY_REASONS,
  type ReadyReason,
  SYNCED_REASONS,
  type SyncedReason,
  worstHealth,
} from './conditions.js';
export {
  DEFAULT_BACKOFF_BASE_MS,
  DEFAULT_BACKOFF_MAX_MS,
  DEFAULT_CONCURRENCY,
  DEFAULT_POLL_MS,
  DEFAULT_PORT,
  DEFAULT_PROGRESS_REQUEUE_MS,
  DEFAULT_RESYNC_JITTER,
  DEFAULT_RESYNC_MS,
  DEFAULT_STOP_TIMEOUT_MS,
  loadOperatorConfig,
  OPERATOR_ENV,
  type OperatorConfig,
  type ProfileRegionReader,
  readOperatorConfig,
} from './config.js';
export { type PassOutcome, type PassStart, StackController } from './controller.js';
export {
  type DecideInput,
  decidePass,
  type PassAction,
  type PassCause,
  type PassDecision,
} from './decide.js';
export { ClientsClosedError, OperatorConfigError, StoredSpecError } from './errors.js';
export { type HttpHandlers, type HttpServer, METRICS_CONTENT_TYPE, startHttpServer } from './http.js';
export { jsonLogger, LOG_LEVELS, type Logger, type LogLevel, silentLogger } from './logger.js';
export { OperatorMetrics } from './metrics.js';
export { Operator, type OperatorOptions, type StopReport } from './operator.js';
export {
  formatPassTrailer,
  leaseViolations,
  PASS_EVENT_REASONS,
  type PassRecord,
  parsePassTrailer,
  passRecords,
} from './pass-record.js';
export {
  attachPassDeadline,
  currentPassScope,
  PASS_DEADLINE_MIDDLEWARE,
  type PassScope,
  passBundle,
  ScopedCallStats,
  ScopedRetryBudget,
} from './pass-scope.js';
export {
  type ClientsFactory,
  defaultClientsFactory,
  openPassSession,
  PASS_DEADLINE_MS,
  type PassSession,
  type PassSessionOptions,
} from './pass-session.js';
export { RegionClients, type RegionClientsOptions } from './region-clients.js';
export { nextResyncDelayMs, type ResyncSlotInput, resyncPhaseMs } from './resync-schedule.js';
export { loadStackViews } from './stack-views.js';
export { renderStatusPage, type StackView, stackState } from './status-page.js';
export {
  readStoredSpec,
  renderStoredSpec,
  STORED_SPEC_VERSION,
  type StoredSpec,
  toStoredSpec,
} from './stored-spec.js';
export { resyncDelay, Watcher } from './watcher.js';
export { SYSTEM_TIMERS, type Timers, WorkQueue } from './work-queue.js';
