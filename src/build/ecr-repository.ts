/**
 * The ECR repository of one `build:` service: one per project and service, shared by the project's
 * stacks. Tags are digests of the build inputs, so a staging and a prod stack built from the same
 * inputs run the very same image and promoting one to the other builds nothing; a repository per stack
 * would build and store every image once per stack.
 *
 * Being project-wide, the repository carries the ownership tags without `stackctl:stack`
 * (`stackctl:managed-by`, `stackctl:project`, `stackctl:logical-id=ecr/<service>`): no stack's destroy
 * removes it, and one without those tags is never modified (a {@link BUILD_ERROR.foreign} error).
 * It is created idempotently with scan-on-push and a lifecycle policy keeping the newest
 * {@link IMAGES_KEPT} images.
 *
 * @module
 */
import {
  CreateRepositoryCommand,
  DescribeImagesCommand,
  DescribeRepositoriesCommand,
  type ECRClient,
  GetLifecyclePolicyCommand,
  ListTagsForResourceCommand,
  PutImageScanningConfigurationCommand,
  PutLifecyclePolicyCommand,
  type Repository,
} from '@aws-sdk/client-ecr';
import { GetCallerIdentityCommand, type STSClient } from '@aws-sdk/client-sts';
import { cleanName } from '../desired/render/naming.js';
import { MANAGED_BY, TAG_KEYS } from '../desired/resource-types.js';
import { isProjectResource, tagListToRecord } from '../desired/tags.js';
import { awsCodeOf, BUILD_ERROR, BuildError } from './errors.js';

/**
 * Days after which the lifecycle policy expires an untagged image (a layer set left behind by a re-push).
 * Tagged images (every build's digest tag) are never expired by count: a repository is shared by all
 * stacks of the project, and a count rule would delete an image prod still runs after dev's next builds.
 */
export const UNTAGGED_EXPIRY_DAYS = 7;

/** ECR's error code for a repository that does not exist. */
const REPOSITORY_NOT_FOUND = 'RepositoryNotFoundException';
/** ECR's error codes for an image tag that does not exist. */
const IMAGE_NOT_FOUND = new Set(['ImageNotFoundException']);
/** ECR's error code for a repository without lifecycle policy. */
const NO_LIFECYCLE_POLICY = 'LifecyclePolicyNotFoundException';

/** The logical id a service's repository is tagged with. */
export function repositoryLogicalId(service: string): string {
  return `ecr/${service}`;
}

/** `<project>/<service>`, each reduced to `[a-z0-9-]` (ECR names are lowercase). */
export function repositoryName(project: string, service: string): string {
  return `${cleanName(project)}/${cleanName(service)}`;
}

/** The project-wide ownership tags of a service's repository (no `stackctl:stack`: shared by stacks). */
export function repositoryTags(project: string, service: string): Record<string, string> {
  return {
    [TAG_KEYS.managedBy]: MANAGED_BY,
    [TAG_KEYS.project]: project,
    [TAG_KEYS.logicalId]: repositoryLogicalId(service),
  };
}

/** The lifecycle policy every build repository carries: untagged images expire after {@link UNTAGGED_EXPIRY_DAYS}. */
export function lifecyclePolicyText(): string {
  return JSON.stringify({
    rules: [
      {
        rulePriority: 1,
        description: `expire untagged images after ${UNTAGGED_EXPIRY_DAYS} days (tagged ones may still run)`,
        selection: {
          tagStatus: 'untagged',
          countType: 'sinceImagePushed',
          countUnit: 'days',
          countNumber: UNTAGGED_EXPIRY_DAYS,
        },
        action: { type: 'expire' },
      },
    ],
  });
}

/** A repository as the build path uses it. */
export interface BuildRepository {
  readonly name: string;
  /** `<account>.dkr.ecr.<region>.amazonaws.com/<name>`: image refs are `<uri>:<tag>`. */
  readonly uri: string;
  /** Whether this call created it. */
  readonly created: boolean;
}

/** The repository named `name`, or undefined when there is none. Read-only. */
export async function findRepository(ecr: ECRClient, name: string): Promise<Repository | undefined> {
  try {
    const out = await ecr.send(new DescribeRepositoriesCommand({ repositoryNames: [name] }));
    return out.repositories?.[0];
  } catch (err) {
    if (awsCodeOf(err) === REPOSITORY_NOT_FOUND) return undefined;
    throw err;
  }
}

/** The URI a repository has or would have, from the account id (plan shows it before creating anything). */
export async function repositoryUri(sts: STSClient, region: string, name: string): Promise<string> {
  const who = await sts.send(new GetCallerIdentityCommand({}));
  return `${who.Account}.dkr.ecr.${region}.amazonaws.com/${name}`;
}

/**
 * Creates the service's repository (tags, scan on push, lifecycle policy) or, when it exists and is the
 * project's, brings scan-on-push and the lifecycle policy back to what they should be. A repository of
 * that name without the project's tags is never touched: {@link BUILD_ERROR.foreign}.
 */
export async function ensureRepository(
  ecr: ECRClient,
  project: string,
  service: string,
): Promise<BuildRepository> {
  const name = repositoryName(project, service);
  const policy = lifecyclePolicyText();
  const existing = await findRepository(ecr, name);
  if (existing === undefined) {
    const out = await ecr.send(
      new CreateRepositoryCommand({
        repositoryName: name,
        // Tags are digests of the inputs: re-pushing one means the same image, so mutability is harmless
        // and a racing second push of the same inputs does not fail.
        imageTagMutability: 'MUTABLE',
        imageScanningConfiguration: { scanOnPush: true },
        tags: Object.entries(repositoryTags(project, service)).map(([Key, Value]) => ({ Key, Value })),
      }),
    );
    await ecr.send(new PutLifecyclePolicyCommand({ repositoryName: name, lifecyclePolicyText: policy }));
    return { name, uri: out.repository?.repositoryUri ?? '', created: true };
  }
  const tags = await ecr.send(new ListTagsForResourceCommand({ resourceArn: existing.repositoryArn }));
  const record = tagListToRecord(tags.tags);
  if (!isProjectResource(record, project) || record[TAG_KEYS.logicalId] !== repositoryLogicalId(service))
    throw new BuildError(
      BUILD_ERROR.foreign,
      `ECR repository ${name} exists but is not stackctl's for project ${project} (tags ${TAG_KEYS.managedBy}, ${TAG_KEYS.project}, ${TAG_KEYS.logicalId}=${repositoryLogicalId(service)} missing); rename the project or remove the repository`,
    );
  if (existing.imageScanningConfiguration?.scanOnPush !== true)
    await ecr.send(
      new PutImageScanningConfigurationCommand({
        repositoryName: name,
        imageScanningConfiguration: { scanOnPush: true },
      }),
    );
  if ((await currentLifecyclePolicy(ecr, name)) !== policy)
    await ecr.send(new PutLifecyclePolicyCommand({ repositoryName: name, lifecyclePolicyText: policy }));
  return { name, uri: existing.repositoryUri ?? '', created: false };
}

async function currentLifecyclePolicy(ecr: ECRClient, name: string): Promise<string | undefined> {
  try {
    const out = await ecr.send(new GetLifecyclePolicyCommand({ repositoryName: name }));
    // Compared as canonical text: ECR may return the document reformatted.
    return out.lifecyclePolicyText === undefined
      ? undefined
      : JSON.stringify(JSON.parse(out.lifecyclePolicyText));
  } catch (err) {
    if (awsCodeOf(err) === NO_LIFECYCLE_POLICY) return undefined;
    throw err;
  }
}

/** The manifest digest of `repository:tag`, or undefined when the tag (or the repository) is absent. */
export async function findImageTag(
  ecr: ECRClient,
  repository: string,
  tag: string,
): Promise<string | undefined> {
  try {
    const out = await ecr.send(
      new DescribeImagesCommand({ repositoryName: repository, imageIds: [{ imageTag: tag }] }),
    );
    return out.imageDetails?.[0]?.imageDigest;
  } catch (err) {
    const code = awsCodeOf(err);
    if ((code !== undefined && IMAGE_NOT_FOUND.has(code)) || code === REPOSITORY_NOT_FOUND) return undefined;
    throw err;
  }
}
