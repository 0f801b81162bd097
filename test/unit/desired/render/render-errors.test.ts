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
      message: /needs a published HTTP port.*services\.worker\.domainname: false/,
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
          composeService('b', { ports: [ingressPort(80, { published: 8080 })], domainname: 'x.example.com' }),
        ],
      }),
      field: 'services.b.domainname',
      location: { file: FIXTURE_COMPOSE_FILE },
      message: /"x.example.com" is already routed to service "a"/,
    },
    {
      reason: 'a published UDP port says to drop the host side',
      resolved: resolvedStack({
        services: [composeService('dns', { ports: [ingressPort(53, { protocol: 'udp' })] })],
      }),
      field: 'services.dns.ports',
      location: { file: FIXTURE_COMPOSE_FILE },
      message:
        /UDP port 53:53 cannot be published: the load balancer serves HTTP\(S\) only.*drop the host side \("53\/udp"\)/,
    },
    {
      reason: 'two services publishing the same port (docker: port is already allocated), at the second one',
      resolved: resolvedStack({
        services: [
          composeService('api', {
            ports: [ingressPort(3000, { published: 80, source: 'services.api.ports[0]' })],
          }),
          composeService('web', { ports: [ingressPort(80, { source: 'services.web.ports[1]' })] }),
        ],
        locations: { 'services.web.ports[1]': at(14, 9) },
      }),
      field: 'services.web.ports[1]',
      location: at(14, 9),
      message: /port 80 is published by both service "api" and service "web".*already allocated/,
    },
    {
      reason: 'a data image port published on the load balancer, with the three ways out',
      resolved: resolvedStack({
        services: [
          composeService('cache', {
            image: 'redis:7.2-alpine',
            ports: [ingressPort(6379, { source: 'services.cache.ports[0]' })],
          }),
        ],
        locations: { 'services.cache.ports[0]': at(7, 9) },
      }),
      field: 'services.cache.ports[0]',
      location: at(7, 9),
      message: new RegExp(
        [
          'port "6379:6379" cannot be published on the load balancer, which serves HTTP only: ',
          'container port 6379 of image redis:7.2-alpine speaks the redis protocol, not HTTP\\. ',
          'To reach it from the stack\'s services only, drop the host side \\("6379"\\) or list it under expose; ',
          'or keep it in compose and set `services\\.cache\\.ports: \\{ "6379": private \\}` in the stack file; ',
          'if it does speak HTTP, set `services\\.cache\\.ports: \\{ "6379": http \\}`',
        ].join(''),
      ),
    },
    {
      reason: 'a port whose app_protocol is not HTTP',
      resolved: resolvedStack({
        services: [
          composeService('rpc', { ports: [ingressPort(50051, { published: 443, appProtocol: 'grpc' })] }),
        ],
      }),
      field: 'services.rpc.ports',
      location: { file: FIXTURE_COMPOSE_FILE },
      message: /port "443:50051" cannot be published.*its app_protocol is grpc, not HTTP/,
    },
    {
      reason: 'a service on more networks than a Fargate task has security groups for',
      resolved: resolvedStack({
        services: [composeService('hub', { networks: ['a', 'b', 'c', 'd', 'e'] })],
      }),
      field: 'services.hub.networks',
      location: { file: FIXTURE_COMPOSE_FILE },
      message: /on 5 networks \(a, b, c, d, e\).*at most 5 security groups.*at most 4 networks/,
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
        domain: 'example.com',
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
    {
      reason: 'a domainname in a stack without domain (the resolver warns; the load balancer name serves it)',
      services: [composeService('web', { ports: [ingressPort(80)], domainname: 'shop.example.com' })],
    },
    {
      reason: 'a data image port kept private by the stack file',
      services: [composeService('cache', { image: 'redis:7', ports: [ingressPort(6379)] })],
      overrides: { cache: { portOverrides: { '6379': 'private' as const } } },
    },
    {
      reason: 'a data image port on a container port that is not its protocol port',
      services: [composeService('pg', { image: 'postgres:16', ports: [ingressPort(8080)] })],
    },
    {
      reason: 'a service on four networks',
      services: [composeService('hub', { networks: ['a', 'b', 'c', 'd'] })],
    },
  ])('accepts $reason', ({ services, overrides }) => {
    expect(() => renderStack(resolvedStack({ services, ...(overrides ? { overrides } : {}) }))).not.toThrow();
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
