/**
 * The one error base of stackctl.
 *
 * Every error a user can see carries a stable `code` (for scripts and tests to match on, never the
 * message) and, where it wraps something, the original as `cause`. Layers subclass it in their own
 * `errors.ts`; the CLI prints `message` (never a stack trace) and maps the class to an exit code.
 *
 * @module
 */

/** Where in a user's file a problem sits. Lines and columns are 1-based, as editors show them. */
export interface SourceLocation {
  readonly file: string;
  readonly line?: number;
  readonly column?: number;
}

/** Options accepted by every stackctl error. */
export interface StackctlErrorOptions extends ErrorOptions {
  /** Where the problem is, when it comes from a user's file. */
  readonly location?: SourceLocation;
  /** The dotted field path inside that file, e.g. `services.web.ports[1].target`. */
  readonly field?: string;
}

/**
 * Base class: a stable `code`, an optional file location and field path, and `cause`.
 *
 * @example
 * throw new StackctlError('COMPOSE_INVALID', 'ports must be a list', { location, field: 'services.web.ports' });
 */
export class StackctlError extends Error {
  readonly code: string;
  readonly location: SourceLocation | undefined;
  readonly field: string | undefined;

  constructor(code: string, message: string, options: StackctlErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'StackctlError';
    this.code = code;
    this.location = options.location;
    this.field = options.field;
  }

  /** `file:line:col: field: message`, the form editors and CI annotations understand. */
  describe(): string {
    return formatProblem(this.message, this.location, this.field);
  }
}

/**
 * Formats one problem as `file:line:col: field: message`.
 *
 * Shared by errors and warnings so both read the same in a terminal and in CI logs.
 */
export function formatProblem(message: string, location?: SourceLocation, field?: string): string {
  const where = location
    ? [location.file, location.line, location.column].filter((p) => p !== undefined).join(':')
    : undefined;
  return [where, field, message].filter((p) => p !== undefined && p !== '').join(': ');
}

/** A non-fatal finding about the input: shown on stderr, never silently dropped. */
export interface Warning {
  readonly code: string;
  readonly message: string;
  readonly location?: SourceLocation;
  readonly field?: string;
}
