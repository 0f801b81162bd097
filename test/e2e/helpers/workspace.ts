/**
 * Project directories for end-to-end tests: the example shop (as is, or copied to edit its stack files)
 * and small generated compose apps (no managed data, so moto can delete every resource they create).
 *
 * @module
 */
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The example app, used read-only in place. */
export const SHOP_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../examples/shop');

const created: string[] = [];

async function tempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `stackctl-e2e-${prefix}-`));
  created.push(dir);
  return dir;
}

/** Removes every directory this module created (call in `afterAll`). */
export async function removeWorkspaces(): Promise<void> {
  await Promise.all(created.splice(0).map((d) => rm(d, { recursive: true, force: true })));
}

/** A private copy of examples/shop, for tests that edit its files. */
export async function copyShop(): Promise<string> {
  const dir = await tempDir('shop');
  await cp(SHOP_DIR, dir, { recursive: true });
  return dir;
}

/** Rewrites a text file with `edit` (throws when the edit changes nothing, so a stale edit fails loudly). */
export async function editFile(path: string, edit: (text: string) => string): Promise<void> {
  const before = await readFile(path, 'utf8');
  const after = edit(before);
  if (after === before) throw new Error(`editing ${path} changed nothing`);
  await writeFile(path, after);
}

/** Options of {@link writeFixtureApp}. */
export interface FixtureAppOptions {
  /** The compose project name. */
  readonly name: string;
  /** Services behind the load balancer, named `svc1`…: each gets a target group, rule and SG rule. */
  readonly webServices: number;
  /** Services without ports, named `job1`…. */
  readonly workers: number;
  /** Stack file bodies by stack name. @default one `dev` stack, affordable, own VPC */
  readonly stacks?: Readonly<Record<string, string>>;
}

/** An affordable stack with its own VPC in eu-west-1 (`cidr` keeps two stacks' VPCs apart). */
export function affordableStack(cidr = '10.0.0.0/16'): string {
  return ['region: eu-west-1', 'mode: affordable', 'network:', '  vpc: create', `  cidr: ${cidr}`, ''].join(
    '\n',
  );
}

/** The compose file of a fixture app: `webServices` web services then `workers` workers, in that order. */
export function fixtureCompose(options: FixtureAppOptions): string {
  const lines = [`name: ${options.name}`, 'services:'];
  for (let i = 1; i <= options.webServices; i++) {
    lines.push(`  svc${i}:`, '    image: nginx:1.27-alpine', '    ports:', `      - "${8000 + i}:80"`);
  }
  for (let i = 1; i <= options.workers; i++) {
    lines.push(
      `  job${i}:`,
      '    image: busybox:1.36',
      '    command: ["sh", "-c", "while true; do sleep 30; done"]',
    );
  }
  return `${lines.join('\n')}\n`;
}

/** Writes a fixture compose app and its stack files to a fresh directory; returns the directory. */
export async function writeFixtureApp(options: FixtureAppOptions): Promise<string> {
  const dir = await tempDir(options.name);
  await writeFile(join(dir, 'compose.yaml'), fixtureCompose(options));
  await mkdir(join(dir, '.stackctl'));
  for (const [stack, body] of Object.entries(options.stacks ?? { dev: affordableStack() })) {
    await writeFile(join(dir, '.stackctl', `${stack}.yaml`), body);
  }
  return dir;
}
