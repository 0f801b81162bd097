/**
 * Several compose files merged in order (`-f compose.yaml -f b.yaml`), by the compose-spec merge rules
 * (13-merge.md; compose-go override/merge.go and uncity.go). Each row names the rule and gives the
 * expectation written by hand from the spec, not from our output.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMPOSE_PROBLEM, ComposeError, loadCompose } from '../../../../src/desired/compose/index.js';
import type { ComposeModel, ComposeService } from '../../../../src/desired/compose-types.js';
import { writeProject } from './project.js';

/** Writes `compose.yaml` plus the override files and loads them merged in the order given. */
function loadMerged(base: string, ...overrides: readonly string[]): ComposeModel {
  const files: Record<string, string> = { 'compose.yaml': base };
  overrides.forEach((text, i) => {
    files[`override-${i + 1}.yaml`] = text;
  });
  const dir = writeProject(files);
  return loadCompose({
    env: {},
    file: join(dir, 'compose.yaml'),
    overrides: overrides.map((_, i) => join(dir, `override-${i + 1}.yaml`)),
  });
}

function mergeError(base: string, ...overrides: readonly string[]): { error: ComposeError; dir: string } {
  const files: Record<string, string> = { 'compose.yaml': base };
  overrides.forEach((text, i) => {
    files[`override-${i + 1}.yaml`] = text;
  });
  const dir = writeProject(files);
  try {
    loadCompose({
      env: {},
      file: join(dir, 'compose.yaml'),
      overrides: overrides.map((_, i) => join(dir, `override-${i + 1}.yaml`)),
    });
  } catch (e) {
    if (e instanceof ComposeError) return { error: e, dir };
    throw e;
  }
  throw new Error('expected the files to be rejected');
}

const web = (body: string): string => `services:\n  web:\n${body.replace(/^/gm, '    ')}\n`;

interface Row {
  readonly reason: string;
  readonly base: string;
  readonly over: string;
  readonly expected: Partial<ComposeService>;
}

const ROWS: readonly Row[] = [
  {
    reason: 'a scalar is replaced by the later file',
    base: web('image: app:1'),
    over: web('image: app:2'),
    expected: { image: 'app:2' },
  },
  {
    reason: 'a null value leaves the earlier value (compose-go: `if o == nil return e`)',
    base: web('image: app:1'),
    over: web('image:\nhostname: web1'),
    expected: { image: 'app:1', hostname: 'web1' },
  },
  {
    reason: 'mappings merge key by key (deploy.resources.limits)',
    base: web('image: x\ndeploy:\n  resources:\n    limits: { cpus: "1", memory: 1g }'),
    over: web('deploy:\n  resources:\n    limits: { memory: 2g }'),
    expected: { limits: { cpus: 1, memoryMiB: 2048 } },
  },
  {
    reason: 'command is replaced, never concatenated',
    base: web('image: x\ncommand: ["serve", "--port", "80"]'),
    over: web('command: ["worker"]'),
    expected: { command: ['worker'] },
  },
  {
    reason: 'entrypoint is replaced',
    base: web('image: x\nentrypoint: ["/a", "-x"]'),
    over: web('entrypoint: /b'),
    expected: { entrypoint: ['/b'] },
  },
  {
    reason: 'healthcheck.test is replaced while the rest of healthcheck merges',
    base: web('image: x\nhealthcheck:\n  test: ["CMD", "a", "b"]\n  interval: 10s'),
    over: web('healthcheck:\n  test: ["CMD", "c"]'),
    expected: { healthcheck: { disable: false, test: ['CMD', 'c'], interval: 10 } },
  },
  {
    reason: 'environment merges by key across list and mapping forms, the later value winning',
    base: web('image: x\nenvironment: [A=1, B=1]'),
    over: web('environment: { B: "2", C: "3" }'),
    expected: { environment: { A: '1', B: '2', C: '3' } },
  },
  {
    reason: 'labels merge by key',
    base: web('image: x\nlabels: { team: core, tier: api }'),
    over: web('labels: [tier=web]'),
    expected: { labels: { team: 'core', tier: 'web' } },
  },
  {
    reason: 'expose is concatenated, a repeated port counting once',
    base: web('image: x\nexpose: [9000]'),
    over: web('expose: [9000, 9001]'),
    expected: { expose: [9000, 9001] },
  },
  {
    reason: 'volumes merge by mount target: the later mount of /data replaces the earlier one in place',
    base: `${web('image: x\nvolumes: ["data:/data", "cache:/cache"]')}volumes: { data: {}, cache: {} }\n`,
    over: `${web('volumes: ["other:/data"]')}volumes: { other: {} }\n`,
    expected: { volumes: ['other', 'cache'] },
  },
  {
    reason: 'secrets merge by mount path (short form s means /run/secrets/s)',
    base: `${web('image: x\nsecrets: [api_key]')}secrets: { api_key: { environment: API_KEY } }\n`,
    over: web('secrets: [{ source: api_key, target: /run/secrets/api_key }]'),
    expected: { secrets: ['api_key'] },
  },
  {
    reason: 'depends_on merges by service name across list and mapping forms',
    base: `${web('image: x\ndepends_on: [db]')}  db: { image: postgres }\n  cache: { image: redis }\n`,
    over: web('depends_on: { cache: { condition: service_healthy } }'),
    expected: {
      dependsOn: {
        db: { condition: 'service_started', required: true },
        cache: { condition: 'service_healthy', required: true },
      },
    },
  },
  {
    reason: 'networks merge by name',
    base: `${web('image: x\nnetworks: [front]')}networks: { front: {}, back: {} }\n`,
    over: web('networks: { back: {} }'),
    expected: { networks: ['front', 'back'] },
  },
  {
    reason: 'build: ./dir counts as { context: ./dir } and merges with a mapping',
    base: web('build: ./app'),
    over: web('build: { target: prod }'),
    expected: { build: { context: 'app', target: 'prod' } },
  },
  {
    reason: '!reset removes the value and everything earlier files set there',
    base: web('image: x\nports: ["80:80"]\nenvironment: { A: "1" }'),
    over: web('ports: !reset []\nenvironment: !reset {}'),
    expected: { ports: [], environment: {} },
  },
  {
    reason: '!reset on one key of a mapping removes only that key',
    base: web('image: x\nenvironment: { A: "1", B: "2" }'),
    over: web('environment:\n  B: !reset null'),
    expected: { environment: { A: '1' } },
  },
  {
    reason: '!override replaces a value that would otherwise merge',
    base: web('image: x\nenvironment: { A: "1", B: "2" }\nexpose: [9000]'),
    over: web('environment: !override { C: "3" }\nexpose: !override [9001]'),
    expected: { environment: { C: '3' }, expose: [9001] },
  },
];

describe('compose files merged in order', () => {
  it.each(ROWS)('$reason', ({ base, over, expected }) => {
    expect(loadMerged(base, over).services.web).toMatchObject(expected);
  });

  it('ports: a port written again counts once, a new one is added', () => {
    const model = loadMerged(web('image: x\nports: ["80:80"]'), web('ports: ["80:80", "8080:8080"]'));
    expect(model.services.web?.ports.map((p) => [p.published, p.target])).toEqual([
      [80, 80],
      [8080, 8080],
    ]);
  });

  it('adds services, volumes and networks only a later file defines', () => {
    const model = loadMerged(
      web('image: x'),
      'services:\n  worker:\n    image: w\n    volumes: [jobs:/jobs]\nvolumes:\n  jobs: {}\n',
    );
    expect(Object.keys(model.services)).toEqual(['web', 'worker']);
    expect(model.volumes).toEqual(['jobs']);
  });

  it('applies three files in order, the last one winning', () => {
    const model = loadMerged(web('image: a'), web('image: b'), web('image: c'));
    expect(model.services.web?.image).toBe('c');
    expect(model.files).toHaveLength(3);
  });

  it('keeps one-file models unchanged: no files list', () => {
    expect(loadMerged(web('image: a')).files).toBeUndefined();
  });

  it('names the file, line and column of a problem in a later file', () => {
    const { error, dir } = mergeError(web('image: x'), web('image: x\nports: ["not-a-port"]'));
    const problem = error.problems.find((p) => p.field === 'services.web.ports[0]');
    expect(problem?.location).toEqual({ file: join(dir, 'override-1.yaml'), line: 4, column: 13 });
    expect(error.message).toContain('override-1.yaml:4:13');
  });

  it('keeps pointing at the earlier file for a value only it set', () => {
    const { error, dir } = mergeError(web('image: x\nports: ["not-a-port"]'), web('hostname: h'));
    const problem = error.problems.find((p) => p.field === 'services.web.ports[0]');
    expect(problem?.location?.file).toBe(join(dir, 'compose.yaml'));
  });

  it('resolves extends within each file before merging, as compose does', () => {
    const model = loadMerged(
      'services:\n  base:\n    image: b\n    environment: { A: "1" }\n  web:\n    extends: base\n',
      web('environment: { B: "2" }'),
    );
    expect(model.services.web?.environment).toEqual({ A: '1', B: '2' });
  });

  it('resolves relative paths of every file against the project directory, as compose does', () => {
    const dir = writeProject({
      'compose.yaml': web('image: x'),
      'deploy/prod.yaml': web('build: ./app\nenv_file: [prod.env]'),
      'prod.env': 'MODE=prod\n',
    });
    const model = loadCompose({
      env: {},
      file: join(dir, 'compose.yaml'),
      overrides: [join(dir, 'deploy/prod.yaml')],
    });
    expect(model.services.web).toMatchObject({ build: { context: 'app' }, environment: { MODE: 'prod' } });
  });

  it('reports a later file that is not a mapping at that file', () => {
    const { error, dir } = mergeError(web('image: x'), '- a\n- b\n');
    expect(error.problems.map((p) => [p.code, p.location?.file])).toEqual([
      [COMPOSE_PROBLEM.invalidValue, join(dir, 'override-1.yaml')],
    ]);
  });
});
