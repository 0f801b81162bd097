import { describe, expect, it } from 'vitest';
import { COMPOSE_PROBLEM, COMPOSE_WARNING } from '../../../../src/desired/compose/index.js';
import { loadError, loadOk } from './project.js';

function web(...lines: readonly string[]): string {
  return `services:\n  web:\n    image: nginx\n${lines.map((l) => `    ${l}`).join('\n')}\n`;
}

function only(...lines: readonly string[]) {
  const service = loadOk(web(...lines)).services.web;
  if (!service) throw new Error('web missing');
  return service;
}

describe('ports', () => {
  it.each([
    {
      reason: 'short syntax with a host side is published (public)',
      port: '"8080:80"',
      expected: { target: 80, published: 8080, protocol: 'tcp', mode: 'ingress' },
    },
    {
      reason: 'a bare number has no host side (private)',
      port: '3000',
      expected: { target: 3000, protocol: 'tcp', mode: 'ingress' },
    },
    {
      reason: 'a loopback host IP keeps the port private',
      port: '"127.0.0.1:5432:5432"',
      expected: { target: 5432, published: 5432, protocol: 'tcp', mode: 'host' },
    },
    {
      reason: 'a wildcard host IP changes nothing',
      port: '"0.0.0.0:80:80/tcp"',
      expected: { target: 80, published: 80, protocol: 'tcp', mode: 'ingress' },
    },
    {
      reason: 'long syntax with every field',
      port: '{ target: 50051, published: 443, protocol: tcp, mode: ingress, app_protocol: grpc }',
      expected: { target: 50051, published: 443, protocol: 'tcp', mode: 'ingress', appProtocol: 'grpc' },
    },
    {
      reason: 'long syntax without published (private)',
      port: '{ target: 80 }',
      expected: { target: 80, protocol: 'tcp', mode: 'ingress' },
    },
    {
      reason: 'long syntax host mode',
      port: '{ target: 6379, mode: host }',
      expected: { target: 6379, protocol: 'tcp', mode: 'host' },
    },
    {
      reason: 'a container-only UDP port (private)',
      port: '"53/udp"',
      expected: { target: 53, protocol: 'udp', mode: 'ingress' },
    },
  ])('folds $reason', ({ port, expected }) => {
    // `source` points errors raised after loading (a refused port) at the entry.
    expect(only(`ports: [${port}]`).ports).toEqual([{ ...expected, source: 'services.web.ports[0]' }]);
  });

  it.each([
    { reason: 'a bare container port', lines: ['ports: ["6379"]'], port: 6379, warned: true },
    { reason: 'long syntax without published', lines: ['ports: [{ target: 80 }]'], port: 80, warned: true },
    { reason: 'a published port', lines: ['ports: ["8080:80"]'], port: 80, warned: false },
    { reason: 'a host-mode port', lines: ['ports: [{ target: 80, mode: host }]'], port: 80, warned: false },
  ])('warns that a container-only port is private: $reason', ({ lines, port, warned }) => {
    const warnings = loadOk(web(...lines)).warnings.filter((w) => w.message.includes('is private'));
    expect(warnings).toEqual(
      warned
        ? [
            expect.objectContaining({
              code: COMPOSE_WARNING.adjusted,
              field: 'services.web.ports[0]',
              message: expect.stringContaining(
                `port ${port} has no published (host) port, so it is private: reachable from the stack's services only`,
              ),
            }),
          ]
        : [],
    );
    if (warned) expect(warnings[0]?.location?.line).toBe(4);
  });

  it('expands ranges', () => {
    expect(only('ports: ["9000-9001:8000-8001"]').ports.map((p) => [p.published, p.target])).toEqual([
      [9000, 8000],
      [9001, 8001],
    ]);
  });

  it('warns when a loopback-bound port is made private', () => {
    const model = loadOk(web('ports: ["127.0.0.1:9229:9229"]'));
    expect(model.warnings).toEqual([
      expect.objectContaining({ code: COMPOSE_WARNING.adjusted, field: 'services.web.ports[0]' }),
    ]);
  });

  it.each([
    { reason: 'a bad short port', lines: ['ports: ["80:http"]'], field: 'services.web.ports[0]' },
    {
      reason: 'a long port without target',
      lines: ['ports: [{ published: 80 }]'],
      field: 'services.web.ports[0]',
    },
    {
      reason: 'a bad mode',
      lines: ['ports: [{ target: 80, mode: public }]'],
      field: 'services.web.ports[0].mode',
    },
    { reason: 'ports that are not a list', lines: ['ports: "80:80"'], field: 'services.web.ports' },
  ])('rejects $reason', ({ lines, field }) => {
    expect(loadError(web(...lines)).problems.map((p) => [p.code, p.field])).toEqual([
      [COMPOSE_PROBLEM.invalidValue, field],
    ]);
  });

  it('reads expose as container ports', () => {
    expect(only('expose: [3000, "4000/tcp", "5000-5001", 3000]').expose).toEqual([3000, 4000, 5000, 5001]);
  });
});

describe('environment, labels and commands', () => {
  it.each([
    {
      reason: 'a list',
      lines: ['environment: [A=1, B=, C, D=x=y]'],
      expected: { A: '1', B: '', C: null, D: 'x=y' },
    },
    {
      reason: 'a mapping',
      lines: ['environment:', '  A: 1', '  B: ""', '  C:', '  D: true', '  E: 1.10'],
      expected: { A: '1', B: '', C: null, D: 'true', E: '1.10' },
    },
  ])('reads environment as $reason', ({ lines, expected }) => {
    expect(only(...lines).environment).toEqual(expected);
  });

  it.each([
    { reason: 'a list', lines: ['labels: [a=1, b]'], expected: { a: '1', b: '' } },
    {
      reason: 'a mapping',
      lines: ['labels: { a: 1, "traefik.enable": true }'],
      expected: { a: '1', 'traefik.enable': 'true' },
    },
  ])('reads labels as $reason', ({ lines, expected }) => {
    expect(only(...lines).labels).toEqual(expected);
  });

  it.each([
    {
      reason: 'a string, split like a shell',
      lines: [`command: sh -c "sleep 1 && run" --flag='a b'`],
      command: ['sh', '-c', 'sleep 1 && run', '--flag=a b'],
    },
    {
      reason: 'a list, kept as is',
      lines: ['command: ["npm", "run", "start watch", 8]'],
      command: ['npm', 'run', 'start watch', '8'],
    },
    { reason: 'an empty list', lines: ['command: []'], command: [] },
  ])('reads command as $reason', ({ lines, command }) => {
    expect(only(...lines).command).toEqual(command);
  });

  it('reads entrypoint the same way', () => {
    expect(only('entrypoint: nodemon --inspect=0.0.0.0 server.js').entrypoint).toEqual([
      'nodemon',
      '--inspect=0.0.0.0',
      'server.js',
    ]);
  });

  it('rejects a command with an unclosed quote', () => {
    expect(loadError(web('command: sh -c "oops')).problems.map((p) => p.field)).toEqual([
      'services.web.command',
    ]);
  });
});

describe('healthcheck', () => {
  it.each([
    {
      reason: 'a string becomes CMD-SHELL',
      lines: ['healthcheck:', '  test: curl -f localhost || exit 1'],
      expected: { disable: false, test: ['CMD-SHELL', 'curl -f localhost || exit 1'] },
    },
    {
      reason: 'CMD is kept',
      lines: ['healthcheck:', '  test: [CMD, curl, -f, localhost]'],
      expected: { disable: false, test: ['CMD', 'curl', '-f', 'localhost'] },
    },
    {
      reason: 'CMD-SHELL is kept',
      lines: ['healthcheck:', '  test: [CMD-SHELL, "pg_isready"]'],
      expected: { disable: false, test: ['CMD-SHELL', 'pg_isready'] },
    },
    { reason: 'NONE disables', lines: ['healthcheck:', '  test: [NONE]'], expected: { disable: true } },
    {
      reason: 'disable: true disables',
      lines: ['healthcheck:', '  disable: true'],
      expected: { disable: true },
    },
    {
      reason: 'durations become seconds',
      lines: [
        'healthcheck:',
        '  test: [CMD, "true"]',
        '  interval: 1m30s',
        '  timeout: 500ms',
        '  start_period: 2m',
        '  retries: 3',
      ],
      expected: {
        disable: false,
        test: ['CMD', 'true'],
        interval: 90,
        timeout: 0.5,
        startPeriod: 120,
        retries: 3,
      },
    },
  ])('$reason', ({ lines, expected }) => {
    expect(only(...lines).healthcheck).toEqual(expected);
  });

  it('drops a healthcheck without test, with a warning', () => {
    const model = loadOk(web('healthcheck:', '  interval: 10s'));
    expect(model.services.web?.healthcheck).toBeUndefined();
    expect(model.warnings.map((w) => w.field)).toEqual(['services.web.healthcheck']);
  });
});
