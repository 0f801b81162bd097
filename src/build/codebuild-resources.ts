/**
 * The account resources of in-account builds, one set per compose project, created idempotently with
 * the project-wide ownership tags (ecr-repository.ts explains why the build path is project-wide):
 * the context bucket (objects expire after {@link CONTEXT_EXPIRY_DAYS} days), the build's service role
 * (read its contexts, push to the project's repositories, write its logs) and the CodeBuild project.
 * Anything of those names without the project's tags is never modified ({@link BUILD_ERROR.foreign}).
 *
 * @module
 */
import { BatchGetProjectsCommand, type ComputeType, CreateProjectCommand } from '@aws-sdk/client-codebuild';
import { CreateRoleCommand, GetRoleCommand, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import {
  CreateBucketCommand,
  GetBucketTaggingCommand,
  HeadBucketCommand,
  PutBucketLifecycleConfigurationCommand,
  PutBucketTaggingCommand,
} from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { cleanName } from '../desired/render/naming.js';
import { MANAGED_BY, TAG_KEYS } from '../desired/resource-types.js';
import type { Mode } from '../desired/stack-types.js';
import { isProjectResource, recordToTagList, tagListToRecord } from '../desired/tags.js';
import type { BuildClients } from './build-clients.js';
import { awsCodeOf, BUILD_ERROR, BuildError } from './errors.js';

/** CodeBuild compute type per mode: 2 vCPU for the cheaper modes, 4 vCPU for high availability. */
export const BUILD_COMPUTE_TYPE: Readonly<Record<Mode, ComputeType>> = {
  affordable: 'BUILD_GENERAL1_SMALL',
  balanced: 'BUILD_GENERAL1_SMALL',
  high_availability: 'BUILD_GENERAL1_MEDIUM',
};

/** CodeBuild's managed image with Docker (the build runs privileged to use it). */
export const BUILD_ENVIRONMENT_IMAGE = 'aws/codebuild/standard:7.0';
/** Longest a build may run before CodeBuild stops it. */
export const BUILD_TIMEOUT_MINUTES = 60;
/** Uploaded contexts are deleted after this many days (the image, not the zip, is what is kept). */
export const CONTEXT_EXPIRY_DAYS = 7;
/** How long CreateProject is retried while IAM has not yet propagated a fresh role. */
const ROLE_PROPAGATION_WAIT_MS = 60_000;

/** Names of the project's in-account build resources. */
export interface CodeBuildNames {
  readonly bucket: string;
  readonly role: string;
  readonly project: string;
}

/** Bucket, role and project names for `project` in `account`/`region` (bucket names are global). */
export function codeBuildNames(project: string, account: string, region: string): CodeBuildNames {
  const p = cleanName(project).slice(0, 20);
  return {
    bucket: `stackctl-${p}-${account}-${region}`,
    role: `stackctl-build-${p}`,
    project: `stackctl-build-${p}`,
  };
}

/** Project-wide ownership tags of a build resource (`build/bucket`, `build/role`, `build/project`). */
function buildTags(project: string, what: string): Record<string, string> {
  return {
    [TAG_KEYS.managedBy]: MANAGED_BY,
    [TAG_KEYS.project]: project,
    [TAG_KEYS.logicalId]: `build/${what}`,
  };
}

/**
 * Bucket, role and project of `project`'s in-account builds, created when missing (idempotent across
 * runs); returns their names.
 */
export async function ensureCodeBuildResources(
  clients: BuildClients,
  project: string,
  mode: Mode,
): Promise<CodeBuildNames> {
  const who = await clients.sts.send(new GetCallerIdentityCommand({}));
  const account = who.Account ?? '';
  const names = codeBuildNames(project, account, clients.region);
  await ensureBucket(clients, names.bucket, project);
  const roleArn = await ensureRole(clients, names, project, account);
  await ensureProject(clients, names, project, roleArn, mode);
  return names;
}

async function ensureBucket(clients: BuildClients, bucket: string, project: string): Promise<void> {
  const tags = buildTags(project, 'bucket');
  let exists = true;
  try {
    await clients.s3.send(new HeadBucketCommand({ Bucket: bucket }));
  } catch (err) {
    const code = awsCodeOf(err);
    if (code !== 'NotFound' && code !== 'NoSuchBucket') throw err;
    exists = false;
  }
  if (exists) {
    const current = await clients.s3
      .send(new GetBucketTaggingCommand({ Bucket: bucket }))
      .then((out) => tagListToRecord(out.TagSet))
      .catch(() => ({}));
    if (!isProjectResource(current, project))
      throw new BuildError(
        BUILD_ERROR.foreign,
        `S3 bucket ${bucket} exists without stackctl's tags for project ${project}`,
      );
    return;
  }
  await clients.s3.send(
    new CreateBucketCommand({
      Bucket: bucket,
      ...(clients.region === 'us-east-1'
        ? {}
        : { CreateBucketConfiguration: { LocationConstraint: clients.region as never } }),
    }),
  );
  await clients.s3.send(
    new PutBucketTaggingCommand({ Bucket: bucket, Tagging: { TagSet: recordToTagList(tags) } }),
  );
  await clients.s3.send(
    new PutBucketLifecycleConfigurationCommand({
      Bucket: bucket,
      LifecycleConfiguration: {
        Rules: [
          {
            ID: 'expire-build-contexts',
            Status: 'Enabled',
            Filter: { Prefix: '' },
            Expiration: { Days: CONTEXT_EXPIRY_DAYS },
          },
        ],
      },
    }),
  );
}

/** What the build's role may do: read its contexts, push to the project's repositories, write logs. */
function rolePolicy(names: CodeBuildNames, project: string, account: string, region: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Action: ['s3:GetObject', 's3:GetObjectVersion'],
        Resource: `arn:aws:s3:::${names.bucket}/*`,
      },
      { Effect: 'Allow', Action: 'ecr:GetAuthorizationToken', Resource: '*' },
      {
        Effect: 'Allow',
        Action: [
          'ecr:BatchCheckLayerAvailability',
          'ecr:BatchGetImage',
          'ecr:CompleteLayerUpload',
          'ecr:GetDownloadUrlForLayer',
          'ecr:InitiateLayerUpload',
          'ecr:PutImage',
          'ecr:UploadLayerPart',
        ],
        Resource: `arn:aws:ecr:${region}:${account}:repository/${cleanName(project)}/*`,
      },
      {
        Effect: 'Allow',
        Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: `arn:aws:logs:${region}:${account}:log-group:/aws/codebuild/${names.project}*`,
      },
    ],
  });
}

async function ensureRole(
  clients: BuildClients,
  names: CodeBuildNames,
  project: string,
  account: string,
): Promise<string> {
  let arn: string | undefined;
  try {
    const out = await clients.iam.send(new GetRoleCommand({ RoleName: names.role }));
    if (!isProjectResource(tagListToRecord(out.Role?.Tags), project))
      throw new BuildError(
        BUILD_ERROR.foreign,
        `IAM role ${names.role} exists without stackctl's tags for project ${project}`,
      );
    arn = out.Role?.Arn;
  } catch (err) {
    if (awsCodeOf(err) !== 'NoSuchEntity' && awsCodeOf(err) !== 'NoSuchEntityException') throw err;
    const out = await clients.iam.send(
      new CreateRoleCommand({
        RoleName: names.role,
        Description: `stackctl image builds of project ${project}`,
        AssumeRolePolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Principal: { Service: 'codebuild.amazonaws.com' }, Action: 'sts:AssumeRole' },
          ],
        }),
        Tags: recordToTagList(buildTags(project, 'role')),
      }),
    );
    arn = out.Role?.Arn;
  }
  await clients.iam.send(
    new PutRolePolicyCommand({
      RoleName: names.role,
      PolicyName: 'stackctl-build',
      PolicyDocument: rolePolicy(names, project, account, clients.region),
    }),
  );
  return arn ?? '';
}

async function ensureProject(
  clients: BuildClients,
  names: CodeBuildNames,
  project: string,
  roleArn: string,
  mode: Mode,
): Promise<void> {
  const found = await clients.codebuild.send(new BatchGetProjectsCommand({ names: [names.project] }));
  const existing = found.projects?.[0];
  if (existing) {
    if (
      !isProjectResource(
        tagListToRecord(existing.tags?.map((t) => ({ Key: t.key, Value: t.value }))),
        project,
      )
    )
      throw new BuildError(
        BUILD_ERROR.foreign,
        `CodeBuild project ${names.project} exists without stackctl's tags for project ${project}`,
      );
    return;
  }
  const create = new CreateProjectCommand({
    name: names.project,
    description: `stackctl image builds of project ${project}`,
    // Every build overrides the location with its own uploaded context.
    source: { type: 'S3', location: `${names.bucket}/` },
    artifacts: { type: 'NO_ARTIFACTS' },
    environment: {
      type: 'LINUX_CONTAINER',
      image: BUILD_ENVIRONMENT_IMAGE,
      computeType: BUILD_COMPUTE_TYPE[mode],
      privilegedMode: true,
    },
    serviceRole: roleArn,
    timeoutInMinutes: BUILD_TIMEOUT_MINUTES,
    tags: Object.entries(buildTags(project, 'project')).map(([key, value]) => ({ key, value })),
  });
  const deadline = Date.now() + ROLE_PROPAGATION_WAIT_MS;
  for (;;) {
    try {
      await clients.codebuild.send(create);
      return;
    } catch (err) {
      // A role created seconds ago is not yet assumable by CodeBuild: IAM is eventually consistent.
      const propagating = awsCodeOf(err) === 'InvalidInputException' && /role|assume/i.test(String(err));
      if (awsCodeOf(err) === 'ResourceAlreadyExistsException') return;
      if (!propagating || Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 5_000));
    }
  }
}
