/**
 * Errors and problem codes of the compose loader.
 *
 * The loader never stops at the first mistake: it collects every problem it finds (each with file, line,
 * column and field path) and throws one {@link ComposeError} listing all of them, so a user fixes a file
 * in one pass instead of one error per run.
 *
 * @module
 */
import { formatProblem, StackctlError } from '../../errors.js';

/** Stable codes of individual compose problems (errors), for scripts and tests to match on. */
export const COMPOSE_PROBLEM = {
  /** The file as a whole is wrong (also the code of {@link ComposeError} itself). */
  invalid: 'COMPOSE_INVALID',
  /** The entry file, an `extends` file or a required `env_file` does not exist or cannot be read. */
  fileNotFound: 'COMPOSE_FILE_NOT_FOUND',
  /** YAML syntax error. */
  yamlSyntax: 'COMPOSE_YAML_SYNTAX',
  /** A key that is not part of the Compose Specification. */
  unknownField: 'COMPOSE_UNKNOWN_FIELD',
  /** A value of the wrong type or shape. */
  invalidValue: 'COMPOSE_INVALID_VALUE',
  /** Something Fargate (or stackctl v1) cannot do at all. */
  unsupported: 'COMPOSE_UNSUPPORTED',
  /** `${VAR:?err}` on an unset variable, or a malformed `$` template. */
  interpolation: 'COMPOSE_INTERPOLATION',
  /** `extends` names a missing service or file, or forms a cycle. */
  extends: 'COMPOSE_EXTENDS',
  /** An `include:` entry is malformed, forms a cycle, or defines a resource the including file defines too. */
  include: 'COMPOSE_INCLUDE',
  /** A reference to a service, network, volume or secret that is not defined or not enabled. */
  reference: 'COMPOSE_REFERENCE',
  /** Malformed line in an env file. */
  envFile: 'COMPOSE_ENV_FILE',
  /** A file over its size cap, or YAML whose aliases expand too far (src/desired/input-limits.ts). */
  inputLimit: 'COMPOSE_INPUT_LIMIT',
  /** A secret (SSM-supplied variable) interpolated where it cannot be composed at deploy time. */
  secretInterpolation: 'COMPOSE_SECRET_INTERPOLATION',
} as const;

/** One of {@link COMPOSE_PROBLEM}'s values. */
export type ComposeProblemCode = (typeof COMPOSE_PROBLEM)[keyof typeof COMPOSE_PROBLEM];

/** Stable codes of compose warnings (non-fatal findings). */
export const COMPOSE_WARNING = {
  /** A compose field stackctl has no mapping for; it is ignored. */
  ignoredField: 'COMPOSE_IGNORED_FIELD',
  /** `${VAR}` with VAR unset and no default: it became an empty string. */
  unsetVariable: 'COMPOSE_UNSET_VARIABLE',
  /** A bind mount or anonymous/tmpfs volume: nothing is mounted on Fargate. */
  mountDropped: 'COMPOSE_MOUNT_DROPPED',
  /** A named volume: mounted nowhere yet, so its data is not persisted. */
  volumeNotPersisted: 'COMPOSE_VOLUME_NOT_PERSISTED',
  /** A compose secret: delivered as an environment variable, never as a file. */
  secretNotMounted: 'COMPOSE_SECRET_NOT_MOUNTED',
  /** A value was changed to something ECS can express (e.g. a loopback-bound port becomes internal). */
  adjusted: 'COMPOSE_VALUE_ADJUSTED',
  /** A reference that compose would skip (`depends_on` with `required: false` on a missing service). */
  reference: 'COMPOSE_REFERENCE_SKIPPED',
  /** A database or cache image run as a plain container: its data lives only in the task. */
  statefulImage: 'COMPOSE_STATEFUL_IMAGE',
  /** An environment key without a value took its value from the interpolation environment. */
  envFromInterpolation: 'COMPOSE_ENV_FROM_INTERPOLATION',
  /** A secret is interpolated into another environment value: composed into SSM at deploy time. */
  composedSecret: 'COMPOSE_COMPOSED_SECRET',
} as const;

/** One of {@link COMPOSE_WARNING}'s values. */
export type ComposeWarningCode = (typeof COMPOSE_WARNING)[keyof typeof COMPOSE_WARNING];

/**
 * Thrown by `loadCompose` when the file (or a file it pulls in) is invalid.
 *
 * `problems` lists every problem found, each a {@link StackctlError} with location and field path; the
 * message is those problems, one per line, so the CLI can print it as is.
 *
 * @example
 * try { loadCompose({ file }) } catch (e) { if (e instanceof ComposeError) for (const p of e.problems) annotate(p) }
 */
export class ComposeError extends StackctlError {
  readonly problems: readonly StackctlError[];

  constructor(problems: readonly StackctlError[], options: { readonly cause?: unknown } = {}) {
    // No location of its own: each line of the message already carries its problem's location.
    super(
      COMPOSE_PROBLEM.invalid,
      problems.map((p) => formatProblem(p.message, p.location, p.field)).join('\n'),
      options.cause === undefined ? {} : { cause: options.cause },
    );
    this.name = 'ComposeError';
    this.problems = problems;
  }
}
