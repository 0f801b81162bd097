/**
 * The CLI's build step against a real moto server: which services it builds, what `plan` (read only)
 * and `reconcile` (build and push) render, and `operator install`'s image published through the same
 * path. Builds go through `RecordingBuilder`, the declared test double.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BuildClients,
  buildInputsDigest,
  createBuildClients,
  repositoryName,
} from '../../../src/build/index.js';
import { flagsFromOptions } from '../../../src/cli/args.js';
import {
  loadWithBuiltImages,
  OPERATOR_DOCKERFILE,
  PACKAGE_ROOT,
  publishOperatorImage,
} from '../../../src/cli/commands/build-step.js';
import type { Io } from '../../../src/cli/output.js';
import { TEST_REGION } from '../../helpers/aws.js';
import { type MotoServer, startMoto } from '../../helpers/moto.js';
import { RecordingBuilder } from '../../helpers/recording-builder.js';

let moto: MotoServer;
let clients: BuildClients;
let dir: string;

const COMPOSE = `name: bk
services:
  web:
    build:
      context: ./web
      args:
        GREETING: hello
    ports:
      - "8080:80"
  api:
    build: ./api
    image: local/api:dev
  pinned:
    build: ./api
  worker:
    image: nginx:1.27-alpine
`;

/** The CLI session takes credentials from the environment, as a user's shell gives them. */
const CREDENTIAL_ENV = { AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing' } as const;
const savedEnv = Object.fromEntries(Object.keys(CREDENTIAL_ENV).map((k) => [k, process.env[k]]));

beforeAll(async () => {
  Object.assign(process.env, CREDENTIAL_ENV);
  moto = await startMoto();
  clients = await createBuildClients({ region: TEST_REGION, endpoint: moto.endpoint });
  dir = mkdtempSync(join(tmpdir(), 'stackctl-build-step-'));
  for (const svc of ['web', 'api']) {
    mkdirSync(join(dir, svc));
    writeFileSync(join(dir, svc, 'Dockerfile'), `FROM nginx:1.27-alpine\nLABEL svc=${svc}\n`);
  }
  writeFileSync(join(dir, 'compose.yaml'), COMPOSE);
  mkdirSync(join(dir, '.stackctl'));
  writeFileSync(
    join(dir, '.stackctl', 'dev.yaml'),
    'region: eu-west-1\nmode: affordable\nnetwork:\n  vpc: create\nservices:\n  pinned:\n    image: nginx:1.27-alpine\n',
  );
});
afterAll(async () => {
  for (const [k, v] of Object.entries(savedEnv)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  await moto?.stop();
  rmSync(dir, { recursive: true, force: true });
});

function quietIo(): Pick<Io, 'err'> & { readonly lines: string[] } {
  const lines: string[] = [];
  return { lines, err: (t) => void lines.push(t) };
}

function flags(extra: { image?: string[] } = {}) {
  return flagsFromOptions({ cwd: dir, endpointUrl: moto.endpoint, region: 'eu-west-1', ...extra }, false);
}

/** The image the rendered task definition of `service` runs. */
function imageOf(
  project: Awaited<ReturnType<typeof loadWithBuiltImages>>['project'],
  service: string,
): string {
  const taskdef = project.desired.resources.find(
    (r) => r.kind === 'ecs.TaskDefinition' && r.logicalId.endsWith(`/${service}`),
  );
  const containers = taskdef?.spec.containerDefinitions as { image: string }[] | undefined;
  return containers?.[0]?.image ?? '';
}

describe('loadWithBuiltImages', () => {
  it('plan builds nothing, reconcile builds each build: service once, and the next plan and reconcile find them unchanged', async () => {
    const builder = new RecordingBuilder(clients.ecr);
    const use = async () => builder;
    const webTag = buildInputsDigest({ context: join(dir, 'web'), args: { GREETING: 'hello' } }).tag;

    const plan = await loadWithBuiltImages(flags(), 'dev', quietIo(), { apply: false, builder: use });
    const reconcile = await loadWithBuiltImages(flags(), 'dev', quietIo(), { apply: true, builder: use });
    const io = quietIo();
    const again = await loadWithBuiltImages(flags(), 'dev', io, { apply: true, builder: use });

    expect(plan.images.map((o) => [o.service, o.kind])).toEqual([
      ['web', 'would-build'],
      ['api', 'would-build'],
    ]);
    expect(reconcile.images.map((o) => [o.service, o.kind])).toEqual([
      ['web', 'built'],
      ['api', 'built'],
    ]);
    expect(again.images.map((o) => o.kind)).toEqual(['unchanged', 'unchanged']);
    expect(builder.builds.map((b) => b.service)).toEqual(['web', 'api']);
    expect(io.lines.join('')).toContain(`image web: unchanged, ${webTag}`);
    const repoUri = `123456789012.dkr.ecr.eu-west-1.amazonaws.com/${repositoryName('bk', 'web')}`;
    expect(imageOf(plan.project, 'web')).toBe(`${repoUri}:${webTag}`);
    expect(imageOf(again.project, 'web')).toBe(`${repoUri}:${webTag}`);
  });

  it.each([
    { reason: 'the stack file pins an image', service: 'pinned', image: 'nginx:1.27-alpine', args: {} },
    {
      reason: '--image overrides',
      service: 'web',
      image: 'registry.example.com/web:7',
      args: { image: ['web=registry.example.com/web:7'] },
    },
    { reason: 'no build: section', service: 'worker', image: 'nginx:1.27-alpine', args: {} },
  ])('leaves a service alone when $reason', async ({ service, image, args }) => {
    const builder = new RecordingBuilder(clients.ecr);

    const { project, images } = await loadWithBuiltImages(flags(args), 'dev', quietIo(), {
      apply: false,
      builder: async () => builder,
    });

    expect(images.map((o) => o.service)).not.toContain(service);
    expect(imageOf(project, service)).toBe(image);
  });

  it('with build: false (--no-build) skips the step: nothing built, no outcome', async () => {
    const builder = new RecordingBuilder(clients.ecr);

    const run = loadWithBuiltImages(flags({ image: ['web=a/web:1', 'api=a/api:1'] }), 'dev', quietIo(), {
      apply: true,
      build: false,
      builder: async () => builder,
    });

    await expect(run).resolves.toMatchObject({ images: [] });
    expect(builder.builds).toEqual([]);
  });
});

describe('publishOperatorImage', () => {
  it('builds deploy/Dockerfile from the package root into stackctl/operator once, then finds it unchanged', async () => {
    const builder = new RecordingBuilder(clients.ecr);

    const first = await publishOperatorImage(flags(), 'eu-west-1', quietIo(), {
      builder: async () => builder,
    });
    const second = await publishOperatorImage(flags(), 'eu-west-1', quietIo(), {
      builder: async () => builder,
    });

    expect(first.kind).toBe('built');
    expect(second).toMatchObject({ kind: 'unchanged', imageRef: first.imageRef });
    expect(builder.builds).toHaveLength(1);
    expect(builder.builds[0]?.dockerfilePath).toBe(join(PACKAGE_ROOT, OPERATOR_DOCKERFILE));
    expect(builder.builds[0]?.inputs.files).toContain('src/cli/main.ts');
    expect(builder.builds[0]?.inputs.files.some((f) => f.startsWith('node_modules/'))).toBe(false);
    expect(first.imageRef).toMatch(/\.amazonaws\.com\/stackctl\/operator:build-[0-9a-f]{40}$/);
  });
});
