import { describe, expect, it } from 'vitest';
import { COMPOSE_PROBLEM, COMPOSE_WARNING } from '../../../../src/desired/compose/index.js';
import { loadError, loadOk, yaml } from './project.js';

function web(...lines: readonly string[]): string {
  return `services:\n  web:\n    image: nginx\n${lines.map((l) => `    ${l}`).join('\n')}\n`;
}

function only(...lines: readonly string[]) {
  const service = loadOk(web(...lines)).services.web;
  if (!service) throw new Error('web missing');
  return service;
}

describe('depends_on, deploy and other scalars', () => {
  it('reads depends_on as a list and as a mapping', () => {
    const model = loadOk(
      yaml`
        services:
          a: { image: x, depends_on: [b] }
          b: { image: x, depends_on: { c: { condition: service_healthy }, d: { condition: service_completed_successfully, required: false } } }
          c: { image: x }
          d: { image: x }
      `,
    );
    expect(model.services.a?.dependsOn).toEqual({ b: { condition: 'service_started', required: true } });
    expect(model.services.b?.dependsOn).toEqual({
      c: { condition: 'service_healthy', required: true },
      d: { condition: 'service_completed_successfully', required: false },
    });
  });

  it('rejects an unknown depends_on condition', () => {
    const error = loadError(
      'services:\n  a:\n    image: x\n    depends_on:\n      b: { condition: ready }\n  b:\n    image: x\n',
    );
    expect(error.problems.map((p) => p.field)).toEqual(['services.a.depends_on.b.condition']);
  });

  it('reads deploy replicas and resources in vCPU and MiB', () => {
    const service = only(
      'deploy:',
      '  replicas: 0',
      '  resources:',
      '    limits: { cpus: "1.5", memory: 2GiB }',
      '    reservations: { cpus: 0.25, memory: 512M }',
    );
    expect(service).toMatchObject({
      replicas: 0,
      limits: { cpus: 1.5, memoryMiB: 2048 },
      reservations: { cpus: 0.25, memoryMiB: 512 },
    });
  });

  it('reads the legacy cpus, mem_limit, mem_reservation and scale when deploy does not set them', () => {
    expect(only('cpus: 0.5', 'mem_limit: 1g', 'mem_reservation: 256m', 'scale: 3')).toMatchObject({
      replicas: 3,
      limits: { cpus: 0.5, memoryMiB: 1024 },
      reservations: { memoryMiB: 256 },
    });
    expect(
      only('cpus: 0.5', 'deploy:', '  replicas: 2', '  resources:', '    limits: { cpus: 2 }', 'scale: 3'),
    ).toMatchObject({
      replicas: 2,
      limits: { cpus: 2 },
    });
  });

  it.each([
    { value: '"no"', restart: 'no' },
    { value: 'always', restart: 'always' },
    { value: 'on-failure', restart: 'on-failure' },
    { value: 'on-failure:3', restart: 'on-failure' },
    { value: 'unless-stopped', restart: 'unless-stopped' },
  ])('reads restart: $value', ({ value, restart }) => {
    expect(only(`restart: ${value}`).restart).toBe(restart);
  });

  it('rejects an unknown restart policy', () => {
    expect(loadError(web('restart: sometimes')).problems.map((p) => p.field)).toEqual([
      'services.web.restart',
    ]);
  });

  it('keeps the scalars the model has fields for', () => {
    expect(
      only(
        'user: "1000:1000"',
        'working_dir: /app',
        'stop_grace_period: 1m',
        'read_only: true',
        'init: true',
        'domainname: shop.example.com',
      ),
    ).toMatchObject({
      user: '1000:1000',
      workingDir: '/app',
      stopGracePeriodSeconds: 60,
      readOnly: true,
      init: true,
      domainname: 'shop.example.com',
    });
  });

  it('keeps build context, dockerfile, target and args, relative to the project', () => {
    expect(
      only(
        'build:',
        '  context: ./app',
        '  dockerfile: Dockerfile.prod',
        '  target: runtime',
        '  args: [A=1, B=2]',
      ).build,
    ).toEqual({
      context: 'app',
      dockerfile: 'Dockerfile.prod',
      target: 'runtime',
      args: { A: '1', B: '2' },
    });
    expect(only('build: .').build).toEqual({ context: '.' });
  });
});

describe('volumes, secrets and networks', () => {
  const compose = yaml`
    services:
      web:
        image: nginx
        volumes:
          - data:/var/lib/data
          - ./conf:/etc/conf:ro
          - /cache
          - type: volume
            source: data
            target: /other
          - type: tmpfs
            target: /tmp
        secrets:
          - db_password
          - source: api_key
            target: /run/secrets/key
        networks: [front, default]
    volumes:
      data:
    secrets:
      db_password: { file: ./db.txt }
      api_key: { environment: API_KEY }
    networks:
      front:
  `;

  it('keeps named volumes, secret names and networks, and warns about everything not mounted', () => {
    const model = loadOk(compose);
    expect(model.services.web).toMatchObject({
      volumes: ['data'],
      secrets: ['db_password', 'api_key'],
      networks: ['front', 'default'],
    });
    expect(model.volumes).toEqual(['data']);
    expect(model.secrets).toEqual(['db_password', 'api_key']);
    expect(model.networks).toEqual(['front', 'default']);
    expect(model.warnings.map((w) => [w.code, w.field])).toEqual([
      [COMPOSE_WARNING.volumeNotPersisted, 'services.web.volumes[0]'],
      [COMPOSE_WARNING.mountDropped, 'services.web.volumes[1]'],
      [COMPOSE_WARNING.mountDropped, 'services.web.volumes[2]'],
      [COMPOSE_WARNING.volumeNotPersisted, 'services.web.volumes[3]'],
      [COMPOSE_WARNING.mountDropped, 'services.web.volumes[4]'],
      [COMPOSE_WARNING.secretNotMounted, 'services.web.secrets[0]'],
      [COMPOSE_WARNING.secretNotMounted, 'services.web.secrets[1]'],
    ]);
    expect(model.warnings[1]?.message).toContain('bind mount ./conf → /etc/conf is not mounted');
    expect(model.warnings[6]?.message).toContain('no file is mounted at /run/secrets/key');
  });

  it('does not need bind-mounted files or secret files to exist', () => {
    expect(() => loadOk(compose)).not.toThrow();
  });

  it('defaults networks to default', () => {
    expect(only().networks).toEqual(['default']);
  });

  it.each([
    {
      reason: 'an undeclared named volume',
      lines: ['volumes: [nope:/data]'],
      field: 'services.web.volumes[0]',
    },
    { reason: 'an undeclared secret', lines: ['secrets: [nope]'], field: 'services.web.secrets[0]' },
    { reason: 'an undeclared network', lines: ['networks: [nope]'], field: 'services.web.networks[0]' },
  ])('rejects $reason', ({ lines, field }) => {
    expect(loadError(web(...lines)).problems.map((p) => [p.code, p.field])).toEqual([
      [COMPOSE_PROBLEM.reference, field],
    ]);
  });
});
