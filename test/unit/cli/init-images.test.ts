import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildOnlyServices } from '../../../src/cli/commands/init.js';
import { parseStackFile, renderStackFileTemplate } from '../../../src/desired/stack/index.js';
import { cli } from './run-cli.js';

let dir: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'stackctl-init-images-'));
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('init: an image line for each service compose only builds', () => {
  it.each([
    {
      reason: 'a build-only service gets the image line naming --image; one with an image does not',
      compose: 'services:\n  api:\n    build: ./api\n  web:\n    image: nginx:1.27\n',
      buildOnly: ['api'],
      printed: ['  api: built from source by reconcile'],
    },
    {
      reason: 'build and image both given: compose tags what it builds, nothing is missing',
      compose: 'services:\n  api:\n    build: ./api\n    image: shop/api:1\n',
      buildOnly: [],
      printed: [],
    },
    {
      reason: 'every build-only service is named, in compose order',
      compose: 'services:\n  worker:\n    build: { context: ./worker }\n  api:\n    build: ./api\n',
      buildOnly: ['worker', 'api'],
      printed: ['  worker: built from source by reconcile', '  api: built from source by reconcile'],
    },
    {
      reason: 'a git context stackctl cannot build: the line says an image must be given',
      compose: 'services:\n  api:\n    build: https://github.com/example/api.git#main\n',
      buildOnly: ['api'],
      printed: ['  api: its build context is remote and stackctl cannot build it'],
    },
  ])('$reason', async ({ compose, buildOnly, printed }) => {
    writeFileSync(join(dir, 'compose.yaml'), compose);
    const result = await cli('init', '--stack', 'dev', '--region', 'eu-west-1', '-C', dir);
    expect(result.code, result.err).toBe(0);
    const file = join(dir, '.stackctl', 'dev.yaml');
    const text = readFileSync(file, 'utf8');
    for (const name of buildOnly) {
      if (!compose.includes('github.com'))
        expect(text).toContain(`compose only has \`build:\` for ${name}: reconcile builds it from source`);
      expect(text).toContain(`    # image: registry/${name}:tag`);
    }
    expect(text.match(/--image \S+=REF/g) ?? []).toHaveLength(buildOnly.length);
    if (compose.includes('github.com')) expect(text).toContain('which stackctl cannot build');
    const lines = result.out.split('\n').filter((l) => l.startsWith('  '));
    expect(lines).toHaveLength(printed.length);
    printed.forEach((p, i) => {
      expect(lines[i]).toContain(p);
      expect(lines[i]).toContain(`--image ${buildOnly[i]}=REF`);
    });
    // The file still loads: the image line is a comment until the user fills it in.
    expect(parseStackFile(file, text).region).toBe('eu-west-1');
  });

  it.each([
    { reason: 'no build', services: { web: { image: 'nginx' } }, expected: [] },
    { reason: 'build only', services: { api: { build: { context: '.' } } }, expected: ['api'] },
    {
      reason: 'build with image',
      services: { api: { build: { context: '.' }, image: 'a:1' } },
      expected: [],
    },
  ])('buildOnlyServices: $reason', ({ services, expected }) => {
    expect(buildOnlyServices(services)).toEqual(expected);
  });

  it('uncommenting the line gives the service its image', () => {
    const text = renderStackFileTemplate({ stack: 'dev', services: ['api'], buildOnly: ['api'] });
    const sf = parseStackFile('/tmp/p/.stackctl/dev.yaml', text.replace('    # image: ', '    image: '));
    expect(sf.services.api).toEqual({ image: 'registry/api:tag' });
  });
});
