/**
 * The CI recipes in examples/ci run here, as a CI system would run them, against moto:
 * - every `run:` script of the GitHub Actions workflow's plan, deploy and drift jobs, verbatim, in bash,
 *   with the job's `env:` (GitHub expressions replaced by the values GitHub would give them);
 * - the plain shell script in each of its modes.
 * What cannot run here is replaced by declared test doubles on PATH: `stackctl` is this checkout's
 * bin/stackctl.js (the workflow's `npm install -g stackctl` step is what installs it), `gh` records its
 * arguments (a PR comment needs GitHub). The build job's docker steps are not run: the deploy job gets the
 * image reference the build job would output.
 */
import { spawn } from 'node:child_process';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { type E2eEnv, startE2e } from './helpers/harness.js';
import { copyShop, editFile, removeWorkspaces } from './helpers/workspace.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const WORKFLOW = join(ROOT, 'examples/ci/github-actions.yml');
const SCRIPT = join(ROOT, 'examples/ci/stackctl-ci.sh');
const STACK = 'dev';
/** What the build job would output: an image reference for `web`. */
const BUILT_IMAGE = 'nginx:1.27.3-alpine';

interface Step {
  readonly name?: string;
  readonly run?: string;
  readonly uses?: string;
  readonly env?: Readonly<Record<string, string>>;
}
interface Workflow {
  readonly jobs: Readonly<Record<string, { readonly steps: readonly Step[] }>>;
}

interface Shell {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

let e2e: E2eEnv;
let dir: string;
let bin: string;
let ghLog: string;

/** Runs `script` in bash in the project directory, with the doubles first on PATH. */
function bash(script: string, env: Readonly<Record<string, string>> = {}): Promise<Shell> {
  return new Promise((resolveShell, reject) => {
    const child = spawn('bash', ['-eo', 'pipefail', '-c', script], {
      cwd: dir,
      env: {
        ...process.env,
        PATH: `${bin}:${process.env.PATH ?? ''}`,
        AWS_ENDPOINT_URL: e2e.endpoint,
        AWS_REGION: 'eu-west-1',
        GITHUB_OUTPUT: join(dir, 'github-output'),
        GITHUB_STEP_SUMMARY: join(dir, 'step-summary.md'),
        ...env,
      },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => resolveShell({ code: code ?? 1, out, err }));
  });
}

/** The value GitHub gives each expression the workflow's stackctl jobs use. */
const EXPRESSIONS: Readonly<Record<string, string>> = {
  '${{ vars.STACKCTL_STACK }}': STACK,
  '${{ github.token }}': 'test-token',
  '${{ github.event.pull_request.number }}': '7',
  '${{ needs.build.outputs.image }}': BUILT_IMAGE,
};

function expand(value: string): string {
  const out = Object.entries(EXPRESSIONS).reduce((v, [k, r]) => v.split(k).join(r), value);
  if (out.includes('${{')) throw new Error(`the test does not know the value of ${value}`);
  return out;
}

/** Runs the `run:` steps of a workflow job in order; the first failing one ends the job, as on GitHub. */
async function runJob(workflow: Workflow, name: string): Promise<Shell & { readonly ran: number }> {
  const job = workflow.jobs[name];
  if (job === undefined) throw new Error(`the workflow has no job ${name}`);
  let ran = 0;
  let last: Shell = { code: 0, out: '', err: '' };
  for (const step of job.steps) {
    if (step.run === undefined) continue;
    // The double on PATH is what this step installs.
    if (step.run.trim() === 'npm install -g stackctl') continue;
    const env = Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, expand(v)]));
    last = await bash(step.run, { STACK, ...env });
    ran += 1;
    if (last.code !== 0) break;
  }
  return { ...last, ran };
}

async function driftWebService(): Promise<void> {
  await e2e.clients.ecs.send(
    new UpdateServiceCommand({ cluster: `shop-${STACK}`, service: 'web', desiredCount: 3 }),
  );
}

beforeAll(async () => {
  e2e = await startE2e();
  dir = await copyShop();
  // One stack: the nightly `drift --all` must judge a fleet this test deployed whole.
  await rm(join(dir, '.stackctl', 'prod.yaml'));
  // web is built from source, as in the workflow's build job: its image comes from --image on deploy.
  await editFile(join(dir, 'compose.yaml'), (t) =>
    t.replace('    image: nginx:1.27-alpine\n', '    build: ./web\n'),
  );
  await mkdir(join(dir, 'web'));
  await writeFile(join(dir, 'web', 'Dockerfile'), 'FROM nginx:1.27-alpine\n');
  bin = await mkdtemp(join(tmpdir(), 'stackctl-ci-bin-'));
  ghLog = join(bin, 'gh.log');
  await writeFile(
    join(bin, 'stackctl'),
    `#!/bin/sh\nexec "${process.execPath}" "${join(ROOT, 'bin/stackctl.js')}" "$@"\n`,
  );
  await writeFile(join(bin, 'gh'), `#!/bin/sh\necho "$@" >> "${ghLog}"\n`);
  await chmod(join(bin, 'stackctl'), 0o755);
  await chmod(join(bin, 'gh'), 0o755);
  const secret = await bash(
    `printf 'not-a-real-token' | stackctl config set API_TOKEN --from-stdin --stack ${STACK}`,
  );
  expect(secret.code, secret.err).toBe(0);
}, 120_000);

afterAll(async () => {
  await e2e?.stop();
  await removeWorkspaces();
  if (bin) await rm(bin, { recursive: true, force: true });
});

describe('examples/ci/github-actions.yml', () => {
  let workflow: Workflow;
  beforeAll(async () => {
    workflow = parse(await readFile(WORKFLOW, 'utf8')) as Workflow;
  });

  it('uses OIDC, never long-lived keys', async () => {
    const text = await readFile(WORKFLOW, 'utf8');
    expect(text).toContain('id-token: write');
    expect(text).toContain('role-to-assume:');
    expect(text).not.toMatch(/aws-access-key-id|AWS_SECRET_ACCESS_KEY/);
  });

  it('pull request: the plan job posts the Markdown plan as a comment (changes are not a failure)', async () => {
    const job = await runJob(workflow, 'plan');
    expect(job.code, job.err).toBe(0);
    expect(job.ran).toBe(2);
    const plan = await readFile(join(dir, 'plan.md'), 'utf8');
    expect(plan).toContain(`### stackctl plan: \`shop/${STACK}\``);
    expect(plan).toContain('+ create  ecs.Service service/web');
    expect(await readFile(ghLog, 'utf8')).toContain('pr comment 7 --body-file plan.md');
  }, 180_000);

  it('merge: the deploy job reconciles with the built image, then checks the wiring', async () => {
    const job = await runJob(workflow, 'deploy');
    expect(job.code, job.err).toBe(0);
    const report = JSON.parse(await readFile(join(dir, 'reconcile.json'), 'utf8')) as unknown;
    expect(JSON.stringify(report)).toContain('web');
    const images = await bash(`stackctl plan --stack ${STACK} --image web=${BUILT_IMAGE} --output json`);
    expect(images.code, images.err).toBe(0); // in sync with the image the deploy job was given
  }, 400_000);

  it('nightly: the drift job passes in sync and fails with exit 2 on drift, with the report', async () => {
    const inSync = await runJob(workflow, 'drift');
    expect(inSync.code, inSync.err).toBe(0);
    await driftWebService();
    const drifted = await runJob(workflow, 'drift');
    expect(drifted.code).toBe(2);
    const report = await readFile(join(dir, 'drift.md'), 'utf8');
    expect(report).toContain('web');
    expect(await readFile(join(dir, 'step-summary.md'), 'utf8')).toContain('web');
  }, 300_000);
});

describe('examples/ci/stackctl-ci.sh', () => {
  it.each([
    {
      reason: 'drift (left by the previous case) fails the drift mode with 2',
      mode: 'drift',
      env: {},
      code: 2,
    },
    {
      reason: 'plan writes plan.md and exits 0 although there are changes',
      mode: 'plan',
      env: { STACK },
      code: 0,
    },
    {
      reason: 'deploy corrects the drift and checks the wiring',
      mode: 'deploy',
      env: { STACK, IMAGES: `web=${BUILT_IMAGE}` },
      code: 0,
    },
    { reason: 'drift after the deploy is clean', mode: 'drift', env: {}, code: 0 },
    { reason: 'an unknown mode is a usage error', mode: 'ship', env: {}, code: 1 },
  ])(
    '$reason',
    async ({ mode, env, code }) => {
      const result = await bash(`"${SCRIPT}" ${mode}`, env);
      expect(result.code, `${result.out}\n${result.err}`).toBe(code);
    },
    400_000,
  );
});
