/**
 * The spec `stackctl push` stores and the operator renders: the normalized compose model, the parsed
 * stack file and the command-line overrides, enough to re-run `resolveStack` + `renderStack` without
 * the checkout.
 *
 * Storing inputs (not the rendered resources) keeps one renderer, the operator's own version, in
 * charge: an upgraded operator re-renders every stack the same way a fresh `stackctl plan` would.
 * No secret is ever part of it: compose environment keys without a value are `null` (their values live
 * in SSM), and stack files refuse secret-looking literals.
 *
 * @module
 */
import type { ComposeModel } from '../desired/compose-types.js';
import { renderStack } from '../desired/render/index.js';
import type { ResolvedStack } from '../desired/resolved-types.js';
import type { DesiredStack } from '../desired/resource-types.js';
import { resolveStack } from '../desired/stack/index.js';
import type { CliOverrides, StackFile } from '../desired/stack-types.js';
import type { JsonObject, StackSpecRecord } from '../state/index.js';
import { StoredSpecError } from './errors.js';

/** Version of the stored shape; a reader refuses newer ones instead of misreading them. */
export const STORED_SPEC_VERSION = 1;

/** What one spec item holds. */
export interface StoredSpec {
  readonly schemaVersion: typeof STORED_SPEC_VERSION;
  readonly compose: ComposeModel;
  readonly stackFile: StackFile;
  readonly cli: CliOverrides;
  readonly projectOverride?: string;
  /** Let the operator delete or replace databases and caches (destroy, TTL expiry, replacements). */
  readonly allowDataLoss: boolean;
  /** ISO time of the push: a preview stack's `ttl` counts from here, so every push extends it. */
  readonly pushedAt: string;
}

/** Inputs of {@link toStoredSpec}: what the CLI loaded from the checkout. */
export interface StoredSpecInput {
  readonly compose: ComposeModel;
  readonly stackFile: StackFile;
  readonly cli?: CliOverrides;
  readonly projectOverride?: string;
  readonly allowDataLoss?: boolean;
  readonly pushedAt: string;
}

/**
 * The JSON value to store. A JSON round trip drops `undefined` fields, which DynamoDB cannot hold.
 *
 * @example
 * const { compose, stackFile } = loadStackProject({ stack: 'dev' });
 * await putSpec({ ...ref, spec: toStoredSpec({ compose, stackFile, pushedAt: new Date().toISOString() }), expectedGeneration });
 */
export function toStoredSpec(input: StoredSpecInput): JsonObject {
  const spec: StoredSpec = {
    schemaVersion: STORED_SPEC_VERSION,
    compose: withoutInterpolatedSecrets(input.compose),
    stackFile: input.stackFile,
    cli: input.cli ?? {},
    ...(input.projectOverride ? { projectOverride: input.projectOverride } : {}),
    allowDataLoss: input.allowDataLoss ?? false,
    pushedAt: input.pushedAt,
  };
  return JSON.parse(JSON.stringify(spec)) as JsonObject;
}

/**
 * The compose model with every secret-looking key that took its value from the pushing machine's shell,
 * stack `env:` or `.env` set back to `null`: the operator then reads it from SSM like any secret, and
 * the value never reaches the state table.
 */
function withoutInterpolatedSecrets(compose: ComposeModel): ComposeModel {
  const services = Object.fromEntries(
    Object.entries(compose.services).map(([name, svc]) => {
      const keys = svc.interpolatedSecretKeys ?? [];
      if (keys.length === 0) return [name, svc] as const;
      const { interpolatedSecretKeys: _dropped, ...rest } = svc;
      const environment = { ...svc.environment, ...Object.fromEntries(keys.map((k) => [k, null])) };
      return [name, { ...rest, environment }] as const;
    }),
  );
  return { ...compose, services };
}

function isObject(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Checks the stored value's shape and returns it typed. Deeper problems surface as the renderer's
 * own line-numbered errors.
 *
 * @throws StoredSpecError when the shape or version is not one this stackctl writes
 */
export function readStoredSpec(record: StackSpecRecord): StoredSpec {
  const raw: unknown = record.spec;
  const fail = (detail: string): never => {
    throw new StoredSpecError(record.project, record.stack, detail);
  };
  if (!isObject(raw)) return fail('it is not an object');
  if (raw.schemaVersion !== STORED_SPEC_VERSION)
    fail(`schemaVersion ${String(raw.schemaVersion)} is not ${STORED_SPEC_VERSION}`);
  if (!isObject(raw.compose) || !isObject(raw.compose.services)) fail('it has no compose model');
  if (!isObject(raw.stackFile) || typeof raw.stackFile.region !== 'string') fail('it has no stack file');
  if (typeof raw.pushedAt !== 'string') fail('it has no push time');
  return raw as unknown as StoredSpec;
}

/** A stored spec, resolved and rendered. */
export interface RenderedSpec {
  readonly stored: StoredSpec;
  readonly resolved: ResolvedStack;
  readonly desired: DesiredStack;
}

/**
 * Resolves and renders a stored spec, exactly as `stackctl plan` does from a checkout. Pure: no AWS
 * call and no file read.
 *
 * @throws StoredSpecError when the spec renders a different project/stack than its key says
 * @throws the renderer's StackctlErrors for invalid content
 */
export function renderStoredSpec(record: StackSpecRecord): RenderedSpec {
  const stored = readStoredSpec(record);
  const resolved = resolveStack({
    compose: stored.compose,
    stackFile: stored.stackFile,
    cli: stored.cli,
    ...(stored.projectOverride ? { projectOverride: stored.projectOverride } : {}),
  });
  const desired = renderStack(resolved);
  if (desired.project !== record.project || desired.stack !== record.stack) {
    throw new StoredSpecError(
      record.project,
      record.stack,
      `it renders ${desired.project}/${desired.stack}, not the stack it is stored as`,
    );
  }
  return { stored, resolved, desired };
}
