/**
 * The envelope of every `--output json` document: a top-level `schemaVersion` and a `kind` naming the
 * document, so a script can check what it reads before it reads it. Fields are typed values (numbers as
 * numbers, ISO timestamps, booleans, `null` for absent), documented per kind in docs/json-output.md.
 *
 * @module
 */

/** Bumped on any incompatible change to a CLI JSON document (a renamed or retyped field). */
export const JSON_OUTPUT_SCHEMA_VERSION = 1;

/** Every document a command prints with `--output json`, one per command (or subcommand). */
export const JSON_DOCUMENT_KINDS = [
  'Adoption',
  'ConfigList',
  'DestroyResult',
  'DriftReport',
  'Estimate',
  'EventList',
  'LogLine',
  'Plan',
  'PruneResult',
  'PushResult',
  'ReconcileResult',
  'RenderedStack',
  'RenderExplanation',
  'Rollout',
  'StackList',
  'RemoteStackList',
  'RemoteStack',
  'StatusReport',
  'ValidationResult',
  'WiringReport',
] as const;

/** The name of one document kind. */
export type JsonDocumentKind = (typeof JSON_DOCUMENT_KINDS)[number];

/** A document: the envelope first, then the command's own fields. */
export type JsonDocument<K extends JsonDocumentKind, B extends object> = {
  readonly schemaVersion: number;
  readonly kind: K;
} & Omit<B, 'schemaVersion' | 'kind'>;

/**
 * Wraps a command's result in the envelope. A body that is versioned on its own (the plan and wiring
 * reports, the drift report at 2) keeps its version; every other document is {@link JSON_OUTPUT_SCHEMA_VERSION}.
 *
 * @example
 * printJson(io, jsonDocument('StatusReport', { stacks: rows }));
 */
export function jsonDocument<K extends JsonDocumentKind, B extends object>(
  kind: K,
  body: B,
): JsonDocument<K, B> {
  const { schemaVersion, kind: _k, ...rest } = body as B & { schemaVersion?: unknown; kind?: unknown };
  const version = typeof schemaVersion === 'number' ? schemaVersion : JSON_OUTPUT_SCHEMA_VERSION;
  return { schemaVersion: version, kind, ...rest } as JsonDocument<K, B>;
}

/** An optional value as JSON: `null` when absent, so every documented field is always present. */
export function orNull<T>(value: T | undefined): T | null {
  return value === undefined ? null : value;
}
