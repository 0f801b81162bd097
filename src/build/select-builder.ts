/**
 * Which builder builds: the local Docker engine when one answers, else CodeBuild in the account when
 * its API answers, else a {@link BUILD_ERROR.noBuilder} error saying what was tried and why each failed.
 *
 * @module
 */
import { ListProjectsCommand } from '@aws-sdk/client-codebuild';
import type { Mode } from '../desired/stack-types.js';
import type { BuildClients } from './build-clients.js';
import { CodeBuildBuilder } from './codebuild-builder.js';
import { type CommandRunner, DockerBuilder, dockerAvailable, spawnRunner } from './docker-builder.js';
import { BUILD_ERROR, BuildError } from './errors.js';
import type { ImageBuilder } from './image-builder.js';

/** Options of {@link selectBuilder}. */
export interface SelectBuilderOptions {
  readonly clients: BuildClients;
  readonly project: string;
  readonly mode: Mode;
  /** @default child_process */
  readonly run?: CommandRunner;
}

/** The builder to use (see the module doc). Probes lazily: call it only when something must be built. */
export async function selectBuilder(options: SelectBuilderOptions): Promise<ImageBuilder> {
  const run = options.run ?? spawnRunner;
  if (await dockerAvailable(run)) return new DockerBuilder(options.clients.ecr, run);
  try {
    await options.clients.codebuild.send(new ListProjectsCommand({}));
  } catch (err) {
    throw new BuildError(
      BUILD_ERROR.noBuilder,
      `cannot build images: no local Docker engine answered \`docker version\`, and AWS CodeBuild in ${options.clients.region} could not be used (${err instanceof Error ? err.message : String(err)}). Start Docker, allow codebuild:* for the build, or pass --image SERVICE=REF`,
      { cause: err },
    );
  }
  return new CodeBuildBuilder({ clients: options.clients, project: options.project, mode: options.mode });
}
