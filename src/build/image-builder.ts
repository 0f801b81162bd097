/**
 * The one seam between stackctl and whatever runs `docker build`: everything around it (digest, ECR
 * repository, "is this tag already there") is ordinary AWS API work tested against moto; the build
 * itself runs behind this interface.
 *
 * Real implementations: `DockerBuilder` (the local Docker engine, docker-builder.ts) and
 * `CodeBuildBuilder` (a build in the account, codebuild-builder.ts). Tests use `RecordingBuilder`
 * (test/helpers/recording-builder.ts), a declared test double that records calls and writes an image
 * manifest to ECR with PutImage instead of building.
 *
 * @module
 */
import type { BuildInputsDigest } from './build-inputs.js';

/** One image to build and push. */
export interface BuildRequest {
  /** Compose service name, for progress lines and build names. */
  readonly service: string;
  /** Absolute path of the build context. */
  readonly context: string;
  /** Absolute path of the Dockerfile. */
  readonly dockerfilePath: string;
  readonly args: Readonly<Record<string, string>>;
  readonly target?: string;
  readonly platform: string;
  /** Where to push: `<registry>/<repository>:<tag>`. */
  readonly imageRef: string;
  /** The digest of the inputs (its `files` are what an uploaded context must contain). */
  readonly inputs: BuildInputsDigest;
  /** Progress lines for the user ("web: step 3/9", "web: CodeBuild BUILD"). */
  readonly onProgress?: (line: string) => void;
  readonly signal?: AbortSignal;
}

/** What a builder reports after pushing. */
export interface BuiltImage {
  readonly imageRef: string;
  /** The pushed manifest's digest (`sha256:…`) when the builder learned it; the caller reads ECR anyway. */
  readonly manifestDigest?: string;
}

/** Builds one image and pushes it to `imageRef`. Throws `BuildError` when it cannot. */
export interface ImageBuilder {
  /** Name for messages and docs: `docker`, `codebuild`. */
  readonly name: string;
  build(request: BuildRequest): Promise<BuiltImage>;
}
