/**
 * `CodeBuildBuilder`: builds an image in the account when no local Docker engine answers.
 *
 * Per build: the context is zipped (context-archive.ts) and uploaded to the project's build bucket, the
 * project's CodeBuild project runs `docker build` + `docker push` with a buildspec given at StartBuild,
 * and BatchGetBuilds is polled, printing each new phase, until the build ends; a failed build's error
 * names its log link. The bucket, role and CodeBuild project are created once per project
 * (codebuild-resources.ts).
 *
 * Builders are sized by mode like Defang's: `affordable` / `balanced` build on 2 vCPU
 * (`BUILD_GENERAL1_SMALL`), `high_availability` on 4 vCPU (`BUILD_GENERAL1_MEDIUM`). The size is passed
 * at every StartBuild, so stacks of different modes share one project.
 *
 * @module
 */
import {
  BatchGetBuildsCommand,
  type Build,
  StartBuildCommand,
  type StartBuildCommandInput,
  StopBuildCommand,
} from '@aws-sdk/client-codebuild';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { cleanName } from '../desired/render/naming.js';
import type { Mode } from '../desired/stack-types.js';
import type { BuildClients } from './build-clients.js';
import {
  BUILD_COMPUTE_TYPE,
  BUILD_TIMEOUT_MINUTES,
  type CodeBuildNames,
  ensureCodeBuildResources,
} from './codebuild-resources.js';
import { ARCHIVE_CONTEXT_DIR, ARCHIVE_DOCKERFILE, contextArchive } from './context-archive.js';
import { BUILD_ERROR, BuildError } from './errors.js';
import type { BuildRequest, BuiltImage, ImageBuilder } from './image-builder.js';

/** How often BatchGetBuilds is polled. */
export const BUILD_POLL_INTERVAL_MS = 5_000;

/** Single-quotes `text` for a POSIX shell. */
export function shellQuote(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

/** The buildspec of one build: log in to the registry, build for the platform, push. */
export function buildspecFor(request: BuildRequest): string {
  const registry = request.imageRef.split('/')[0] ?? '';
  const build = [
    'docker build',
    `--platform ${shellQuote(request.platform)}`,
    `-f ${ARCHIVE_DOCKERFILE}`,
    ...(request.target ? [`--target ${shellQuote(request.target)}`] : []),
    ...Object.keys(request.args)
      .sort()
      .map((k) => `--build-arg ${shellQuote(`${k}=${request.args[k]}`)}`),
    `-t ${shellQuote(request.imageRef)}`,
    ARCHIVE_CONTEXT_DIR,
  ].join(' ');
  return JSON.stringify({
    version: '0.2',
    phases: {
      pre_build: {
        commands: [
          `aws ecr get-login-password --region "$AWS_REGION" | docker login --username AWS --password-stdin ${shellQuote(registry)}`,
        ],
      },
      build: { commands: [build, `docker push ${shellQuote(request.imageRef)}`] },
    },
  });
}

/** The StartBuild call for one request (exported so its overrides are unit-tested). */
export function startBuildInput(
  names: CodeBuildNames,
  key: string,
  request: BuildRequest,
  mode: Mode,
): StartBuildCommandInput {
  return {
    projectName: names.project,
    sourceTypeOverride: 'S3',
    sourceLocationOverride: `${names.bucket}/${key}`,
    buildspecOverride: buildspecFor(request),
    computeTypeOverride: BUILD_COMPUTE_TYPE[mode],
    privilegedModeOverride: true,
  };
}

/** Options of {@link CodeBuildBuilder}. */
export interface CodeBuildBuilderOptions {
  readonly clients: BuildClients;
  /** The compose project: names and owns the bucket, role and CodeBuild project. */
  readonly project: string;
  /** Sizes the build ({@link BUILD_COMPUTE_TYPE}). */
  readonly mode: Mode;
  /** @default {@link BUILD_POLL_INTERVAL_MS} */
  readonly pollIntervalMs?: number;
}

/** Builds in the account with AWS CodeBuild (see the module doc). */
export class CodeBuildBuilder implements ImageBuilder {
  readonly name = 'codebuild';
  readonly #options: CodeBuildBuilderOptions;
  #names: CodeBuildNames | undefined;

  constructor(options: CodeBuildBuilderOptions) {
    this.#options = options;
  }

  async build(request: BuildRequest): Promise<BuiltImage> {
    const { clients, mode } = this.#options;
    const names = await this.#ensureResources();
    const key = `${cleanName(request.service)}/${request.inputs.digest}.zip`;
    await clients.s3.send(
      new PutObjectCommand({
        Bucket: names.bucket,
        Key: key,
        Body: contextArchive(request.context, request.inputs),
        ContentType: 'application/zip',
      }),
    );
    request.onProgress?.(`${request.service}: context uploaded to s3://${names.bucket}/${key}`);
    const started = await clients.codebuild.send(
      new StartBuildCommand(startBuildInput(names, key, request, mode)),
    );
    const id = started.build?.id;
    if (!id)
      throw new BuildError(BUILD_ERROR.failed, `CodeBuild did not start a build for ${request.service}`);
    request.onProgress?.(`${request.service}: CodeBuild build ${id} started (${BUILD_COMPUTE_TYPE[mode]})`);
    const done = await this.#poll(id, request);
    if (done.buildStatus !== 'SUCCEEDED')
      throw new BuildError(
        BUILD_ERROR.failed,
        `CodeBuild build ${id} of ${request.service} ended ${done.buildStatus ?? 'without a status'}; its log: ${done.logs?.deepLink ?? 'not available'}`,
      );
    return { imageRef: request.imageRef };
  }

  async #poll(id: string, request: BuildRequest): Promise<Build> {
    const { clients } = this.#options;
    const interval = this.#options.pollIntervalMs ?? BUILD_POLL_INTERVAL_MS;
    const deadline = Date.now() + (BUILD_TIMEOUT_MINUTES + 10) * 60_000;
    let phase: string | undefined;
    for (;;) {
      if (request.signal?.aborted) {
        await clients.codebuild.send(new StopBuildCommand({ id })).catch(() => undefined);
        throw new BuildError(BUILD_ERROR.failed, `build of ${request.service} was cancelled`, {
          cause: request.signal.reason,
        });
      }
      const out = await clients.codebuild.send(new BatchGetBuildsCommand({ ids: [id] }));
      const build = out.builds?.[0];
      if (build?.currentPhase && build.currentPhase !== phase) {
        phase = build.currentPhase;
        request.onProgress?.(`${request.service}: CodeBuild ${phase}`);
      }
      if (
        build &&
        (build.buildComplete === true || (build.buildStatus && build.buildStatus !== 'IN_PROGRESS'))
      )
        return build;
      if (Date.now() > deadline)
        throw new BuildError(
          BUILD_ERROR.failed,
          `CodeBuild build ${id} of ${request.service} did not end in time`,
        );
      await new Promise((r) => setTimeout(r, interval));
    }
  }

  /** Bucket, role and project, created once per builder (idempotent across runs). */
  async #ensureResources(): Promise<CodeBuildNames> {
    this.#names ??= await ensureCodeBuildResources(
      this.#options.clients,
      this.#options.project,
      this.#options.mode,
    );
    return this.#names;
  }
}
