import { describe, expect, it } from 'vitest';
import { COMPOSE_PROBLEM, COMPOSE_WARNING } from '../../../../src/desired/compose/index.js';
import { loadError, loadOk, yaml } from './project.js';

const COMPOSE = yaml`
  services:
    web:
      image: web
    debug:
      image: debug
      profiles: [dev]
    seed:
      image: seed
      profiles: [dev, ops]
    gpu:
      image: gpu
      profiles: [gpu]
`;

describe('profiles', () => {
  it.each([
    { reason: 'no selection enables only services without profiles', profiles: [], services: ['web'] },
    { reason: 'one profile enables its services', profiles: ['dev'], services: ['web', 'debug', 'seed'] },
    {
      reason: 'a service is enabled by any one of its profiles',
      profiles: ['ops'],
      services: ['web', 'seed'],
    },
    { reason: 'several profiles add up', profiles: ['ops', 'gpu'], services: ['web', 'seed', 'gpu'] },
    { reason: "'*' enables every service", profiles: ['*'], services: ['web', 'debug', 'seed', 'gpu'] },
    { reason: 'an unknown profile enables nothing more', profiles: ['nope'], services: ['web'] },
  ])('$reason', ({ profiles, services }) => {
    expect(Object.keys(loadOk(COMPOSE, {}, { profiles }).services)).toEqual(services);
  });

  it('reads COMPOSE_PROFILES when no profiles are given', () => {
    const model = loadOk(COMPOSE, {}, { env: { COMPOSE_PROFILES: 'ops, gpu' } });
    expect(Object.keys(model.services)).toEqual(['web', 'seed', 'gpu']);
  });

  it('keeps each service profiles in the model', () => {
    expect(loadOk(COMPOSE, {}, { profiles: ['dev'] }).services.seed?.profiles).toEqual(['dev', 'ops']);
  });

  it('does not check fields of disabled services beyond the spec', () => {
    // privileged is impossible on Fargate, but the service is not deployed without its profile.
    const model = loadOk(
      'services:\n  web:\n    image: x\n  tool:\n    image: y\n    privileged: true\n    profiles: [tools]\n',
    );
    expect(Object.keys(model.services)).toEqual(['web']);
  });

  it('still rejects unknown fields in disabled services', () => {
    const error = loadError(
      'services:\n  web:\n    image: x\n  tool:\n    image: y\n    imagee: z\n    profiles: [tools]\n',
    );
    expect(error.problems.map((p) => [p.code, p.field])).toEqual([
      [COMPOSE_PROBLEM.unknownField, 'services.tool.imagee'],
    ]);
  });

  it.each([
    {
      reason: 'a service disabled by profiles, naming it and its profiles',
      compose:
        'services:\n  web:\n    image: x\n    depends_on: [db]\n  db:\n    image: y\n    profiles: [data]\n',
      field: 'services.web.depends_on[0]',
      message: 'depends on service "db", which is not enabled by the selected profiles (enable one of: data)',
    },
    {
      reason: 'an undefined service',
      compose:
        'services:\n  web:\n    image: x\n    depends_on:\n      cache:\n        condition: service_healthy\n',
      field: 'services.web.depends_on.cache',
      message: 'depends on service "cache", which is not defined',
    },
    {
      reason: 'itself',
      compose: 'services:\n  web:\n    image: x\n    depends_on: [web]\n',
      field: 'services.web.depends_on[0]',
      message: 'a service cannot depend on itself',
    },
  ])('rejects depends_on on $reason', ({ compose, field, message }) => {
    const error = loadError(compose);
    expect(error.problems.map((p) => [p.code, p.field, p.message])).toEqual([
      [COMPOSE_PROBLEM.reference, field, message],
    ]);
  });

  it('drops an optional dependency on a disabled service with a warning', () => {
    const model = loadOk(
      yaml`
        services:
          web:
            image: x
            depends_on:
              db: { condition: service_started, required: false }
          db:
            image: y
            profiles: [data]
      `,
    );
    expect(model.services.web?.dependsOn).toEqual({});
    expect(model.warnings).toEqual([
      expect.objectContaining({ code: COMPOSE_WARNING.reference, field: 'services.web.depends_on.db' }),
    ]);
  });

  it('accepts the dependency once the profile is selected', () => {
    const model = loadOk(
      'services:\n  web:\n    image: x\n    depends_on: [db]\n  db:\n    image: y\n    profiles: [data]\n',
      {},
      { profiles: ['data'] },
    );
    expect(model.services.web?.dependsOn).toEqual({ db: { condition: 'service_started', required: true } });
  });
});
