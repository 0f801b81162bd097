/**
 * Building provenance-carrying values: "the highest layer that says something wins, and remembers
 * where it said it". Used by the resolver so every setting can answer `render --explain`.
 *
 * @module
 * @internal
 */
import type { SourceLocation } from '../../errors.js';
import type { ComposeModel } from '../compose-types.js';
import type { Layer, Provenanced, StackFile } from '../stack-types.js';

/** One layer's say on a value; `value: undefined` means the layer is silent. @internal */
export interface Candidate<T> {
  readonly value: T | undefined;
  readonly layer: Layer;
  readonly location?: SourceLocation | undefined;
}

/** A provenanced value, leaving `location` out when there is none (exactOptionalPropertyTypes). @internal */
export function provenanced<T>(value: T, layer: Layer, location?: SourceLocation): Provenanced<T> {
  return location === undefined ? { value, layer } : { value, layer, location };
}

/**
 * The value of the highest layer that sets one. Candidates are given lowest layer first, the order
 * the layers are documented in, so each call reads like the layer table.
 * @internal
 */
export function layered<T>(...candidates: readonly Candidate<T>[]): Provenanced<T> | undefined {
  for (let i = candidates.length - 1; i >= 0; i--) {
    const c = candidates[i]!;
    if (c.value !== undefined) return provenanced(c.value, c.layer, c.location);
  }
  return undefined;
}

/** {@link layered} for values with a default (the first candidate must always be set). @internal */
export function layeredWithDefault<T>(
  base: Candidate<T> & { readonly value: T },
  ...rest: readonly Candidate<T>[]
): Provenanced<T> {
  return layered(base, ...rest) ?? provenanced(base.value, base.layer, base.location);
}

/**
 * Where compose wrote a field: the first of `paths` the compose loader recorded, else the nearest
 * recorded parent, else just the compose file. The loader's path spellings are tried in order so this
 * keeps working whichever of the equivalent compose forms the user wrote.
 * @internal
 */
export function composeLocation(compose: ComposeModel, ...paths: readonly string[]): SourceLocation {
  // One compose model is shared by every stack of a fleet (load-compose.ts caches it), and each stack
  // asks for the same paths: remember the answers per model.
  let known = locationsFound.get(compose);
  if (known === undefined) {
    known = new Map();
    locationsFound.set(compose, known);
  }
  const key = paths.join('\u0000');
  const found = known.get(key);
  if (found !== undefined) return found;
  const location = findComposeLocation(compose, paths);
  known.set(key, location);
  return location;
}

/** {@link composeLocation}'s answers by model and paths; a model no longer used takes its answers along. */
const locationsFound = new WeakMap<ComposeModel, Map<string, SourceLocation>>();

function findComposeLocation(compose: ComposeModel, paths: readonly string[]): SourceLocation {
  for (const path of paths) {
    const exact = compose.locations[path];
    if (exact) return exact;
  }
  for (const path of paths) {
    const parts = path.split('.');
    while (parts.length > 1) {
      parts.pop();
      const parent = compose.locations[parts.join('.')];
      if (parent) return parent;
    }
  }
  return { file: compose.file };
}

/** Where the stack file wrote `path`, else the stack file itself. @internal */
export function stackFileLocation(stackFile: StackFile, path: string): SourceLocation {
  return stackFile.locations[path] ?? { file: stackFile.file };
}

/** A stack-file candidate for `path`: the value with its recorded location. @internal */
export function fromStackFile<T>(stackFile: StackFile, path: string, value: T | undefined): Candidate<T> {
  return {
    value,
    layer: 'stack-file',
    location: value === undefined ? undefined : stackFileLocation(stackFile, path),
  };
}
