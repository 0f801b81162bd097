import { describe, expect, it } from 'vitest';
import {
  parseStackFile,
  resolveStack,
  type StackProblem,
  StackResolveError,
} from '../../../../src/desired/stack/index.js';
import type { CliOverrides } from '../../../../src/desired/stack-types.js';
import { composeModel, composeService } from '../../../helpers/compose-fixture.js';

const STACK_FILE = '/work/apps/shop/.stackctl/prod.yaml';
const at = (line: number, column: number) => ({ file: STACK_FILE, line, column });

function resolve(yaml: string, cli: CliOverrides = {}) {
  const compose = composeModel({
    services: [
      composeService('web'),
      composeService('db', { postgres: {} }),
      composeService('cache', { redis: {} }),
    ],
    warnings: [
      { code: 'COMPOSE_BIND_MOUNT_DROPPED', message: 'bind mount dropped', field: 'services.web.volumes[0]' },
    ],
  });
  return resolveStack({ compose, stackFile: parseStackFile(STACK_FILE, `region: eu-west-1\n${yaml}`), cli });
}

function problemsOf(run: () => unknown): readonly StackProblem[] {
  try {
    run();
  } catch (error) {
    if (error instanceof StackResolveError) return error.problems;
    throw error;
  }
  throw new Error('expected a StackResolveError');
}

describe('resolveStack checks across inputs', () => {
  it('names a stack-file service missing from compose, where it is written, with the known services', () => {
    const problems = problemsOf(() =>
      resolve('services:\n  web: { replicas: 2 }\n  wbe:\n    replicas: 2\n'),
    );

    expect(problems).toEqual([
      expect.objectContaining({
        code: 'STACK_UNKNOWN_SERVICE',
        field: 'services.wbe',
        location: at(4, 3),
        message: expect.stringContaining('web, db, cache'),
      }),
    ]);
  });

  it.each([
    { reason: '--image', cli: { images: { nope: 'nginx' } }, field: '--image nope' },
    { reason: '--replicas', cli: { replicas: { nope: 2 } }, field: '--replicas nope' },
  ])('names a $reason service missing from compose', ({ cli, field }) => {
    expect(problemsOf(() => resolve('', cli))).toEqual([
      expect.objectContaining({ code: 'STACK_UNKNOWN_SERVICE', field }),
    ]);
  });

  it.each([
    { reason: 'negative', replicas: -1 },
    { reason: 'fractional', replicas: 1.5 },
  ])('refuses a $reason --replicas value', ({ replicas }) => {
    expect(problemsOf(() => resolve('', { replicas: { web: replicas } }))).toEqual([
      expect.objectContaining({ code: 'STACK_INVALID', field: '--replicas web' }),
    ]);
  });

  it('reports every problem of a stack at once', () => {
    const yaml = 'domain: example.com\nservices:\n  web:\n    domainname: web.example.org\n  ghost: {}\n';

    const problems = problemsOf(() => resolve(yaml, { replicas: { phantom: 1 } }));

    expect(problems.map((p) => p.code).sort()).toEqual([
      'STACK_DOMAIN_OUTSIDE_ZONE',
      'STACK_UNKNOWN_SERVICE',
      'STACK_UNKNOWN_SERVICE',
    ]);
  });

  it('carries the compose warnings through', () => {
    expect(resolve('').warnings).toContainEqual(
      expect.objectContaining({ code: 'COMPOSE_BIND_MOUNT_DROPPED' }),
    );
  });

  it('takes data-service settings from the mode preset', () => {
    const resolved = resolve(
      'mode: high_availability\nservices:\n  web: { replicas: 2 }\n  db: { replicas: 2 }\n  cache: { replicas: 2 }\n',
    );

    expect(resolved.postgres).toEqual({
      instanceClass: { value: 'db.r6g.large', layer: 'mode' },
      allocatedStorageGiB: { value: 20, layer: 'mode' },
      multiAz: { value: true, layer: 'mode' },
      backupRetentionDays: { value: 30, layer: 'mode' },
      deletionProtection: { value: true, layer: 'mode' },
    });
    expect(resolved.redis).toEqual({
      nodeType: { value: 'cache.r6g.large', layer: 'mode' },
      nodes: { value: 2, layer: 'mode' },
      automaticFailover: { value: true, layer: 'mode' },
    });
  });

  it('lets the stack file override data-service settings, with locations', () => {
    const yaml =
      'mode: affordable\npostgres:\n  instanceClass: db.t4g.medium\n  allocatedStorage: 50\n  multiAz: true\n' +
      '  backupRetentionDays: 3\n  deletionProtection: true\nredis:\n  nodeType: cache.t4g.small\n  nodes: 2\n';

    const resolved = resolve(yaml);

    expect(resolved.postgres).toEqual({
      instanceClass: { value: 'db.t4g.medium', layer: 'stack-file', location: at(4, 18) },
      allocatedStorageGiB: { value: 50, layer: 'stack-file', location: at(5, 21) },
      multiAz: { value: true, layer: 'stack-file', location: at(6, 12) },
      backupRetentionDays: { value: 3, layer: 'stack-file', location: at(7, 24) },
      deletionProtection: { value: true, layer: 'stack-file', location: at(8, 23) },
    });
    expect(resolved.redis.nodeType).toEqual({
      value: 'cache.t4g.small',
      layer: 'stack-file',
      location: at(10, 13),
    });
    expect(resolved.redis.nodes).toEqual({ value: 2, layer: 'stack-file', location: at(11, 10) });
    // affordable has no failover; more nodes alone do not turn it on.
    expect(resolved.redis.automaticFailover).toEqual({ value: false, layer: 'mode' });
  });

  it('turns failover off when the stack file drops a high_availability cache to one node', () => {
    const resolved = resolve('mode: high_availability\nredis: { nodes: 1 }\n');

    expect(resolved.redis.automaticFailover).toEqual({
      value: false,
      layer: 'stack-file',
      location: at(3, 17),
    });
  });
});
