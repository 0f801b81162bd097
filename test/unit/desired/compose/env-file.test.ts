// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are compose templates, not JS template literals.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseEnvFile } from '../../../../src/desired/compose/env-file.js';
import { COMPOSE_PROBLEM, COMPOSE_WARNING } from '../../../../src/desired/compose/index.js';
import { load, loadError, loadOk, yaml } from './project.js';

const none = (): undefined => undefined;

describe('parseEnvFile', () => {
  it.each([
    { reason: 'KEY=VALUE', text: 'A=1', entries: { A: '1' } },
    {
      reason: 'comments and blank lines are skipped',
      text: '# c\n\nA=1\n  # indented\n',
      entries: { A: '1' },
    },
    { reason: 'an export prefix is dropped', text: 'export A=1', entries: { A: '1' } },
    {
      reason: 'unquoted values are trimmed and lose a trailing comment',
      text: 'A =  x y   # note',
      entries: { A: 'x y' },
    },
    { reason: 'a # without space before it is part of the value', text: 'A=x#y', entries: { A: 'x#y' } },
    { reason: 'single quotes are literal', text: "A='$B \\n # x'", entries: { A: '$B \\n # x' } },
    {
      reason: 'double quotes unescape',
      text: 'A="line\\nnext \\"q\\" \\$B"',
      entries: { A: 'line\nnext "q" $B' },
    },
    { reason: 'double quotes may span lines', text: 'A="one\ntwo"\nB=3', entries: { A: 'one\ntwo', B: '3' } },
    { reason: 'an empty value is the empty string', text: 'A=', entries: { A: '' } },
    { reason: 'a bare key has no value', text: 'A', entries: { A: null } },
    {
      reason: 'values use keys above them',
      text: 'A=1\nB=${A}-2\nC="$B"',
      entries: { A: '1', B: '1-2', C: '1-2' },
    },
    { reason: 'later keys override earlier ones', text: 'A=1\nA=2', entries: { A: '2' } },
    { reason: 'CRLF line ends', text: 'A=1\r\nB=2\r\n', entries: { A: '1', B: '2' } },
  ])('$reason', ({ text, entries }) => {
    const parsed = parseEnvFile(text, none);
    expect(parsed.problems).toEqual([]);
    expect(Object.fromEntries(parsed.entries.map((e) => [e.key, e.value]))).toEqual(entries);
  });

  it.each([
    { reason: 'an invalid name', text: 'A=1\n1BAD=2', line: 2, message: 'invalid variable name "1BAD"' },
    { reason: 'an unclosed quote', text: 'A="open', line: 1, message: 'no closing "' },
    { reason: 'a malformed template', text: '\nA=${B', line: 2, message: 'never closed' },
  ])('reports $reason with its line', ({ text, line, message }) => {
    const parsed = parseEnvFile(text, none);
    expect(parsed.problems).toEqual([
      expect.objectContaining({ kind: 'error', line, message: expect.stringContaining(message) }),
    ]);
  });

  it('falls back to the outer lookup and reports unset variables', () => {
    const parsed = parseEnvFile('A=${OUTER}\nB=${NOPE}', (n) => (n === 'OUTER' ? 'o' : undefined));
    expect(parsed.entries.map((e) => e.value)).toEqual(['o', '']);
    expect(parsed.problems).toEqual([
      { kind: 'unset-variable', message: 'variable NOPE is not set', line: 2, variable: 'NOPE' },
    ]);
  });
});

describe('env_file in services', () => {
  it.each([
    { reason: 'a string', envFile: 'env_file: a.env', expected: { A: 'from-a', SHARED: 'a' } },
    {
      reason: 'a list, later files winning',
      envFile: 'env_file: [a.env, b.env]',
      expected: { A: 'from-a', B: 'from-b', SHARED: 'b' },
    },
    {
      reason: 'the long form with path and required',
      envFile: 'env_file:\n      - path: a.env\n      - path: missing.env\n        required: false',
      expected: { A: 'from-a', SHARED: 'a' },
    },
  ])('reads $reason', ({ envFile, expected }) => {
    const model = loadOk(`services:\n  web:\n    image: x\n    ${envFile}\n`, {
      'a.env': 'A=from-a\nSHARED=a\n',
      'b.env': 'B=from-b\nSHARED=b\n',
    });
    expect(model.services.web?.environment).toEqual(expected);
  });

  it('puts environment: above env_file values, including keys without a value', () => {
    const model = loadOk(
      yaml`
        services:
          web:
            image: x
            env_file: [app.env]
            environment:
              A: from-environment
              SECRET:
      `,
      { 'app.env': 'A=from-file\nSECRET=plain-in-file\nB=from-file\n' },
    );
    expect(model.services.web?.environment).toEqual({ A: 'from-environment', SECRET: null, B: 'from-file' });
  });

  it('records where each variable came from', () => {
    const outcome = load('services:\n  web:\n    image: x\n    env_file: app.env\n    environment: [B=2]\n', {
      'app.env': '# first\nA=1\n',
    });
    if (!('model' in outcome)) throw new Error(outcome.error.message);
    expect(outcome.model.locations['services.web.environment.A']).toEqual({
      file: join(outcome.dir, 'app.env'),
      line: 2,
      column: 1,
    });
    expect(outcome.model.locations['services.web.environment.B']).toEqual({
      file: outcome.file,
      line: 5,
      column: 19,
    });
  });

  it('resolves env files relative to the compose file, not the working directory', () => {
    const model = loadOk('services:\n  web:\n    image: x\n    env_file: ./conf/app.env\n', {
      'conf/app.env': 'A=1\n',
    });
    expect(model.services.web?.environment).toEqual({ A: '1' });
  });

  it('interpolates env file values from the project variables', () => {
    const model = loadOk(
      'services:\n  web:\n    image: x\n    env_file: app.env\n',
      { 'app.env': 'URL=http://${HOST:-db}:${PORT}\n' },
      { env: { PORT: '5432' } },
    );
    expect(model.services.web?.environment).toEqual({ URL: 'http://db:5432' });
  });

  it.each([
    {
      reason: 'the short form',
      envFile: 'env_file: missing.env',
      field: 'services.web.env_file',
      column: 15,
    },
    {
      reason: 'a list item',
      envFile: 'env_file: [ok.env, missing.env]',
      field: 'services.web.env_file[1]',
      column: 24,
    },
    {
      reason: 'the long form without required',
      envFile: 'env_file: [{ path: missing.env }]',
      field: 'services.web.env_file[0]',
      column: 16,
    },
  ])('rejects a missing required env file given in $reason, at its line', ({ envFile, field, column }) => {
    const error = loadError(`services:\n  web:\n    image: x\n    ${envFile}\n`, { 'ok.env': 'A=1\n' });
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toMatchObject({
      code: COMPOSE_PROBLEM.fileNotFound,
      field,
      location: { line: 4, column },
      message: expect.stringContaining('missing.env does not exist'),
    });
  });

  it('reports a bad line of an env file at that file and line', () => {
    const outcome = load('services:\n  web:\n    image: x\n    env_file: app.env\n', {
      'app.env': 'A=1\nnot valid\n',
    });
    if (!('error' in outcome)) throw new Error('expected an error');
    expect(outcome.error.problems[0]).toMatchObject({
      code: COMPOSE_PROBLEM.envFile,
      field: 'services.web.env_file',
      location: { file: join(outcome.dir, 'app.env'), line: 2 },
    });
  });

  it('warns once about an unset variable used in an env file', () => {
    const model = loadOk('services:\n  web:\n    image: x\n    env_file: app.env\n', {
      'app.env': 'A=${NOPE}\nB=${NOPE}\n',
    });
    expect(model.warnings.filter((w) => w.code === COMPOSE_WARNING.unsetVariable)).toHaveLength(1);
  });
});
