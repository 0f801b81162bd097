import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMPOSE_PROBLEM, ComposeError, loadCompose } from '../../../../src/desired/compose/index.js';
import { formatProblem, StackctlError } from '../../../../src/errors.js';
import { load, writeProject } from './project.js';

// Line numbers below refer to this fixture (line 1 is `name: shop`).
const FIXTURE = [
  'name: shop', //                                   1
  'services:', //                                    2
  '  web:', //                                       3
  '    image: nginx', //                             4
  '    ports:', //                                   5
  '      - "80:80"', //                              6
  '      - target: 99999', //                        7
  '        protocol: udp', //                        8
  '    healthcheck:', //                             9
  '      test: ["CMD"]', //                          10
  '      interval: soon', //                         11
  '    privileged: true', //                         12
  '    colour: blue', //                             13
  '  worker:', //                                    14
  '    image: worker', //                            15
  '    deploy:', //                                  16
  '      resources:', //                             17
  '        limits: { memory: lots }', //             18
  '    depends_on: [web, ghost]', //                 19
  'unknown_top: 1', //                               20
  '',
].join('\n');

describe('error locations', () => {
  it('lists every problem with file, line, column and field path', () => {
    const outcome = load(FIXTURE);
    if (!('error' in outcome)) throw new Error('expected an error');
    const rows = outcome.error.problems.map((p) => ({
      code: p.code,
      field: p.field,
      line: p.location?.line,
      column: p.location?.column,
      file: p.location?.file,
    }));
    const file = outcome.file;
    expect(rows).toEqual(
      expect.arrayContaining([
        { code: COMPOSE_PROBLEM.unknownField, field: 'unknown_top', line: 20, column: 1, file },
        { code: COMPOSE_PROBLEM.unknownField, field: 'services.web.colour', line: 13, column: 5, file },
        {
          code: COMPOSE_PROBLEM.invalidValue,
          field: 'services.web.ports[1].target',
          line: 7,
          column: 17,
          file,
        },
        {
          code: COMPOSE_PROBLEM.invalidValue,
          field: 'services.web.healthcheck.test',
          line: 10,
          column: 13,
          file,
        },
        {
          code: COMPOSE_PROBLEM.invalidValue,
          field: 'services.web.healthcheck.interval',
          line: 11,
          column: 17,
          file,
        },
        { code: COMPOSE_PROBLEM.unsupported, field: 'services.web.privileged', line: 12, column: 5, file },
        {
          code: COMPOSE_PROBLEM.invalidValue,
          field: 'services.worker.deploy.resources.limits.memory',
          line: 18,
          column: 27,
          file,
        },
        {
          code: COMPOSE_PROBLEM.reference,
          field: 'services.worker.depends_on[1]',
          line: 19,
          column: 23,
          file,
        },
      ]),
    );
    expect(rows).toHaveLength(8);
    // In file order, whatever stage found them.
    expect(rows.map((r) => r.line)).toEqual([7, 10, 11, 12, 13, 18, 19, 20]);
  });

  it('formats the message as one problem per line, each as file:line:col: field: message', () => {
    const outcome = load(FIXTURE);
    if (!('error' in outcome)) throw new Error('expected an error');
    const { error } = outcome;
    expect(error).toBeInstanceOf(StackctlError);
    expect(error.code).toBe('COMPOSE_INVALID');
    expect(error.message.split('\n')).toEqual(
      error.problems.map((p) => formatProblem(p.message, p.location, p.field)),
    );
    expect(error.message).toContain(
      `${outcome.file}:12:5: services.web.privileged: privileged containers are not possible on Fargate`,
    );
  });

  it.each([
    {
      reason: 'an unclosed flow sequence',
      text: 'services:\n  web:\n    ports: [80\n    image: x\n',
      line: 4,
      column: 5,
    },
    {
      reason: 'a duplicate key',
      text: 'services:\n  web:\n    image: a\n    image: b\n',
      line: 4,
      column: 5,
    },
    { reason: 'a bad indentation', text: 'services:\n  web:\n    image: a\n   bad: 1\n', line: 4, column: 1 },
  ])('reports a YAML syntax error ($reason) at its line and column', ({ text, line, column }) => {
    const outcome = load(text);
    if (!('error' in outcome)) throw new Error('expected an error');
    const first = outcome.error.problems[0];
    expect(first?.code).toBe(COMPOSE_PROBLEM.yamlSyntax);
    expect(first?.location).toEqual({ file: outcome.file, line, column });
    expect(first?.message).not.toContain('\n');
  });

  it('reports a missing compose file as a ComposeError naming it', () => {
    const file = join(writeProject({}), 'compose.yaml');
    let caught: unknown;
    try {
      loadCompose({ file, env: {} });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ComposeError);
    expect((caught as ComposeError).problems).toEqual([
      expect.objectContaining({
        code: COMPOSE_PROBLEM.fileNotFound,
        location: { file },
        message: `compose file ${file} does not exist`,
      }),
    ]);
  });

  it.each([
    { reason: 'an empty file', text: '', field: 'services' },
    { reason: 'no services key', text: 'name: x\n', field: 'services' },
    { reason: 'an empty services mapping', text: 'services: {}\n', field: 'services' },
    { reason: 'a list instead of a mapping', text: '- a\n- b\n', field: undefined },
    { reason: 'a service that is not a mapping', text: 'services:\n  web: nginx\n', field: 'services.web' },
    {
      reason: 'an invalid project name',
      text: 'name: My App\nservices:\n  web:\n    image: x\n',
      field: 'name',
    },
  ])('rejects $reason', ({ text, field }) => {
    const outcome = load(text);
    if (!('error' in outcome)) throw new Error('expected an error');
    expect(outcome.error.problems).toHaveLength(1);
    expect(outcome.error.problems[0]?.field).toBe(field);
    expect(outcome.error.problems[0]?.location?.line).toBeGreaterThan(0);
  });

  it('fills locations for every service and each of its top-level fields', () => {
    const outcome = load(
      'name: shop\nservices:\n  web:\n    image: nginx\n    ports:\n      - "80:80"\n    environment:\n      A: 1\n',
    );
    if (!('model' in outcome)) throw new Error(outcome.error.message);
    const { locations } = outcome.model;
    expect(locations['services.web']).toEqual({ file: outcome.file, line: 3, column: 3 });
    expect(locations['services.web.image']).toEqual({ file: outcome.file, line: 4, column: 5 });
    expect(locations['services.web.ports']).toEqual({ file: outcome.file, line: 5, column: 5 });
    expect(locations['services.web.ports[0]']).toEqual({ file: outcome.file, line: 6, column: 9 });
    expect(locations['services.web.environment.A']).toEqual({ file: outcome.file, line: 8, column: 7 });
    expect(locations.name).toEqual({ file: outcome.file, line: 1, column: 1 });
  });
});
