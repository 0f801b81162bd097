import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  MAX_COMPOSE_FILE_BYTES,
  MAX_DRIFTIGNORE_FILE_BYTES,
  MAX_ENV_FILE_BYTES,
  MAX_STACK_FILE_BYTES,
  readBoundedTextFile,
} from '../../../src/desired/input-limits.js';
import { cli } from './run-cli.js';

/** A "billion laughs" document: 9 levels of 9 aliases each, 9^9 (387 million) leaves once expanded. */
function billionLaughs(keyPrefix: string): string {
  const levels = 'abcdefghi'.split('');
  const lines = [`${keyPrefix}a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]`];
  for (let i = 1; i < levels.length; i++) {
    const prev = levels[i - 1];
    lines.push(`${keyPrefix}${levels[i]}: &${levels[i]} [${Array(9).fill(`*${prev}`).join(',')}]`);
  }
  return `${lines.join('\n')}\n`;
}

const BOMB_COMPOSE = `${billionLaughs('x-')}services:\n  web:\n    image: nginx\n    labels: *i\n`;
const GOOD_COMPOSE = 'services:\n  web:\n    image: nginx\n';
const GOOD_STACK = 'region: eu-west-1\n';
/** A valid YAML comment line, repeated to make a file of a given size. */
const padding = (bytes: number): string => `#${'x'.repeat(99)}\n`.repeat(Math.ceil(bytes / 101));

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'stackctl-hostile-'));
  mkdirSync(join(dir, '.stackctl'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function write(files: Readonly<Record<string, string>>): void {
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
}

const CASES = [
  {
    reason: 'a billion-laughs compose.yaml is refused by the alias cap, not expanded',
    files: { 'compose.yaml': BOMB_COMPOSE, '.stackctl/dev.yaml': GOOD_STACK },
    file: 'compose.yaml',
    message: 'YAML aliases expand too far',
  },
  {
    reason: 'the same bomb in an extends target',
    files: {
      'compose.yaml': 'services:\n  web:\n    extends: { file: base.yaml, service: base }\n',
      'base.yaml': `${billionLaughs('x-')}services:\n  base:\n    image: nginx\n    labels: *i\n`,
      '.stackctl/dev.yaml': GOOD_STACK,
    },
    file: 'base.yaml',
    message: 'YAML aliases expand too far',
  },
  {
    reason: 'a billion-laughs stack file',
    files: { 'compose.yaml': GOOD_COMPOSE, '.stackctl/dev.yaml': `${billionLaughs('x')}region: eu-west-1\n` },
    file: '.stackctl/dev.yaml',
    message: 'YAML aliases expand too far',
  },
  {
    reason: 'a compose file over the 1 MiB cap (checked before it is parsed)',
    files: {
      'compose.yaml': GOOD_COMPOSE + padding(MAX_COMPOSE_FILE_BYTES),
      '.stackctl/dev.yaml': GOOD_STACK,
    },
    file: 'compose.yaml',
    message: 'larger than the 1 MiB stackctl reads',
  },
  {
    reason: 'a stack file over the 256 KiB cap',
    files: { 'compose.yaml': GOOD_COMPOSE, '.stackctl/dev.yaml': GOOD_STACK + padding(MAX_STACK_FILE_BYTES) },
    file: '.stackctl/dev.yaml',
    message: 'larger than the 256 KiB stackctl reads',
  },
  {
    reason: 'a project .env over the 256 KiB cap',
    files: {
      'compose.yaml': GOOD_COMPOSE,
      '.env': `A=1\n${padding(MAX_ENV_FILE_BYTES)}`,
      '.stackctl/dev.yaml': GOOD_STACK,
    },
    file: '.env',
    message: 'larger than the 256 KiB stackctl reads',
  },
  {
    reason: 'an env_file over the 256 KiB cap',
    files: {
      'compose.yaml': 'services:\n  web:\n    image: nginx\n    env_file: big.env\n',
      'big.env': `A=1\n${padding(MAX_ENV_FILE_BYTES)}`,
      '.stackctl/dev.yaml': GOOD_STACK,
    },
    file: 'big.env',
    message: 'larger than the 256 KiB stackctl reads',
  },
] as const;

describe('hostile input: every file stackctl reads has an alias and a size limit', () => {
  it.each(CASES)('validate exits 1 naming the file: $reason', async ({ files, file, message }) => {
    write(files);
    const r = await cli('validate', '-C', dir, '--stack', 'dev');
    expect(r.code).toBe(1);
    expect(r.err).toContain(message);
    expect(r.err).toContain(join(dir, file));
    expect(r.err).not.toMatch(/\n\s+at /); // a message, not a stack trace
  });

  it('ordinary anchors and merge keys still load', async () => {
    write({
      'compose.yaml':
        'x-defaults: &defaults\n  image: nginx\n  restart: always\nservices:\n  web:\n    <<: *defaults\n  api:\n    <<: *defaults\n',
      '.stackctl/dev.yaml': 'region: eu-west-1\nenv:\n  A: &a one\n  B: *a\n',
    });
    const r = await cli('validate', '-C', dir, '--stack', 'dev');
    expect(r.err).not.toContain('error');
    expect(r.code).toBe(0);
  });

  it('drift refuses a .stackctl/driftignore over its cap, naming it', async () => {
    write({
      'compose.yaml': GOOD_COMPOSE,
      '.stackctl/dev.yaml': GOOD_STACK,
      '.stackctl/driftignore': padding(MAX_DRIFTIGNORE_FILE_BYTES + 1),
    });
    const r = await cli('drift', '-C', dir, '--stack', 'dev', '--endpoint-url', 'http://127.0.0.1:9');
    expect(r.code).toBe(1);
    expect(r.err).toContain('driftignore');
    expect(r.err).toContain('larger than the 64 KiB stackctl reads');
  });
});

describe('readBoundedTextFile', () => {
  it.each([
    { size: 10, max: 10, kind: 'text', reason: 'exactly at the cap is read' },
    { size: 11, max: 10, kind: 'too-large', reason: 'one byte over is refused' },
    { size: 0, max: 10, kind: 'text', reason: 'an empty file' },
  ])('$size bytes with cap $max → $kind ($reason)', ({ size, max, kind }) => {
    const file = join(dir, 'f');
    writeFileSync(file, 'x'.repeat(size));
    const read = readBoundedTextFile(file, max);
    expect(read.kind).toBe(kind);
    if (read.kind === 'text') expect(read.text).toBe('x'.repeat(size));
  });
});
