/**
 * The state layer's public API: the DynamoDB table, leases with fencing, the resource journal, stack
 * status, stack specs and events. Other layers import from here only.
 *
 * @module
 */
export { documentClient } from './client.js';
export {
  type RecordDeployedImagesOptions,
  readDeployedImages,
  recordDeployedImages,
} from './deployed-images.js';
export {
  LeaseLostError,
  SpecConflictError,
  SpecTooLargeError,
  StackDeletingError,
  StateKeyError,
  StateTableError,
} from './errors.js';
export {
  type AppendEventOptions,
  appendEvent,
  DEFAULT_EVENT_LIMIT,
  EVENT_TTL_MS,
  type ListEventsOptions,
  listEvents,
  MAX_EVENT_MESSAGE_LENGTH,
} from './events.js';
export {
  type AppliedInput,
  type IntentInput,
  JOURNAL_WRITE_MAX_RETRY_MS,
  Journal,
  type JournalOptions,
} from './journal.js';
export { DEFAULT_TABLE_NAME, SPECS_INDEX, TTL_ATTRIBUTE } from './keys.js';
export {
  type AcquireLeaseOptions,
  acquireLease,
  DEFAULT_HEARTBEAT_MS,
  DEFAULT_LEASE_MS,
  type Lease,
  type LeaseRecord,
  readLease,
  releaseLease,
  renewLease,
} from './lease.js';
export { type KeepLeaseAliveOptions, keepLeaseAlive, type LeaseKeeper } from './lease-keeper.js';
export {
  createRollout,
  FINISHED_ROLLOUT_PHASES,
  ROLLOUT_CONFLICT_CODE,
  RolloutConflictError,
  readRollout,
  type StoredRollout,
  saveRollout,
} from './rollout-store.js';
export { LIST_SPECS_PAGE_SIZE, type ListSpecsOptions, listSpecs } from './spec-record.js';
export {
  deleteSpec,
  getSpec,
  MAX_SPEC_BYTES,
  markForDeletion,
  type PutSpecOptions,
  putSpec,
  type SpecWriteOptions,
  setPaused,
} from './spec-store.js';
export {
  type ConditionInput,
  nextCondition,
  type ReadStatusOptions,
  readStatus,
  type WriteStatusOptions,
  writeStatus,
} from './status-store.js';
export {
  type EnsureStateTableOptions,
  ensureStateTable,
  TABLE_ACTIVE_TIMEOUT_MS,
  TABLE_POLL_MS,
} from './table.js';
export type {
  Clock,
  ConditionStatus,
  ConditionType,
  CreatePending,
  EventType,
  JournalEntry,
  JsonObject,
  JsonValue,
  LastPass,
  LeaseFence,
  PassResult,
  StackCondition,
  StackEvent,
  StackRef,
  StackSpecRecord,
  StackStatus,
  StateClient,
  StateTarget,
  StatusSummary,
} from './types.js';
export { CONDITION_TYPES } from './types.js';
