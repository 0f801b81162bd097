/**
 * The builders' command lines and builder selection. The docker CLI is replaced by a fake
 * CommandRunner and ECR/CodeBuild by aws-sdk-client-mock: what is checked here is which commands and
 * overrides a build produces, which no AWS emulator shows (the moto tests cover the AWS side).
 */
import { ListProjectsCommand } from '@aws-sdk/client-codebuild';
import { GetAuthorizationTokenCommand } from '@aws-sdk/client-ecr';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import {
  BUILD_COMPUTE_TYPE,
  BUILD_ERROR,
  type BuildRequest,
  buildspecFor,
  CodeBuildBuilder,
  type CommandRunner,
  codeBuildNames,
  createBuildClients,
  DockerBuilder,
  dockerBuildArgs,
  selectBuilder,
  shellQuote,
  startBuildInput,
} from '../../../src/build/index.js';

const clients = await createBuildClients({
  region: 'eu-west-1',
  credentials: { accessKeyId: 'x', secretAccessKey: 'x' },
});
const ecr = mockClient(clients.ecr);
const codebuild = mockClient(clients.codebuild);
afterEach(() => {
  ecr.reset();
  codebuild.reset();
});

const REF = '123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop/web:build-abc';
const request: BuildRequest = {
  service: 'web',
  context: '/src/web',
  dockerfilePath: '/src/web/Dockerfile',
  args: { Z: "it's", A: '1' },
  target: 'runtime',
  platform: 'linux/amd64',
  imageRef: REF,
  inputs: { digest: 'abc', tag: 'build-abc', files: [], dockerfilePath: '/src/web/Dockerfile' },
};

/** A fake docker CLI: answers by the first argument(s), records every call (and what went to stdin). */
function fakeDocker(codes: Readonly<Record<string, number>>): {
  run: CommandRunner;
  calls: { args: string[]; stdin?: string }[];
} {
  const calls: { args: string[]; stdin?: string }[] = [];
  const run: CommandRunner = async (_cmd, args, options) => {
    calls.push({ args: [...args], ...(options.stdin === undefined ? {} : { stdin: options.stdin }) });
    const key = args[0] === 'buildx' ? `buildx ${args[1]}` : (args[0] ?? '');
    return { code: codes[key] ?? 0, tail: ['last line'] };
  };
  return { run, calls };
}

describe('DockerBuilder', () => {
  it.each([
    {
      reason: 'buildx installed: one buildx build --push',
      buildx: 0,
      expected: [['login'], ['buildx', 'version'], ['buildx', 'build', '--push']],
    },
    {
      reason: 'no buildx: docker build, then docker push',
      buildx: 1,
      expected: [['login'], ['buildx', 'version'], ['build'], ['push', REF]],
    },
  ])('$reason', async ({ buildx, expected }) => {
    ecr.on(GetAuthorizationTokenCommand).resolves({
      authorizationData: [{ authorizationToken: Buffer.from('AWS:s3cret').toString('base64') }],
    });
    const docker = fakeDocker({ 'buildx version': buildx });

    await new DockerBuilder(clients.ecr, docker.run).build(request);

    expect(docker.calls.map((c) => c.args.slice(0, expected[docker.calls.indexOf(c)]?.length))).toEqual(
      expected,
    );
    const login = docker.calls[0];
    expect(login?.stdin).toBe('s3cret');
    expect(docker.calls.flatMap((c) => c.args).join(' ')).not.toContain('s3cret');
  });

  it('fails with BUILD_FAILED and the build output tail when docker build exits non-zero', async () => {
    ecr
      .on(GetAuthorizationTokenCommand)
      .resolves({ authorizationData: [{ authorizationToken: 'QVdTOng=' }] });
    const docker = fakeDocker({ 'buildx version': 1, build: 2 });

    const run = new DockerBuilder(clients.ecr, docker.run).build(request);

    await expect(run).rejects.toMatchObject({
      code: BUILD_ERROR.failed,
      message: expect.stringContaining('last line'),
    });
    expect(docker.calls.some((c) => c.args[0] === 'push')).toBe(false);
  });

  it('passes platform, Dockerfile, target, sorted build args and the tag as separate arguments (no shell)', () => {
    expect(dockerBuildArgs(request, true)).toEqual([
      'buildx',
      'build',
      '--push',
      '--platform',
      'linux/amd64',
      '-f',
      '/src/web/Dockerfile',
      '--target',
      'runtime',
      '--build-arg',
      'A=1',
      '--build-arg',
      "Z=it's",
      '-t',
      REF,
      '/src/web',
    ]);
  });
});

describe('CodeBuild build input', () => {
  it.each([
    { reason: 'affordable: 2 vCPU', mode: 'affordable' as const, compute: 'BUILD_GENERAL1_SMALL' },
    { reason: 'balanced: 2 vCPU', mode: 'balanced' as const, compute: 'BUILD_GENERAL1_SMALL' },
    {
      reason: 'high_availability: 4 vCPU',
      mode: 'high_availability' as const,
      compute: 'BUILD_GENERAL1_MEDIUM',
    },
  ])('sizes the build by mode ($reason) and points it at the uploaded zip', ({ mode, compute }) => {
    const names = codeBuildNames('shop', '123456789012', 'eu-west-1');

    const input = startBuildInput(names, 'web/abc.zip', request, mode);

    expect(BUILD_COMPUTE_TYPE[mode]).toBe(compute);
    expect(input).toMatchObject({
      projectName: 'stackctl-build-shop',
      computeTypeOverride: compute,
      sourceTypeOverride: 'S3',
      sourceLocationOverride: 'stackctl-shop-123456789012-eu-west-1/web/abc.zip',
      privilegedModeOverride: true,
    });
  });

  it('builds from the archive layout with quoted args, then pushes the tag', () => {
    const spec = JSON.parse(buildspecFor(request)) as { phases: Record<string, { commands: string[] }> };

    expect(spec.phases.build?.commands).toEqual([
      `docker build --platform 'linux/amd64' -f Dockerfile.stackctl --target 'runtime' --build-arg 'A=1' --build-arg 'Z=it'\\''s' -t '${REF}' context`,
      `docker push '${REF}'`,
    ]);
    expect(spec.phases.pre_build?.commands[0]).toContain(
      "--password-stdin '123456789012.dkr.ecr.eu-west-1.amazonaws.com'",
    );
  });

  it.each([
    { reason: 'plain text', text: 'abc', quoted: "'abc'" },
    { reason: 'a single quote', text: "a'b", quoted: "'a'\\''b'" },
    { reason: 'shell syntax stays literal', text: '$(rm -rf /); `x`', quoted: "'$(rm -rf /); `x`'" },
  ])('shellQuote: $reason', ({ text, quoted }) => {
    expect(shellQuote(text)).toBe(quoted);
  });
});

describe('selectBuilder', () => {
  it.each([
    { reason: 'a Docker engine answers', docker: 0, codebuildAnswers: true, expected: 'docker' },
    { reason: 'no engine, CodeBuild answers', docker: 1, codebuildAnswers: true, expected: 'codebuild' },
  ])('$reason → $expected', async ({ docker, codebuildAnswers, expected }) => {
    if (codebuildAnswers) codebuild.on(ListProjectsCommand).resolves({ projects: [] });
    const fake = fakeDocker({ version: docker });

    const builder = await selectBuilder({ clients, project: 'shop', mode: 'affordable', run: fake.run });

    expect(builder.name).toBe(expected);
    if (expected === 'codebuild') expect(builder).toBeInstanceOf(CodeBuildBuilder);
  });

  it('fails with BUILD_NO_BUILDER naming both when neither answers', async () => {
    codebuild
      .on(ListProjectsCommand)
      .rejects(Object.assign(new Error('not authorized'), { name: 'AccessDeniedException' }));
    const fake = fakeDocker({ version: 1 });

    const run = selectBuilder({ clients, project: 'shop', mode: 'affordable', run: fake.run });

    await expect(run).rejects.toMatchObject({
      code: BUILD_ERROR.noBuilder,
      message: expect.stringMatching(/docker version.*CodeBuild.*not authorized/s),
    });
  });
});
