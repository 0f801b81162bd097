/**
 * Builds normalized compose models in code, so tests of later stages (stack resolution, rendering) do
 * not depend on the compose loader and can state exactly the fields they care about.
 *
 * @module
 */

import type { ComposeModel, ComposeService } from '../../src/desired/compose-types.js';
import type { SourceLocation, Warning } from '../../src/errors.js';

/** Default entry file of fixture models: directory `shop`, so the fallback project name is `shop`. */
export const FIXTURE_COMPOSE_FILE = '/work/apps/shop/compose.yaml';

type Writable<T> = { -readonly [K in keyof T]: T[K] };

/** A compose service with empty collections; `overrides` sets anything else. */
export function composeService(
  name: string,
  overrides: Partial<Writable<ComposeService>> = {},
): ComposeService {
  return {
    name,
    environment: {},
    ports: [],
    expose: [],
    dependsOn: {},
    profiles: [],
    secrets: [],
    networks: ['default'],
    volumes: [],
    labels: {},
    ...overrides,
  };
}

/** Options of {@link composeModel}. */
export interface ComposeModelOptions {
  readonly name?: string;
  readonly services?: readonly ComposeService[];
  /** @default {@link FIXTURE_COMPOSE_FILE} */
  readonly file?: string;
  readonly warnings?: readonly Warning[];
  /** Field path → line/column in `file`. */
  readonly locations?: Readonly<Record<string, { readonly line: number; readonly column: number }>>;
  readonly secrets?: readonly string[];
}

/** A compose model holding `services` in the given order. */
export function composeModel(options: ComposeModelOptions = {}): ComposeModel {
  const file = options.file ?? FIXTURE_COMPOSE_FILE;
  const locations: Record<string, SourceLocation> = {};
  for (const [path, at] of Object.entries(options.locations ?? {})) locations[path] = { file, ...at };
  return {
    ...(options.name !== undefined ? { name: options.name } : {}),
    services: Object.fromEntries((options.services ?? []).map((s) => [s.name, s])),
    volumes: [],
    networks: ['default'],
    secrets: options.secrets ?? [],
    file,
    warnings: options.warnings ?? [],
    locations,
  };
}
