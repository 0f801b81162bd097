/**
 * The build step before render: for each `build:` service, the image tag is the digest of its build
 * inputs (build-inputs.ts); when the project's repository already holds that tag, nothing is built or
 * pushed, else the image is built and pushed by an {@link ImageBuilder} and the tag confirmed in ECR.
 * The service then runs `<repository uri>:<tag>`.
 *
 * `plan` runs it read-only (`apply: false`): no repository is created and nothing is built; a service
 * whose tag is missing is reported as `would-build` with the image it would get.
 *
 * @module
 */
import type { BuildClients } from './build-clients.js';
import { BUILD_PLATFORM, buildInputsDigest } from './build-inputs.js';
import {
  ensureRepository,
  findImageTag,
  findRepository,
  repositoryName,
  repositoryUri,
} from './ecr-repository.js';
import { BUILD_ERROR, BuildError } from './errors.js';
import type { ImageBuilder } from './image-builder.js';

/** One service's `build:`, with the context already absolute. */
export interface ServiceBuild {
  readonly service: string;
  /** Absolute context folder. */
  readonly context: string;
  readonly dockerfile?: string;
  readonly args?: Readonly<Record<string, string>>;
  readonly target?: string;
}

/** What the step did (or would do) for one service. */
export type ImageOutcome =
  | { readonly kind: 'unchanged'; readonly service: string; readonly imageRef: string; readonly tag: string }
  | {
      readonly kind: 'built';
      readonly service: string;
      readonly imageRef: string;
      readonly tag: string;
      readonly builder: string;
      /** `sha256:…` of the pushed manifest, as ECR reports it. */
      readonly manifestDigest: string;
    }
  | {
      readonly kind: 'would-build';
      readonly service: string;
      readonly imageRef: string;
      readonly tag: string;
    };

/** Options of {@link buildServiceImages}. */
export interface BuildServiceImagesOptions {
  readonly clients: BuildClients;
  /** The compose project: owns the repositories. */
  readonly project: string;
  readonly services: readonly ServiceBuild[];
  /** false for `plan`: read only, build nothing. */
  readonly apply: boolean;
  /** Called only when something must be built, so an unchanged stack probes no builder. */
  readonly builder: () => Promise<ImageBuilder>;
  readonly onProgress?: (line: string) => void;
  readonly signal?: AbortSignal;
}

/** Runs the build step for every service, one at a time (builds are heavy), in the order given. */
export async function buildServiceImages(
  options: BuildServiceImagesOptions,
): Promise<readonly ImageOutcome[]> {
  const outcomes: ImageOutcome[] = [];
  let builder: ImageBuilder | undefined;
  // Every service's inputs first: a missing Dockerfile or context of any of them fails before any AWS call.
  const digests = options.services.map((svc) =>
    buildInputsDigest({
      context: svc.context,
      ...(svc.dockerfile === undefined ? {} : { dockerfile: svc.dockerfile }),
      ...(svc.args === undefined ? {} : { args: svc.args }),
      ...(svc.target === undefined ? {} : { target: svc.target }),
    }),
  );
  for (const [i, svc] of options.services.entries()) {
    const inputs = digests[i] as (typeof digests)[number];
    const { tag } = inputs;
    if (!options.apply) {
      const name = repositoryName(options.project, svc.service);
      const repo = await findRepository(options.clients.ecr, name);
      const uri =
        repo?.repositoryUri ?? (await repositoryUri(options.clients.sts, options.clients.region, name));
      const present =
        repo !== undefined && (await findImageTag(options.clients.ecr, name, tag)) !== undefined;
      outcomes.push({
        kind: present ? 'unchanged' : 'would-build',
        service: svc.service,
        imageRef: `${uri}:${tag}`,
        tag,
      });
      continue;
    }
    const repo = await ensureRepository(options.clients.ecr, options.project, svc.service);
    const imageRef = `${repo.uri}:${tag}`;
    if ((await findImageTag(options.clients.ecr, repo.name, tag)) !== undefined) {
      outcomes.push({ kind: 'unchanged', service: svc.service, imageRef, tag });
      continue;
    }
    builder ??= await options.builder();
    options.onProgress?.(`building ${svc.service} with ${builder.name} (inputs changed) → ${imageRef}`);
    await builder.build({
      service: svc.service,
      context: svc.context,
      dockerfilePath: inputs.dockerfilePath,
      args: svc.args ?? {},
      ...(svc.target === undefined ? {} : { target: svc.target }),
      platform: BUILD_PLATFORM,
      imageRef,
      inputs,
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    const manifestDigest = await findImageTag(options.clients.ecr, repo.name, tag);
    if (manifestDigest === undefined)
      throw new BuildError(
        BUILD_ERROR.notPushed,
        `${builder.name} reported ${svc.service} built, but ${imageRef} is not in ECR repository ${repo.name}`,
      );
    outcomes.push({
      kind: 'built',
      service: svc.service,
      imageRef,
      tag,
      builder: builder.name,
      manifestDigest,
    });
  }
  return outcomes;
}

/** One line per outcome, for plan and reconcile output. */
export function describeImageOutcome(outcome: ImageOutcome): string {
  switch (outcome.kind) {
    case 'unchanged':
      return `image ${outcome.service}: unchanged, ${outcome.tag}`;
    case 'would-build':
      return `build ${outcome.service} (inputs changed) → ${outcome.imageRef}`;
    case 'built':
      return `built ${outcome.service} with ${outcome.builder} → ${outcome.imageRef} (${outcome.manifestDigest})`;
  }
}
