/**
 * Which compose files a project is made of, as `docker compose` picks them (explicit files, else
 * `COMPOSE_FILE`, else the default file plus `compose.override.yaml`), the stack file's `compose.files`
 * merged after them for that stack only, and the content cache keyed on every one of those files.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  findComposeFile,
  findComposeFiles,
  loadStackProject,
  type ProjectLocation,
} from '../../../src/desired/load-project.js';
import { StackctlError } from '../../../src/errors.js';

const created: string[] = [];
afterAll(() => {
  for (const dir of created) rmSync(dir, { recursive: true, force: true });
});

const STACK = 'region: eu-west-1\nmode: affordable\n';

function writeProject(files: Readonly<Record<string, string>>): string {
  const dir = mkdtempSync(join(tmpdir(), 'stackctl-files-'));
  created.push(dir);
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

const image = (tag: string): string => `services:\n  web:\n    image: app:${tag}\n`;

describe('findComposeFiles', () => {
  it.each<{
    reason: string;
    files: Record<string, string>;
    location: ProjectLocation;
    env: Record<string, string>;
    expected: readonly string[];
  }>([
    {
      reason: 'the default file alone when there is no override file',
      files: { 'compose.yaml': '' },
      location: {},
      env: {},
      expected: ['compose.yaml'],
    },
    {
      reason: 'compose.override.yaml is merged after the default file',
      files: { 'compose.yaml': '', 'compose.override.yaml': '' },
      location: {},
      env: {},
      expected: ['compose.yaml', 'compose.override.yaml'],
    },
    {
      reason: 'docker-compose.override.yml goes with docker-compose.yml',
      files: { 'docker-compose.yml': '', 'docker-compose.override.yml': '' },
      location: {},
      env: {},
      expected: ['docker-compose.yml', 'docker-compose.override.yml'],
    },
    {
      reason: "only the first override name in compose's order (compose.override.yml first)",
      files: { 'compose.yaml': '', 'compose.override.yml': '', 'compose.override.yaml': '' },
      location: {},
      env: {},
      expected: ['compose.yaml', 'compose.override.yml'],
    },
    {
      reason: 'explicit files in order, and no default override file with them',
      files: { 'compose.yaml': '', 'compose.override.yaml': '', 'prod.yaml': '' },
      location: { files: ['compose.yaml', 'prod.yaml'] },
      env: {},
      expected: ['compose.yaml', 'prod.yaml'],
    },
    {
      reason: '`file` still means one file',
      files: { 'compose.yaml': '', 'compose.override.yaml': '' },
      location: { file: 'compose.yaml' },
      env: {},
      expected: ['compose.yaml'],
    },
    {
      reason: 'COMPOSE_FILE split at ":" when no file is given',
      files: { 'compose.yaml': '', 'a.yaml': '', 'b.yaml': '' },
      location: {},
      env: { COMPOSE_FILE: 'a.yaml:b.yaml' },
      expected: ['a.yaml', 'b.yaml'],
    },
    {
      reason: 'COMPOSE_FILE split at COMPOSE_PATH_SEPARATOR',
      files: { 'a.yaml': '', 'b.yaml': '' },
      location: {},
      env: { COMPOSE_FILE: 'a.yaml,b.yaml', COMPOSE_PATH_SEPARATOR: ',' },
      expected: ['a.yaml', 'b.yaml'],
    },
    {
      reason: 'explicit files win over COMPOSE_FILE',
      files: { 'a.yaml': '', 'b.yaml': '' },
      location: { files: ['b.yaml'] },
      env: { COMPOSE_FILE: 'a.yaml' },
      expected: ['b.yaml'],
    },
  ])('$reason', ({ files, location, env, expected }) => {
    const dir = writeProject(files);
    const found = findComposeFiles({ ...location, cwd: dir }, env);
    expect(found).toEqual(expected.map((f) => join(dir, f)));
    expect(findComposeFile({ ...location, cwd: dir }, env)).toBe(join(dir, expected[0] as string));
  });

  it.each([
    { reason: 'a missing explicit file', location: { files: ['compose.yaml', 'nope.yaml'] }, env: {} },
    { reason: 'a missing COMPOSE_FILE entry', location: {}, env: { COMPOSE_FILE: 'nope.yaml' } },
  ])('rejects $reason', ({ location, env }) => {
    const dir = writeProject({ 'compose.yaml': '' });
    expect(() => findComposeFiles({ ...location, cwd: dir }, env)).toThrow(
      expect.objectContaining({ code: 'COMPOSE_NOT_FOUND', message: expect.stringContaining('nope.yaml') }),
    );
  });
});

describe('loadStackProject with several compose files', () => {
  it('merges compose.override.yaml by default', () => {
    const dir = writeProject({
      'compose.yaml': image('1'),
      'compose.override.yaml': image('2'),
      '.stackctl/dev.yaml': STACK,
    });
    const project = loadStackProject({ cwd: dir, stack: 'dev', env: {} });
    expect(project.compose.services.web?.image).toBe('app:2');
    expect(project.composeFiles).toEqual([join(dir, 'compose.yaml'), join(dir, 'compose.override.yaml')]);
  });

  it('reads COMPOSE_FILE from the environment it is given', () => {
    const dir = writeProject({
      'compose.yaml': image('1'),
      'prod.yaml': image('3'),
      '.stackctl/dev.yaml': STACK,
    });
    const project = loadStackProject({
      cwd: dir,
      stack: 'dev',
      env: { COMPOSE_FILE: 'compose.yaml:prod.yaml' },
    });
    expect(project.compose.services.web?.image).toBe('app:3');
  });

  it("merges the stack file's compose.files after the project's files, for that stack only", () => {
    const dir = writeProject({
      'compose.yaml': image('1'),
      'compose.override.yaml': 'services:\n  web:\n    environment: { A: override }\n',
      'compose.prod.yaml': 'services:\n  web:\n    image: app:prod\n',
      '.stackctl/dev.yaml': STACK,
      '.stackctl/prod.yaml': `${STACK}compose:\n  files: [compose.prod.yaml]\n`,
    });
    const prod = loadStackProject({ cwd: dir, stack: 'prod', env: {} });
    const dev = loadStackProject({ cwd: dir, stack: 'dev', env: {} });
    expect(prod.compose.services.web).toMatchObject({ image: 'app:prod', environment: { A: 'override' } });
    expect(prod.composeFiles.map((f) => f.slice(dir.length + 1))).toEqual([
      'compose.yaml',
      'compose.override.yaml',
      'compose.prod.yaml',
    ]);
    expect(dev.compose.services.web?.image).toBe('app:1');
  });

  it('names the stack file line that lists a missing compose file', () => {
    const dir = writeProject({
      'compose.yaml': image('1'),
      '.stackctl/prod.yaml': `${STACK}compose:\n  files:\n    - compose.prod.yaml\n`,
    });
    let caught: unknown;
    try {
      loadStackProject({ cwd: dir, stack: 'prod', env: {} });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(StackctlError);
    expect(caught).toMatchObject({
      code: 'COMPOSE_NOT_FOUND',
      field: 'compose.files[0]',
      location: { file: join(dir, '.stackctl/prod.yaml'), line: 5 },
    });
  });

  it.each([
    { reason: 'an empty list', compose: 'compose:\n  files: []\n', field: 'compose.files' },
    { reason: 'an unknown key', compose: 'compose:\n  file: x.yaml\n', field: 'compose.file' },
    { reason: 'a non-string entry', compose: 'compose:\n  files: [{ a: b }]\n', field: 'compose.files[0]' },
  ])('rejects a stack file compose: with $reason', ({ compose, field }) => {
    const dir = writeProject({ 'compose.yaml': image('1'), '.stackctl/dev.yaml': `${STACK}${compose}` });
    expect(() => loadStackProject({ cwd: dir, stack: 'dev', env: {} })).toThrow(
      expect.objectContaining({ message: expect.stringContaining(field) }),
    );
  });

  it('keys the content cache on every compose file: editing the override file is seen', () => {
    const dir = writeProject({
      'compose.yaml': image('1'),
      'compose.override.yaml': image('2'),
      '.stackctl/dev.yaml': STACK,
    });
    expect(loadStackProject({ cwd: dir, stack: 'dev', env: {} }).compose.services.web?.image).toBe('app:2');
    writeFileSync(join(dir, 'compose.override.yaml'), image('5'));
    expect(loadStackProject({ cwd: dir, stack: 'dev', env: {} }).compose.services.web?.image).toBe('app:5');
    writeFileSync(join(dir, 'compose.override.yaml'), image('2'));
    expect(loadStackProject({ cwd: dir, stack: 'dev', env: {} }).compose.services.web?.image).toBe('app:2');
  });

  it('keys the content cache on a stack file extra compose file too', () => {
    const dir = writeProject({
      'compose.yaml': image('1'),
      'extra.yaml': image('x1'),
      '.stackctl/dev.yaml': `${STACK}compose:\n  files: [extra.yaml]\n`,
    });
    expect(loadStackProject({ cwd: dir, stack: 'dev', env: {} }).compose.services.web?.image).toBe('app:x1');
    writeFileSync(join(dir, 'extra.yaml'), image('x2'));
    expect(loadStackProject({ cwd: dir, stack: 'dev', env: {} }).compose.services.web?.image).toBe('app:x2');
  });

  it.each([
    {
      reason: 'COMPOSE_PROFILES enables profiles when none are given',
      profiles: undefined,
      services: ['web', 'jobs'],
    },
    { reason: 'given profiles win over COMPOSE_PROFILES', profiles: ['none'], services: ['web'] },
  ])('$reason', ({ profiles, services }) => {
    const dir = writeProject({
      'compose.yaml': `${image('1')}  jobs:\n    image: jobs\n    profiles: [jobs]\n`,
      '.stackctl/dev.yaml': STACK,
    });
    const project = loadStackProject({
      cwd: dir,
      stack: 'dev',
      env: { COMPOSE_PROFILES: 'jobs' },
      ...(profiles ? { profiles } : {}),
    });
    expect(Object.keys(project.compose.services)).toEqual(services);
  });
});
