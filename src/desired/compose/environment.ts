/**
 * A service's container environment: `env_file:` entries (every form), then `environment:` (list or
 * mapping) on top, as compose orders them. Keys without a value stay `null`: stackctl supplies those
 * from SSM at deploy time, so they are never read from the local shell.
 *
 * @module
 */
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { SourceLocation } from '../../errors.js';
import type { Diagnostics } from './diagnostics.js';
import { parseEnvFile } from './env-file.js';
import { COMPOSE_PROBLEM, COMPOSE_WARNING } from './errors.js';
import type { VariableLookup } from './interpolate.js';
import { keyedEntries } from './keyed-list.js';
import {
  type BaseDirOf,
  fieldPath,
  indexPath,
  type RawMap,
  type RawNode,
  scalarText,
  valueAt,
} from './raw-node.js';
import { checkKnownKeys, readBoolean, readString } from './values.js';

/** What environment normalization needs from the loader. @internal */
export interface EnvironmentContext {
  readonly diag: Diagnostics;
  /** Interpolation values, for `${VAR}` inside env files. */
  readonly lookup: VariableLookup;
  /** Field path → location, filled with one entry per variable. */
  readonly locations: Record<string, SourceLocation>;
  /** Where relative `env_file` paths of a file start. @default the file's own directory */
  readonly baseDirOf?: BaseDirOf;
}

const ENV_FILE_KEYS = new Set(['path', 'required', 'format']);

/** Builds the environment of the service at `path` (`services.web`). */
export function normalizeEnvironment(
  service: RawMap,
  path: string,
  ctx: EnvironmentContext,
): Record<string, string | null> {
  // A Map, so a key such as `__proto__` is just a key.
  const env = new Map<string, string | null>();
  const envPath = fieldPath(path, 'environment');
  const envFileNode = valueAt(service, 'env_file');
  if (envFileNode !== undefined) {
    for (const ref of envFileRefs(
      envFileNode,
      fieldPath(path, 'env_file'),
      ctx.diag,
      ctx.baseDirOf ?? dirname,
    )) {
      for (const [key, { value, loc }] of readEnvFile(ref, ctx)) {
        env.set(key, value);
        ctx.locations[fieldPath(envPath, key)] = loc;
      }
    }
  }
  const envNode = valueAt(service, 'environment');
  if (envNode === undefined) return Object.fromEntries(env);
  const entries = keyedEntries(envNode, envPath, '=');
  if (entries === undefined) {
    ctx.diag.error(
      COMPOSE_PROBLEM.invalidValue,
      'must be a mapping or a list of KEY=VALUE',
      envNode.loc,
      envPath,
    );
    return Object.fromEntries(env);
  }
  for (const e of entries) {
    if (e.key.trim() === '') {
      ctx.diag.error(COMPOSE_PROBLEM.invalidValue, 'a variable needs a name before "="', e.loc, e.path);
      continue;
    }
    const value =
      e.node.kind === 'scalar' ? (scalarText(e.node) ?? null) : readString(e.node, e.path, ctx.diag);
    if (value === undefined) continue;
    env.set(e.key, value);
    ctx.locations[fieldPath(envPath, e.key)] = e.loc;
  }
  return Object.fromEntries(env);
}

/** One `env_file` entry, resolved against the base directory of the file that wrote it. */
interface EnvFileRef {
  readonly file: string;
  readonly required: boolean;
  readonly node: RawNode;
  readonly path: string;
}

function envFileRefs(node: RawNode, path: string, diag: Diagnostics, baseDirOf: BaseDirOf): EnvFileRef[] {
  const items =
    node.kind === 'seq' ? node.items.map((n, i) => ({ n, p: indexPath(path, i) })) : [{ n: node, p: path }];
  const refs: EnvFileRef[] = [];
  for (const { n, p } of items) {
    if (n.kind === 'scalar' && n.value === null) continue;
    let file: string | undefined;
    let required = true;
    if (n.kind === 'map') {
      checkKnownKeys(n, ENV_FILE_KEYS, p, diag);
      const pathNode = valueAt(n, 'path');
      if (pathNode === undefined)
        diag.error(COMPOSE_PROBLEM.invalidValue, 'env_file entry needs a path', n.loc, p);
      else file = readString(pathNode, `${p}.path`, diag);
      const requiredNode = valueAt(n, 'required');
      if (requiredNode !== undefined) required = readBoolean(requiredNode, `${p}.required`, diag) ?? true;
      const format = valueAt(n, 'format');
      if (format !== undefined) {
        diag.warn(
          COMPOSE_WARNING.ignoredField,
          'format is ignored: env files are always parsed as dotenv',
          format.loc,
          `${p}.format`,
        );
      }
    } else {
      file = readString(n, p, diag);
    }
    if (file === undefined || file === '') continue;
    refs.push({ file: resolve(baseDirOf(n.loc.file), file), required, node: n, path: p });
  }
  return refs;
}

function readEnvFile(
  ref: EnvFileRef,
  ctx: EnvironmentContext,
): Map<string, { value: string | null; loc: SourceLocation }> {
  const out = new Map<string, { value: string | null; loc: SourceLocation }>();
  let text: string;
  try {
    text = readFileSync(ref.file, 'utf8');
  } catch {
    if (ref.required) {
      ctx.diag.error(
        COMPOSE_PROBLEM.fileNotFound,
        `env file ${ref.file} does not exist (mark it required: false if it is optional)`,
        ref.node.loc,
        ref.path,
      );
    }
    return out;
  }
  const parsed = parseEnvFile(text, ctx.lookup);
  reportEnvFileProblems(ctx.diag, parsed.problems, ref.file, ref.path);
  for (const e of parsed.entries)
    out.set(e.key, { value: e.value, loc: { file: ref.file, line: e.line, column: 1 } });
  return out;
}

/**
 * Reports what parsing an env file found, at its line: a malformed line is an error, an unset variable a
 * warning (once per variable, as compose replaces it by an empty string). Shared by `env_file:` and
 * `include:`'s env files so both say the same thing.
 */
export function reportEnvFileProblems(
  diag: Diagnostics,
  problems: ReturnType<typeof parseEnvFile>['problems'],
  file: string,
  path?: string,
): void {
  for (const p of problems) {
    const loc = { file, line: p.line, column: 1 };
    if (p.kind === 'error') diag.error(COMPOSE_PROBLEM.envFile, p.message, loc, path);
    else
      diag.warnOnce(
        `unset:${p.variable}`,
        COMPOSE_WARNING.unsetVariable,
        `${p.message}; it is replaced by an empty string`,
        loc,
        path,
      );
  }
}

/** `labels:` (list or mapping) as a string map; a label without a value is `''`. */
export function normalizeLabels(node: RawNode, path: string, diag: Diagnostics): Record<string, string> {
  const entries = keyedEntries(node, path, '=');
  if (entries === undefined) {
    diag.error(COMPOSE_PROBLEM.invalidValue, 'must be a mapping or a list of KEY=VALUE', node.loc, path);
    return {};
  }
  const out = new Map<string, string>();
  for (const e of entries) {
    const value = e.node.kind === 'scalar' ? (scalarText(e.node) ?? '') : readString(e.node, e.path, diag);
    if (value !== undefined) out.set(e.key, value);
  }
  return Object.fromEntries(out);
}
