/**
 * Collects every error and warning found while loading, instead of throwing at the first.
 *
 * One instance is threaded through all stages; at the end `loadCompose` throws a `ComposeError` with all
 * errors, or returns the model with all warnings. Each finding carries file, line, column and field path.
 *
 * @module
 */
import { type SourceLocation, StackctlError, type Warning } from '../../errors.js';
import type { ComposeProblemCode, ComposeWarningCode } from './errors.js';

/** Error and warning sink shared by the loader's stages. @internal */
export class Diagnostics {
  readonly #errors: StackctlError[] = [];
  readonly #warnings: Warning[] = [];
  readonly #warnedOnce = new Set<string>();

  /** Records an error; loading goes on so later problems are found too. */
  error(
    code: ComposeProblemCode,
    message: string,
    location: SourceLocation | undefined,
    field?: string,
  ): void {
    this.#errors.push(
      new StackctlError(code, message, {
        ...(location === undefined ? {} : { location }),
        ...(field === undefined || field === '' ? {} : { field }),
      }),
    );
  }

  /** Records a warning. */
  warn(
    code: ComposeWarningCode,
    message: string,
    location: SourceLocation | undefined,
    field?: string,
  ): void {
    this.#warnings.push({
      code,
      message,
      ...(location === undefined ? {} : { location }),
      ...(field === undefined || field === '' ? {} : { field }),
    });
  }

  /** Records a warning only the first time `key` is seen (e.g. one warning per unset variable). */
  warnOnce(
    key: string,
    code: ComposeWarningCode,
    message: string,
    location: SourceLocation | undefined,
    field?: string,
  ): void {
    if (this.#warnedOnce.has(key)) return;
    this.#warnedOnce.add(key);
    this.warn(code, message, location, field);
  }

  /**
   * Appends everything `other` recorded (errors, warnings and warn-once keys), in its order: how a
   * stage run against its own sink, such as a cached YAML parse, reports into the loader's.
   */
  absorb(other: Diagnostics): void {
    this.#errors.push(...other.#errors);
    this.#warnings.push(...other.#warnings);
    for (const key of other.#warnedOnce) this.#warnedOnce.add(key);
  }

  /** Errors so far, in the order found. */
  get errors(): readonly StackctlError[] {
    return this.#errors;
  }

  /** Warnings so far, in the order found. */
  get warnings(): readonly Warning[] {
    return this.#warnings;
  }
}
