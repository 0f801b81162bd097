import { describe, expect, it } from 'vitest';
import type { ComposeService } from '../../../../src/desired/compose-types.js';
import {
  parseStackFile,
  resolveStack,
  type StackProblem,
  StackResolveError,
} from '../../../../src/desired/stack/index.js';
import type { CliOverrides } from '../../../../src/desired/stack-types.js';
import { composeModel, composeService, FIXTURE_COMPOSE_FILE } from '../../../helpers/compose-fixture.js';

const STACK_FILE = '/work/apps/shop/.stackctl/prod.yaml';

/** A stack file from YAML lines; `region:` is line 1, so the given text starts on line 2. */
function stackFile(yaml = '') {
  return parseStackFile(STACK_FILE, `region: eu-west-1\n${yaml}`);
}

function resolve(services: readonly ComposeService[], yaml = '', cli: CliOverrides = {}) {
  return resolveStack({ compose: composeModel({ services }), stackFile: stackFile(yaml), cli });
}

function problemsOf(run: () => unknown): readonly StackProblem[] {
  try {
    run();
  } catch (error) {
    if (error instanceof StackResolveError) {
      expect(error.code).toBe('STACK_INVALID');
      return error.problems;
    }
    throw error;
  }
  throw new Error('expected a StackResolveError');
}

const at = (line: number, column: number) => ({ file: STACK_FILE, line, column });
const composeAt = (line: number, column: number) => ({ file: FIXTURE_COMPOSE_FILE, line, column });

describe('resolveStack layering', () => {
  it.each([
    {
      reason: 'nothing set → default 1',
      compose: undefined,
      file: undefined,
      cli: undefined,
      value: 1,
      layer: 'default',
      location: undefined,
    },
    {
      reason: 'compose deploy.replicas beats the default',
      compose: 2,
      file: undefined,
      cli: undefined,
      value: 2,
      layer: 'compose',
      location: composeAt(9, 19),
    },
    {
      reason: 'stack file beats compose',
      compose: 2,
      file: 3,
      cli: undefined,
      value: 3,
      layer: 'stack-file',
      location: at(4, 15),
    },
    {
      reason: 'a stack-file 0 (hot spare) beats compose',
      compose: 2,
      file: 0,
      cli: undefined,
      value: 0,
      layer: 'stack-file',
      location: at(4, 15),
    },
    {
      reason: 'CLI beats the stack file',
      compose: 2,
      file: 3,
      cli: 5,
      value: 5,
      layer: 'cli',
      location: undefined,
    },
  ])('replicas: $reason', ({ compose, file, cli, value, layer, location }) => {
    const web = composeService('web', compose === undefined ? {} : { replicas: compose });
    const model = composeModel({
      services: [web],
      locations: { 'services.web.deploy.replicas': { line: 9, column: 19 } },
    });
    const yaml = file === undefined ? '' : `services:\n  web:\n    replicas: ${file}\n`;

    const resolved = resolveStack({
      compose: model,
      stackFile: stackFile(yaml),
      cli: cli === undefined ? {} : { replicas: { web: cli } },
    });

    expect(resolved.services.web?.replicas).toEqual(location ? { value, layer, location } : { value, layer });
  });

  it.each([
    { reason: 'compose image', file: undefined, cli: undefined, value: 'nginx:1.27', layer: 'compose' },
    {
      reason: 'stack-file image beats compose',
      file: 'nginx:1.28',
      cli: undefined,
      value: 'nginx:1.28',
      layer: 'stack-file',
    },
    {
      reason: '--image beats the stack file',
      file: 'nginx:1.28',
      cli: 'nginx:1.29',
      value: 'nginx:1.29',
      layer: 'cli',
    },
  ])('image: $reason', ({ file, cli, value, layer }) => {
    const yaml = file === undefined ? '' : `services:\n  web:\n    image: ${file}\n`;

    const resolved = resolve(
      [composeService('web', { image: 'nginx:1.27' })],
      yaml,
      cli ? { images: { web: cli } } : {},
    );

    expect(resolved.services.web?.image).toMatchObject({ value, layer });
  });

  it.each([
    {
      reason: 'a build-only service takes the deployed image',
      compose: undefined,
      file: undefined,
      cli: undefined,
      value: 'nginx:1.26',
      layer: 'deployed',
    },
    {
      reason: 'compose image beats the deployed one',
      compose: 'nginx:1.27',
      file: undefined,
      cli: undefined,
      value: 'nginx:1.27',
      layer: 'compose',
    },
    {
      reason: 'stack-file image beats the deployed one',
      compose: undefined,
      file: 'nginx:1.28',
      cli: undefined,
      value: 'nginx:1.28',
      layer: 'stack-file',
    },
    {
      reason: '--image beats the deployed one',
      compose: undefined,
      file: undefined,
      cli: 'nginx:1.29',
      value: 'nginx:1.29',
      layer: 'cli',
    },
  ])('deployed image: $reason', ({ compose, file, cli, value, layer }) => {
    const yaml = file === undefined ? '' : `services:\n  web:\n    image: ${file}\n`;
    const web = composeService('web', {
      build: { context: '.' },
      ...(compose === undefined ? {} : { image: compose }),
    });

    const resolved = resolveStack({
      compose: composeModel({ services: [web] }),
      stackFile: stackFile(yaml),
      cli: cli ? { images: { web: cli } } : {},
      deployedImages: { web: 'nginx:1.26' },
    });

    expect(resolved.services.web?.image).toMatchObject({ value, layer });
  });

  it('leaves the image absent for a build-only service nobody supplies an image for', () => {
    const resolved = resolve([composeService('api', { build: { context: '.' } })]);

    expect(resolved.services.api?.image).toBeUndefined();
  });

  it.each([
    {
      reason: 'no resources → 0.25 vCPU / 512 MiB defaults',
      svc: {},
      yaml: '',
      cpu: [256, 'default'],
      mem: [512, 'default'],
    },
    {
      reason: 'compose reservations, rounded up',
      svc: { reservations: { cpus: 0.3, memoryMiB: 700 } },
      yaml: '',
      cpu: [512, 'compose'],
      mem: [1024, 'compose'],
    },
    {
      reason: 'compose limits when no reservations',
      svc: { limits: { cpus: 1, memoryMiB: 2048 } },
      yaml: '',
      cpu: [1024, 'compose'],
      mem: [2048, 'compose'],
    },
    {
      reason: 'reservations beat limits',
      svc: { reservations: { cpus: 0.5 }, limits: { cpus: 2, memoryMiB: 4096 } },
      yaml: '',
      cpu: [512, 'compose'],
      mem: [4096, 'compose'],
    },
    {
      reason: 'stack file beats compose',
      svc: { reservations: { cpus: 0.25, memoryMiB: 512 } },
      yaml: 'services:\n  web:\n    cpus: 2\n    memory: 8GiB\n',
      cpu: [2048, 'stack-file'],
      mem: [8192, 'stack-file'],
    },
    {
      reason: 'memory from the stack file raises the cpu tier',
      svc: {},
      yaml: 'services:\n  web:\n    memory: 3000M\n',
      cpu: [512, 'default'],
      mem: [3072, 'stack-file'],
    },
  ] as const)('cpu/memory: $reason', ({ svc, yaml, cpu, mem }) => {
    const resolved = resolve([composeService('web', svc)], yaml);

    expect(resolved.services.web?.cpu).toMatchObject({ value: cpu[0], layer: cpu[1] });
    expect(resolved.services.web?.memoryMiB).toMatchObject({ value: mem[0], layer: mem[1] });
  });

  it('points compose cpu/memory provenance at the reservation the loader recorded', () => {
    const model = composeModel({
      services: [composeService('web', { reservations: { cpus: 1, memoryMiB: 2048 } })],
      locations: {
        'services.web.deploy.resources.reservations.cpus': { line: 12, column: 17 },
        'services.web.deploy.resources.reservations.memory': { line: 13, column: 19 },
      },
    });

    const resolved = resolveStack({ compose: model, stackFile: stackFile() });

    expect(resolved.services.web?.cpu.location).toEqual(composeAt(12, 17));
    expect(resolved.services.web?.memoryMiB.location).toEqual(composeAt(13, 19));
  });

  it.each([
    {
      reason: 'directory name of the compose file',
      name: undefined,
      file: undefined,
      cli: undefined,
      value: 'shop',
      layer: 'default',
    },
    {
      reason: 'compose name:, sanitized',
      name: 'Shop_App',
      file: undefined,
      cli: undefined,
      value: 'shop-app',
      layer: 'compose',
    },
    {
      reason: 'stack-file project beats compose',
      name: 'shop',
      file: 'store',
      cli: undefined,
      value: 'store',
      layer: 'stack-file',
    },
    {
      reason: '-p beats everything, sanitized',
      name: 'shop',
      file: 'store',
      cli: 'My.Store',
      value: 'my-store',
      layer: 'cli',
    },
  ])('project name: $reason', ({ name, file, cli, value, layer }) => {
    const compose = composeModel({ ...(name ? { name } : {}), services: [composeService('web')] });
    const sf = stackFile(file ? `project: ${file}\n` : '');

    const resolved = resolveStack({ compose, stackFile: sf, ...(cli ? { projectOverride: cli } : {}) });

    expect(resolved.project).toMatchObject({ value, layer });
  });

  it('rejects a project name that sanitizes to nothing', () => {
    const compose = composeModel({
      name: '___',
      services: [composeService('web')],
      locations: { name: { line: 1, column: 7 } },
    });

    const problems = problemsOf(() => resolveStack({ compose, stackFile: stackFile() }));

    expect(problems).toEqual([
      expect.objectContaining({
        code: 'STACK_PROJECT_NAME_INVALID',
        field: 'name',
        location: composeAt(1, 7),
      }),
    ]);
  });

  it('takes region from the stack file, --region over it, and refuses a malformed --region', () => {
    const services = [composeService('web')];

    expect(resolve(services).region).toEqual({ value: 'eu-west-1', layer: 'stack-file', location: at(1, 9) });
    expect(resolve(services, '', { region: 'us-east-2' }).region).toEqual({
      value: 'us-east-2',
      layer: 'cli',
    });
    expect(problemsOf(() => resolve(services, '', { region: 'mars' }))).toEqual([
      expect.objectContaining({ field: '--region' }),
    ]);
  });

  it('reports stack-wide settings as default when the file omits them and stack-file when it sets them', () => {
    const services = [composeService('web')];

    const omitted = resolve(services);
    const set = resolve(
      services,
      'mode: affordable\ndriftPolicy: warn\nttl: 1h\ndomain: example.com\nnetwork: { vpc: create, cidr: 10.1.0.0/16 }\n',
    );

    expect([omitted.mode, omitted.driftPolicy, omitted.network]).toEqual([
      { value: 'balanced', layer: 'default' },
      { value: 'correct', layer: 'default' },
      { value: { vpc: 'create' }, layer: 'default' },
    ]);
    expect(omitted.ttlSeconds).toBeUndefined();
    expect(omitted.domain).toBeUndefined();
    expect(set.mode).toEqual({ value: 'affordable', layer: 'stack-file', location: at(2, 7) });
    expect(set.driftPolicy).toEqual({ value: 'warn', layer: 'stack-file', location: at(3, 14) });
    expect(set.ttlSeconds).toEqual({ value: 3600, layer: 'stack-file', location: at(4, 6) });
    expect(set.domain).toEqual({ value: 'example.com', layer: 'stack-file', location: at(5, 9) });
    expect(set.network).toMatchObject({ value: { vpc: 'create', cidr: '10.1.0.0/16' }, layer: 'stack-file' });
    expect(set.preset.capacityProvider).toBe('FARGATE_SPOT');
    expect(set.logRetentionDays).toEqual({ value: 1, layer: 'mode' });
  });

  it('keeps services in compose order', () => {
    const resolved = resolve([composeService('web'), composeService('api'), composeService('worker')]);

    expect(Object.keys(resolved.services)).toEqual(['web', 'api', 'worker']);
  });
});
