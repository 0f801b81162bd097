import { describe, expect, it } from 'vitest';
import { COMPOSE_PROBLEM, COMPOSE_WARNING } from '../../../../src/desired/compose/index.js';
import { loadError, loadOk } from './project.js';

/** A one-service compose file with `lines` added to the service (each at service-field indentation). */
function service(...lines: readonly string[]): string {
  return `services:\n  web:\n    image: nginx\n${lines.map((l) => `    ${l}`).join('\n')}\n`;
}

describe('fields Fargate cannot honour', () => {
  it.each([
    {
      reason: 'privileged',
      lines: ['privileged: true'],
      field: 'services.web.privileged',
      message: 'privileged containers are not possible on Fargate',
    },
    {
      reason: 'cap_add',
      lines: ['cap_add: [NET_ADMIN]'],
      field: 'services.web.cap_add',
      message: 'not possible on Fargate',
    },
    {
      reason: 'devices',
      lines: ['devices: ["/dev/ttyUSB0:/dev/ttyUSB0"]'],
      field: 'services.web.devices',
      message: 'not possible on Fargate',
    },
    { reason: 'ipc', lines: ['ipc: host'], field: 'services.web.ipc', message: 'not possible on Fargate' },
    { reason: 'pid', lines: ['pid: host'], field: 'services.web.pid', message: 'not possible on Fargate' },
    { reason: 'gpus', lines: ['gpus: all'], field: 'services.web.gpus', message: 'not possible on Fargate' },
    {
      reason: 'network_mode host',
      lines: ['network_mode: host'],
      field: 'services.web.network_mode',
      message: 'not possible on Fargate',
    },
    {
      reason: 'network_mode service:',
      lines: ['network_mode: "service:db"'],
      field: 'services.web.network_mode',
      message: 'not possible on Fargate',
    },
    {
      reason: 'a GPU reservation',
      lines: [
        'deploy:',
        '  resources:',
        '    reservations:',
        '      devices:',
        '        - capabilities: [gpu]',
      ],
      field: 'services.web.deploy.resources.reservations.devices',
      message: 'not possible on Fargate',
    },
    {
      reason: 'a published UDP port (short syntax)',
      lines: ['ports: ["53:53/udp"]'],
      field: 'services.web.ports[0]',
      message:
        'UDP port 53:53 cannot be published: the load balancer serves HTTP(S) only. To reach it from the ' +
        'stack\'s services, drop the host side ("53/udp") or use mode: host',
    },
    {
      reason: 'a published UDP port (long syntax)',
      lines: ['ports:', '  - { target: 53, published: 5353, protocol: udp, mode: ingress }'],
      field: 'services.web.ports[0]',
      message: 'UDP port 5353:53 cannot be published',
    },
    {
      reason: 'an SCTP port',
      lines: ['ports: ["80/sctp"]'],
      field: 'services.web.ports[0]',
      message: 'protocol must be tcp or udp',
    },
  ])('rejects $reason', ({ lines, field, message }) => {
    const error = loadError(service(...lines));
    expect(error.problems).toHaveLength(1);
    expect(error.problems[0]).toMatchObject({
      code: COMPOSE_PROBLEM.unsupported,
      field,
      message: expect.stringContaining(message),
    });
  });

  it.each([
    { reason: 'privileged: false', lines: ['privileged: false'] },
    { reason: 'an empty cap_add', lines: ['cap_add: []'] },
    { reason: 'UDP on a host port', lines: ['ports:', '  - { target: 53, protocol: udp, mode: host }'] },
    { reason: 'a container-only UDP port (private)', lines: ['ports: ["53/udp"]'] },
  ])('accepts $reason', ({ lines }) => {
    expect(loadOk(service(...lines)).services.web).toBeDefined();
  });
});

describe('fields stackctl does not carry over', () => {
  it.each([
    { key: 'links', lines: ['links: [db]'], line: 4 },
    { key: 'ulimits', lines: ['ulimits:', '  nofile: { soft: 1, hard: 2 }'], line: 4 },
    { key: 'tty', lines: ['tty: true'], line: 4 },
    { key: 'stdin_open', lines: ['stdin_open: true'], line: 4 },
    { key: 'security_opt', lines: ['security_opt: [no-new-privileges]'], line: 4 },
    { key: 'shm_size', lines: ['shm_size: 1g'], line: 4 },
    { key: 'platform', lines: ['platform: linux/arm64'], line: 4 },
    { key: 'runtime', lines: ['runtime: runc'], line: 4 },
    { key: 'configs', lines: ['configs: [app]'], line: 4 },
    { key: 'logging', lines: ['logging: { driver: json-file }'], line: 4 },
    { key: 'provider', lines: ['provider: { type: model }'], line: 4 },
    { key: 'x-develop', lines: ['x-develop: { watch: [] }'], line: 4 },
    { key: 'x-defang-llm', lines: ['x-defang-llm: true'], line: 4 },
    { key: 'x-defang-static-files', lines: ['x-defang-static-files: ./public'], line: 4 },
    { key: 'x-defang-mongodb', lines: ['x-defang-mongodb: true'], line: 4 },
    { key: 'network_mode', lines: ['network_mode: bridge'], line: 4 },
    {
      key: 'deploy.placement',
      lines: ['deploy:', '  placement: { constraints: [node.role==manager] }'],
      line: 5,
    },
    { key: 'deploy.mode', lines: ['deploy:', '  mode: global'], line: 5 },
    { key: 'deploy.update_config', lines: ['deploy:', '  update_config: { parallelism: 2 }'], line: 5 },
    {
      key: 'deploy.resources.limits.pids',
      lines: ['deploy:', '  resources:', '    limits: { pids: 100 }'],
      line: 6,
    },
    {
      key: 'healthcheck.start_interval',
      lines: ['healthcheck:', '  test: [CMD, "true"]', '  start_interval: 1s'],
      line: 6,
    },
    { key: 'healthcheck.x-note', lines: ['healthcheck:', '  test: [CMD, "true"]', '  x-note: hi'], line: 6 },
    { key: 'build.shm_size', lines: ['build:', '  context: .', '  shm_size: 2g'], line: 6 },
    { key: 'ports[0].name', lines: ['ports:', '  - { target: 80, name: web }'], line: 5 },
  ])('warns about $key, naming it, at line $line', ({ key, lines, line }) => {
    const model = loadOk(service(...lines));
    const warning = model.warnings.find((w) => w.field === `services.web.${key}`);
    expect(warning, JSON.stringify(model.warnings)).toMatchObject({
      code: COMPOSE_WARNING.ignoredField,
      location: { line },
    });
    expect(warning?.message).toContain(key.replace(/^.*\./, ''));
  });

  it.each([
    { reason: 'a service key', text: service('imagee: nginx'), field: 'services.web.imagee' },
    { reason: 'a top-level key', text: 'servics: {}\nservices:\n  web:\n    image: x\n', field: 'servics' },
    {
      reason: 'a healthcheck key',
      text: service('healthcheck:', '  tset: [CMD, "true"]'),
      field: 'services.web.healthcheck.tset',
    },
    {
      reason: 'a deploy key',
      text: service('deploy:', '  replica: 2'),
      field: 'services.web.deploy.replica',
    },
    {
      reason: 'a long-syntax port key',
      text: service('ports:', '  - { target: 80, publish: 80 }'),
      field: 'services.web.ports[0].publish',
    },
    {
      reason: 'an x-stackctl extension',
      text: service('x-stackctl-postgress: true'),
      field: 'services.web.x-stackctl-postgress',
    },
  ])('rejects an unknown field: $reason', ({ text, field }) => {
    const error = loadError(text);
    expect(error.problems.map((p) => [p.code, p.field])).toEqual([[COMPOSE_PROBLEM.unknownField, field]]);
    expect(error.problems[0]?.message).toContain(`"${field.replace(/^.*\./, '')}"`);
  });

  it('ignores version: and top-level x- extensions silently', () => {
    const model = loadOk('version: "3.9"\nx-common: &c\n  image: nginx\nservices:\n  web:\n    <<: *c\n');
    expect(model.warnings).toEqual([]);
    expect(model.services.web?.image).toBe('nginx');
  });

  it.each([
    {
      reason: 'top-level configs',
      text: 'configs:\n  app: { file: ./a }\nservices:\n  web:\n    image: x\n',
      field: 'configs',
    },
    {
      reason: 'a volume driver',
      text: 'volumes:\n  data: { driver: nfs }\nservices:\n  web:\n    image: x\n',
      field: 'volumes.data.driver',
    },
    {
      reason: 'an overlay network',
      text: 'networks:\n  n: { driver: overlay }\nservices:\n  web:\n    image: x\n',
      field: 'networks.n.driver',
    },
  ])('warns about $reason', ({ text, field }) => {
    expect(loadOk(text).warnings).toEqual([
      expect.objectContaining({ code: COMPOSE_WARNING.ignoredField, field }),
    ]);
  });
});
