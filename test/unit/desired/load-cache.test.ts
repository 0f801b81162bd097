// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings are compose templates, not JS template literals.
/**
 * The process-wide caches of the desired side (parsed YAML, compose models, stack files, resolved and
 * rendered stacks) must never serve a stale result: every input a load depends on, changed between two
 * loads in one process, gives the same result as a load with every cache empty.
 */
import { mkdirSync, mkdtempSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { contentKey, valueKeyPart, variablesKeyPart } from '../../../src/desired/content-cache.js';
import {
  clearDesiredCaches,
  type LoadStackProjectOptions,
  loadStackProject,
  type StackProject,
} from '../../../src/desired/load-project.js';
import { canonicalJson } from '../../../src/diff/canonical-json.js';

const created: string[] = [];
afterAll(() => {
  for (const dir of created) rmSync(dir, { recursive: true, force: true });
});
afterEach(() => {
  delete process.env.STACKCTL_CACHE_TEST_TAG;
});

const COMPOSE = [
  'name: cachetest',
  'services:',
  '  web:',
  '    image: nginx:${TAG:-1.26}',
  '    environment:',
  '      A: ${A:-unset}',
  '  worker:',
  '    build: ./worker',
  '    profiles: [jobs]',
  '',
].join('\n');

const STACK = 'region: eu-west-1\nmode: affordable\n';

function writeProject(files: Readonly<Record<string, string>>): string {
  const dir = mkdtempSync(join(tmpdir(), 'stackctl-cache-'));
  created.push(dir);
  mkdirSync(join(dir, '.stackctl'));
  for (const [name, text] of Object.entries({
    'compose.yaml': COMPOSE,
    '.stackctl/dev.yaml': STACK,
    ...files,
  }))
    writeFileSync(join(dir, name), text);
  return dir;
}

/** Rewrites a file and puts its modification time back: only its bytes say it changed. */
function rewrite(dir: string, name: string, text: string): void {
  const file = join(dir, name);
  const { atime, mtime } = statSync(file);
  writeFileSync(file, text);
  utimesSync(file, atime, mtime);
}

/** What a load produced, as text: the compose services, the resolved stack's services and the resources. */
function probe(p: StackProject): string {
  return canonicalJson({
    compose: p.compose.services,
    warnings: p.compose.warnings,
    resolved: p.resolved.services,
    desired: p.desired.resources,
  });
}

interface Row {
  readonly reason: string;
  readonly files?: Readonly<Record<string, string>>;
  readonly before?: Partial<LoadStackProjectOptions>;
  readonly after?: Partial<LoadStackProjectOptions>;
  readonly change?: (dir: string) => void;
  /** Load without `env`, so interpolation reads process.env. */
  readonly processEnv?: boolean;
}

const ROWS: readonly Row[] = [
  {
    reason: 'compose file edited (same length, same mtime): keyed by bytes, not size or time',
    change: (dir) => rewrite(dir, 'compose.yaml', COMPOSE.replace('1.26', '1.27')),
  },
  {
    reason: 'shell variable changed',
    before: { env: { TAG: '2.0' } },
    after: { env: { TAG: '3.0' } },
  },
  {
    reason: 'shell variable added',
    before: { env: {} },
    after: { env: { A: 'from-shell' } },
  },
  {
    reason: 'process.env changed when no env is passed',
    processEnv: true,
    change: () => {
      process.env.STACKCTL_CACHE_TEST_TAG = '9.9';
    },
    files: { 'compose.yaml': COMPOSE.replace('${TAG:-1.26}', '${STACKCTL_CACHE_TEST_TAG:-1.26}') },
  },
  {
    reason: "stack file's env: changed (a new compose interpolation)",
    files: { '.stackctl/dev.yaml': `${STACK}env:\n  A: one\n` },
    change: (dir) => rewrite(dir, '.stackctl/dev.yaml', `${STACK}env:\n  A: two\n`),
  },
  {
    reason: 'project .env created',
    change: (dir) => writeFileSync(join(dir, '.env'), 'A=from-dotenv\n'),
  },
  {
    reason: 'project .env edited',
    files: { '.env': 'A=first\n' },
    change: (dir) => rewrite(dir, '.env', 'A=other\n'),
  },
  {
    reason: 'env_file edited (a file outside the compose key: such a model is never cached)',
    files: {
      'compose.yaml': COMPOSE.replace('    environment:\n', '    env_file: web.env\n    environment:\n'),
      'web.env': 'B=first\n',
    },
    change: (dir) => rewrite(dir, 'web.env', 'B=other\n'),
  },
  {
    reason: 'extends from another file edited (never cached either)',
    files: {
      'compose.yaml': COMPOSE.replace(
        '    image: nginx:${TAG:-1.26}\n',
        '    extends: { file: base.yaml, service: base }\n',
      ),
      'base.yaml': 'services:\n  base:\n    image: nginx:1.26\n',
    },
    change: (dir) => rewrite(dir, 'base.yaml', 'services:\n  base:\n    image: nginx:1.27\n'),
  },
  {
    reason: 'profiles asked for changed',
    before: { profiles: [], deployedImages: { worker: 'busybox:1' } },
    after: { profiles: ['jobs'], deployedImages: { worker: 'busybox:1' } },
  },
  {
    reason: 'stack file edited (replicas), same mtime',
    change: (dir) => rewrite(dir, '.stackctl/dev.yaml', `${STACK}services:\n  web:\n    replicas: 2\n`),
  },
  {
    reason: 'cli override changed',
    before: { cli: { replicas: { web: 2 } } },
    after: { cli: { replicas: { web: 3 } } },
  },
  {
    reason: 'deployed images changed',
    before: { profiles: ['jobs'], deployedImages: { worker: 'busybox:1' } },
    after: { profiles: ['jobs'], deployedImages: { worker: 'busybox:2' } },
  },
  {
    reason: 'project name override changed',
    before: { projectOverride: 'one' },
    after: { projectOverride: 'two' },
  },
];

describe('desired-side caches', () => {
  it.each(ROWS)('a change gives a fresh result: $reason', (row) => {
    const dir = writeProject(row.files ?? {});
    const base = { cwd: dir, stack: 'dev', ...(row.processEnv ? {} : { env: {} }) };
    const first = loadStackProject({ ...base, ...row.before });
    row.change?.(dir);
    const options = { ...base, ...row.before, ...row.after };
    const again = probe(loadStackProject(options));
    clearDesiredCaches();
    const fresh = probe(loadStackProject(options));
    expect(again).toBe(fresh);
    expect(again).not.toBe(probe(first)); // the change matters, so a stale result would have failed
  });

  it('serves the same render when nothing changed', () => {
    const dir = writeProject({});
    const first = loadStackProject({ cwd: dir, stack: 'dev', env: {} });
    const second = loadStackProject({ cwd: dir, stack: 'dev', env: {} });
    expect(second.desired).toBe(first.desired);
    expect(second.compose).toBe(first.compose);
  });

  it('never caches a failure: a fixed compose file loads', () => {
    const dir = writeProject({ 'compose.yaml': `${COMPOSE}  broken: [\n` });
    expect(() => loadStackProject({ cwd: dir, stack: 'dev', env: {} })).toThrow();
    writeFileSync(join(dir, 'compose.yaml'), COMPOSE);
    expect(loadStackProject({ cwd: dir, stack: 'dev', env: {} }).compose.services.web).toBeDefined();
  });
});

describe('content key parts', () => {
  it.each([
    {
      reason: 'NaN and Infinity are different replica counts',
      a: valueKeyPart({ replicas: { web: Number.NaN } }),
      b: valueKeyPart({ replicas: { web: Number.POSITIVE_INFINITY } }),
    },
    { reason: 'a number and its string differ', a: valueKeyPart({ x: 1 }), b: valueKeyPart({ x: '1' }) },
    {
      reason: 'a member set to undefined differs from a missing one',
      a: valueKeyPart({ region: undefined }),
      b: valueKeyPart({}),
    },
    {
      reason: 'a variable present as undefined differs from an absent one (it hides the stack env)',
      a: variablesKeyPart({ A: undefined }),
      b: variablesKeyPart({}),
    },
    {
      reason: 'an empty .env differs from no .env',
      a: contentKey(['x', '']),
      b: contentKey(['x', undefined]),
    },
    {
      reason: 'parts are length-prefixed, so moving text between parts changes the key',
      a: contentKey(['ab', 'c']),
      b: contentKey(['a', 'bc']),
    },
  ])('$reason', ({ a, b }) => {
    expect(a).not.toBe(b);
  });

  it('variables in another order give the same key', () => {
    expect(variablesKeyPart({ A: '1', B: '2' })).toBe(variablesKeyPart({ B: '2', A: '1' }));
  });
});
