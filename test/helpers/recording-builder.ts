/**
 * `RecordingBuilder`: the TEST DOUBLE of `ImageBuilder` (src/build/image-builder.ts). Never used outside
 * tests. It builds nothing: it records each request and "pushes" by writing a small image manifest for
 * the requested tag with ECR's PutImage (moto implements it), so the code around it sees the tag in the
 * repository exactly as after a real push.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import { type ECRClient, PutImageCommand } from '@aws-sdk/client-ecr';
import type { BuildRequest, BuiltImage, ImageBuilder } from '../../src/build/image-builder.js';

/** A manifest that names the inputs' digest, so different inputs push different manifests. */
function fakeManifest(request: BuildRequest): string {
  const layer = `sha256:${createHash('sha256').update(request.inputs.digest).digest('hex')}`;
  return JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
    config: { mediaType: 'application/vnd.docker.container.image.v1+json', size: 1, digest: layer },
    layers: [{ mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', size: 1, digest: layer }],
  });
}

/** Test double of ImageBuilder: records builds, pushes a manifest with PutImage (see the module doc). */
export class RecordingBuilder implements ImageBuilder {
  readonly name = 'recording-test-double';
  /** Every build request, in order. */
  readonly builds: BuildRequest[] = [];
  /** Every image ref "pushed" (one per build unless `push: false`). */
  readonly pushes: string[] = [];
  readonly #ecr: ECRClient;
  readonly #push: boolean;

  /** `push: false` simulates a builder that claims success without pushing. */
  constructor(ecr: ECRClient, options: { readonly push?: boolean } = {}) {
    this.#ecr = ecr;
    this.#push = options.push ?? true;
  }

  async build(request: BuildRequest): Promise<BuiltImage> {
    this.builds.push(request);
    if (!this.#push) return { imageRef: request.imageRef };
    const [repoUri, tag] = splitRef(request.imageRef);
    const repositoryName = repoUri.slice(repoUri.indexOf('/') + 1);
    await this.#ecr.send(
      new PutImageCommand({ repositoryName, imageTag: tag, imageManifest: fakeManifest(request) }),
    );
    this.pushes.push(request.imageRef);
    return { imageRef: request.imageRef };
  }
}

/** `registry/repo:tag` → [`registry/repo`, `tag`]. */
function splitRef(ref: string): [string, string] {
  const at = ref.lastIndexOf(':');
  return [ref.slice(0, at), ref.slice(at + 1)];
}
