/**
 * Which stack `destroy` acts on when the compose file is gone: the stack file's project, else the one
 * project whose resources carry the stack tag, else `-p`; the region from the stack file or `--region`.
 * Makes no AWS call (the project finder is injected).
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDestroyTarget } from '../../../src/cli/commands/destroy-target.js';
import { parseCommandLine } from '../../../src/cli/program.js';

let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'destroy-target-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function projectDir(name: string, stackFile?: string): Promise<string> {
  const dir = join(root, name);
  await mkdir(join(dir, '.stackctl'), { recursive: true });
  if (stackFile !== undefined) await writeFile(join(dir, '.stackctl', 'dev.yaml'), stackFile);
  return dir;
}

describe('loadDestroyTarget without a compose file', () => {
  it.each([
    {
      reason: 'the stack file names the project and region; its mode sets the final snapshot',
      stackFile: 'project: shop\nregion: eu-west-2\nmode: affordable\n',
      args: [],
      found: ['other'],
      want: { project: 'shop', region: 'eu-west-2', source: 'stack-file', finalSnapshot: false },
    },
    {
      reason: 'a stack file without project takes the one project tagged with the stack',
      stackFile: 'region: eu-west-1\nmode: balanced\n',
      args: [],
      found: ['fx'],
      want: { project: 'fx', region: 'eu-west-1', source: 'stack-file', finalSnapshot: true },
    },
    {
      reason: 'no stack file: -p and --region, and final snapshots (the safe default)',
      stackFile: undefined,
      args: ['-p', 'Shop', '--region', 'us-east-1'],
      found: [],
      want: { project: 'shop', region: 'us-east-1', source: 'flags', finalSnapshot: true },
    },
  ])('$reason', async ({ stackFile, args, found, want }) => {
    const dir = await projectDir(`ok-${want.project}-${want.source}`, stackFile);
    const { flags } = parseCommandLine(['destroy', '--stack', 'dev', '-C', dir, ...args]);

    const target = await loadDestroyTarget(flags, 'dev', async () => found);

    expect({
      project: target.desired.project,
      region: target.desired.region,
      source: target.source,
      finalSnapshot: target.finalSnapshot,
    }).toEqual(want);
    expect(target.desired.resources).toEqual([]);
  });

  it.each([
    {
      reason: 'several projects have the stack: it asks for -p',
      found: ['a', 'b'],
      message: /several projects have a stack "dev".*\(a, b\).*-p PROJECT/,
    },
    {
      reason: 'no project has the stack: it says so',
      found: [],
      message: /no resources in eu-west-1.*-p PROJECT/,
    },
  ])('$reason', async ({ found, message }) => {
    const dir = await projectDir(`ambiguous-${found.length}`, 'region: eu-west-1\n');
    const { flags } = parseCommandLine(['destroy', '--stack', 'dev', '-C', dir]);

    await expect(loadDestroyTarget(flags, 'dev', async () => found)).rejects.toThrow(message);
  });
});
