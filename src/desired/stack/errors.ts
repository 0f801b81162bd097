/**
 * Errors of the stack layer: invalid stack files, secrets written into them, and settings that only turn
 * out to be wrong once compose and the stack file meet (unknown services, domains outside the zone).
 *
 * Each error carries every problem found, not just the first, so one run tells the user everything to fix.
 *
 * @module
 */
import { formatProblem, type SourceLocation, StackctlError } from '../../errors.js';

/** Stable error and problem codes of this layer, for scripts and tests to match on. */
export const STACK_ERROR_CODES = {
  fileInvalid: 'STACK_FILE_INVALID',
  fileUnreadable: 'STACK_FILE_UNREADABLE',
  secretInStackFile: 'SECRET_IN_STACK_FILE',
  stackInvalid: 'STACK_INVALID',
  unknownService: 'STACK_UNKNOWN_SERVICE',
  domainOutsideZone: 'STACK_DOMAIN_OUTSIDE_ZONE',
  projectNameInvalid: 'STACK_PROJECT_NAME_INVALID',
  autoscalingInvalid: 'STACK_AUTOSCALING_INVALID',
  envShadowsSecret: 'STACK_ENV_SHADOWS_SECRET',
  fargateSizeUnavailable: 'FARGATE_SIZE_UNAVAILABLE',
  duplicateStack: 'STACK_FILE_DUPLICATE',
} as const;

/**
 * One thing wrong in a user's input. Always located (file, and line/column when the input has them) and
 * always names the field path, so editors and CI annotations can point at it. Never holds a secret value.
 */
export interface StackProblem {
  readonly code: string;
  readonly message: string;
  readonly location: SourceLocation;
  readonly field: string;
}

function summarize(intro: string, problems: readonly StackProblem[]): string {
  const lines = problems.map((p) => `  ${formatProblem(p.message, p.location, p.field)}`);
  return [intro, ...lines].join('\n');
}

/**
 * A stack file that cannot be used: YAML syntax, unknown keys, wrong types, bad units or names.
 * All problems of the file are collected into `problems`; `location`/`field` point at the first one.
 */
export class StackFileError extends StackctlError {
  readonly problems: readonly StackProblem[];

  constructor(file: string, problems: readonly StackProblem[], code: string = STACK_ERROR_CODES.fileInvalid) {
    const first = problems[0];
    const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
    super(code, summarize(`stack file ${file} is invalid (${count}):`, problems), {
      location: first?.location ?? { file },
      ...(first ? { field: first.field } : {}),
    });
    this.name = 'StackFileError';
    this.problems = problems;
  }
}

/**
 * A stack file holds something that looks like a secret. Stack files are committed to git, so this is
 * refused outright; the message says how to store the value in SSM instead and never repeats the value.
 * It is a {@link StackFileError} so callers handling "bad stack file" catch it too.
 */
export class SecretInStackFileError extends StackFileError {
  constructor(file: string, problems: readonly StackProblem[]) {
    super(file, problems, STACK_ERROR_CODES.secretInStackFile);
    this.name = 'SecretInStackFileError';
  }
}

/** The stack file could not be read at all (missing, a directory, no permission). Wraps the I/O error. */
export class StackFileReadError extends StackctlError {
  constructor(file: string, cause: unknown) {
    super(STACK_ERROR_CODES.fileUnreadable, `cannot read stack file ${file}`, { location: { file }, cause });
    this.name = 'StackFileReadError';
  }
}

/**
 * Compose, stack file and CLI flags are each valid but do not fit together (a stack-file service missing
 * from compose, a domain name outside the stack's zone, an impossible Fargate size…). All problems at once.
 */
export class StackResolveError extends StackctlError {
  readonly problems: readonly StackProblem[];

  constructor(stack: string, problems: readonly StackProblem[]) {
    const first = problems[0];
    const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
    super(
      STACK_ERROR_CODES.stackInvalid,
      summarize(`stack "${stack}" cannot be resolved (${count}):`, problems),
      {
        ...(first ? { location: first.location, field: first.field } : {}),
      },
    );
    this.name = 'StackResolveError';
    this.problems = problems;
  }
}

/** No Fargate (cpu, memory) pair is large enough for the request. Thrown by `fargateSize`. */
export class FargateSizeError extends StackctlError {
  constructor(message: string) {
    super(STACK_ERROR_CODES.fargateSizeUnavailable, message);
    this.name = 'FargateSizeError';
  }
}
