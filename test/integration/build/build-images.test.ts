/**
 * The build step against a real moto server (ECR, S3, CodeBuild, IAM): repositories created as
 * specified, an unchanged context never built or pushed again, only real input changes rebuilding, and
 * CodeBuildBuilder's orchestration. The image build itself is `RecordingBuilder`, the declared test
 * double (test/helpers/recording-builder.ts), except in the CodeBuild cases.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BatchGetProjectsCommand, ListBuildsForProjectCommand } from '@aws-sdk/client-codebuild';
import {
  CreateRepositoryCommand,
  DescribeImagesCommand,
  DescribeRepositoriesCommand,
  GetLifecyclePolicyCommand,
  ListTagsForResourceCommand,
} from '@aws-sdk/client-ecr';
import { GetRoleCommand } from '@aws-sdk/client-iam';
import { GetBucketTaggingCommand, GetObjectCommand } from '@aws-sdk/client-s3';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BUILD_COMPUTE_TYPE,
  BUILD_ERROR,
  BUILD_PLATFORM,
  type BuildClients,
  buildInputsDigest,
  buildServiceImages,
  CodeBuildBuilder,
  codeBuildNames,
  createBuildClients,
  type ImageBuilder,
  repositoryName,
  type ServiceBuild,
  UNTAGGED_EXPIRY_DAYS,
} from '../../../src/build/index.js';
import type { Mode } from '../../../src/desired/stack-types.js';
import { TEST_REGION } from '../../helpers/aws.js';
import { shimCodeBuildTimes } from '../../helpers/codebuild-time-shim.js';
import { type MotoServer, startMoto } from '../../helpers/moto.js';
import { RecordingBuilder } from '../../helpers/recording-builder.js';

let moto: MotoServer;
let clients: BuildClients;
const dirs: string[] = [];

beforeAll(async () => {
  moto = await startMoto();
  clients = await createBuildClients({
    region: TEST_REGION,
    endpoint: moto.endpoint,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    maxAttempts: 2,
  });
  shimCodeBuildTimes(clients.codebuild);
});
afterAll(async () => {
  await moto?.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A context folder with a Dockerfile, app files and a .dockerignore excluding `*.log` and `tmp/`. */
function appContext(): string {
  const dir = mkdtempSync(join(tmpdir(), 'stackctl-build-'));
  dirs.push(dir);
  writeFileSync(join(dir, 'Dockerfile'), 'FROM nginx:1.27-alpine\nCOPY . /usr/share/nginx/html\n');
  writeFileSync(join(dir, 'index.html'), '<h1>v1</h1>\n');
  writeFileSync(join(dir, '.dockerignore'), '*.log\ntmp\n');
  writeFileSync(join(dir, 'debug.log'), 'ignored\n');
  return dir;
}

/** Counts how often the step asked for a builder: an unchanged stack must not even probe one. */
function builderFactory(builder: ImageBuilder): {
  readonly calls: () => number;
  readonly get: () => Promise<ImageBuilder>;
} {
  let calls = 0;
  return {
    calls: () => calls,
    get: async () => {
      calls++;
      return builder;
    },
  };
}

async function step(project: string, services: readonly ServiceBuild[], builder: ImageBuilder, apply = true) {
  const factory = builderFactory(builder);
  const outcomes = await buildServiceImages({ clients, project, services, apply, builder: factory.get });
  return { outcomes, builderRequested: factory.calls() };
}

describe('the build step', () => {
  it('creates the repository with ownership tags, scan on push and the lifecycle policy, then builds and pushes once', async () => {
    const context = appContext();
    const builder = new RecordingBuilder(clients.ecr);

    const { outcomes } = await step('shop', [{ service: 'web', context }], builder);

    const name = repositoryName('shop', 'web');
    const repo = (await clients.ecr.send(new DescribeRepositoriesCommand({ repositoryNames: [name] })))
      .repositories?.[0];
    expect(repo?.imageScanningConfiguration?.scanOnPush).toBe(true);
    const tags = await clients.ecr.send(new ListTagsForResourceCommand({ resourceArn: repo?.repositoryArn }));
    expect(Object.fromEntries((tags.tags ?? []).map((t) => [t.Key, t.Value]))).toEqual({
      'stackctl:managed-by': 'stackctl',
      'stackctl:project': 'shop',
      'stackctl:logical-id': 'ecr/web',
    });
    const policy = await clients.ecr.send(new GetLifecyclePolicyCommand({ repositoryName: name }));
    expect(JSON.parse(policy.lifecyclePolicyText ?? '{}').rules[0].selection).toEqual({
      tagStatus: 'untagged',
      countType: 'sinceImagePushed',
      countUnit: 'days',
      countNumber: UNTAGGED_EXPIRY_DAYS,
    });
    const tag = buildInputsDigest({ context }).tag;
    expect(outcomes).toEqual([
      expect.objectContaining({
        kind: 'built',
        service: 'web',
        tag,
        imageRef: `${repo?.repositoryUri}:${tag}`,
      }),
    ]);
    expect(builder.builds).toHaveLength(1);
    expect(builder.builds[0]?.platform).toBe(BUILD_PLATFORM);
    expect(builder.pushes).toEqual([`${repo?.repositoryUri}:${tag}`]);
  });

  it('builds nothing and pushes nothing when the context is unchanged (the tag is already in ECR)', async () => {
    const context = appContext();
    await step('cafe', [{ service: 'web', context }], new RecordingBuilder(clients.ecr));
    const second = new RecordingBuilder(clients.ecr);

    const { outcomes, builderRequested } = await step('cafe', [{ service: 'web', context }], second);

    expect(second.builds).toEqual([]);
    expect(second.pushes).toEqual([]);
    expect(builderRequested).toBe(0);
    const tag = buildInputsDigest({ context }).tag;
    expect(outcomes).toEqual([expect.objectContaining({ kind: 'unchanged', tag })]);
    const images = await clients.ecr.send(
      new DescribeImagesCommand({
        repositoryName: repositoryName('cafe', 'web'),
        imageIds: [{ imageTag: tag }],
      }),
    );
    expect(images.imageDetails).toHaveLength(1);
  });

  it.each([
    {
      reason: 'a context file changed',
      change: (d: string) => writeFileSync(join(d, 'index.html'), '<h1>v2</h1>\n'),
      builds: 1,
    },
    {
      reason: 'a new context file',
      change: (d: string) => writeFileSync(join(d, 'app.js'), 'x\n'),
      builds: 1,
    },
    {
      reason: 'the Dockerfile changed',
      change: (d: string) => writeFileSync(join(d, 'Dockerfile'), 'FROM nginx:1.28-alpine\n'),
      builds: 1,
    },
    {
      reason: 'only a .dockerignore-excluded file changed',
      change: (d: string) => writeFileSync(join(d, 'debug.log'), 'more\n'),
      builds: 0,
    },
    {
      reason: 'a new file in an excluded folder',
      change: (d: string) => {
        mkdirSync(join(d, 'tmp'));
        writeFileSync(join(d, 'tmp', 'note.txt'), 'x');
      },
      builds: 0,
    },
  ])('rebuilds exactly when the inputs change: $reason → $builds build(s)', async ({ change, builds }) => {
    const project = `p${Math.random().toString(36).slice(2, 8)}`;
    const context = appContext();
    await step(project, [{ service: 'web', context }], new RecordingBuilder(clients.ecr));
    change(context);
    const builder = new RecordingBuilder(clients.ecr);

    const { outcomes } = await step(project, [{ service: 'web', context }], builder);

    expect(builder.builds).toHaveLength(builds);
    expect(builder.pushes).toHaveLength(builds);
    expect(outcomes[0]?.kind).toBe(builds === 0 ? 'unchanged' : 'built');
  });

  it('rebuilds when a build arg changes, not when the same args are given in another order', async () => {
    const context = appContext();
    const first: ServiceBuild = { service: 'api', context, args: { A: '1', B: '2' } };
    await step('args', [first], new RecordingBuilder(clients.ecr));
    const reordered = new RecordingBuilder(clients.ecr);
    await step('args', [{ ...first, args: { B: '2', A: '1' } }], reordered);
    const changed = new RecordingBuilder(clients.ecr);
    await step('args', [{ ...first, args: { A: '1', B: '3' } }], changed);

    expect(reordered.builds).toHaveLength(0);
    expect(changed.builds).toHaveLength(1);
    expect(changed.builds[0]?.args).toEqual({ A: '1', B: '3' });
  });

  it('plan mode creates nothing and reports the build it would do, then "unchanged" once built', async () => {
    const context = appContext();
    const builder = new RecordingBuilder(clients.ecr);

    const before = await step('planned', [{ service: 'web', context }], builder, false);
    const repos = await clients.ecr
      .send(new DescribeRepositoriesCommand({ repositoryNames: [repositoryName('planned', 'web')] }))
      .catch((err: Error) => err.name);
    await step('planned', [{ service: 'web', context }], builder, true);
    const after = await step('planned', [{ service: 'web', context }], builder, false);

    expect(before.outcomes[0]).toMatchObject({
      kind: 'would-build',
      imageRef: expect.stringMatching(/\.dkr\.ecr\.eu-west-1\.amazonaws\.com\/planned\/web:build-/),
    });
    expect(before.builderRequested).toBe(0);
    expect(String(repos)).toContain('RepositoryNotFound');
    expect(after.outcomes[0]).toMatchObject({ kind: 'unchanged', imageRef: before.outcomes[0]?.imageRef });
    expect(builder.builds).toHaveLength(1);
  });

  it('fails when the builder reports success but the tag never reached ECR', async () => {
    const context = appContext();

    const run = step(
      'ghost',
      [{ service: 'web', context }],
      new RecordingBuilder(clients.ecr, { push: false }),
    );

    await expect(run).rejects.toMatchObject({ code: BUILD_ERROR.notPushed });
  });

  it('puts scan-on-push and the lifecycle policy back on an owned repository that lost them', async () => {
    const name = repositoryName('drifted', 'web');
    await clients.ecr.send(
      new CreateRepositoryCommand({
        repositoryName: name,
        imageScanningConfiguration: { scanOnPush: false },
        tags: [
          { Key: 'stackctl:managed-by', Value: 'stackctl' },
          { Key: 'stackctl:project', Value: 'drifted' },
          { Key: 'stackctl:logical-id', Value: 'ecr/web' },
        ],
      }),
    );

    await step('drifted', [{ service: 'web', context: appContext() }], new RecordingBuilder(clients.ecr));

    const repo = (await clients.ecr.send(new DescribeRepositoriesCommand({ repositoryNames: [name] })))
      .repositories?.[0];
    expect(repo?.imageScanningConfiguration?.scanOnPush).toBe(true);
    const policy = await clients.ecr.send(new GetLifecyclePolicyCommand({ repositoryName: name }));
    expect(JSON.parse(policy.lifecyclePolicyText ?? '{}').rules[0].selection.countNumber).toBe(
      UNTAGGED_EXPIRY_DAYS,
    );
  });

  it('never touches a repository of the same name that stackctl does not own', async () => {
    const name = repositoryName('foreign', 'web');
    await clients.ecr.send(new CreateRepositoryCommand({ repositoryName: name }));
    const builder = new RecordingBuilder(clients.ecr);

    const run = step('foreign', [{ service: 'web', context: appContext() }], builder);

    await expect(run).rejects.toMatchObject({ code: BUILD_ERROR.foreign });
    const policy = await clients.ecr
      .send(new GetLifecyclePolicyCommand({ repositoryName: name }))
      .catch((err: Error) => err.name);
    expect(String(policy)).toContain('LifecyclePolicyNotFound');
    expect(builder.builds).toEqual([]);
  });
});

describe('CodeBuildBuilder against moto', () => {
  it.each<{ reason: string; mode: Mode; project: string }>([
    { reason: 'affordable builds on 2 vCPU', mode: 'affordable', project: 'cb-small' },
    { reason: 'high_availability builds on 4 vCPU', mode: 'high_availability', project: 'cb-large' },
  ])(
    'uploads the context, creates the project with the mode compute type and runs one build: $reason',
    async ({ mode, project }) => {
      const context = appContext();
      const inputs = buildInputsDigest({ context });
      const progress: string[] = [];
      const builder = new CodeBuildBuilder({ clients, project, mode, pollIntervalMs: 10 });
      const imageRef = `123456789012.dkr.ecr.eu-west-1.amazonaws.com/${project}/web:${inputs.tag}`;

      await builder.build({
        service: 'web',
        context,
        dockerfilePath: inputs.dockerfilePath,
        args: {},
        platform: BUILD_PLATFORM,
        imageRef,
        inputs,
        onProgress: (l) => progress.push(l),
      });

      const names = codeBuildNames(project, '123456789012', 'eu-west-1');
      const object = await clients.s3.send(
        new GetObjectCommand({ Bucket: names.bucket, Key: `web/${inputs.digest}.zip` }),
      );
      const entries = Object.keys(
        unzipSync((await object.Body?.transformToByteArray()) ?? new Uint8Array()),
      ).sort();
      expect(entries).toEqual([
        'Dockerfile.stackctl',
        'context/.dockerignore',
        'context/Dockerfile',
        'context/index.html',
      ]);
      const bucketTags = await clients.s3.send(new GetBucketTaggingCommand({ Bucket: names.bucket }));
      expect(bucketTags.TagSet).toContainEqual({ Key: 'stackctl:project', Value: project });
      const projects = await clients.codebuild.send(new BatchGetProjectsCommand({ names: [names.project] }));
      expect(projects.projects?.[0]?.environment?.computeType).toBe(BUILD_COMPUTE_TYPE[mode]);
      expect(projects.projects?.[0]?.environment?.privilegedMode).toBe(true);
      const role = await clients.iam.send(new GetRoleCommand({ RoleName: names.role }));
      expect(projects.projects?.[0]?.serviceRole).toBe(role.Role?.Arn);
      const builds = await clients.codebuild.send(
        new ListBuildsForProjectCommand({ projectName: names.project }),
      );
      expect(builds.ids).toHaveLength(1);
      expect(progress.at(-1)).toBe('web: CodeBuild COMPLETED');
    },
  );

  it('reuses the bucket, role and project on the next build', async () => {
    const context = appContext();
    const inputs = buildInputsDigest({ context });
    const request = {
      service: 'web',
      context,
      dockerfilePath: inputs.dockerfilePath,
      args: {},
      platform: BUILD_PLATFORM,
      imageRef: `123456789012.dkr.ecr.eu-west-1.amazonaws.com/cb-again/web:${inputs.tag}`,
      inputs,
    };
    await new CodeBuildBuilder({ clients, project: 'cb-again', mode: 'balanced', pollIntervalMs: 10 }).build(
      request,
    );

    await new CodeBuildBuilder({ clients, project: 'cb-again', mode: 'balanced', pollIntervalMs: 10 }).build(
      request,
    );

    const names = codeBuildNames('cb-again', '123456789012', 'eu-west-1');
    const builds = await clients.codebuild.send(
      new ListBuildsForProjectCommand({ projectName: names.project }),
    );
    expect(builds.ids).toHaveLength(2);
  });
});
