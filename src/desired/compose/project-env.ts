/**
 * The interpolation values of a project, highest first: the shell environment, the stack file's `env:`,
 * then the project `.env` next to the compose file (which may itself use the two above).
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Diagnostics } from './diagnostics.js';
import { parseEnvFile } from './env-file.js';
import { COMPOSE_PROBLEM, COMPOSE_WARNING } from './errors.js';
import type { VariableLookup } from './interpolate.js';

/** Name of the project env file compose reads for interpolation. */
export const PROJECT_ENV_FILE = '.env';

/** The sources of interpolation values. */
export interface ProjectEnvSources {
  /** Shell environment (highest). */
  readonly shell: Readonly<Record<string, string | undefined>>;
  /** The stack file's `env:` (middle). */
  readonly stackEnv: Readonly<Record<string, string>>;
  /** Directory holding the project `.env` (lowest). */
  readonly projectDir: string;
  /**
   * The `.env` text already read by the caller (`undefined`: there is none), so the values used are
   * exactly those the caller keyed a cache by; read from `projectDir` when this is absent.
   */
  readonly dotenv?: { readonly text: string | undefined };
}

/** Which interpolation layer set a variable, named the way a user would look for it. */
export type VariableLayer = 'the shell environment' | "the stack file's env:" | 'the project .env';

/** The interpolation values plus, per variable, the layer that supplied it (never the value). */
export interface ProjectVariables {
  readonly lookup: VariableLookup;
  readonly layerOf: (name: string) => VariableLayer | undefined;
}

/** Builds the lookup; problems in `.env` are recorded with their line. */
export function projectLookup(sources: ProjectEnvSources, diag: Diagnostics): VariableLookup {
  return projectVariables(sources, diag).lookup;
}

/**
 * {@link projectLookup} plus the layer of each variable, so a warning can say where a value came from
 * without printing it.
 */
export function projectVariables(sources: ProjectEnvSources, diag: Diagnostics): ProjectVariables {
  const { shell, stackEnv } = sources;
  const own = (name: string): string | undefined =>
    Object.hasOwn(shell, name) ? shell[name] : Object.hasOwn(stackEnv, name) ? stackEnv[name] : undefined;
  const dotenv = new Map<string, string>();
  const file = join(sources.projectDir, PROJECT_ENV_FILE);
  const text = sources.dotenv === undefined ? readDotenv(file) : sources.dotenv.text;
  if (text !== undefined) {
    const parsed = parseEnvFile(text, own);
    for (const p of parsed.problems) {
      const loc = { file, line: p.line, column: 1 };
      if (p.kind === 'error') diag.error(COMPOSE_PROBLEM.envFile, p.message, loc);
      else
        diag.warnOnce(
          `unset:${p.variable}`,
          COMPOSE_WARNING.unsetVariable,
          `${p.message}; it is replaced by an empty string`,
          loc,
        );
    }
    for (const e of parsed.entries) if (e.value !== null) dotenv.set(e.key, e.value);
  }
  const lookup: VariableLookup = (name) => own(name) ?? dotenv.get(name);
  const layerOf = (name: string): VariableLayer | undefined => {
    if (Object.hasOwn(shell, name) && shell[name] !== undefined) return 'the shell environment';
    if (Object.hasOwn(stackEnv, name)) return "the stack file's env:";
    return dotenv.has(name) ? 'the project .env' : undefined;
  };
  return { lookup, layerOf };
}

/** The project `.env` text, `undefined` when there is none (or it cannot be read, treated alike). */
export function readDotenv(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined; // No .env is the normal case.
  }
}
