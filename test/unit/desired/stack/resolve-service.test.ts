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
const at = (line: number, column: number) => ({ file: STACK_FILE, line, column });
const composeAt = (line: number, column: number) => ({ file: FIXTURE_COMPOSE_FILE, line, column });

function resolve(
  services: readonly ComposeService[],
  yaml = '',
  options: { cli?: CliOverrides; locations?: Record<string, { line: number; column: number }> } = {},
) {
  return resolveStack({
    compose: composeModel({ services, ...(options.locations ? { locations: options.locations } : {}) }),
    stackFile: parseStackFile(STACK_FILE, `region: eu-west-1\n${yaml}`),
    ...(options.cli ? { cli: options.cli } : {}),
  });
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

describe('resolveStack per service', () => {
  it('overrides compose literals with stack-file environment, each value keeping its layer', () => {
    const web = composeService('web', {
      environment: { LOG_LEVEL: 'info', QUEUE: 'orders', API_TOKEN: null },
    });

    const resolved = resolve(
      [web],
      'services:\n  web:\n    environment:\n      LOG_LEVEL: debug\n      EXTRA: "1"\n',
      {
        locations: { 'services.web.environment.QUEUE': { line: 8, column: 14 } },
      },
    );

    expect(resolved.services.web?.environment).toEqual({
      EXTRA: { value: '1', layer: 'stack-file', location: at(6, 14) },
      LOG_LEVEL: { value: 'debug', layer: 'stack-file', location: at(5, 18) },
      QUEUE: { value: 'orders', layer: 'compose', location: composeAt(8, 14) },
    });
  });

  it('collects secret keys from value-less environment keys and compose secrets, sorted and unique', () => {
    const web = composeService('web', {
      environment: { STRIPE_KEY: null, LOG_LEVEL: 'info', DB_PASSWORD: null },
      secrets: ['DB_PASSWORD', 'API_TOKEN'],
    });

    const resolved = resolve([web]);

    expect(resolved.services.web?.secretKeys).toEqual(['API_TOKEN', 'DB_PASSWORD', 'STRIPE_KEY']);
    expect(Object.keys(resolved.services.web?.environment ?? {})).toEqual(['LOG_LEVEL']);
  });

  it('refuses a stack-file literal for a key compose supplies from SSM', () => {
    const web = composeService('web', { environment: { FEATURE_FLAGS: null } });

    const problems = problemsOf(() =>
      resolve([web], 'services:\n  web:\n    environment:\n      FEATURE_FLAGS: all\n'),
    );

    expect(problems).toEqual([
      expect.objectContaining({
        code: 'STACK_ENV_SHADOWS_SECRET',
        field: 'services.web.environment.FEATURE_FLAGS',
        location: at(5, 22),
      }),
    ]);
  });

  it.each([
    {
      reason: 'compose domainname inside the zone',
      compose: 'shop.example.com',
      yaml: 'domain: example.com\n',
      value: 'shop.example.com',
      layer: 'compose',
    },
    {
      reason: 'the zone apex itself',
      compose: undefined,
      yaml: 'domain: example.com\nservices:\n  web:\n    domainname: example.com\n',
      value: 'example.com',
      layer: 'stack-file',
    },
    {
      reason: 'stack file beats compose',
      compose: 'shop.example.com',
      yaml: 'domain: example.com\nservices:\n  web:\n    domainname: staging.example.com\n',
      value: 'staging.example.com',
      layer: 'stack-file',
    },
  ])('domainname: $reason', ({ compose, yaml, value, layer }) => {
    const resolved = resolve([composeService('web', compose ? { domainname: compose } : {})], yaml);

    expect(resolved.services.web?.domainname).toMatchObject({ value, layer });
  });

  it.each([
    {
      reason: 'compose domainname with no zone: not used, with a warning at the compose line',
      compose: 'shop.example.org',
      yaml: '',
      warning: {
        code: 'DOMAINNAME_UNUSED',
        field: 'services.web.domainname',
        location: composeAt(4, 16),
        message: expect.stringMatching(
          /domainname shop\.example\.org is not used in this stack: it has no `domain:`, so service "web" is served on the load balancer's own name.*`services\.web\.domainname: false`/,
        ),
      },
    },
    {
      reason: 'stack-file domainname with no zone: not used, with a warning at the stack-file line',
      compose: undefined,
      yaml: 'services:\n  web:\n    domainname: shop.example.com\n',
      warning: { code: 'DOMAINNAME_UNUSED', location: at(4, 17) },
    },
    {
      reason: 'domainname: false switches the compose one off in a domain stack, silently',
      compose: 'shop.example.com',
      yaml: 'domain: example.com\nservices:\n  web:\n    domainname: false\n',
      warning: undefined,
    },
    {
      reason: 'domainname: false without a zone silences the warning',
      compose: 'shop.example.org',
      yaml: 'services:\n  web:\n    domainname: false\n',
      warning: undefined,
    },
  ])('domainname not used: $reason', ({ compose, yaml, warning }) => {
    const resolved = resolve([composeService('web', compose ? { domainname: compose } : {})], yaml, {
      locations: { 'services.web.domainname': { line: 4, column: 16 } },
    });

    expect(resolved.services.web?.domainname).toBeUndefined();
    const warnings = resolved.warnings.filter((w) => w.code === 'DOMAINNAME_UNUSED');
    expect(warnings).toEqual(warning === undefined ? [] : [expect.objectContaining(warning)]);
  });

  it.each([
    { reason: 'null', value: '~' },
    { reason: 'an empty string', value: '""' },
    { reason: 'true', value: 'true' },
  ])(
    'refuses domainname $reason in the stack file, saying false is the way to switch it off',
    ({ value }) => {
      const error = (() => {
        try {
          parseStackFile(STACK_FILE, `region: eu-west-1\nservices:\n  web:\n    domainname: ${value}\n`);
        } catch (e) {
          return e as { problems: readonly StackProblem[] };
        }
        throw new Error('expected a StackFileError');
      })();
      expect(error.problems).toEqual([
        expect.objectContaining({
          field: 'services.web.domainname',
          message: expect.stringContaining('or false to not use the compose domainname'),
          location: expect.objectContaining({ line: 4 }),
        }),
      ]);
    },
  );

  it.each([
    { reason: 'private keeps a published port off the load balancer', value: 'private' },
    { reason: 'http asserts a port speaks HTTP', value: 'http' },
  ])('ports override: $reason, located in the stack file', ({ value }) => {
    const web = composeService('web', {
      ports: [{ target: 80, published: 8080, protocol: 'tcp', mode: 'ingress' }],
    });
    const resolved = resolve([web], `services:\n  web:\n    ports:\n      "8080": ${value}\n`);

    expect(resolved.services.web?.portOverrides).toEqual({
      '8080': { value, layer: 'stack-file', location: at(5, 15) },
    });
  });

  it.each([
    {
      reason: 'a port compose does not publish (a container port is not a published one)',
      lines: '"80": private',
      message: 'service "web" publishes no port 80 in compose (published: 8080)',
      field: 'services.web.ports.80',
      code: 'STACK_INVALID',
    },
    {
      reason: 'a value other than private or http',
      lines: '"8080": public',
      message: 'must be private (keep it off the load balancer) or http (serve it on the load balancer)',
      field: 'services.web.ports.8080',
      code: 'STACK_FILE_INVALID',
    },
    {
      reason: 'a key that is not a port',
      lines: 'web: private',
      message: '"web" is not a published port (1-65535)',
      field: 'services.web.ports.web',
      code: 'STACK_FILE_INVALID',
    },
  ])('rejects a ports override: $reason, at its line', ({ lines, message, field, code }) => {
    const web = composeService('web', {
      ports: [{ target: 80, published: 8080, protocol: 'tcp', mode: 'ingress' }],
    });
    const problems = (() => {
      try {
        resolve([web], `services:\n  web:\n    ports:\n      ${lines}\n`);
      } catch (e) {
        return (e as { problems: readonly StackProblem[] }).problems;
      }
      throw new Error('expected an error');
    })();
    expect(problems).toEqual([
      expect.objectContaining({ code, field, message, location: expect.objectContaining({ line: 5 }) }),
    ]);
  });

  it.each([
    {
      reason: 'a service with neither ports nor expose, sharing a network',
      services: [composeService('worker'), composeService('web', { expose: [80] })],
      warned: true,
    },
    {
      reason: 'a service with expose',
      services: [composeService('worker', { expose: [9000] }), composeService('web')],
      warned: false,
    },
    {
      reason: 'a service alone on its network (nobody can reach it anyway)',
      services: [composeService('worker', { networks: ['solo'] }), composeService('web')],
      warned: false,
    },
    {
      reason: 'a managed database (its port is known)',
      services: [composeService('worker', { postgres: {} }), composeService('web')],
      warned: false,
    },
    {
      reason: 'a one-off task that runs to completion (it serves nobody)',
      services: [
        composeService('worker', { restart: 'no' }),
        composeService('web', {
          dependsOn: { worker: { condition: 'service_completed_successfully', required: true } },
        }),
      ],
      warned: false,
    },
  ])('warns that undeclared ports admit all TCP: $reason', ({ services, warned }) => {
    const warnings = resolve(services).warnings.filter(
      (w) => w.code === 'PORTS_UNDECLARED' && w.field === 'services.worker',
    );
    expect(warnings).toEqual(
      warned
        ? [
            expect.objectContaining({
              field: 'services.worker',
              message: expect.stringContaining(
                'service "worker" declares no ports, so services on its networks may reach it on any TCP port; list the ports it listens on under `expose`',
              ),
            }),
          ]
        : [],
    );
  });

  it.each([
    {
      reason: 'stack-file domainname outside the zone',
      compose: undefined,
      yaml: 'domain: example.com\nservices:\n  web:\n    domainname: shop.example.org\n',
      location: at(5, 17),
    },
    {
      reason: 'compose domainname outside the zone (suffix without a dot)',
      compose: 'shop.notexample.com',
      yaml: 'domain: example.com\n',
      location: composeAt(4, 16),
    },
  ])('rejects $reason with STACK_DOMAIN_OUTSIDE_ZONE', ({ compose, yaml, location }) => {
    const web = composeService('web', compose ? { domainname: compose } : {});

    const problems = problemsOf(() =>
      resolve([web], yaml, { locations: { 'services.web.domainname': { line: 4, column: 16 } } }),
    );

    expect(problems).toEqual([
      expect.objectContaining({
        code: 'STACK_DOMAIN_OUTSIDE_ZONE',
        field: 'services.web.domainname',
        location,
      }),
    ]);
  });

  it.each([
    {
      reason: 'compose request alone: min = replicas, max = 2 x min, target 70 %',
      svc: { replicas: 3, autoscaling: {} },
      yaml: '',
      value: { min: 3, max: 6, targetCpu: 70 },
      layer: 'compose',
    },
    {
      reason: 'compose values',
      svc: { autoscaling: { min: 2, max: 10, targetCpu: 50 } },
      yaml: '',
      value: { min: 2, max: 10, targetCpu: 50 },
      layer: 'compose',
    },
    {
      reason: 'stack file min, max defaults to 2 x min',
      svc: { autoscaling: { max: 10 } },
      yaml: 'services:\n  web:\n    autoscaling: { min: 4 }\n',
      value: { min: 4, max: 10, targetCpu: 70 },
      layer: 'stack-file',
    },
    {
      reason: 'stack file alone, min from stack-file replicas',
      svc: {},
      yaml: 'services:\n  web:\n    replicas: 2\n    autoscaling: { targetCpu: 40 }\n',
      value: { min: 2, max: 4, targetCpu: 40 },
      layer: 'stack-file',
    },
  ])('autoscaling: $reason', ({ svc, yaml, value, layer }) => {
    const resolved = resolve([composeService('web', svc)], yaml);

    expect(resolved.services.web?.autoscaling).toMatchObject({ value, layer });
  });

  it('has no autoscaling when neither compose nor the stack file asks for it', () => {
    expect(resolve([composeService('web')]).services.web?.autoscaling).toBeUndefined();
  });

  it('refuses autoscaling whose combined max is below min', () => {
    const web = composeService('web', { autoscaling: { max: 2 } });

    const problems = problemsOf(() => resolve([web], 'services:\n  web:\n    autoscaling: { min: 5 }\n'));

    expect(problems).toEqual([
      expect.objectContaining({ code: 'STACK_AUTOSCALING_INVALID', field: 'services.web.autoscaling' }),
    ]);
  });

  it('reports a size no Fargate task has, at the layer that asked for it', () => {
    const problems = problemsOf(() =>
      resolve([composeService('web')], 'services:\n  web:\n    cpus: 16\n    memory: 200GiB\n'),
    );

    expect(problems).toEqual([
      expect.objectContaining({
        code: 'FARGATE_SIZE_UNAVAILABLE',
        field: 'services.web.memory',
        location: at(5, 13),
      }),
    ]);
  });

  it.each([
    {
      reason: 'high_availability with 1 replica warns',
      yaml: 'mode: high_availability\n',
      svc: {},
      warned: true,
    },
    {
      reason: 'high_availability with a 0-replica hot spare warns',
      yaml: 'mode: high_availability\nservices:\n  web:\n    replicas: 0\n',
      svc: {},
      warned: true,
    },
    {
      reason: 'high_availability with 2 replicas is fine',
      yaml: 'mode: high_availability\n',
      svc: { replicas: 2 },
      warned: false,
    },
    {
      reason: 'high_availability with autoscaling min 2 is fine',
      yaml: 'mode: high_availability\n',
      svc: { autoscaling: { min: 2 } },
      warned: false,
    },
    { reason: 'balanced with 1 replica is fine', yaml: 'mode: balanced\n', svc: {}, warned: false },
    {
      reason: 'a managed Postgres service is not a task',
      yaml: 'mode: high_availability\n',
      svc: { postgres: {} },
      warned: false,
    },
    {
      reason: 'a managed Redis service is not a task',
      yaml: 'mode: high_availability\n',
      svc: { redis: {} },
      warned: false,
    },
    {
      reason: 'a run-once task is not kept running',
      yaml: 'mode: high_availability\n',
      svc: { restart: 'no' as const },
      warned: false,
    },
  ])('$reason', ({ yaml, svc, warned }) => {
    const resolved = resolve([composeService('web', svc)], yaml);

    const warnings = resolved.warnings.filter((w) => w.code === 'REPLICAS_BELOW_MODE_MINIMUM');
    expect(warnings).toEqual(
      warned
        ? [
            expect.objectContaining({
              field: 'services.web.replicas',
              message: expect.stringContaining('"web"'),
            }),
          ]
        : [],
    );
  });
});
