/**
 * Project directories for the data end-to-end tests: small compose apps written by a test, and private
 * copies of compose files from the shared corpus (`../shared/compose-corpus`), each with the stack file
 * the test needs and the `--image` overrides for services that only have `build`.
 *
 * @module
 */
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';

const created: string[] = [];

/** Removes every directory this module created (call in `afterAll`). */
export async function removeProjects(): Promise<void> {
  await Promise.all(created.splice(0).map((d) => rm(d, { recursive: true, force: true })));
}

/** Writes `compose.yaml` and `.stackctl/<stack>.yaml` files to a fresh directory; returns it. */
export async function writeProject(
  prefix: string,
  compose: string,
  stacks: Readonly<Record<string, string>>,
): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `stackctl-data-${prefix}-`));
  created.push(dir);
  await writeFile(join(dir, 'compose.yaml'), compose);
  await mkdir(join(dir, '.stackctl'));
  for (const [stack, body] of Object.entries(stacks)) {
    await writeFile(join(dir, '.stackctl', `${stack}.yaml`), body);
  }
  return dir;
}

/** A stack file: `mode` in eu-west-1 with its own VPC. */
export function stackFile(
  mode: 'affordable' | 'balanced' | 'high_availability',
  cidr = '10.0.0.0/16',
): string {
  return ['region: eu-west-1', `mode: ${mode}`, 'network:', '  vpc: create', `  cidr: ${cidr}`, ''].join(
    '\n',
  );
}

/**
 * Copies the files of corpus sample `sampleDir` (compose files, `.env`; not its read-only modes) into a
 * fresh directory with `.stackctl/<stack>.yaml`; returns the directory.
 */
export async function copyCorpusSample(
  sampleDir: string,
  stacks: Readonly<Record<string, string>>,
): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'stackctl-data-corpus-'));
  created.push(dir);
  for (const entry of await readdir(sampleDir, { withFileTypes: true })) {
    if (entry.isFile()) await writeFile(join(dir, entry.name), await readFile(join(sampleDir, entry.name)));
  }
  await mkdir(join(dir, '.stackctl'));
  for (const [stack, body] of Object.entries(stacks)) {
    await writeFile(join(dir, '.stackctl', `${stack}.yaml`), body);
  }
  return dir;
}

/**
 * `--image svc=<ref>` for every service of `compose.yaml` in `dir` that has `build` and no `image`
 * (moto runs no image builds, so the tests deploy with these and `--no-build`), with a placeholder
 * reference per service.
 */
export async function imageFlagsFor(dir: string): Promise<string[]> {
  const doc = parse(await readFile(join(dir, 'compose.yaml'), 'utf8')) as {
    services?: Record<string, { build?: unknown; image?: unknown }>;
  };
  return Object.entries(doc.services ?? {})
    .filter(([, s]) => s.build !== undefined && s.image === undefined)
    .flatMap(([name]) => ['--image', `${name}=registry.example.com/${name.replace(/_/g, '-')}:1.0.0`]);
}
