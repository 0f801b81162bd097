import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  loadStackFile,
  StackFileError,
  StackFileReadError,
  type StackProblem,
} from '../../../../src/desired/stack/index.js';
import { StackctlError } from '../../../../src/errors.js';

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'stackctl-stack-file-'));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Writes `text` as `.stackctl/<name>` in a fresh folder and loads it. */
function load(text: string, name = 'prod.yaml') {
  const folder = mkdtempSync(join(dir, 'case-'));
  mkdirSync(join(folder, '.stackctl'));
  const file = join(folder, '.stackctl', name);
  writeFileSync(file, text);
  return { file, load: () => loadStackFile(file) };
}

function problemsOf(run: () => unknown): { error: StackFileError; problems: readonly StackProblem[] } {
  try {
    run();
  } catch (error) {
    if (error instanceof StackFileError) return { error, problems: error.problems };
    throw error;
  }
  throw new Error('expected a StackFileError, but loading succeeded');
}

const FULL = `project: shop
region: eu-west-1
mode: high_availability
domain: example.com
network:
  vpc: vpc-0123456789abcdef0
  publicSubnets: [subnet-0123456789abcdef0, subnet-0123456789abcdef1]
  privateSubnets:
    - subnet-0123456789abcdef2
env:
  API_URL: https://api.example.com
  PORT: 8080
services:
  web:
    replicas: 4
    cpus: 1
    memory: 2GiB
    image: 1234.dkr.ecr.eu-west-1.amazonaws.com/web:abc123
    domainname: shop.example.com
    environment: { FEATURE_X: "on", RATIO: 1.0 }
    autoscaling: { min: 2, max: 8, targetCpu: 60 }
  worker: {}
postgres:
  instanceClass: db.r6g.xlarge
  allocatedStorage: 100
  multiAz: true
  backupRetentionDays: 14
  deletionProtection: false
redis: { nodeType: cache.r6g.large, nodes: 3 }
driftPolicy: warn
ttl: 72h
`;

describe('loadStackFile', () => {
  it('parses every field of a complete file, with units converted and positions recorded', () => {
    const { file, load: run } = load(FULL);

    const sf = run();

    expect(sf).toMatchObject({
      stack: 'prod',
      file,
      project: 'shop',
      region: 'eu-west-1',
      mode: 'high_availability',
      domain: 'example.com',
      network: {
        vpc: 'vpc-0123456789abcdef0',
        publicSubnets: ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'],
        privateSubnets: ['subnet-0123456789abcdef2'],
      },
      env: { API_URL: 'https://api.example.com', PORT: '8080' },
      services: {
        web: {
          replicas: 4,
          cpus: 1,
          memoryMiB: 2048,
          image: '1234.dkr.ecr.eu-west-1.amazonaws.com/web:abc123',
          domainname: 'shop.example.com',
          environment: { FEATURE_X: 'on', RATIO: '1.0' },
          autoscaling: { min: 2, max: 8, targetCpu: 60 },
        },
        worker: {},
      },
      postgres: {
        instanceClass: 'db.r6g.xlarge',
        allocatedStorageGiB: 100,
        multiAz: true,
        backupRetentionDays: 14,
        deletionProtection: false,
      },
      redis: { nodeType: 'cache.r6g.large', nodes: 3 },
      driftPolicy: 'warn',
      ttlSeconds: 72 * 3600,
    });
    expect(sf.locations['services.web.replicas']).toEqual({ file, line: 15, column: 15 });
    expect(sf.locations['services.web.memory']).toEqual({ file, line: 17, column: 13 });
    expect(sf.locations['network.privateSubnets[0]']).toEqual({ file, line: 9, column: 7 });
    expect(sf.locations['services.worker']).toEqual({ file, line: 22, column: 3 });
  });

  it('fills defaults for optional settings and takes the stack name from a .yml file name', () => {
    const sf = load('region: us-east-1\n', 'pr-42.yml').load();

    expect(sf).toMatchObject({
      stack: 'pr-42',
      mode: 'balanced',
      network: { vpc: 'create' },
      env: {},
      services: {},
      driftPolicy: 'correct',
    });
    expect(sf.project).toBeUndefined();
    expect(sf.ttlSeconds).toBeUndefined();
    expect(sf.locations.mode).toBeUndefined();
  });

  it.each([
    {
      reason: 'unknown top-level key (typo)',
      yaml: 'region: eu-west-1\nregoin: x\n',
      field: 'regoin',
      line: 2,
      column: 1,
    },
    { reason: 'missing region', yaml: 'mode: balanced\n', field: 'region', line: 1, column: 1 },
    { reason: 'region not an AWS region', yaml: 'region: Europe\n', field: 'region', line: 1, column: 9 },
    {
      reason: 'mode outside the enum',
      yaml: 'region: eu-west-1\nmode: fast\n',
      field: 'mode',
      line: 2,
      column: 7,
    },
    {
      reason: 'driftPolicy outside the enum',
      yaml: 'region: eu-west-1\ndriftPolicy: fix\n',
      field: 'driftPolicy',
      line: 2,
      column: 14,
    },
    {
      reason: 'domain not a hostname',
      yaml: 'region: eu-west-1\ndomain: not_a_host\n',
      field: 'domain',
      line: 2,
      column: 9,
    },
    {
      reason: 'project not a valid name',
      yaml: 'region: eu-west-1\nproject: My Shop\n',
      field: 'project',
      line: 2,
      column: 10,
    },
    { reason: 'ttl without a unit', yaml: 'region: eu-west-1\nttl: 72\n', field: 'ttl', line: 2, column: 6 },
    { reason: 'ttl in words', yaml: 'region: eu-west-1\nttl: 3 days\n', field: 'ttl', line: 2, column: 6 },
    {
      reason: 'services is a list',
      yaml: 'region: eu-west-1\nservices:\n  - web\n',
      field: 'services',
      line: 3,
      column: 3,
    },
    {
      reason: 'unknown service key',
      yaml: 'region: eu-west-1\nservices:\n  web:\n    replica: 2\n',
      field: 'services.web.replica',
      line: 4,
      column: 5,
    },
    {
      reason: 'replicas quoted',
      yaml: 'region: eu-west-1\nservices:\n  web:\n    replicas: "2"\n',
      field: 'services.web.replicas',
      line: 4,
      column: 15,
    },
    {
      reason: 'replicas negative',
      yaml: 'region: eu-west-1\nservices:\n  web:\n    replicas: -1\n',
      field: 'services.web.replicas',
      line: 4,
      column: 15,
    },
    {
      reason: 'replicas fractional',
      yaml: 'region: eu-west-1\nservices:\n  web:\n    replicas: 1.5\n',
      field: 'services.web.replicas',
      line: 4,
      column: 15,
    },
    {
      reason: 'cpus zero',
      yaml: 'region: eu-west-1\nservices:\n  web:\n    cpus: 0\n',
      field: 'services.web.cpus',
      line: 4,
      column: 11,
    },
    {
      reason: 'memory with unknown unit',
      yaml: 'region: eu-west-1\nservices:\n  web:\n    memory: 2TB\n',
      field: 'services.web.memory',
      line: 4,
      column: 13,
    },
    {
      reason: 'memory not whole MiB',
      yaml: 'region: eu-west-1\nservices:\n  web:\n    memory: 0.5m\n',
      field: 'services.web.memory',
      line: 4,
      column: 13,
    },
    {
      reason: 'domainname not a hostname',
      yaml: 'region: eu-west-1\nservices:\n  web:\n    domainname: shop\n',
      field: 'services.web.domainname',
      line: 4,
      column: 17,
    },
    {
      reason: 'autoscaling max below min',
      yaml: 'region: eu-west-1\nservices:\n  web:\n    autoscaling: { min: 4, max: 2 }\n',
      field: 'services.web.autoscaling.max',
      line: 4,
      column: 33,
    },
    {
      reason: 'autoscaling unknown key',
      yaml: 'region: eu-west-1\nservices:\n  web:\n    autoscaling: { min: 1, cpu: 50 }\n',
      field: 'services.web.autoscaling.cpu',
      line: 4,
      column: 28,
    },
    {
      reason: 'env value is a list',
      yaml: 'region: eu-west-1\nenv:\n  FOO: [a]\n',
      field: 'env.FOO',
      line: 3,
      column: 8,
    },
    {
      reason: 'env value missing',
      yaml: 'region: eu-west-1\nenv:\n  FOO:\n',
      field: 'env.FOO',
      line: 3,
      column: 7,
    },
    {
      reason: 'env name unusable in interpolation',
      yaml: 'region: eu-west-1\nenv:\n  1X: a\n',
      field: 'env.1X',
      line: 3,
      column: 7,
    },
    {
      reason: 'network create with subnets',
      yaml: 'region: eu-west-1\nnetwork:\n  vpc: create\n  publicSubnets: []\n',
      field: 'network.publicSubnets',
      line: 4,
      column: 3,
    },
    {
      reason: 'network cidr too large',
      yaml: 'region: eu-west-1\nnetwork: { vpc: create, cidr: 10.0.0.0/8 }\n',
      field: 'network.cidr',
      line: 2,
      column: 31,
    },
    {
      reason: 'network vpc neither create nor an id',
      yaml: 'region: eu-west-1\nnetwork: { vpc: default, publicSubnets: [subnet-0123abcd], privateSubnets: [subnet-0123abce] }\n',
      field: 'network.vpc',
      line: 2,
      column: 17,
    },
    {
      reason: 'existing vpc without private subnets',
      yaml: 'region: eu-west-1\nnetwork:\n  vpc: vpc-0123abcd\n  publicSubnets: [subnet-0123abcd]\n',
      field: 'network.privateSubnets',
      line: 3,
      column: 3,
    },
    {
      reason: 'subnet id malformed',
      yaml: 'region: eu-west-1\nnetwork:\n  vpc: vpc-0123abcd\n  publicSubnets: [subnet-0123abcd]\n  privateSubnets: [sn-1]\n',
      field: 'network.privateSubnets[0]',
      line: 5,
      column: 20,
    },
    {
      reason: 'subnet listed twice',
      yaml: 'region: eu-west-1\nnetwork:\n  vpc: vpc-0123abcd\n  publicSubnets: [subnet-0123abcd, subnet-0123abcd]\n  privateSubnets: [subnet-0123abce]\n',
      field: 'network.publicSubnets[1]',
      line: 4,
      column: 36,
    },
    {
      reason: 'postgres storage below the RDS minimum',
      yaml: 'region: eu-west-1\npostgres:\n  allocatedStorage: 10\n',
      field: 'postgres.allocatedStorage',
      line: 3,
      column: 21,
    },
    {
      reason: 'postgres multiAz as a word',
      yaml: 'region: eu-west-1\npostgres:\n  multiAz: yes\n',
      field: 'postgres.multiAz',
      line: 3,
      column: 12,
    },
    {
      reason: 'postgres class without db. prefix',
      yaml: 'region: eu-west-1\npostgres: { instanceClass: t4g.micro }\n',
      field: 'postgres.instanceClass',
      line: 2,
      column: 28,
    },
    {
      reason: 'redis without nodes',
      yaml: 'region: eu-west-1\nredis: { nodes: 0 }\n',
      field: 'redis.nodes',
      line: 2,
      column: 17,
    },
    {
      reason: 'redis unknown key',
      yaml: 'region: eu-west-1\nredis: { shards: 2 }\n',
      field: 'redis.shards',
      line: 2,
      column: 10,
    },
    {
      reason: 'duplicate key (YAML)',
      yaml: 'region: eu-west-1\nmode: balanced\nmode: affordable\n',
      field: '',
      line: 3,
      column: 1,
    },
    { reason: 'broken YAML syntax', yaml: 'region: [eu-west-1\n', field: '', line: 2, column: 1 },
    { reason: 'root is a list', yaml: '- region\n', field: '', line: 1, column: 1 },
    { reason: 'empty file', yaml: '# nothing yet\n', field: '', line: 1, column: 1 },
  ])('$reason → STACK_FILE_INVALID at $field ($line:$column)', ({ yaml, field, line, column }) => {
    const { file, load: run } = load(yaml);

    const { error, problems } = problemsOf(run);

    expect(error).toBeInstanceOf(StackctlError);
    expect(error.code).toBe('STACK_FILE_INVALID');
    expect(problems).toContainEqual(
      expect.objectContaining({ code: 'STACK_FILE_INVALID', field, location: { file, line, column } }),
    );
  });

  it('collects every problem of a file, sorted by position, and points the error at the first', () => {
    const { file, load: run } = load(
      'mode: fast\nservices:\n  web:\n    replicas: -1\n    memory: lots\nttl: soon\n',
    );

    const { error, problems } = problemsOf(run);

    expect(problems.map((p) => [p.field, p.location.line])).toEqual([
      ['region', 1],
      ['mode', 1],
      ['services.web.replicas', 4],
      ['services.web.memory', 5],
      ['ttl', 6],
    ]);
    expect(error.location).toEqual({ file, line: 1, column: 1 });
    expect(error.message).toContain(`${file}:4:15: services.web.replicas: must be at least 0`);
  });

  it('reads env, services and environment left empty (every entry commented out) as empty', () => {
    const sf = load(
      'region: eu-west-1\nenv:\n  # A: b\nservices:\n  web:\n    environment:\n      # X: y\n',
    ).load();

    expect(sf.env).toEqual({});
    expect(sf.services).toEqual({ web: { environment: {} } });
  });

  it.each([
    { reason: 'upper-case letter', name: 'Prod.yaml' },
    { reason: 'leading digit', name: '1prod.yaml' },
    { reason: 'underscore', name: 'pr_1.yaml' },
    { reason: 'longer than 31 characters', name: `${'a'.repeat(32)}.yaml` },
  ])('rejects the stack name of a file with a $reason', ({ name }) => {
    const { file, load: run } = load('region: eu-west-1\n', name);

    const { problems } = problemsOf(run);

    expect(problems).toEqual([
      expect.objectContaining({ field: 'stack', location: { file, line: 1, column: 1 } }),
    ]);
  });

  it('wraps an unreadable file as STACK_FILE_UNREADABLE with the I/O error as cause', () => {
    const file = join(dir, 'missing', 'prod.yaml');

    const run = () => loadStackFile(file);

    expect(run).toThrow(StackFileReadError);
    expect(run).toThrow(
      expect.objectContaining({
        code: 'STACK_FILE_UNREADABLE',
        cause: expect.objectContaining({ code: 'ENOENT' }),
      }),
    );
  });
});
