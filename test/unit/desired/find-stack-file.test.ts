/**
 * findStackFile looks for `<stack>.yaml` / `.yml` directly instead of listing `.stackctl/` (a fleet of
 * 1,000 stacks listed 1,000 entries per stack); it must find exactly what the listing finds.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findStackFile } from '../../../src/desired/load-project.js';

const created: string[] = [];
afterAll(() => {
  for (const dir of created) rmSync(dir, { recursive: true, force: true });
});

/** A project whose `.stackctl/` holds `files` (name → text; `->target` makes a symlink). */
function project(files: readonly string[], stackDirIsFile = false): string {
  const dir = mkdtempSync(join(tmpdir(), 'stackctl-find-'));
  created.push(dir);
  writeFileSync(join(dir, 'compose.yaml'), 'services: {}\n');
  if (stackDirIsFile) {
    writeFileSync(join(dir, '.stackctl'), 'not a directory');
    return dir;
  }
  mkdirSync(join(dir, '.stackctl'));
  for (const f of files) {
    const [name, target] = f.split('->') as [string, string | undefined];
    if (target === undefined) writeFileSync(join(dir, '.stackctl', name), 'region: eu-west-1\n');
    else symlinkSync(join(dir, '.stackctl', target), join(dir, '.stackctl', name));
  }
  return dir;
}

describe('findStackFile', () => {
  it.each([
    { reason: 'a .yaml file', files: ['dev.yaml', 'prod.yaml'], stack: 'dev', found: 'dev.yaml' },
    { reason: 'a .yml file', files: ['dev.yml'], stack: 'dev', found: 'dev.yml' },
    {
      reason: 'a name with a dot stays a name',
      files: ['dev.eu.yaml'],
      stack: 'dev.eu',
      found: 'dev.eu.yaml',
    },
  ])('finds $reason', ({ files, stack, found }) => {
    const dir = project(files);
    expect(findStackFile(join(dir, 'compose.yaml'), stack)).toBe(join(dir, '.stackctl', found));
  });

  it.each([
    {
      reason: 'both .yaml and .yml: a duplicate',
      files: ['dev.yaml', 'dev.yml'],
      stack: 'dev',
      code: 'STACK_FILE_DUPLICATE',
    },
    {
      reason: 'no file: not found, naming the others',
      files: ['prod.yaml'],
      stack: 'dev',
      code: 'STACK_NOT_FOUND',
    },
    {
      reason: 'a symlink is not listed, so not found',
      files: ['real.txt', 'dev.yaml->real.txt'],
      stack: 'dev',
      code: 'STACK_NOT_FOUND',
    },
    { reason: 'a hidden name is not listed', files: ['.dev.yaml'], stack: '.dev', code: 'STACK_NOT_FOUND' },
    {
      reason: 'a path is not a stack name',
      files: ['dev.yaml'],
      stack: '../.stackctl/dev',
      code: 'STACK_NOT_FOUND',
    },
  ])('refuses $reason', ({ files, stack, code }) => {
    const dir = project(files);
    expect(() => findStackFile(join(dir, 'compose.yaml'), stack)).toThrow(expect.objectContaining({ code }));
  });

  it('names the stacks that exist when one is missing', () => {
    const dir = project(['prod.yaml', 'qa.yml']);
    expect(() => findStackFile(join(dir, 'compose.yaml'), 'dev')).toThrow(/stacks: prod, qa/);
  });

  it('fails when .stackctl is not a directory, as the listing does', () => {
    const dir = project([], true);
    expect(() => findStackFile(join(dir, 'compose.yaml'), 'dev')).toThrow();
  });
});
