/**
 * Stack-file schema: `compose:`, the compose files a stack merges over the project's own.
 *
 * A production stack often needs a few compose changes no other stack wants (a different command, an
 * extra worker); `compose: { files: [compose.prod.yaml] }` merges those files after the project's
 * (`-f` files, `COMPOSE_FILE` or `compose.yaml` plus `compose.override.yaml`), for this stack only.
 *
 * @module
 * @internal
 */
import type { StackComposeConfig } from '../stack-types.js';
import { type ReadContext, readMap, readStringList, type YamlNode } from './yaml-reader.js';

/** Keys allowed under `compose:`. */
export const COMPOSE_KEYS = ['files'] as const;

/** A relative or absolute path: anything not blank (a missing file is reported when loading). */
const COMPOSE_PATH = /\S/;

/** Reads `compose:`; `undefined` when it is invalid (reported). */
export function readComposeConfig(ctx: ReadContext, node: YamlNode): StackComposeConfig | undefined {
  const entries = readMap(ctx, node, 'compose', COMPOSE_KEYS);
  if (!entries) return undefined;
  if (!entries.has('files')) return { files: [] };
  const files = readStringList(
    ctx,
    entries.get('files') ?? null,
    'compose.files',
    COMPOSE_PATH,
    'a compose file path, relative to the project directory',
  );
  return files === undefined ? undefined : { files };
}
