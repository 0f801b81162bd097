import { describe, expect, it } from 'vitest';
import {
  explainStack,
  formatExplainEntry,
  parseStackFile,
  REDACTED,
  resolveStack,
} from '../../../../src/desired/stack/index.js';
import { composeModel, composeService, FIXTURE_COMPOSE_FILE } from '../../../helpers/compose-fixture.js';

const STACK_FILE = '.stackctl/prod.yaml';
const TOKEN = ['x9Kq2LmPz7Rt', 'V4bN8cWd3FhJ', '6sYgA1eU'].join('');

function explained(yaml: string, services = [composeService('web', { image: 'nginx:1.27', replicas: 2 })]) {
  const compose = composeModel({
    name: 'shop',
    services,
    locations: { name: { line: 1, column: 7 }, 'services.web.image': { line: 4, column: 12 } },
  });
  const resolved = resolveStack({
    compose,
    stackFile: parseStackFile(STACK_FILE, yaml),
    cli: { images: { web: 'nginx:1.29' } },
  });
  return explainStack(resolved);
}

describe('explainStack', () => {
  it('lists each setting once with the layer and place that set it', () => {
    const yaml = 'region: eu-west-1\nmode: high_availability\nservices:\n  web:\n    replicas: 4\n';

    const rows = explained(yaml);
    const row = (path: string) => rows.find((r) => r.path === path);

    expect(rows.map((r) => r.path)).toEqual([...new Set(rows.map((r) => r.path))]);
    expect(row('project')).toEqual({
      path: 'project',
      value: 'shop',
      layer: 'compose',
      location: { file: FIXTURE_COMPOSE_FILE, line: 1, column: 7 },
    });
    expect(row('mode')).toEqual({
      path: 'mode',
      value: 'high_availability',
      layer: 'stack-file',
      location: { file: STACK_FILE, line: 2, column: 7 },
    });
    expect(row('services.web.replicas')).toEqual({
      path: 'services.web.replicas',
      value: 4,
      layer: 'stack-file',
      location: { file: STACK_FILE, line: 5, column: 15 },
    });
    expect(row('services.web.image')).toEqual({
      path: 'services.web.image',
      value: 'nginx:1.29',
      layer: 'cli',
    });
    expect(row('services.web.cpu')).toMatchObject({ value: 256, layer: 'default' });
    expect(row('preset.natGateways')).toEqual({ path: 'preset.natGateways', value: 3, layer: 'mode' });
    expect(row('logRetentionDays')).toEqual({ path: 'logRetentionDays', value: 30, layer: 'mode' });
    expect(row('postgres.instanceClass')).toBeUndefined();
  });

  it('explains data services only when a compose service asks for them', () => {
    const rows = explained('region: eu-west-1\npostgres: { allocatedStorage: 50 }\n', [
      composeService('web', { image: 'nginx' }),
      composeService('db', { postgres: {} }),
    ]);

    expect(rows.find((r) => r.path === 'postgres.allocatedStorageGiB')).toMatchObject({
      value: 50,
      layer: 'stack-file',
    });
    expect(rows.some((r) => r.path.startsWith('redis.'))).toBe(false);
  });

  it('lists secret keys by name and redacts a compose literal that looks like a secret', () => {
    const web = composeService('web', {
      environment: { SESSION_KEY: TOKEN, API_TOKEN: null, LOG_LEVEL: 'info' },
    });

    const rows = explained('region: eu-west-1\n', [web]);

    expect(rows.find((r) => r.path === 'services.web.secretKeys')).toMatchObject({ value: ['API_TOKEN'] });
    expect(rows.find((r) => r.path === 'services.web.environment.SESSION_KEY')?.value).toBe(REDACTED);
    expect(rows.find((r) => r.path === 'services.web.environment.LOG_LEVEL')?.value).toBe('info');
    expect(JSON.stringify(rows)).not.toContain(TOKEN);
  });
});

describe('formatExplainEntry', () => {
  it.each([
    {
      reason: 'file layer with position',
      entry: {
        path: 'services.web.replicas',
        value: 4,
        layer: 'stack-file',
        location: { file: STACK_FILE, line: 7, column: 14 },
      },
      text: 'services.web.replicas = 4  (stack-file .stackctl/prod.yaml:7:14)',
    },
    {
      reason: 'layer without a place',
      entry: { path: 'region', value: 'eu-west-1', layer: 'cli' },
      text: 'region = "eu-west-1"  (cli)',
    },
    {
      reason: 'file without a position',
      entry: { path: 'project', value: 'shop', layer: 'default', location: { file: 'compose.yaml' } },
      text: 'project = "shop"  (default compose.yaml)',
    },
  ] as const)('$reason', ({ entry, text }) => {
    expect(formatExplainEntry(entry)).toBe(text);
  });
});
