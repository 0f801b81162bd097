/**
 * The error a mutating call ends with when AWS may or may not have carried it out.
 *
 * Kept in its own module, with no imports from the classification code, so both `errors.ts` (which
 * classifies it) and `no-blind-resend.ts` (which throws it) can depend on it without a cycle.
 *
 * @module
 */
import { StackctlError } from '../errors.js';

/** Stable code of {@link AmbiguousOutcomeError}. */
export const AMBIGUOUS_OUTCOME_CODE = 'AWS_AMBIGUOUS_OUTCOME';

/**
 * A call whose resend AWS cannot deduplicate failed in a way that says nothing about whether AWS acted:
 * the connection was reset or timed out after the request left, or AWS answered 5xx. The SDK does not
 * resend it ({@link NO_BLIND_RESEND} in `no-blind-resend.ts`); the step that made it is started again
 * from its read, which finds the resource by its logical-id tag if the first request did create it.
 *
 * Classified `busy` and counted as a server fault, so a step retries it a bounded number of times.
 */
export class AmbiguousOutcomeError extends StackctlError {
  /** Bundle key of the client (`ec2`, `ecs`…). */
  readonly service: string;
  readonly operation: string;

  constructor(service: string, operation: string, cause: unknown) {
    const detail = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
    super(
      AMBIGUOUS_OUTCOME_CODE,
      `${service}:${operation} may or may not have been carried out (${detail}); not resent: the step starts again from its read`,
      { cause },
    );
    this.name = 'AmbiguousOutcomeError';
    this.service = service;
    this.operation = operation;
  }
}
