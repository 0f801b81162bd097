/**
 * The package a user installs: `npm pack` (which builds dist/ on `prepack`), then `npm install -g` of the
 * tarball into a temporary prefix, then the installed `stackctl` run as a user would. Proves the published
 * package works with production dependencies only: no TypeScript sources, no tsx, no dev dependencies.
 *
 * Slow (a build and an install from the npm registry or its cache): one pack, one install, shared by every
 * case of this file.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const EXAMPLE = join(ROOT, 'examples', 'shop');
/** Building dist/ and installing the production dependencies takes a while on a cold npm cache. */
const SETUP_TIMEOUT_MS = 300_000;
const NPM_FLAGS = ['--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'];

/** One entry of `npm pack --json`. */
interface PackResult {
  readonly filename: string;
  readonly files: readonly { readonly path: string }[];
}

/** The outcome of one command, whether it exited 0 or not. */
interface CommandResult {
  readonly code: number;
  readonly out: string;
  readonly err: string;
}

let work: string;
let packed: PackResult;
let prefix: string;

/** The environment of a user's shell: none of npm's `npm_*` variables from the `npm test` running us. */
function userEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('npm_')));
}

async function stackctl(cwd: string, ...args: string[]): Promise<CommandResult> {
  try {
    const { stdout, stderr } = await run(join(prefix, 'bin', 'stackctl'), args, { cwd, env: userEnv() });
    return { code: 0, out: stdout, err: stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? 1, out: failed.stdout ?? '', err: failed.stderr ?? String(error) };
  }
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'stackctl-package-'));
  const pack = await run('npm', ['pack', '--json', '--pack-destination', work, ...NPM_FLAGS], {
    cwd: ROOT,
    env: userEnv(),
    maxBuffer: 64 * 1024 * 1024,
  }).catch((error: { stdout?: string }) => {
    // The build's compile errors go to stdout, which the error's message leaves out.
    throw new Error(`npm pack failed (prepack builds dist/):\n${error.stdout ?? ''}`, { cause: error });
  });
  const [result] = JSON.parse(pack.stdout) as PackResult[];
  if (!result) throw new Error(`npm pack printed no result: ${pack.stdout}`);
  packed = result;
  prefix = join(work, 'prefix');
  await run('npm', ['install', '-g', '--prefix', prefix, join(work, packed.filename), ...NPM_FLAGS], {
    cwd: work,
    env: userEnv(),
  });
}, SETUP_TIMEOUT_MS);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe('the packed tarball', () => {
  it.each([
    { path: 'bin/stackctl.js', reason: 'the `stackctl` command' },
    { path: 'dist/cli/main.js', reason: 'the compiled CLI, built by prepack' },
    { path: 'deploy/compose.yaml', reason: '`operator install` reads the operator compose file' },
    { path: 'deploy/iam-policy.json', reason: '`operator install` reads the operator task policy' },
    { path: 'package.json', reason: 'npm needs it to install the dependencies' },
  ])('ships $path ($reason)', ({ path }) => {
    expect(packed.files.map((f) => f.path)).toContain(path);
  });

  it.each([
    { prefix: 'src/', reason: 'the TypeScript sources are compiled into dist/' },
    { prefix: 'test/', reason: 'tests are not part of the package' },
    { prefix: 'scripts/', reason: 'benchmarks and demos run from a checkout' },
    { prefix: '.ci/', reason: 'CI tooling and its Node cache' },
  ])('leaves out $prefix ($reason)', ({ prefix: excluded }) => {
    expect(packed.files.filter((f) => f.path.startsWith(excluded))).toEqual([]);
  });
});

describe('stackctl installed with npm install -g', () => {
  it.each([
    { name: 'tsx', reason: 'TypeScript runs only in a checkout; the package runs dist/' },
    { name: 'typescript', reason: 'the build happens before packing' },
    { name: 'vitest', reason: 'a dev dependency' },
    { name: 'playwright-core', reason: 'browser tests only' },
  ])('has no $name installed ($reason)', ({ name }) => {
    const installed = join(prefix, 'lib', 'node_modules', 'stackctl', 'node_modules', name);
    expect(existsSync(installed)).toBe(false);
  });

  it('prints the usage with --help', async () => {
    const result = await stackctl(work, '--help');
    expect(result.code, result.err).toBe(0);
    expect(result.out).toContain('Usage: stackctl <command>');
    expect(result.out).toContain('stackctl validate');
  });

  it('validates the example app and renders each of its stacks', async () => {
    const result = await stackctl(EXAMPLE, 'validate', '--output', 'json');
    expect(result.code, result.err).toBe(0);
    const report = JSON.parse(result.out) as {
      valid: boolean;
      stacks: { stack: string; resources: number }[];
    };
    expect(report.valid).toBe(true);
    expect(report.stacks.map((s) => s.stack).sort()).toEqual(['dev', 'prod']);
    for (const stack of report.stacks) expect(stack.resources).toBeGreaterThan(0);
  });
});
