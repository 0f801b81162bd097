/**
 * Render errors: everything wrong with a resolved stack, reported at once with file locations.
 *
 * Rendering is the last step that can still point at the user's files, so every problem carries the
 * field path and (when the loader recorded it) the file, line and column it came from.
 *
 * @module
 */
import { formatProblem, type SourceLocation, StackctlError } from '../../errors.js';
import type { ResolvedStack } from '../resolved-types.js';

/** One thing wrong with the stack. */
export interface RenderProblem {
  readonly message: string;
  /** Dotted field path, e.g. `services.web.domainname`. */
  readonly field: string;
  readonly location?: SourceLocation;
}

/** Stable code of {@link RenderError}. */
export const RENDER_INVALID = 'RENDER_INVALID';

/**
 * The stack cannot be rendered. `problems` lists every problem found, so a user fixes them in one go
 * instead of one per run.
 */
export class RenderError extends StackctlError {
  readonly problems: readonly RenderProblem[];

  constructor(problems: readonly RenderProblem[]) {
    const lines = problems.map((p) => `  - ${formatProblem(p.message, p.location, p.field)}`);
    const count = `${problems.length} problem${problems.length === 1 ? '' : 's'}`;
    const first = problems[0];
    super(RENDER_INVALID, `cannot render the stack (${count}):\n${lines.join('\n')}`, {
      ...(first?.location === undefined ? {} : { location: first.location }),
      ...(first === undefined ? {} : { field: first.field }),
    });
    this.name = 'RenderError';
    this.problems = problems;
  }

  /** The message already names every problem with its location. */
  override describe(): string {
    return this.message;
  }
}

/**
 * Where `paths` (most specific first) were written, from the compose loader's location map; falls back
 * to the compose file itself so a problem always names a file.
 */
export function locate(resolved: ResolvedStack, ...paths: readonly string[]): SourceLocation {
  for (const path of paths) {
    const found = resolved.compose.locations[path];
    if (found !== undefined) return found;
  }
  return { file: resolved.compose.file };
}

/** A problem about compose service `service`, located at the most specific known path. */
export function serviceProblem(
  resolved: ResolvedStack,
  service: string,
  field: string,
  message: string,
  location?: SourceLocation,
): RenderProblem {
  const path = `services.${service}.${field}`;
  return {
    message,
    field: path,
    location: location ?? locate(resolved, path, `services.${service}`),
  };
}
