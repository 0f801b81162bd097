/**
 * Errors of the image build path (src/build/): each with a stable `code` a script can match on.
 *
 * @module
 */
import { AwsCallError, awsErrorCode } from '../aws/errors.js';
import { StackctlError } from '../errors.js';

/** Stable codes of {@link BuildError}. */
export const BUILD_ERROR = {
  /** Neither a local Docker engine nor an in-account build could be used. */
  noBuilder: 'BUILD_NO_BUILDER',
  /** The build itself failed (docker exited non-zero, the CodeBuild build did not succeed). */
  failed: 'BUILD_FAILED',
  /** The build reported success but the tag is not in the repository. */
  notPushed: 'BUILD_NOT_PUSHED',
  /** The build context cannot be used (missing folder, a git URL, a Dockerfile outside it). */
  badContext: 'BUILD_BAD_CONTEXT',
  /** A repository, bucket, role or project of that name exists without stackctl's tags. */
  foreign: 'BUILD_FOREIGN_RESOURCE',
} as const;

/** One of {@link BUILD_ERROR}. */
export type BuildErrorCode = (typeof BUILD_ERROR)[keyof typeof BUILD_ERROR];

/** A build-path failure: what was being built and why it failed, with the underlying error as `cause`. */
export class BuildError extends StackctlError {
  constructor(code: BuildErrorCode, message: string, options: { readonly cause?: unknown } = {}) {
    super(code, message, options);
    this.name = 'BuildError';
  }
}

/** The AWS error code of `err`, whether or not the call-site middleware wrapped it. */
export function awsCodeOf(err: unknown): string | undefined {
  return err instanceof AwsCallError ? err.awsCode : awsErrorCode(err);
}
