/**
 * Top-level `include:` (compose-spec 14-include.md): included projects' resources are copied in, with
 * their own directory for relative paths and their own `.env` below the including project's variables;
 * cycles and conflicting definitions are errors at the line that causes them.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMPOSE_PROBLEM } from '../../../../src/desired/compose/index.js';
import { load, loadError, loadOk, yaml } from './project.js';

const LIB = yaml`
  services:
    db:
      image: postgres:\${PG_TAG:-16}
      build: ./db
`;

describe('include', () => {
  it.each([
    { reason: 'the short form (a path)', include: 'include: [lib/compose.yaml]' },
    { reason: 'the long form with path', include: 'include:\n  - path: lib/compose.yaml' },
    { reason: 'the long form with a path list', include: 'include:\n  - path: [lib/compose.yaml]' },
  ])('copies the included services in with $reason', ({ include }) => {
    const model = loadOk(`${include}\nservices:\n  web:\n    image: app\n    depends_on: [db]\n`, {
      'lib/compose.yaml': LIB,
    });
    expect(Object.keys(model.services).sort()).toEqual(['db', 'web']);
    // Relative paths in the included file resolve against its own directory.
    expect(model.services.db?.build?.context).toBe('lib/db');
    expect(model.services.web?.dependsOn).toEqual({ db: { condition: 'service_started', required: true } });
  });

  it.each([
    { reason: 'its default is used with no .env anywhere', files: {}, env: {}, tag: '16' },
    {
      reason: "the included project's own .env sets it",
      files: { 'lib/.env': 'PG_TAG=15\n' },
      env: {},
      tag: '15',
    },
    {
      reason: "the including project's .env wins over the included one",
      files: { 'lib/.env': 'PG_TAG=15\n', '.env': 'PG_TAG=14\n' },
      env: {},
      tag: '14',
    },
    {
      reason: 'the shell wins over both',
      files: { 'lib/.env': 'PG_TAG=15\n', '.env': 'PG_TAG=14\n' },
      env: { PG_TAG: '13' },
      tag: '13',
    },
  ])('interpolates an included file: $reason', ({ files, env, tag }) => {
    const model = loadOk(
      'include: [lib/compose.yaml]\nservices:\n  web:\n    image: app\n',
      { 'lib/compose.yaml': LIB, ...files },
      { env },
    );
    expect(model.services.db?.image).toBe(`postgres:${tag}`);
  });

  it('reads env_file instead of the default .env, relative to the including project', () => {
    const model = loadOk(
      'include:\n  - path: lib/compose.yaml\n    env_file: [envs/a.env, envs/b.env]\nservices:\n  web:\n    image: app\n',
      {
        'lib/compose.yaml': LIB,
        'lib/.env': 'PG_TAG=15\n',
        'envs/a.env': 'PG_TAG=12\n',
        'envs/b.env': 'PG_TAG=11\n',
      },
    );
    expect(model.services.db?.image).toBe('postgres:11');
  });

  it('merges the files of a path list in order', () => {
    const model = loadOk(
      'include:\n  - path: [lib/compose.yaml, lib/prod.yaml]\nservices:\n  web:\n    image: app\n',
      {
        'lib/compose.yaml': LIB,
        'lib/prod.yaml': 'services:\n  db:\n    image: postgres:17\n',
      },
    );
    expect(model.services.db?.image).toBe('postgres:17');
  });

  it('applies recursively and lets a service extend an included one', () => {
    const model = loadOk(
      'include: [a/compose.yaml]\nservices:\n  web:\n    extends: base\n    command: serve\n',
      {
        'a/compose.yaml': 'include: [../b/compose.yaml]\nservices:\n  mid:\n    image: mid\n',
        'b/compose.yaml': 'services:\n  base:\n    image: base:1\n',
      },
    );
    expect(Object.keys(model.services).sort()).toEqual(['base', 'mid', 'web']);
    expect(model.services.web).toMatchObject({ image: 'base:1', command: ['serve'] });
  });

  it('accepts the same definition from the include and the including file', () => {
    const model = loadOk('include: [lib/compose.yaml]\nservices:\n  db:\n    image: postgres:16\n', {
      'lib/compose.yaml': 'services:\n  db:\n    image: postgres:16\n',
    });
    expect(Object.keys(model.services)).toEqual(['db']);
  });

  it('rejects a service defined both by the include and, differently, by the including file', () => {
    const result = load('include: [lib/compose.yaml]\nservices:\n  db:\n    image: mysql\n', {
      'lib/compose.yaml': LIB,
    });
    if (!('error' in result)) throw new Error('expected a conflict');
    expect(result.error.problems.map((p) => [p.code, p.field, p.location])).toEqual([
      [COMPOSE_PROBLEM.include, 'services.db', { file: result.file, line: 3, column: 3 }],
    ]);
    expect(result.error.message).toMatch(/compose\.yaml:3:3/);
    expect(result.error.message).toContain(`${join(result.dir, 'lib/compose.yaml')}:2:3`);
  });

  it('rejects an include cycle where it closes, naming the chain', () => {
    const result = load('include: [a.yaml]\nservices:\n  web:\n    image: app\n', {
      'a.yaml': 'include: [b.yaml]\nservices:\n  a:\n    image: a\n',
      'b.yaml': 'services:\n  b:\n    image: b\ninclude:\n  - a.yaml\n',
    });
    if (!('error' in result)) throw new Error('expected a cycle');
    expect(result.error.problems.map((p) => [p.code, p.field, p.location])).toEqual([
      [COMPOSE_PROBLEM.include, 'include[0]', { file: join(result.dir, 'b.yaml'), line: 5, column: 5 }],
    ]);
    const chain = ['compose.yaml', 'a.yaml', 'b.yaml', 'a.yaml'].map((f) => join(result.dir, f));
    expect(result.error.problems[0]?.message).toContain(chain.join(' → '));
  });

  it('rejects a file that includes itself', () => {
    const error = loadError('include: [compose.yaml]\nservices:\n  web:\n    image: app\n');
    expect(error.problems.map((p) => [p.code, p.field])).toEqual([[COMPOSE_PROBLEM.include, 'include[0]']]);
  });

  it.each([
    {
      reason: 'a missing included file, at the include line',
      compose: 'include: [nope.yaml]\nservices:\n  web:\n    image: app\n',
      code: COMPOSE_PROBLEM.fileNotFound,
      field: 'include[0]',
    },
    {
      reason: 'a missing env_file',
      compose:
        'include:\n  - path: lib/compose.yaml\n    env_file: nope.env\nservices:\n  web:\n    image: app\n',
      code: COMPOSE_PROBLEM.fileNotFound,
      field: 'include[0].env_file',
    },
    {
      reason: 'an unknown long-form key',
      compose: 'include:\n  - path: lib/compose.yaml\n    paths: x\nservices:\n  web:\n    image: app\n',
      code: COMPOSE_PROBLEM.unknownField,
      field: 'include[0].paths',
    },
    {
      reason: 'a project_directory other than the file directory (relative paths would differ)',
      compose:
        'include:\n  - path: lib/compose.yaml\n    project_directory: .\nservices:\n  web:\n    image: app\n',
      code: COMPOSE_PROBLEM.unsupported,
      field: 'include[0].project_directory',
    },
    {
      reason: 'include that is not a list',
      compose: 'include: lib/compose.yaml\nservices:\n  web:\n    image: app\n',
      code: COMPOSE_PROBLEM.invalidValue,
      field: 'include',
    },
  ])('reports $reason', ({ compose, code, field }) => {
    const error = loadError(compose, { 'lib/compose.yaml': LIB });
    expect(error.problems.map((p) => [p.code, p.field])).toEqual([[code, field]]);
    expect(error.problems[0]?.location?.line).toBeGreaterThan(0);
  });

  it('accepts project_directory naming the included file directory', () => {
    const model = loadOk(
      'include:\n  - path: lib/compose.yaml\n    project_directory: lib\nservices:\n  web:\n    image: app\n',
      { 'lib/compose.yaml': LIB },
    );
    expect(model.services.db?.build?.context).toBe('lib/db');
  });
});
