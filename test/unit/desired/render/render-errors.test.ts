import { describe, expect, it } from 'vitest';
import { RenderError, renderStack } from '../../../../src/desired/render/index.js';
import type { ResolvedStack } from '../../../../src/desired/resolved-types.js';
import { StackctlError } from '../../../../src/errors.js';
import {
  composeService,
  FIXTURE_COMPOSE_FILE,
  ingressPort,
  prov,
  resolvedStack,
} from '../../../helpers/resolved-fixture.js';

const at = (line: number, column = 5) => ({ file: FIXTURE_COMPOSE_FILE, line, column });
const STACK_FILE = '/project/.stackctl/dev.yaml';

function renderError(resolved: ResolvedStack): RenderError {
  try {
    renderStack(resolved);
  } catch (e) {
    if (e instanceof RenderError) return e;
    throw e;
  }
  throw new Error('renderStack did not throw');
}

const req = { condition: 'service_started' as const, required: true };

describe('render errors', () => {
  it.each([
    {
      reason: 'a service with build and no image says how to supply one',
      resolved: resolvedStack({
        services: [composeService('web', { image: undefined, build: { context: '.' } })],
        overrides: { web: { image: null } },
        locations: { 'services.web.build': at(4) },
      }),
      field: 'services.web.build',
      location: at(4),
      message: /no image.*services\.web\.image: <ref>.*--image web=<ref>/,
    },
    {
      reason: 'a domainname without an ingress port',
      resolved: resolvedStack({
        domain: 'example.com',
        services: [composeService('worker', { expose: [9000], domainname: 'w.example.com' })],
        locations: { 'services.worker.domainname': at(9) },
      }),
      field: 'services.worker.domainname',
      location: at(9),
      message: /needs an ingress port/,
    },
    {
      reason: 'a domainname when the stack has no domain, located in the stack file that set it',
      resolved: resolvedStack({
        services: [composeService('web', { ports: [ingressPort(80)] })],
        overrides: {
          web: {
            domainname: {
              value: 'shop.example.com',
              layer: 'stack-file',
              location: { file: STACK_FILE, line: 7 },
            },
          },
        },
      }),
      field: 'services.web.domainname',
      location: { file: STACK_FILE, line: 7 },
      message: /needs a Route 53 zone: set `domain: <zone>`/,
    },
    {
      reason: 'a domainname outside the stack domain',
      resolved: resolvedStack({
        domain: 'example.com',
        services: [composeService('web', { ports: [ingressPort(80)], domainname: 'shop.other.org' })],
      }),
      field: 'services.web.domainname',
      location: { file: FIXTURE_COMPOSE_FILE },
      message: /not inside the stack's domain "example.com"/,
    },
    {
      reason: 'a dependency on an unknown service',
      resolved: resolvedStack({
        services: [composeService('web', { dependsOn: { ghost: req } })],
        locations: { 'services.web.depends_on.ghost': at(12, 9), 'services.web': at(2, 3) },
      }),
      field: 'services.web.depends_on.ghost',
      location: at(12, 9),
      message: /unknown service "ghost"/,
    },
    {
      reason: 'a depends_on cycle',
      resolved: resolvedStack({
        services: [
          composeService('a', { dependsOn: { b: req } }),
          composeService('b', { dependsOn: { a: req } }),
        ],
        locations: { 'services.b.depends_on.a': at(20) },
      }),
      field: 'services.b.depends_on.a',
      location: at(20),
      message: /cycle: a -> b -> a/,
    },
    {
      reason: 'two services routed on the same host',
      resolved: resolvedStack({
        domain: 'example.com',
        services: [
          composeService('a', { ports: [ingressPort(80)], domainname: 'x.example.com' }),
          composeService('b', { ports: [ingressPort(80)], domainname: 'x.example.com' }),
        ],
      }),
      field: 'services.b.domainname',
      location: { file: FIXTURE_COMPOSE_FILE },
      message: /"x.example.com" is already routed to service "a"/,
    },
    {
      reason: 'a udp ingress port',
      resolved: resolvedStack({
        services: [composeService('dns', { ports: [ingressPort(53, { protocol: 'udp' })] })],
      }),
      field: 'services.dns.ports',
      location: { file: FIXTURE_COMPOSE_FILE },
      message: /udp ingress/,
    },
    {
      reason: 'an invalid VPC CIDR',
      resolved: resolvedStack({
        services: [composeService('app')],
        network: { vpc: 'create', cidr: '10.0.0.0/8' },
      }),
      field: 'network.cidr',
      location: { file: FIXTURE_COMPOSE_FILE },
      message: /not an aligned IPv4 CIDR/,
    },
    {
      reason: 'an existing VPC without the private subnets the data needs',
      resolved: resolvedStack({
        services: [composeService('db', { postgres: {} })],
        network: { vpc: 'vpc-1', publicSubnets: ['subnet-1'], privateSubnets: [] },
      }),
      field: 'network.privateSubnets',
      location: { file: FIXTURE_COMPOSE_FILE },
      message: /needs private subnets/,
    },
    {
      reason: 'a database name RDS refuses',
      resolved: resolvedStack({
        services: [composeService('db', { postgres: {}, environment: { POSTGRES_DB: 'my-db' } })],
      }),
      field: 'services.db.environment.POSTGRES_DB',
      location: { file: FIXTURE_COMPOSE_FILE },
      message: /not a valid RDS name/,
    },
    {
      reason: 'a service depending on two managed databases',
      resolved: resolvedStack({
        services: [
          composeService('db1', { postgres: {} }),
          composeService('db2', { postgres: {} }),
          composeService('api', { dependsOn: { db1: req, db2: req } }),
        ],
      }),
      field: 'services.api.depends_on',
      location: { file: FIXTURE_COMPOSE_FILE },
      message: /several managed postgres services \(db1, db2\)/,
    },
  ])('$reason', ({ resolved, field, location, message }) => {
    const error = renderError(resolved);
    expect(error).toBeInstanceOf(StackctlError);
    expect(error.code).toBe('RENDER_INVALID');
    expect(error.problems).toHaveLength(1);
    const [problem] = error.problems;
    expect(problem?.field).toBe(field);
    expect(problem?.message).toMatch(message);
    expect(problem?.location).toEqual(location);
    expect(error.message).toContain(field);
  });

  it('reports every problem at once, each with its location', () => {
    const error = renderError(
      resolvedStack({
        services: [
          composeService('web', { image: undefined, build: { context: '.' }, dependsOn: { ghost: req } }),
          composeService('worker', { domainname: 'w.example.com' }),
        ],
        overrides: { web: { image: null } },
        locations: {
          'services.web.build': at(3),
          'services.web.depends_on.ghost': at(6),
          'services.worker.domainname': at(10),
        },
      }),
    );
    expect(error.problems.map((p) => [p.field, p.location?.line])).toEqual([
      ['services.web.build', 3],
      ['services.web.depends_on.ghost', 6],
      ['services.worker.domainname', 10],
      ['services.worker.domainname', 10],
    ]);
    expect(error.describe()).toContain(
      `${FIXTURE_COMPOSE_FILE}:6:5: services.web.depends_on.ghost: depends on unknown service`,
    );
  });

  it.each([
    {
      reason: 'an optional dependency on a missing service',
      services: [composeService('web', { dependsOn: { ghost: { ...req, required: false } } })],
    },
    {
      reason: 'a managed database with no image of its own',
      services: [composeService('db', { image: undefined, postgres: {} })],
    },
  ])('accepts $reason', ({ services }) => {
    expect(() => renderStack(resolvedStack({ services }))).not.toThrow();
  });

  it('never echoes environment values in errors', () => {
    const error = renderError(
      resolvedStack({
        services: [
          composeService('web', { environment: { API_TOKEN: 's3cr3t-value' }, dependsOn: { ghost: req } }),
        ],
        overrides: { web: { environment: { API_TOKEN: prov('s3cr3t-value') } } },
      }),
    );
    expect(error.message).not.toContain('s3cr3t-value');
  });
});
