import { describe, expect, it } from 'vitest';
import type { ComposeService } from '../../../../src/desired/compose-types.js';
import {
  bareHost,
  edgeName,
  hostReferences,
  type WiringEdge,
  wiringEdges,
} from '../../../../src/diff/wiring/edges.js';
import {
  composeService,
  containerOnlyPort,
  hostPort,
  ingressPort,
  prov,
  resolvedStack,
} from '../../../helpers/resolved-fixture.js';

describe('hostReferences: hosts a text names, with their port', () => {
  it.each([
    { text: 'http://api:8080', want: [{ host: 'api', port: 8080 }], reason: 'URL with an explicit port' },
    { text: 'http://api/v1', want: [{ host: 'api', port: 80 }], reason: 'http default port' },
    { text: 'https://api', want: [{ host: 'api', port: 443 }], reason: 'https default port' },
    {
      text: 'postgres://user:s3cret@db/app',
      want: [{ host: 'db', port: 5432 }],
      reason: 'user info skipped, postgres default port',
    },
    { text: 'postgresql://db:6543/x', want: [{ host: 'db', port: 6543 }], reason: 'explicit beats default' },
    { text: 'redis://cache:6379/0', want: [{ host: 'cache', port: 6379 }], reason: 'redis URL' },
    { text: 'redis://cache', want: [{ host: 'cache', port: 6379 }], reason: 'redis default' },
    { text: 'mysql://m', want: [{ host: 'm', port: 3306 }], reason: 'mysql default' },
    { text: 'mongodb://mongo', want: [{ host: 'mongo', port: 27017 }], reason: 'mongodb default' },
    { text: 'amqp://guest:guest@mq', want: [{ host: 'mq', port: 5672 }], reason: 'amqp default' },
    { text: 'grpc://svc', want: [{ host: 'svc' }], reason: 'unknown scheme: no port from it' },
    { text: 'db:5432', want: [{ host: 'db', port: 5432 }], reason: 'host:port' },
    { text: 'DB:5432', want: [{ host: 'db', port: 5432 }], reason: 'lowercased' },
    {
      text: 'wait-for db:5432 -- cache:6379',
      want: [
        { host: 'db', port: 5432 },
        { host: 'cache', port: 6379 },
      ],
      reason: 'several host:port words in one command line',
    },
    { text: '--upstream=api:8080', want: [{ host: 'api', port: 8080 }], reason: 'host:port after =' },
    { text: 'db:99999', want: [], reason: 'not a port' },
    { text: '12:30', want: [{ host: '12', port: 30 }], reason: 'looks like host:port; no label matches it' },
    { text: 'plain words', want: [], reason: 'nothing host-like' },
  ])('$text: $reason', ({ text, want }) => {
    expect(hostReferences(text)).toEqual(want);
  });
});

describe('bareHost: a value that is one host name', () => {
  it.each([
    { text: 'db', want: 'db', reason: 'a bare name' },
    { text: ' Cache ', want: 'cache', reason: 'trimmed and lowercased' },
    { text: 'db warm', want: undefined, reason: 'two words are not a host' },
    { text: 'http://db', want: undefined, reason: 'a URL is not bare' },
  ])('$text: $reason', ({ text, want }) => {
    expect(bareHost(text)).toBe(want);
  });
});

const api = composeService('api', { ports: [ingressPort(8080, { published: 8080 })] });
const db = composeService('db', { image: 'postgres:16', postgres: {} });
const cache = composeService('cache', { image: 'redis:7', expose: [6379] });

function names(services: ComposeService[], env: Record<string, string> = {}, domain?: string): string[] {
  const resolved = resolvedStack({
    services,
    ...(domain ? { domain } : {}),
    overrides: {
      web: { environment: Object.fromEntries(Object.entries(env).map(([k, v]) => [k, prov(v)])) },
    },
  });
  return wiringEdges(resolved).map(
    (e: WiringEdge) => `${edgeName(e)} [${e.type === 'private' ? e.sources.join(',') : 'ports'}]`,
  );
}

describe('wiringEdges: edges from names', () => {
  it.each([
    {
      env: { API_URL: 'http://api:8080' },
      want: ['web → api:8080 [environment.API_URL]', 'internet → api:8080 (listener 8080) [ports]'],
      reason: 'a URL naming another service, plus its published port',
    },
    {
      env: { API_URL: 'http://api' },
      want: ['web → api:80 [environment.API_URL]', 'internet → api:8080 (listener 8080) [ports]'],
      reason: 'a URL without port: the scheme default, even if the callee does not listen there',
    },
    {
      env: { DATABASE_URL: 'postgres://u:p@db:5432/app' },
      want: ['web → db:5432 [environment.DATABASE_URL]', 'internet → api:8080 (listener 8080) [ports]'],
      reason: 'managed postgres named in a URL',
    },
    {
      env: { DB_HOST: 'db' },
      want: ['web → db:5432 [environment.DB_HOST]', 'internet → api:8080 (listener 8080) [ports]'],
      reason: 'a bare host: managed postgres listens on 5432',
    },
    {
      env: { CACHE_HOST: 'cache' },
      want: ['web → cache:6379 [environment.CACHE_HOST]', 'internet → api:8080 (listener 8080) [ports]'],
      reason: 'a bare host: the callee container listens on its exposed port',
    },
    {
      env: { UPSTREAM: 'localhost:8080', EXTERNAL: 'https://api.example.com', OTHER: 'http://nowhere:1' },
      want: ['internet → api:8080 (listener 8080) [ports]'],
      reason: 'localhost, external hosts and unknown names are no edges',
    },
    {
      env: { A: 'http://api:8080', B: 'api:8080' },
      want: ['web → api:8080 [environment.A,environment.B]', 'internet → api:8080 (listener 8080) [ports]'],
      reason: 'one edge per caller, callee, port; every source listed',
    },
  ])('$reason', ({ env, want }) => {
    expect(names([composeService('web'), api, db, cache], env)).toEqual(want);
  });

  it.each([
    {
      services: [composeService('web', { command: ['wait-for', 'db:5432', '--', 'serve'] }), db],
      want: ['web → db:5432 [command]'],
      reason: 'host:port in a command',
    },
    {
      services: [composeService('web', { entrypoint: ['/run.sh', 'redis://cache:6379'] }), cache],
      want: ['web → cache:6379 [entrypoint]'],
      reason: 'a URL in the entrypoint',
    },
    {
      services: [composeService('web', { command: ['serve', 'db'] }), db],
      want: [],
      reason: 'a bare word in a command is not read as a host (too many false edges)',
    },
    {
      services: [
        composeService('web', { environment: { DB_HOST: 'db', POSTGRES_USER: 'cache' } }),
        db,
        cache,
      ],
      want: ['web → db:5432 [environment.DB_HOST]'],
      reason:
        'a bare word is a host only under a host-like key (gitea-postgres: POSTGRES_USER=gitea is a user)',
    },
    {
      services: [
        composeService('web', { environment: { BACKEND: 'http://backend:9000' } }),
        composeService('api', { networkAliases: { default: ['Backend'] }, expose: [9000] }),
      ],
      want: ['web → api:9000 as backend [environment.BACKEND]'],
      reason: 'a network alias (lowercased) names its service',
    },
    {
      services: [
        composeService('web', { environment: { H: 'search:9200', C: 'http://worker-1' } }),
        composeService('es', { hostname: 'search', expose: [9200] }),
        composeService('worker', { containerName: 'worker-1' }),
      ],
      want: ['web → es:9200 as search [environment.H]', 'web → worker:80 as worker-1 [environment.C]'],
      reason: 'hostname and container_name name their service',
    },
    {
      services: [
        composeService('web', { dependsOn: { db: { condition: 'service_started', required: true } } }),
        db,
      ],
      want: ['web → db:5432 [depends_on]'],
      reason: 'depends_on on managed data: its port',
    },
    {
      services: [
        composeService('web', { dependsOn: { worker: { condition: 'service_started', required: true } } }),
        composeService('worker'),
      ],
      want: ['web → worker:all [depends_on]'],
      reason: 'depends_on on a service declaring no port: every TCP port, as its group admits',
    },
    {
      services: [
        composeService('web', {
          dependsOn: { migrate: { condition: 'service_completed_successfully', required: true } },
        }),
        composeService('migrate', {
          restart: 'no',
          dependsOn: { seed: { condition: 'service_completed_successfully', required: true } },
        }),
        composeService('seed', { restart: 'no' }),
      ],
      want: [],
      reason: 'depends_on a one-off task is ordering, not a connection (one-off → one-off skipped too)',
    },
    {
      services: [composeService('web', { environment: { SELF: 'http://web:80' }, ports: [hostPort(80)] })],
      want: [],
      reason: 'a service naming itself is no edge',
    },
  ])('$reason', ({ services, want }) => {
    const resolved = resolvedStack({ services });
    expect(
      wiringEdges(resolved).map(
        (e) => `${edgeName(e)} [${e.type === 'private' ? e.sources.join(',') : 'ports'}]`,
      ),
    ).toEqual(want);
  });
});

describe('wiringEdges: public entries', () => {
  it.each([
    {
      ports: [ingressPort(80, { published: 80 })],
      want: ['internet → web:80 (listener 80) [ports]'],
      reason: 'published 80',
    },
    {
      ports: [ingressPort(3000, { published: 8080 })],
      want: ['internet → web:3000 (listener 8080) [ports]'],
      reason: 'published port differs from the container port',
    },
    { ports: [containerOnlyPort(6379)], want: [], reason: 'a container-only port is private' },
    { ports: [hostPort(9000)], want: [], reason: 'a host-mode port is private' },
  ])('$reason', ({ ports, want }) => {
    expect(names([composeService('web', { ports })])).toEqual(want);
  });

  it('a domain stack routes a domainname through the 443 host rule', () => {
    const resolved = resolvedStack({
      domain: 'example.com',
      services: [composeService('web', { ports: [ingressPort(3000, { published: 80 })] })],
      overrides: { web: { domainname: prov('Shop.example.com') } },
    });
    expect(wiringEdges(resolved)).toEqual([
      { type: 'public', callee: 'web', listenerPort: 443, port: 3000, host: 'shop.example.com' },
    ]);
  });
});
