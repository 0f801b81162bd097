import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { stackFileTarget } from '../../../src/cli/commands/init.js';
import { stackNameProblem } from '../../../src/desired/stack/index.js';
import { cli } from './run-cli.js';

let root: string;
let project: string;

beforeEach(() => {
  // The project sits two levels down so `../../x` would land inside `root`, where the test can see it.
  root = mkdtempSync(join(tmpdir(), 'stackctl-names-'));
  project = join(root, 'a', 'b');
  mkdirSync(project, { recursive: true });
  writeFileSync(join(project, 'compose.yaml'), 'services:\n  web:\n    image: nginx\n');
});

afterEach(() => rmSync(root, { recursive: true, force: true }));

/** Every file under `dir`, relative, recursively. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
    .sort();
}

const INVALID = [
  { name: '../../../x', reason: 'a path that climbs out of .stackctl/' },
  { name: '../x', reason: 'one level up' },
  { name: 'a/b', reason: 'a sub-directory' },
  { name: 'BAD NAME', reason: 'upper case and a space: every other command rejects it' },
  { name: 'Prod', reason: 'upper case' },
  { name: '-x', reason: 'starts with a dash' },
  { name: '1st', reason: 'starts with a digit' },
  { name: '', reason: 'empty' },
  { name: 'x'.repeat(32), reason: 'longer than 31 characters' },
  { name: '/etc/passwd', reason: 'an absolute path' },
  { name: 'dev.yaml', reason: 'a dot' },
] as const;

const VALID = [
  { name: 'dev', reason: 'the default' },
  { name: 'pr-123', reason: 'letters, digits and dashes' },
  { name: `a${'b'.repeat(30)}`, reason: 'exactly 31 characters' },
] as const;

describe('stackNameProblem: the one stack-name check', () => {
  it.each(INVALID)('refuses "$name" ($reason)', ({ name }) => {
    expect(stackNameProblem(name)).toMatch(/^stack name .* must match/);
  });
  it.each(VALID)('accepts "$name" ($reason)', ({ name }) => {
    expect(stackNameProblem(name)).toBeUndefined();
  });
});

describe('init --stack', () => {
  it.each(INVALID)('refuses "$name" and writes nothing anywhere ($reason)', async ({ name }) => {
    const before = filesUnder(root);
    const r = await cli('init', '-C', project, `--stack=${name}`);
    expect(r.code).toBe(1);
    expect(r.err).toContain('--stack: stack name');
    expect(r.err).not.toMatch(/\n\s+at /); // no stack trace
    expect(filesUnder(root)).toEqual(before);
  });

  it.each(VALID)('writes .stackctl/$name.yaml ($reason)', async ({ name }) => {
    const r = await cli('init', '-C', project, '--stack', name);
    expect(r.code).toBe(0);
    expect(existsSync(join(project, '.stackctl', `${name}.yaml`))).toBe(true);
    // What init wrote is a stack file every other command accepts.
    const v = await cli('validate', '-C', project, '--stack', name);
    expect(v.err).not.toContain('stack name');
    expect(v.code).toBe(0);
  });

  it('stackFileTarget never returns a path outside the stack directory', () => {
    expect(() => stackFileTarget('/p/.stackctl', '../x')).toThrow(/outside/);
    expect(stackFileTarget('/p/.stackctl', 'dev')).toBe('/p/.stackctl/dev.yaml');
  });
});

describe('--stack on every command is checked before the command runs', () => {
  const COMMANDS = [
    ['validate'],
    ['render'],
    ['plan'],
    ['reconcile'],
    ['destroy'],
    ['drift'],
    ['status'],
    ['push'],
    ['prune'],
    ['logs'],
    ['config', 'ls'],
  ] as const;
  it.each(COMMANDS.map((words) => ({ words, reason: `${words.join(' ')} takes --stack` })))(
    '$words.0 $words.1 refuses --stack ../../../x ($reason)',
    async ({ words }) => {
      const r = await cli(...words, '-C', project, '--stack', '../../../x');
      expect(r.code).toBe(1);
      expect(r.err).toContain('--stack: stack name "../../../x" must match');
    },
  );

  it('stacks show refuses an invalid positional stack name', async () => {
    const r = await cli('stacks', 'show', 'BAD NAME');
    expect(r.code).toBe(1);
    expect(r.err).toContain('STACK: stack name "BAD NAME" must match');
  });
});
