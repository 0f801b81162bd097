/**
 * The AWS layer's public API: the client bundle, error classification, step retries and call accounting.
 *
 * Other layers import from here only, never from the files behind it.
 *
 * @module
 */

export { AMBIGUOUS_OUTCOME_CODE, AmbiguousOutcomeError } from './ambiguous-outcome.js';
export {
  type AwsCallSite,
  attachCallSites,
  attachCallSiteToClient,
  CALL_SITE_ATTEMPT_MIDDLEWARE,
  CALL_SITE_MIDDLEWARE,
  callSiteOf,
  describeCallSite,
  formatCallName,
  recordCallSite,
  withCallSite,
} from './call-site.js';
export {
  type CallKind,
  type CallOutcome,
  CallStats,
  type CallStatsRow,
  type CallStatsTotals,
  classifyOperation,
  formatStatsTable,
  type ServiceCallTotals,
  sumRows,
} from './call-stats.js';
export {
  attachCallStats,
  attachCallStatsToClient,
  CALL_STATS_ATTEMPT_MIDDLEWARE,
  CALL_STATS_MIDDLEWARE,
  type ClientWithStack,
} from './call-stats-middleware.js';
export {
  type AwsClientOptions,
  CALL_WORST_CASE_MS,
  CONNECTION_TIMEOUT_MS,
  createAwsClients,
  profileRegion,
  REQUEST_TIMEOUT_ENV,
  REQUEST_TIMEOUT_MS,
  requestTimeoutFromEnv,
  retrySettings,
  SDK_DEFAULT_RETRY_MODE,
  SDK_MAX_ATTEMPTS,
} from './clients.js';
export {
  attachDeadline,
  DEADLINE_MIDDLEWARE,
  DeadlineExceededError,
  type DeadlineOptions,
  type DeadlineRace,
  raceDeadline,
} from './deadline.js';
export {
  AWS_ERROR_CLASSES,
  AwsCallError,
  type AwsCallErrorOptions,
  type AwsErrorClass,
  awsErrorCode,
  classifyAwsError,
  isAlreadyExists,
  isNotFound,
  isRetryable,
  isServerFault,
  isThrottle,
  MAX_AWS_MESSAGE_LENGTH,
  RETRYABLE_CLASSES,
  ServerFaultLimitError,
  sanitizeAwsMessage,
} from './errors.js';
export {
  attachFaultInjectionFromEnv,
  attachKillAfterMutations,
  FAULT_INJECTION_MIDDLEWARE,
  FAULT_KILL_AFTER_MUTATIONS_ENV,
  FAULT_KILL_OPERATION_ENV,
  type FaultCall,
  FaultInjectionConfigError,
  type KillAfterMutationsOptions,
  killSelf,
  type MutationCounter,
  parseKillAfterMutations,
} from './fault-injection.js';
export {
  attachNoBlindResend,
  attachNoBlindResendToClient,
  isAmbiguousFailure,
  NO_BLIND_RESEND,
} from './no-blind-resend.js';
export {
  attachRandomFaults,
  attachRandomFaultsFromEnv,
  DEFAULT_FAULT_SERVICES,
  emptyTally,
  FAULT_ENV,
  FAULT_KINDS,
  FaultConfigError,
  type FaultKind,
  type FaultTally,
  faultError,
  parseRandomFaults,
  type RandomFaultOptions,
  seededRandom,
  THROTTLE_ERRORS,
} from './random-faults.js';
export { attachReadRetry, isRetryableRead, READ_RETRIES, type ReadRetryOptions } from './read-retry.js';
export {
  abortableSleep,
  DEFAULT_STEP_AMBIGUOUS_RETRIES,
  DEFAULT_STEP_FACTOR,
  DEFAULT_STEP_MAX_RETRY_TIME_MS,
  DEFAULT_STEP_MAX_TIMEOUT_MS,
  DEFAULT_STEP_MIN_TIMEOUT_MS,
  DEFAULT_STEP_RETRIES,
  DEFAULT_STEP_SERVER_FAULT_RETRIES,
  NOT_READY_CODE,
  type RetryAttemptInfo,
  type RetryReason,
  type RetryStepOptions,
  retryReason,
  retryStep,
} from './retry.js';
export { DEFAULT_PASS_RETRY_BUDGET, RetryBudget, RetryBudgetExhaustedError } from './retry-budget.js';
export {
  AWS_ENDPOINT_UNREACHABLE,
  AWS_NO_CREDENTIALS,
  AwsEndpointUnreachableError,
  AwsNoCredentialsError,
  attachSetupErrors,
  describeEndpointSource,
  type EndpointSource,
  effectiveProfile,
  endpointSource,
  type SetupContext,
  serviceEndpointEnvName,
  toSetupError,
} from './setup-errors.js';
export type { AwsClients } from './types.js';
