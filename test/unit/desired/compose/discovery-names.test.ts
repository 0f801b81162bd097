import { describe, expect, it } from 'vitest';
import { COMPOSE_PROBLEM } from '../../../../src/desired/compose/index.js';
import { loadError, loadOk } from './project.js';

/** A compose file with one `web` service (fields from `lines`) and a declared `backnet` network. */
function project(...lines: readonly string[]): string {
  return [
    'services:',
    '  web:',
    '    image: nginx',
    ...lines.map((l) => `    ${l}`),
    'networks:',
    '  backnet: {}',
    '',
  ].join('\n');
}

describe('names other services reach a service by (hostname, container_name, network aliases)', () => {
  it.each([
    {
      reason: 'hostname is kept, not warned about',
      lines: ['hostname: backend'],
      expected: { hostname: 'backend', networks: ['default'] },
    },
    {
      reason: 'container_name is kept as containerName',
      lines: ['container_name: web-1'],
      expected: { containerName: 'web-1', networks: ['default'] },
    },
    {
      reason: 'long-form network aliases are kept per network; networks stays the list of names',
      lines: ['networks:', '  backnet:', '    aliases: [api, rest, api]', '  default: {}'],
      expected: { networks: ['backnet', 'default'], networkAliases: { backnet: ['api', 'rest'] } },
    },
    {
      reason: 'the short (list) form has no aliases',
      lines: ['networks: [backnet]'],
      expected: { networks: ['backnet'] },
    },
  ])('$reason', ({ lines, expected }) => {
    const model = loadOk(project(...lines));
    const web = model.services.web;
    expect({
      hostname: web?.hostname,
      containerName: web?.containerName,
      networks: web?.networks,
      networkAliases: web?.networkAliases,
    }).toEqual({
      hostname: undefined,
      containerName: undefined,
      networkAliases: undefined,
      ...expected,
    });
    const fields = model.warnings.map((w) => w.field ?? '');
    expect(fields.filter((f) => /hostname|container_name|aliases/.test(f))).toEqual([]);
  });

  it('still warns about the other per-network settings ECS has no use for', () => {
    const model = loadOk(project('networks:', '  backnet:', '    ipv4_address: 10.0.0.9'));
    expect(model.warnings.map((w) => w.field)).toContain('services.web.networks.backnet.ipv4_address');
  });

  it('rejects aliases that are not a list of strings, at their line', () => {
    const error = loadError(project('networks:', '  backnet:', '    aliases: api'));
    expect(error.problems).toContainEqual(
      expect.objectContaining({
        code: COMPOSE_PROBLEM.invalidValue,
        field: 'services.web.networks.backnet.aliases',
      }),
    );
  });
});
