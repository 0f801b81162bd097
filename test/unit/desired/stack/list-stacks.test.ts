import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listStackFiles } from '../../../../src/desired/stack/index.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'stackctl-list-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('listStackFiles', () => {
  it('lists .yaml and .yml files sorted by stack, ignoring everything else', () => {
    for (const name of ['prod.yaml', 'dev.yml', 'pr-7.yaml', 'notes.md', '.hidden.yaml'])
      writeFileSync(join(dir, name), '');
    mkdirSync(join(dir, 'archive.yaml'));

    const stacks = listStackFiles(dir);

    expect(stacks).toEqual([
      { stack: 'dev', file: join(dir, 'dev.yml') },
      { stack: 'pr-7', file: join(dir, 'pr-7.yaml') },
      { stack: 'prod', file: join(dir, 'prod.yaml') },
    ]);
  });

  it('returns nothing when the folder does not exist yet', () => {
    expect(listStackFiles(join(dir, '.stackctl'))).toEqual([]);
  });

  it('refuses a stack with both a .yaml and a .yml file', () => {
    writeFileSync(join(dir, 'prod.yaml'), '');
    writeFileSync(join(dir, 'prod.yml'), '');

    expect(() => listStackFiles(dir)).toThrow(expect.objectContaining({ code: 'STACK_FILE_DUPLICATE' }));
  });
});
